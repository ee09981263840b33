import { createHandler } from '#shared/http/create-handler.ts';
import { noContent } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { deleteRole } from '#shared/identity/roles.ts';

export const handler = createHandler('identity-roles-delete', async (request) => {
  const { organizationId, origin, actor } = tenantOf(request);
  await deleteRole(organizationId, request.pathParameters.roleId ?? '', origin, actor);
  return noContent();
});
