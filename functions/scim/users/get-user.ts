import { createHandler } from '#shared/http/create-handler.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { getUser } from '#shared/scim/users.ts';
import { matchesIfNoneMatch, versionTag } from '#shared/scim/resource-store.ts';
import { resourceResponse, scimContextOf } from '#shared/scim/scim-http.ts';
import { getUserRequest } from '#shared/scim/request-schemas.ts';

export const handler = createHandler('scim-users-get', async (request) => {
  validateRequest(getUserRequest, request);
  const { organizationId } = scimContextOf(request);
  const { resource, item } = await getUser(organizationId, request.pathParameters.id ?? '');
  if (matchesIfNoneMatch(request.headers['if-none-match'], item)) return { statusCode: 304, headers: { ETag: versionTag(item) }, body: '' };
  return resourceResponse(request, 200, 'User', resource);
});
