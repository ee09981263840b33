import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { listUserGroupsRequest } from '#shared/directory/schemas.ts';
import { listUserGroups } from '#shared/directory/users.ts';

export const handler = createHandler('directory-users-groups-list', async (request) => {
  const { query } = validateRequest(listUserGroupsRequest, request);
  const { organizationId } = tenantOf(request);
  return jsonResponse(200, await listUserGroups(organizationId, request.pathParameters.id ?? '', query));
});
