import { createHandler } from '#shared/http/create-handler.ts';
import { scimResponse } from '#shared/http/responses.ts';
import { listResources, readListRequest } from '#shared/scim/list-resources.ts';
import { userListing } from '#shared/scim/listables.ts';
import { scimContextOf } from '#shared/scim/scim-http.ts';

export const handler = createHandler('scim-users-list', async (request) => {
  const { organizationId } = scimContextOf(request);
  return scimResponse(200, await listResources(organizationId, userListing, readListRequest(request.query)));
});
