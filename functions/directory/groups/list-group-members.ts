import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { listGroupMembersRequest } from '#shared/directory/schemas.ts';
import { listGroupMembers } from '#shared/directory/groups.ts';

export const handler = createHandler('directory-groups-members-list', async (request) => {
  const { query } = validateRequest(listGroupMembersRequest, request);
  const { organizationId } = tenantOf(request);
  return jsonResponse(200, await listGroupMembers(organizationId, request.pathParameters.id ?? '', query));
});
