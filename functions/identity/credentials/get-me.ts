import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';

export const handler = createHandler('identity-me', async (request) => {
  const { principal } = tenantOf(request);
  return jsonResponse(200, {
    organizationId: principal.organizationId,
    principalType: principal.kind,
    ...(principal.kind === 'user' ? { userId: principal.userId } : { clientId: principal.clientId }),
    scopes: [...principal.scopes].sort(),
  });
});
