import { createHandler } from '#shared/http/create-handler.ts';
import { noContent } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { unassignRole } from '#shared/identity/roles.ts';

export const handler = createHandler('identity-groups-roles-remove', async (request) => {
  const { organizationId, principal, origin, actor } = tenantOf(request);
  const holder = { kind: 'group' as const, id: request.pathParameters.groupId ?? '' };
  await unassignRole(organizationId, holder, request.pathParameters.roleId ?? '', principal, origin, actor);
  return noContent();
});
