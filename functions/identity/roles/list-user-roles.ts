import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { assignedRoles } from '#shared/identity/roles.ts';

export const handler = createHandler('identity-users-roles-list', async (request) => {
  const { organizationId } = tenantOf(request);
  const roles = await assignedRoles(organizationId, { kind: 'user', id: request.pathParameters.userId ?? '' });
  return jsonResponse(200, { items: roles });
});
