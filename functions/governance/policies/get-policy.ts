import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { getPolicy } from '#shared/governance/policies.ts';

export const handler = createHandler('governance-policies-get', async (request) => {
  return jsonResponse(200, await getPolicy(tenantOf(request), request.pathParameters.id ?? ''));
});
