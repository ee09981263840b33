import { createHandler } from '#shared/http/create-handler.ts';
import { getGroup } from '#shared/scim/groups.ts';
import { attributeWanted } from '#shared/scim/list-resources.ts';
import { matchesIfNoneMatch, versionTag } from '#shared/scim/resource-store.ts';
import { projectionOf, resourceResponse, scimContextOf } from '#shared/scim/scim-http.ts';

export const handler = createHandler('scim-groups-get', async (request) => {
  const { organizationId } = scimContextOf(request);
  const { resource, item } = await getGroup(organizationId, request.pathParameters.id ?? '', attributeWanted(projectionOf(request), 'members'));
  if (matchesIfNoneMatch(request.headers['if-none-match'], item)) return { statusCode: 304, headers: { ETag: versionTag(item) }, body: '' };
  return resourceResponse(request, 200, 'Group', resource);
});
