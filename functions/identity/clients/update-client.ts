import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { updateClientRequest } from '#shared/identity/schemas.ts';
import { updateClient } from '#shared/identity/clients.ts';

export const handler = createHandler('identity-clients-update', async (request) => {
  const { body } = validateRequest(updateClientRequest, request);
  const { organizationId, actor, origin } = tenantOf(request);
  const client = await updateClient(organizationId, request.pathParameters.clientId ?? '', body, actor, origin);
  return jsonResponse(200, { ...client, credentials: null });
});
