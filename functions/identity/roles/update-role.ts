import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validate } from '#shared/http/validation.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { roleUpdateBody } from '#shared/identity/schemas.ts';
import { updateRole, type RoleInput } from '#shared/identity/roles.ts';

export const handler = createHandler('identity-roles-update', async (request) => {
  const body = validate(roleUpdateBody, request.body, 'body') as Partial<RoleInput>;
  const { organizationId, principal, origin, actor } = tenantOf(request);
  return jsonResponse(200, await updateRole(organizationId, request.pathParameters.roleId ?? '', body, principal, origin, actor));
});
