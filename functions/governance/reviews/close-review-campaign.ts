import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { closeCampaign } from '#shared/governance/access-reviews.ts';

export const handler = createHandler('governance-review-campaigns-close', async (request) => {
  return jsonResponse(200, await closeCampaign(tenantOf(request), request.pathParameters.id ?? ''));
});
