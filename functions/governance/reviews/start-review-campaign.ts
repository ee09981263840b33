import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { startCampaign } from '#shared/governance/access-reviews.ts';

export const handler = createHandler('governance-review-campaigns-start', async (request) => {
  return jsonResponse(200, await startCampaign(tenantOf(request), request.pathParameters.id ?? ''));
});
