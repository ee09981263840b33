import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { listUsersRequest } from '#shared/directory/schemas.ts';
import { listUsers } from '#shared/directory/users.ts';

export const handler = createHandler('directory-users-list', async (request) => {
  const { query } = validateRequest(listUsersRequest, request);
  const { organizationId } = tenantOf(request);
  return jsonResponse(200, await listUsers(organizationId, query));
});
