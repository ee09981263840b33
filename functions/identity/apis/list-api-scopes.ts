import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { getApi } from '#shared/identity/apis.ts';

export const handler = createHandler('identity-apis-scopes-list', async (request) => {
  const { organizationId } = tenantOf(request);
  const api = await getApi(organizationId, request.pathParameters.apiId ?? '');
  return jsonResponse(200, { items: api.scopes });
});
