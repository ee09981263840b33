import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { createRoleRequest } from '#shared/identity/schemas.ts';
import { createRole, type RoleInput } from '#shared/identity/roles.ts';

export const handler = createHandler('identity-roles-create', async (request) => {
  const body = validateRequest(createRoleRequest, request).body as RoleInput;
  const { organizationId, principal, origin, actor } = tenantOf(request);
  const role = await createRole(organizationId, body, principal, origin, actor);
  return jsonResponse(201, role, { Location: `/api/identity/v1/roles/${role.id}` });
});
