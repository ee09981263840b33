import { createHandler } from '#shared/http/create-handler.ts';
import { noContent } from '#shared/http/responses.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { deletePolicy } from '#shared/governance/policies.ts';

export const handler = createHandler('governance-policies-delete', async (request) => {
  await deletePolicy(tenantOf(request), request.pathParameters.id ?? '');
  return noContent();
});
