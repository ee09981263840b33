import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { listItemsRequest } from '#shared/governance/access-review-schemas.ts';
import { listItems } from '#shared/governance/access-reviews.ts';

export const handler = createHandler('governance-review-items-list', async (request) => {
  const { query } = validateRequest(listItemsRequest, request);
  return jsonResponse(200, await listItems(tenantOf(request), request.pathParameters.id ?? '', query));
});
