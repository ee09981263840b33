import { createHandler } from '#shared/http/create-handler.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { getGroup, replaceGroup } from '#shared/scim/groups.ts';
import { attributeWanted } from '#shared/scim/list-resources.ts';
import { projectionOf, resourceResponse, scimContextOf } from '#shared/scim/scim-http.ts';
import { replaceGroupRequest } from '#shared/scim/request-schemas.ts';

export const handler = createHandler('scim-groups-replace', async (request) => {
  validateRequest(replaceGroupRequest, request);
  const context = scimContextOf(request);
  const id = request.pathParameters.id ?? '';
  await replaceGroup(context, id, request.body, request.headers['if-match']);
  const { resource } = await getGroup(context.organizationId, id, attributeWanted(projectionOf(request), 'members'));
  return resourceResponse(request, 200, 'Group', resource);
});
