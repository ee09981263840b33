import { createHandler } from '#shared/http/create-handler.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { scimResponse } from '#shared/http/responses.ts';
import { searchAllResources } from '#shared/scim/search-all.ts';
import { readSearchRequest } from '#shared/scim/search-request.ts';
import { readListRequest } from '#shared/scim/list-resources.ts';
import { scimContextOf } from '#shared/scim/scim-http.ts';
import { searchAllRequest } from '#shared/scim/request-schemas.ts';

export const handler = createHandler('scim-search-all', async (request) => {
  validateRequest(searchAllRequest, request);
  const { organizationId } = scimContextOf(request);
  return scimResponse(200, await searchAllResources(organizationId, readListRequest(readSearchRequest(request.body))));
});
