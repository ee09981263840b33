import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validate } from '#shared/http/validation.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { expandQuery } from '#shared/identity/schemas.ts';
import { getApi } from '#shared/identity/apis.ts';
import { presentApi } from '#shared/identity/present-api.ts';

const query = expandQuery(['scopes', 'clients']);

export const handler = createHandler('identity-apis-get', async (request) => {
  const { expand } = validate(query, request.query, 'query');
  const { organizationId } = tenantOf(request);
  const api = await getApi(organizationId, request.pathParameters.apiId ?? '');
  return jsonResponse(200, await presentApi(organizationId, api, expand));
});
