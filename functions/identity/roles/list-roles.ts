import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { pageOf } from '#shared/http/paging.ts';
import { listRolesRequest } from '#shared/identity/schemas.ts';
import { listRoles } from '#shared/identity/roles.ts';

export const handler = createHandler('identity-roles-list', async (request) => {
  const { pageSize, pageNumber } = validateRequest(listRolesRequest, request).query;
  const { organizationId } = tenantOf(request);
  return jsonResponse(200, pageOf(await listRoles(organizationId), pageSize, pageNumber));
});
