import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { getUser } from '#shared/directory/users.ts';

export const handler = createHandler('directory-users-get', async (request) => {
  const { organizationId } = tenantOf(request);
  return jsonResponse(200, await getUser(organizationId, request.pathParameters.id ?? ''));
});
