import { createHandler } from '#shared/http/create-handler.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { createUser } from '#shared/scim/users.ts';
import { resourceResponse, scimContextOf } from '#shared/scim/scim-http.ts';
import { createUserRequest } from '#shared/scim/request-schemas.ts';

export const handler = createHandler('scim-users-create', async (request) => {
  validateRequest(createUserRequest, request);
  const resource = await createUser(scimContextOf(request), request.body);
  return resourceResponse(request, 201, 'User', resource);
});
