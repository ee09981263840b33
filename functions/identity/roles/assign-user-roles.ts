import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { assignUserRolesRequest } from '#shared/identity/schemas.ts';
import { assignRoles } from '#shared/identity/roles.ts';

export const handler = createHandler('identity-users-roles-assign', async (request) => {
  const { roles } = validateRequest(assignUserRolesRequest, request).body;
  const { organizationId, principal, origin, actor } = tenantOf(request);
  const assigned = await assignRoles(organizationId, { kind: 'user', id: request.pathParameters.userId ?? '' }, roles, principal, origin, actor);
  return jsonResponse(201, { items: assigned });
});
