import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { decideItemRequest } from '#shared/governance/access-review-schemas.ts';
import { decideItem } from '#shared/governance/access-reviews.ts';

export const handler = createHandler('governance-review-items-decide', async (request) => {
  const { body } = validateRequest(decideItemRequest, request);
  return jsonResponse(200, await decideItem(tenantOf(request), request.pathParameters.id ?? '', request.pathParameters.itemId ?? '', body));
});
