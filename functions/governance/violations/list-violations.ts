import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { listViolationsRequest } from '#shared/governance/policy-schemas.ts';
import { listViolations } from '#shared/governance/policies.ts';

export const handler = createHandler('governance-violations-list', async (request) => {
  const { query } = validateRequest(listViolationsRequest, request);
  return jsonResponse(200, await listViolations(tenantOf(request), query));
});
