import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validate } from '#shared/http/validation.ts';
import { originOf } from '#shared/http/request-context.ts';
import { loginBody } from '#shared/identity/schemas.ts';
import { login } from '#shared/identity/login.ts';

export const handler = createHandler('identity-login', async (request) => {
  const body = validate(loginBody, request.body, 'body');
  const result = await login(body.emailAddress, body.password, originOf(request));
  return jsonResponse(200, result, { 'Cache-Control': 'no-store' });
});
