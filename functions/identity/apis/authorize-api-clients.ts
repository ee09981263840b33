import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validate } from '#shared/http/validation.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { authorizeClientsBody } from '#shared/identity/schemas.ts';
import { authorizeClients } from '#shared/identity/apis.ts';

export const handler = createHandler('identity-apis-clients-authorize', async (request) => {
  const body = validate(authorizeClientsBody, request.body, 'body');
  const { organizationId, actor, origin } = tenantOf(request);
  return jsonResponse(201, await authorizeClients(organizationId, request.pathParameters.apiId ?? '', body, actor, origin));
});
