import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { originOf } from '#shared/http/request-context.ts';
import { issueTokenRequest } from '#shared/identity/schemas.ts';
import { clientCredentialsGrant } from '#shared/identity/client-credentials-grant.ts';
import { readTokenRequest } from '#shared/identity/token-request.ts';

export const handler = createHandler('oauth-token', async (request) => {
  const { body: form } = validateRequest(issueTokenRequest, request);
  const tokenRequest = readTokenRequest(form, request.query, request.headers.authorization);
  const token = await clientCredentialsGrant(tokenRequest, originOf(request));
  return jsonResponse(200, token, { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
});
