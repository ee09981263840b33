import { createHandler } from '#shared/http/create-handler.ts';
import { patchUser } from '#shared/scim/users.ts';
import { resourceResponse, scimContextOf } from '#shared/scim/scim-http.ts';

export const handler = createHandler('scim-users-patch', async (request) => {
  const resource = await patchUser(scimContextOf(request), request.pathParameters.id ?? '', request.body, request.headers['if-match']);
  return resourceResponse(request, 200, 'User', resource);
});
