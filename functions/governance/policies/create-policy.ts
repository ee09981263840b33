import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { createPolicyRequest } from '#shared/governance/policy-schemas.ts';
import { createPolicy } from '#shared/governance/policies.ts';

export const handler = createHandler('governance-policies-create', async (request) => {
  const { body } = validateRequest(createPolicyRequest, request);
  const policy = await createPolicy(tenantOf(request), body);
  return jsonResponse(201, policy, { Location: `/api/policies/${policy.id}` });
});
