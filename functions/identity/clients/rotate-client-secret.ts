import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { rotateClientSecret } from '#shared/identity/clients.ts';

export const handler = createHandler('identity-clients-rotate-secret', async (request) => {
  const { organizationId, actor, origin } = tenantOf(request);
  const credentials = await rotateClientSecret(organizationId, request.pathParameters.clientId ?? '', actor, origin);
  return jsonResponse(200, { credentials }, { 'Cache-Control': 'no-store' });
});
