import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validate } from '#shared/http/validation.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { clientBody, expandQuery } from '#shared/identity/schemas.ts';
import { createClient } from '#shared/identity/clients.ts';

const query = expandQuery(['credentials']);

export const handler = createHandler('identity-clients-create', async (request) => {
  const { expand } = validate(query, request.query, 'query');
  const body = validate(clientBody, request.body, 'body');
  const { organizationId, actor, origin } = tenantOf(request);
  const { client, credentials } = await createClient(organizationId, body, actor, origin);
  return jsonResponse(
    201,
    { ...client, credentials: expand.has('credentials') ? credentials : null },
    { Location: `/api/identity/v1/clients/${client.clientId}`, 'Cache-Control': 'no-store' },
  );
});
