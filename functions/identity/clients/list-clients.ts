import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validate } from '#shared/http/validation.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { pageOf, pageQuerySchema } from '#shared/http/paging.ts';
import { listClients } from '#shared/identity/clients.ts';

const query = pageQuerySchema({ pageSize: 20, maxPageSize: 100 });

export const handler = createHandler('identity-clients-list', async (request) => {
  const { pageSize, pageNumber } = validate(query, request.query, 'query');
  const { organizationId } = tenantOf(request);
  const page = pageOf(await listClients(organizationId), pageSize, pageNumber);
  return jsonResponse(200, { items: page.items.map((client) => ({ ...client, credentials: null })), pageInfo: page.pageInfo });
});
