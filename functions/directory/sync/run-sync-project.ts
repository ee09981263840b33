import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { queueSyncRun } from '#shared/directory/sync-projects.ts';

/** 202 with the run id: the run executes in the `sync-run` worker; follow it at /api/sync/history/{runId}. */
export const handler = createHandler('directory-sync-projects-run', async (request) => {
  const { organizationId, actor, origin } = tenantOf(request);
  const queued = await queueSyncRun(organizationId, request.pathParameters.id ?? '', actor, origin);
  return jsonResponse(202, queued, { Location: `/api/sync/history/${queued.runId}` });
});
