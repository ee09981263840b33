import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { listPoliciesRequest } from '#shared/governance/policy-schemas.ts';
import { listPolicies } from '#shared/governance/policies.ts';

export const handler = createHandler('governance-policies-list', async (request) => {
  const { query } = validateRequest(listPoliciesRequest, request);
  return jsonResponse(200, await listPolicies(tenantOf(request), query));
});
