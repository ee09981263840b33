import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { createConnectionRequest } from '#shared/directory/connection-schemas.ts';
import { createConnection } from '#shared/directory/connections.ts';

export const handler = createHandler('directory-connections-create', async (request) => {
  const { body } = validateRequest(createConnectionRequest, request);
  const { organizationId, actor, origin } = tenantOf(request);
  const connection = await createConnection(organizationId, body, actor, origin);
  return jsonResponse(201, connection, { Location: `/api/connections/${connection.id}` });
});
