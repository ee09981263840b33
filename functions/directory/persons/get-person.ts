import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { getPerson } from '#shared/directory/persons.ts';

export const handler = createHandler('directory-persons-get', async (request) => {
  const { organizationId } = tenantOf(request);
  return jsonResponse(200, await getPerson(organizationId, request.pathParameters.id ?? ''));
});
