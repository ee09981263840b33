import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validate } from '#shared/http/validation.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { apiUpdateBody } from '#shared/identity/schemas.ts';
import { updateApi } from '#shared/identity/apis.ts';

export const handler = createHandler('identity-apis-update', async (request) => {
  const body = validate(apiUpdateBody, request.body, 'body');
  const { organizationId, actor, origin } = tenantOf(request);
  return jsonResponse(200, await updateApi(organizationId, request.pathParameters.apiId ?? '', body, actor, origin));
});
