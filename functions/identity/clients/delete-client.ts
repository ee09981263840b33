import { createHandler } from '#shared/http/create-handler.ts';
import { noContent } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { deleteClient } from '#shared/identity/clients.ts';

export const handler = createHandler('identity-clients-delete', async (request) => {
  const { organizationId, actor, origin } = tenantOf(request);
  await deleteClient(organizationId, request.pathParameters.clientId ?? '', actor, origin);
  return noContent();
});
