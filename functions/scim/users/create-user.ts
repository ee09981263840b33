import { createHandler } from '#shared/http/create-handler.ts';
import { createUser } from '#shared/scim/users.ts';
import { resourceResponse, scimContextOf } from '#shared/scim/scim-http.ts';

export const handler = createHandler('scim-users-create', async (request) => {
  const resource = await createUser(scimContextOf(request), request.body);
  return resourceResponse(request, 201, 'User', resource);
});
