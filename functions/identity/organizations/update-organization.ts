import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validate } from '#shared/http/validation.ts';
import { actorOfRequest, originOf } from '#shared/http/request-context.ts';
import { updateOrganizationBody } from '#shared/identity/schemas.ts';
import { updateOrganization } from '#shared/identity/organizations.ts';

export const handler = createHandler('identity-organizations-update', async (request) => {
  const body = validate(updateOrganizationBody, request.body, 'body');
  const organizationId = request.pathParameters.organizationId ?? '';
  return jsonResponse(200, await updateOrganization(organizationId, body, actorOfRequest(request), originOf(request)));
});
