import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validate } from '#shared/http/validation.ts';
import { actorOfRequest, originOf } from '#shared/http/request-context.ts';
import { createOrganizationBody } from '#shared/identity/schemas.ts';
import { createOrganization } from '#shared/identity/organizations.ts';

export const handler = createHandler('identity-organizations-create', async (request) => {
  const body = validate(createOrganizationBody, request.body, 'body');
  const created = await createOrganization(body, actorOfRequest(request), originOf(request));
  return jsonResponse(201, created, { Location: `/api/identity/v1/organizations/${created.organizationId}` });
});
