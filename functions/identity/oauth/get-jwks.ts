import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { publishedKeys } from '#shared/auth/signing-keys.ts';

export const handler = createHandler('oauth-jwks', async () => {
  return jsonResponse(200, { keys: await publishedKeys() }, { 'Cache-Control': 'public, max-age=300' });
});
