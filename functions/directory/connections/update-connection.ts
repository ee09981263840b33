import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { updateConnectionRequest } from '#shared/directory/connection-schemas.ts';
import { updateConnection } from '#shared/directory/connections.ts';

export const handler = createHandler('directory-connections-update', async (request) => {
  const { body } = validateRequest(updateConnectionRequest, request);
  const { organizationId, actor, origin } = tenantOf(request);
  return jsonResponse(200, await updateConnection(organizationId, request.pathParameters.id ?? '', body, actor, origin));
});
