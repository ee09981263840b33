import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { testConnection } from '#shared/directory/connections.ts';

/** Always 200 for a directory that fails: the result says why (`success: false`, reason, result code). */
export const handler = createHandler('directory-connections-test', async (request) => {
  const { organizationId, actor, origin } = tenantOf(request);
  return jsonResponse(200, await testConnection(organizationId, request.pathParameters.id ?? '', actor, origin), { 'Cache-Control': 'no-store' });
});
