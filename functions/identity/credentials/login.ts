import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { originOf } from '#shared/http/request-context.ts';
import { loginRequest } from '#shared/identity/schemas.ts';
import { login } from '#shared/identity/login.ts';

export const handler = createHandler('identity-login', async (request) => {
  const { body } = validateRequest(loginRequest, request);
  const result = await login(body.emailAddress, body.password, originOf(request));
  return jsonResponse(200, result, { 'Cache-Control': 'no-store' });
});
