import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { updateSyncProjectRequest } from '#shared/directory/sync-schemas.ts';
import { updateSyncProject } from '#shared/directory/sync-projects.ts';

export const handler = createHandler('directory-sync-projects-update', async (request) => {
  const { body } = validateRequest(updateSyncProjectRequest, request);
  const { organizationId, actor, origin } = tenantOf(request);
  return jsonResponse(200, await updateSyncProject(organizationId, request.pathParameters.id ?? '', body, actor, origin));
});
