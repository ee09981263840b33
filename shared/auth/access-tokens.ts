import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, errors as joseErrors, type JWK } from 'jose';
import { platformConfig } from '../config.ts';
import { AuthenticationError } from '../errors/domain-errors.ts';
import { currentSigner, publishedKeys } from './signing-keys.ts';
import { ACCESS_TOKEN_LIFETIME_SECONDS, readAccessTokenClaims, TOKEN_CLOCK_SKEW_SECONDS, type AccessTokenClaims } from './access-token-claims.ts';

export { ACCESS_TOKEN_LIFETIME_SECONDS, type AccessTokenClaims } from './access-token-claims.ts';

/** RFC 9068 access-token media type, carried in the JOSE `typ` header. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/** The platform API's audience: `<base-url>/api`. */
export function platformAudience(): string {
  return `${platformConfig().publicBaseUrl}/api`;
}

export function issuer(): string {
  return platformConfig().publicBaseUrl;
}

/** Subject of a client's token: distinct in form from user ids (UUIDs), so the two can never collide. */
export function clientSubject(credentialsClientId: string): string {
  return `${credentialsClientId}@clients`;
}

export interface IssueTokenInput {
  subject: string;
  subjectType: 'user' | 'client';
  organizationId: string;
  audience: string;
  scopes: readonly string[];
  clientId?: string;
  clientRegistrationId?: string;
}

function base64url(value: Buffer | string): string {
  return Buffer.from(value).toString('base64url');
}

/** Issues a short-lived RS256 access token (RFC 9068 profile) signed by the current key. */
export async function issueAccessToken(input: IssueTokenInput): Promise<{ token: string; expiresIn: number; scope: string }> {
  const signer = await currentSigner();
  const now = Math.floor(Date.now() / 1000);
  const scope = [...new Set(input.scopes)].sort().join(' ');
  const claims: AccessTokenClaims = {
    iss: issuer(),
    sub: input.subject,
    sub_type: input.subjectType,
    aud: input.audience,
    iat: now,
    nbf: now,
    exp: now + ACCESS_TOKEN_LIFETIME_SECONDS,
    jti: randomUUID(),
    org_id: input.organizationId,
    scope,
    ...(input.clientId ? { client_id: input.clientId } : {}),
    ...(input.clientRegistrationId ? { client_registration_id: input.clientRegistrationId } : {}),
  };
  const header = { alg: 'RS256', typ: ACCESS_TOKEN_TYPE, kid: signer.kid };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = await signer.sign(Buffer.from(signingInput, 'ascii'));
  return { token: `${signingInput}.${base64url(signature)}`, expiresIn: ACCESS_TOKEN_LIFETIME_SECONDS, scope };
}

const KEY_CACHE_MS = 5 * 60_000;
/**
 * Shortest time between two reloads of the published keys forced by an unknown `kid`, in ms. Short,
 * because a key is published when it first signs: a token from a key minted a moment ago must verify
 * within a second, not after 30 s of 401s. One read per second per process at most still bounds what
 * tokens with made-up `kid`s can cost.
 */
const MIN_REFRESH_INTERVAL_MS = 1_000;
let keyCache: { keys: JWK[]; loadedAt: number; verifier: ReturnType<typeof createLocalJWKSet> } | undefined;

async function keySet(forceRefresh: boolean) {
  const now = Date.now();
  const stale = !keyCache || now - keyCache.loadedAt > KEY_CACHE_MS;
  const mayRefresh = !keyCache || now - keyCache.loadedAt > MIN_REFRESH_INTERVAL_MS;
  if (stale || (forceRefresh && mayRefresh)) {
    const keys = await publishedKeys();
    keyCache = { keys, loadedAt: now, verifier: createLocalJWKSet({ keys }) };
  }
  return keyCache as NonNullable<typeof keyCache>;
}

function describeFailure(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The access token has expired.';
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `The access token's ${error.claim} claim is not valid.`;
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'The access token must be signed with RS256.';
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'The access token was signed by an unknown key.';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'The access token signature is not valid.';
  return 'The access token is malformed or not valid.';
}

/**
 * Verifies an access token strictly: RS256 only, our issuer and the expected audience, `typ`
 * at+jwt, and exp/iat/sub/org_id required (jose's defaults would accept a token without exp);
 * then the type of every claim the platform reads and the issuance policy (no `iat` in the
 * future, no lifetime longer than the platform issues), see readAccessTokenClaims.
 *
 * @throws AuthenticationError (401, `Bearer error="invalid_token"`) for any failure.
 */
export async function verifyAccessToken(token: string, audience: string): Promise<AccessTokenClaims> {
  const options = {
    algorithms: ['RS256'],
    issuer: issuer(),
    audience,
    typ: ACCESS_TOKEN_TYPE,
    requiredClaims: ['exp', 'iat', 'sub', 'org_id', 'scope', 'sub_type'],
    clockTolerance: TOKEN_CLOCK_SKEW_SECONDS,
  };
  let keys = await keySet(false);
  let payload: unknown;
  try {
    try {
      payload = (await jwtVerify(token, keys.verifier, options)).payload;
    } catch (error) {
      if (!(error instanceof joseErrors.JWKSNoMatchingKey)) throw error;
      keys = await keySet(true);
      payload = (await jwtVerify(token, keys.verifier, options)).payload;
    }
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) {
      throw new AuthenticationError(describeFailure(error), `Bearer error="invalid_token", error_description="${describeFailure(error)}"`);
    }
    throw error;
  }
  return readAccessTokenClaims(payload, Math.floor(Date.now() / 1000));
}
