import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { listGroupsRequest } from '#shared/directory/schemas.ts';
import { listGroups } from '#shared/directory/groups.ts';

export const handler = createHandler('directory-groups-list', async (request) => {
  const { query } = validateRequest(listGroupsRequest, request);
  const { organizationId } = tenantOf(request);
  return jsonResponse(200, await listGroups(organizationId, query));
});
