import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { issuer } from '#shared/auth/access-tokens.ts';
import { allPlatformScopes } from '#shared/identity/scopes.ts';

export const handler = createHandler('oauth-openid-configuration', async () => {
  const base = issuer();
  return jsonResponse(
    200,
    {
      issuer: base,
      token_endpoint: `${base}/oauth/token`,
      jwks_uri: `${base}/.well-known/jwks.json`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      token_endpoint_auth_signing_alg_values_supported: ['RS256'],
      scopes_supported: allPlatformScopes,
      response_types_supported: ['token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
    },
    { 'Cache-Control': 'public, max-age=3600' },
  );
});
