import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { getSyncProject } from '#shared/directory/sync-projects.ts';

export const handler = createHandler('directory-sync-projects-get', async (request) => {
  const { organizationId } = tenantOf(request);
  return jsonResponse(200, await getSyncProject(organizationId, request.pathParameters.id ?? ''));
});
