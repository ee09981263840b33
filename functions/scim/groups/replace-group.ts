import { createHandler } from '#shared/http/create-handler.ts';
import { getGroup, replaceGroup } from '#shared/scim/groups.ts';
import { attributeWanted } from '#shared/scim/list-resources.ts';
import { projectionOf, resourceResponse, scimContextOf } from '#shared/scim/scim-http.ts';

export const handler = createHandler('scim-groups-replace', async (request) => {
  const context = scimContextOf(request);
  const id = request.pathParameters.id ?? '';
  await replaceGroup(context, id, request.body, request.headers['if-match']);
  const { resource } = await getGroup(context.organizationId, id, attributeWanted(projectionOf(request), 'members'));
  return resourceResponse(request, 200, 'Group', resource);
});
