import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { getRole } from '#shared/identity/roles.ts';

export const handler = createHandler('identity-roles-get', async (request) => {
  const { organizationId } = tenantOf(request);
  return jsonResponse(200, await getRole(organizationId, request.pathParameters.roleId ?? ''));
});
