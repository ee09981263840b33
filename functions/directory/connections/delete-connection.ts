import { createHandler } from '#shared/http/create-handler.ts';
import { noContent } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { deleteConnection } from '#shared/directory/connections.ts';

export const handler = createHandler('directory-connections-delete', async (request) => {
  const { organizationId, actor, origin } = tenantOf(request);
  await deleteConnection(organizationId, request.pathParameters.id ?? '', actor, origin);
  return noContent();
});
