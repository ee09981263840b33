import { createHandler } from '#shared/http/create-handler.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { createGroup } from '#shared/scim/groups.ts';
import { resourceResponse, scimContextOf } from '#shared/scim/scim-http.ts';
import { createGroupRequest } from '#shared/scim/request-schemas.ts';

export const handler = createHandler('scim-groups-create', async (request) => {
  validateRequest(createGroupRequest, request);
  const resource = await createGroup(scimContextOf(request), request.body);
  return resourceResponse(request, 201, 'Group', resource);
});
