import { createHandler } from '#shared/http/create-handler.ts';
import { noContent } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { deleteApi } from '#shared/identity/apis.ts';

export const handler = createHandler('identity-apis-delete', async (request) => {
  const { organizationId, actor, origin } = tenantOf(request);
  await deleteApi(organizationId, request.pathParameters.apiId ?? '', actor, origin);
  return noContent();
});
