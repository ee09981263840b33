import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { listAuthorizedClients } from '#shared/identity/apis.ts';

export const handler = createHandler('identity-apis-clients-list', async (request) => {
  const { organizationId } = tenantOf(request);
  return jsonResponse(200, await listAuthorizedClients(organizationId, request.pathParameters.apiId ?? ''));
});
