import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { syncRunDetailRequest } from '#shared/directory/sync-schemas.ts';
import { getSyncRun } from '#shared/directory/sync-projects.ts';

/** The run with one page (`page`, `pageSize`) of its per-object change records. */
export const handler = createHandler('directory-sync-history-get', async (request) => {
  const { query } = validateRequest(syncRunDetailRequest, request);
  const { organizationId } = tenantOf(request);
  return jsonResponse(200, await getSyncRun(organizationId, request.pathParameters.id ?? '', query));
});
