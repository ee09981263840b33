import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { createCampaignRequest } from '#shared/governance/access-review-schemas.ts';
import { createCampaign } from '#shared/governance/access-reviews.ts';

export const handler = createHandler('governance-review-campaigns-create', async (request) => {
  const { body } = validateRequest(createCampaignRequest, request);
  const campaign = await createCampaign(tenantOf(request), body);
  return jsonResponse(201, campaign, { Location: `/api/reviews/campaigns/${campaign.id}` });
});
