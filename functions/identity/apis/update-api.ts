import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { updateApiRequest } from '#shared/identity/schemas.ts';
import { updateApi } from '#shared/identity/apis.ts';

export const handler = createHandler('identity-apis-update', async (request) => {
  const { body } = validateRequest(updateApiRequest, request);
  const { organizationId, actor, origin } = tenantOf(request);
  return jsonResponse(200, await updateApi(organizationId, request.pathParameters.apiId ?? '', body, actor, origin));
});
