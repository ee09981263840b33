import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validate } from '#shared/http/validation.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { expandQuery } from '#shared/identity/schemas.ts';
import { getClient, readClientCredentials } from '#shared/identity/clients.ts';

const query = expandQuery(['credentials']);

export const handler = createHandler('identity-clients-get', async (request) => {
  const { expand } = validate(query, request.query, 'query');
  const { organizationId, principal } = tenantOf(request);
  const clientId = request.pathParameters.clientId ?? '';
  const client = await getClient(organizationId, clientId);
  const credentials = expand.has('credentials') ? await readClientCredentials(principal, organizationId, clientId) : null;
  return jsonResponse(200, { ...client, credentials }, credentials ? { 'Cache-Control': 'no-store' } : {});
});
