import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { ignoreViolationRequest } from '#shared/governance/policy-schemas.ts';
import { ignoreViolation } from '#shared/governance/policies.ts';

export const handler = createHandler('governance-violations-ignore', async (request) => {
  const { body } = validateRequest(ignoreViolationRequest, request);
  return jsonResponse(200, await ignoreViolation(tenantOf(request), request.pathParameters.id ?? '', body));
});
