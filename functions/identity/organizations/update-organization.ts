import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { actorOfRequest, originOf } from '#shared/http/request-context.ts';
import { updateOrganizationRequest } from '#shared/identity/schemas.ts';
import { updateOrganization } from '#shared/identity/organizations.ts';

export const handler = createHandler('identity-organizations-update', async (request) => {
  const { body } = validateRequest(updateOrganizationRequest, request);
  const organizationId = request.pathParameters.organizationId ?? '';
  return jsonResponse(200, await updateOrganization(organizationId, body, actorOfRequest(request), originOf(request)));
});
