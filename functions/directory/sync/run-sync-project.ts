import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { runSyncProjectRequest } from '#shared/directory/sync-schemas.ts';
import { queueSyncRun } from '#shared/directory/sync-projects.ts';

/**
 * 202 with the run id: the run executes in the `sync-run` worker; follow it at /api/sync/history/{runId}.
 * The optional body asks for a dry run, the application of a dry run's plan, a threshold override or one object.
 */
export const handler = createHandler('directory-sync-projects-run', async (request) => {
  const { body } = validateRequest(runSyncProjectRequest, request);
  const { organizationId, actor, origin } = tenantOf(request);
  const queued = await queueSyncRun(organizationId, request.pathParameters.id ?? '', body ?? {}, actor, origin);
  return jsonResponse(202, queued, { Location: `/api/sync/history/${queued.runId}` });
});
