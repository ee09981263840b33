import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { updatePolicyRequest } from '#shared/governance/policy-schemas.ts';
import { updatePolicy } from '#shared/governance/policies.ts';

export const handler = createHandler('governance-policies-update', async (request) => {
  const { body } = validateRequest(updatePolicyRequest, request);
  return jsonResponse(200, await updatePolicy(tenantOf(request), request.pathParameters.id ?? '', body));
});
