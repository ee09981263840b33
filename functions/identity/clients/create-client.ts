import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { createClientRequest } from '#shared/identity/schemas.ts';
import { createClient } from '#shared/identity/clients.ts';

export const handler = createHandler('identity-clients-create', async (request) => {
  const { query: { expand }, body } = validateRequest(createClientRequest, request);
  const { organizationId, actor, origin } = tenantOf(request);
  const { client, credentials } = await createClient(organizationId, body, actor, origin);
  return jsonResponse(
    201,
    { ...client, credentials: expand.has('credentials') ? credentials : null },
    { Location: `/api/identity/v1/clients/${client.clientId}`, 'Cache-Control': 'no-store' },
  );
});
