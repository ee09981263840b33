import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { actorOfRequest, originOf } from '#shared/http/request-context.ts';
import { createOrganizationRequest } from '#shared/identity/schemas.ts';
import { createOrganization } from '#shared/identity/organizations.ts';

export const handler = createHandler('identity-organizations-create', async (request) => {
  const { body } = validateRequest(createOrganizationRequest, request);
  const created = await createOrganization(body, actorOfRequest(request), originOf(request));
  return jsonResponse(201, created, { Location: `/api/identity/v1/organizations/${created.organizationId}` });
});
