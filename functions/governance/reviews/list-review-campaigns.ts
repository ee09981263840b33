import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { listCampaignsRequest } from '#shared/governance/access-review-schemas.ts';
import { listCampaigns } from '#shared/governance/access-reviews.ts';

export const handler = createHandler('governance-review-campaigns-list', async (request) => {
  const { query } = validateRequest(listCampaignsRequest, request);
  return jsonResponse(200, await listCampaigns(tenantOf(request), query));
});
