import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { getGroup } from '#shared/directory/groups.ts';

export const handler = createHandler('directory-groups-get', async (request) => {
  const { organizationId } = tenantOf(request);
  return jsonResponse(200, await getGroup(organizationId, request.pathParameters.id ?? ''));
});
