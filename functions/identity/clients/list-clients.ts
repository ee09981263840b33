import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { pageOf } from '#shared/http/paging.ts';
import { listClientsRequest } from '#shared/identity/schemas.ts';
import { listClients } from '#shared/identity/clients.ts';

export const handler = createHandler('identity-clients-list', async (request) => {
  const { pageSize, pageNumber } = validateRequest(listClientsRequest, request).query;
  const { organizationId } = tenantOf(request);
  const page = pageOf(await listClients(organizationId), pageSize, pageNumber);
  return jsonResponse(200, { items: page.items.map((client) => ({ ...client, credentials: null })), pageInfo: page.pageInfo });
});
