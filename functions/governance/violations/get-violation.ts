import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { getViolation } from '#shared/governance/policies.ts';

export const handler = createHandler('governance-violations-get', async (request) => {
  return jsonResponse(200, await getViolation(tenantOf(request), request.pathParameters.id ?? ''));
});
