import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { getApiRequest } from '#shared/identity/schemas.ts';
import { getApi } from '#shared/identity/apis.ts';
import { presentApi } from '#shared/identity/present-api.ts';

export const handler = createHandler('identity-apis-get', async (request) => {
  const { expand } = validateRequest(getApiRequest, request).query;
  const { organizationId } = tenantOf(request);
  const api = await getApi(organizationId, request.pathParameters.apiId ?? '');
  return jsonResponse(200, await presentApi(organizationId, api, expand));
});
