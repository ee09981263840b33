import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validate } from '#shared/http/validation.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { pageOf, pageQuerySchema } from '#shared/http/paging.ts';
import { listRoles } from '#shared/identity/roles.ts';

const query = pageQuerySchema({ pageSize: 20, maxPageSize: 100 });

export const handler = createHandler('identity-roles-list', async (request) => {
  const { pageSize, pageNumber } = validate(query, request.query, 'query');
  const { organizationId } = tenantOf(request);
  return jsonResponse(200, pageOf(await listRoles(organizationId), pageSize, pageNumber));
});
