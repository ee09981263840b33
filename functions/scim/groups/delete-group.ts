import { createHandler } from '#shared/http/create-handler.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { noContent } from '#shared/http/responses.ts';
import { deleteGroup } from '#shared/scim/groups.ts';
import { scimContextOf } from '#shared/scim/scim-http.ts';
import { deleteGroupRequest } from '#shared/scim/request-schemas.ts';

export const handler = createHandler('scim-groups-delete', async (request) => {
  validateRequest(deleteGroupRequest, request);
  await deleteGroup(scimContextOf(request), request.pathParameters.id ?? '', request.headers['if-match']);
  return noContent();
});
