import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { listPersonsRequest } from '#shared/directory/schemas.ts';
import { listPersons } from '#shared/directory/persons.ts';

export const handler = createHandler('directory-persons-list', async (request) => {
  const { query } = validateRequest(listPersonsRequest, request);
  const { organizationId } = tenantOf(request);
  return jsonResponse(200, await listPersons(organizationId, query));
});
