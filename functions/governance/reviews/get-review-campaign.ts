import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { getCampaign } from '#shared/governance/access-reviews.ts';

export const handler = createHandler('governance-review-campaigns-get', async (request) => {
  return jsonResponse(200, await getCampaign(tenantOf(request), request.pathParameters.id ?? ''));
});
