import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { listPolicyViolationsRequest } from '#shared/governance/policy-schemas.ts';
import { listPolicyViolations } from '#shared/governance/policies.ts';

export const handler = createHandler('governance-policy-violations-list', async (request) => {
  const { query } = validateRequest(listPolicyViolationsRequest, request);
  return jsonResponse(200, await listPolicyViolations(tenantOf(request), request.pathParameters.id ?? '', query));
});
