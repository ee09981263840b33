import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validate } from '#shared/http/validation.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { roleBody } from '#shared/identity/schemas.ts';
import { createRole, type RoleInput } from '#shared/identity/roles.ts';

export const handler = createHandler('identity-roles-create', async (request) => {
  const body = validate(roleBody, request.body, 'body') as RoleInput;
  const { organizationId, principal, origin, actor } = tenantOf(request);
  const role = await createRole(organizationId, body, principal, origin, actor);
  return jsonResponse(201, role, { Location: `/api/identity/v1/roles/${role.id}` });
});
