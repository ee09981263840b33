import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { getObject } from '#shared/directory/objects.ts';

export const handler = createHandler('directory-objects-get', async (request) => {
  const { organizationId } = tenantOf(request);
  return jsonResponse(200, await getObject(organizationId, request.pathParameters.id ?? ''));
});
