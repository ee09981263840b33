import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { syncHistoryRequest } from '#shared/directory/sync-schemas.ts';
import { listSyncHistory } from '#shared/directory/sync-projects.ts';

export const handler = createHandler('directory-sync-history-list', async (request) => {
  const { query } = validateRequest(syncHistoryRequest, request);
  const { organizationId } = tenantOf(request);
  return jsonResponse(200, await listSyncHistory(organizationId, query));
});
