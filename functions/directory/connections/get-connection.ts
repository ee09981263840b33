import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { getConnection } from '#shared/directory/connections.ts';

export const handler = createHandler('directory-connections-get', async (request) => {
  const { organizationId } = tenantOf(request);
  return jsonResponse(200, await getConnection(organizationId, request.pathParameters.id ?? ''));
});
