import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { listConnectionsRequest } from '#shared/directory/connection-schemas.ts';
import { listConnections } from '#shared/directory/connections.ts';

export const handler = createHandler('directory-connections-list', async (request) => {
  const { query } = validateRequest(listConnectionsRequest, request);
  const { organizationId, origin } = tenantOf(request);
  return jsonResponse(200, await listConnections(organizationId, query, origin));
});
