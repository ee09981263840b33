import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { createSyncProjectRequest } from '#shared/directory/sync-schemas.ts';
import { createSyncProject } from '#shared/directory/sync-projects.ts';

export const handler = createHandler('directory-sync-projects-create', async (request) => {
  const { body } = validateRequest(createSyncProjectRequest, request);
  const { organizationId, actor, origin } = tenantOf(request);
  const project = await createSyncProject(organizationId, body, actor, origin);
  return jsonResponse(201, project, { Location: `/api/sync/projects/${project.id}` });
});
