import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { acknowledgeViolationRequest } from '#shared/governance/policy-schemas.ts';
import { acknowledgeViolation } from '#shared/governance/policies.ts';

export const handler = createHandler('governance-violations-acknowledge', async (request) => {
  const { body } = validateRequest(acknowledgeViolationRequest, request);
  return jsonResponse(200, await acknowledgeViolation(tenantOf(request), request.pathParameters.id ?? '', body));
});
