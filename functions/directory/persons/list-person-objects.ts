import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { listPersonObjectsRequest } from '#shared/directory/schemas.ts';
import { listPersonObjects } from '#shared/directory/persons.ts';

export const handler = createHandler('directory-persons-objects-list', async (request) => {
  const { query } = validateRequest(listPersonObjectsRequest, request);
  const { organizationId } = tenantOf(request);
  return jsonResponse(200, await listPersonObjects(organizationId, request.pathParameters.id ?? '', query));
});
