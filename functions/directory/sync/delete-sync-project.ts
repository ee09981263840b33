import { createHandler } from '#shared/http/create-handler.ts';
import { noContent } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { deleteSyncProject } from '#shared/directory/sync-projects.ts';

export const handler = createHandler('directory-sync-projects-delete', async (request) => {
  const { organizationId, actor, origin } = tenantOf(request);
  await deleteSyncProject(organizationId, request.pathParameters.id ?? '', actor, origin);
  return noContent();
});
