import { createHandler } from '#shared/http/create-handler.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { noContent } from '#shared/http/responses.ts';
import { getGroup, patchGroup } from '#shared/scim/groups.ts';
import { attributeWanted } from '#shared/scim/list-resources.ts';
import { projectionOf, resourceResponse, scimContextOf } from '#shared/scim/scim-http.ts';
import { versionTag } from '#shared/scim/resource-store.ts';
import { patchGroupRequest } from '#shared/scim/request-schemas.ts';

/**
 * Group PATCH answers 204 (RFC 7644 §3.5.2 allows it; Entra and Okta ignore the body and large
 * groups would make it expensive) unless the client asks for attributes, then 200 with the group.
 */
export const handler = createHandler('scim-groups-patch', async (request) => {
  validateRequest(patchGroupRequest, request);
  const context = scimContextOf(request);
  const id = request.pathParameters.id ?? '';
  const item = await patchGroup(context, id, request.body, request.headers['if-match']);
  if (request.query.attributes === undefined && request.query.excludedAttributes === undefined) return noContent({ ETag: versionTag(item) });
  const current = await getGroup(context.organizationId, id, attributeWanted(projectionOf(request), 'members'));
  return resourceResponse(request, 200, 'Group', current.resource);
});
