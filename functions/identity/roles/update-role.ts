import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { updateRoleRequest } from '#shared/identity/schemas.ts';
import { updateRole, type RoleInput } from '#shared/identity/roles.ts';

export const handler = createHandler('identity-roles-update', async (request) => {
  const body = validateRequest(updateRoleRequest, request).body as Partial<RoleInput>;
  const { organizationId, principal, origin, actor } = tenantOf(request);
  return jsonResponse(200, await updateRole(organizationId, request.pathParameters.roleId ?? '', body, principal, origin, actor));
});
