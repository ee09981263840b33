import { createHandler } from '#shared/http/create-handler.ts';
import { replaceUser } from '#shared/scim/users.ts';
import { resourceResponse, scimContextOf } from '#shared/scim/scim-http.ts';

export const handler = createHandler('scim-users-replace', async (request) => {
  const resource = await replaceUser(scimContextOf(request), request.pathParameters.id ?? '', request.body, request.headers['if-match']);
  return resourceResponse(request, 200, 'User', resource);
});
