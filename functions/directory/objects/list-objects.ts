import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { listObjectsRequest } from '#shared/directory/schemas.ts';
import { listObjects } from '#shared/directory/objects.ts';

export const handler = createHandler('directory-objects-list', async (request) => {
  const { query } = validateRequest(listObjectsRequest, request);
  const { organizationId } = tenantOf(request);
  return jsonResponse(200, await listObjects(organizationId, query));
});
