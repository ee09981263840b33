import { createHandler } from '#shared/http/create-handler.ts';
import { noContent } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { revokeClient } from '#shared/identity/apis.ts';

export const handler = createHandler('identity-apis-clients-revoke', async (request) => {
  const { organizationId, actor, origin } = tenantOf(request);
  await revokeClient(organizationId, request.pathParameters.apiId ?? '', request.pathParameters.clientId ?? '', actor, origin);
  return noContent();
});
