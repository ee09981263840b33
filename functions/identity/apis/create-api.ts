import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { createApiRequest } from '#shared/identity/schemas.ts';
import { createApi } from '#shared/identity/apis.ts';

export const handler = createHandler('identity-apis-create', async (request) => {
  const { body } = validateRequest(createApiRequest, request);
  const { organizationId, actor, origin } = tenantOf(request);
  const api = await createApi(organizationId, body, actor, origin);
  return jsonResponse(201, api, { Location: `/api/identity/v1/apis/${api.id}` });
});
