import { createHandler } from '#shared/http/create-handler.ts';
import { noContent } from '#shared/http/responses.ts';
import { deleteUser } from '#shared/scim/users.ts';
import { scimContextOf } from '#shared/scim/scim-http.ts';

export const handler = createHandler('scim-users-delete', async (request) => {
  await deleteUser(scimContextOf(request), request.pathParameters.id ?? '', request.headers['if-match']);
  return noContent();
});
