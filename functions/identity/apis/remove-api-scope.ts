import { createHandler } from '#shared/http/create-handler.ts';
import { noContent } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { removeApiScope } from '#shared/identity/apis.ts';

export const handler = createHandler('identity-apis-scopes-remove', async (request) => {
  const { organizationId, actor, origin } = tenantOf(request);
  await removeApiScope(organizationId, request.pathParameters.apiId ?? '', request.pathParameters.scope ?? '', actor, origin);
  return noContent();
});
