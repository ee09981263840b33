import { createHandler } from '#shared/http/create-handler.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { getGroup } from '#shared/scim/groups.ts';
import { attributeWanted } from '#shared/scim/list-resources.ts';
import { matchesIfNoneMatch, versionTag } from '#shared/scim/resource-store.ts';
import { projectionOf, resourceResponse, scimContextOf } from '#shared/scim/scim-http.ts';
import { getGroupRequest } from '#shared/scim/request-schemas.ts';

export const handler = createHandler('scim-groups-get', async (request) => {
  validateRequest(getGroupRequest, request);
  const { organizationId } = scimContextOf(request);
  const { resource, item } = await getGroup(organizationId, request.pathParameters.id ?? '', attributeWanted(projectionOf(request), 'members'));
  if (matchesIfNoneMatch(request.headers['if-none-match'], item)) return { statusCode: 304, headers: { ETag: versionTag(item) }, body: '' };
  return resourceResponse(request, 200, 'Group', resource);
});
