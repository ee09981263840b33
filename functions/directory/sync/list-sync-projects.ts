import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { listSyncProjectsRequest } from '#shared/directory/sync-schemas.ts';
import { listSyncProjects } from '#shared/directory/sync-projects.ts';

export const handler = createHandler('directory-sync-projects-list', async (request) => {
  const { query } = validateRequest(listSyncProjectsRequest, request);
  const { organizationId } = tenantOf(request);
  return jsonResponse(200, await listSyncProjects(organizationId, query));
});
