import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { getClientRequest } from '#shared/identity/schemas.ts';
import { getClient, readClientCredentials } from '#shared/identity/clients.ts';

export const handler = createHandler('identity-clients-get', async (request) => {
  const { expand } = validateRequest(getClientRequest, request).query;
  const { organizationId, principal } = tenantOf(request);
  const clientId = request.pathParameters.clientId ?? '';
  const client = await getClient(organizationId, clientId);
  const credentials = expand.has('credentials') ? await readClientCredentials(principal, organizationId, clientId) : null;
  return jsonResponse(200, { ...client, credentials }, credentials ? { 'Cache-Control': 'no-store' } : {});
});
