import { createHandler } from '#shared/http/create-handler.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { replaceUser } from '#shared/scim/users.ts';
import { resourceResponse, scimContextOf } from '#shared/scim/scim-http.ts';
import { replaceUserRequest } from '#shared/scim/request-schemas.ts';

export const handler = createHandler('scim-users-replace', async (request) => {
  validateRequest(replaceUserRequest, request);
  const resource = await replaceUser(scimContextOf(request), request.pathParameters.id ?? '', request.body, request.headers['if-match']);
  return resourceResponse(request, 200, 'User', resource);
});
