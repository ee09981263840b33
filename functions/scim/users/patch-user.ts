import { createHandler } from '#shared/http/create-handler.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { patchUser } from '#shared/scim/users.ts';
import { resourceResponse, scimContextOf } from '#shared/scim/scim-http.ts';
import { patchUserRequest } from '#shared/scim/request-schemas.ts';

export const handler = createHandler('scim-users-patch', async (request) => {
  validateRequest(patchUserRequest, request);
  const resource = await patchUser(scimContextOf(request), request.pathParameters.id ?? '', request.body, request.headers['if-match']);
  return resourceResponse(request, 200, 'User', resource);
});
