import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validate } from '#shared/http/validation.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { addScopesBody } from '#shared/identity/schemas.ts';
import { addApiScopes } from '#shared/identity/apis.ts';

export const handler = createHandler('identity-apis-scopes-add', async (request) => {
  const scopes = validate(addScopesBody, request.body, 'body');
  const { organizationId, actor, origin } = tenantOf(request);
  return jsonResponse(201, { items: await addApiScopes(organizationId, request.pathParameters.apiId ?? '', scopes, actor, origin) });
});
