import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { getObjectAttributes } from '#shared/directory/objects.ts';

export const handler = createHandler('directory-objects-attributes-get', async (request) => {
  const { organizationId } = tenantOf(request);
  return jsonResponse(200, await getObjectAttributes(organizationId, request.pathParameters.id ?? ''));
});
