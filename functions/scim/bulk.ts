import { createHandler } from '#shared/http/create-handler.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { scimResponse } from '#shared/http/responses.ts';
import { platformConfig } from '#shared/config.ts';
import { runBulk } from '#shared/scim/bulk.ts';
import { SCIM_BASE_PATH } from '#shared/scim/scim-config.ts';
import { scimContextOf } from '#shared/scim/scim-http.ts';
import { bulkRequest } from '#shared/scim/request-schemas.ts';

export const handler = createHandler('scim-bulk', async (request) => {
  validateRequest(bulkRequest, request);
  const result = await runBulk(scimContextOf(request), request.body, `${platformConfig().publicBaseUrl}${SCIM_BASE_PATH}`, request.requestId);
  return scimResponse(200, result);
});
