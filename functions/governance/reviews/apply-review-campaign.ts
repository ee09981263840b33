import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { applyCampaignRequest } from '#shared/governance/access-review-schemas.ts';
import { applyCampaign } from '#shared/governance/access-reviews.ts';

export const handler = createHandler('governance-review-campaigns-apply', async (request) => {
  const { body } = validateRequest(applyCampaignRequest, request);
  return jsonResponse(200, await applyCampaign(tenantOf(request), request.pathParameters.id ?? '', body));
});
