import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { addApiScopesRequest } from '#shared/identity/schemas.ts';
import { addApiScopes } from '#shared/identity/apis.ts';

export const handler = createHandler('identity-apis-scopes-add', async (request) => {
  const { body: scopes } = validateRequest(addApiScopesRequest, request);
  const { organizationId, actor, origin } = tenantOf(request);
  return jsonResponse(201, { items: await addApiScopes(organizationId, request.pathParameters.apiId ?? '', scopes, actor, origin) });
});
