import { createHandler } from '#shared/http/create-handler.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { noContent } from '#shared/http/responses.ts';
import { deleteUser } from '#shared/scim/users.ts';
import { scimContextOf } from '#shared/scim/scim-http.ts';
import { deleteUserRequest } from '#shared/scim/request-schemas.ts';

export const handler = createHandler('scim-users-delete', async (request) => {
  validateRequest(deleteUserRequest, request);
  await deleteUser(scimContextOf(request), request.pathParameters.id ?? '', request.headers['if-match']);
  return noContent();
});
