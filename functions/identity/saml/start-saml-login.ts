import { createHandler } from '#shared/http/create-handler.ts';
import { validate } from '#shared/http/validation.ts';
import { originOf } from '#shared/http/request-context.ts';
import { loginQuery } from '#shared/saml/schemas.ts';
import { startSamlLogin } from '#shared/saml/authn-request.ts';

export const handler = createHandler('identity-saml-login', async (request) => {
  const query = validate(loginQuery(), request.query, 'query');
  const { location } = await startSamlLogin(query.organization, query.RelayState, originOf(request));
  return { statusCode: 302, headers: { Location: location, 'Cache-Control': 'no-store' }, body: '' };
});
