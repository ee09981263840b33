import { OAuthError } from '../errors/domain-errors.ts';
import type { TokenRequest } from './client-credentials-grant.ts';
import { TOKEN_CLIENT_ID_MAX_LENGTH, TOKEN_CLIENT_SECRET_MAX_LENGTH } from './schemas.ts';

function decodeBasicCredentials(authorization: string): { clientId: string; clientSecret: string } {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(authorization.trim());
  if (!match) throw new OAuthError('invalid_client', 'The Authorization header must use the Basic scheme for client authentication.');
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 0) throw new OAuthError('invalid_client', 'Malformed Basic credentials.');
  try {
    // RFC 6749 §2.3.1: client id and secret are form-urlencoded before Basic encoding.
    const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
    const credentials = { clientId: formDecode(decoded.slice(0, separator)), clientSecret: formDecode(decoded.slice(separator + 1)) };
    // The same bounds as the form fields: the client id becomes a key lookup.
    if (credentials.clientId.length > TOKEN_CLIENT_ID_MAX_LENGTH || credentials.clientSecret.length > TOKEN_CLIENT_SECRET_MAX_LENGTH) {
      throw new OAuthError('invalid_client', 'The Basic credentials are longer than any client id or secret the platform issues.');
    }
    return credentials;
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    throw new OAuthError('invalid_client', 'Malformed Basic credentials.');
  }
}

/**
 * Collects a token request from the form, the query string (`audience`, as Entra ID and the seed
 * send it) and the Authorization header, refusing ambiguous combinations.
 */
export function readTokenRequest(
  form: { grant_type?: string | undefined; client_id?: string | undefined; client_secret?: string | undefined; audience?: string | undefined; scope?: string | undefined },
  query: Readonly<Record<string, string>>,
  authorization: string | undefined,
): TokenRequest {
  if (form.audience !== undefined && query.audience !== undefined && form.audience !== query.audience) {
    throw new OAuthError('invalid_request', 'audience is given twice (query and body) with different values.');
  }
  let clientId = form.client_id;
  let clientSecret = form.client_secret;
  if (authorization) {
    if (clientSecret !== undefined) {
      throw new OAuthError('invalid_request', 'Use one client authentication method: client_secret_basic or client_secret_post, not both.');
    }
    const basic = decodeBasicCredentials(authorization);
    if (clientId !== undefined && clientId !== basic.clientId) {
      throw new OAuthError('invalid_request', 'client_id in the body does not match the Basic credentials.');
    }
    clientId = basic.clientId;
    clientSecret = basic.clientSecret;
  }
  return { grantType: form.grant_type, clientId, clientSecret, audience: form.audience ?? query.audience, scope: form.scope };
}
