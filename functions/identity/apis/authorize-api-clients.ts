import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { authorizeApiClientsRequest } from '#shared/identity/schemas.ts';
import { authorizeClients } from '#shared/identity/apis.ts';

export const handler = createHandler('identity-apis-clients-authorize', async (request) => {
  const { body } = validateRequest(authorizeApiClientsRequest, request);
  const { organizationId, actor, origin } = tenantOf(request);
  return jsonResponse(201, await authorizeClients(organizationId, request.pathParameters.apiId ?? '', body, actor, origin));
});
