import { createHandler } from '#shared/http/create-handler.ts';
import { validate } from '#shared/http/validation.ts';
import { originOf } from '#shared/http/request-context.ts';
import { acsForm } from '#shared/saml/schemas.ts';
import { consumeSamlResponse } from '#shared/saml/acs.ts';
import { acsResponse, prefersJson } from '#shared/saml/acs-response.ts';

export const handler = createHandler('identity-saml-acs', async (request) => {
  const form = validate(acsForm(), request.body, 'form');
  const outcome = await consumeSamlResponse(request.pathParameters.organizationId ?? '', form.SAMLResponse, form.RelayState, originOf(request));
  return acsResponse(outcome, prefersJson(request.headers.accept));
});
