import * as z from '../zod-mini.ts';
import { AuthenticationError } from '../errors/domain-errors.ts';
import { lazily } from '../lazy.ts';

/** Lifetime of every access token the platform issues (login, SAML sign-in, client credentials). */
export const ACCESS_TOKEN_LIFETIME_SECONDS = 3600;

/** Clock difference tolerated between the signer and the verifier, for exp, nbf and iat. */
export const TOKEN_CLOCK_SKEW_SECONDS = 30;

/**
 * The longest `exp - iat` a token of ours can have: the platform never issues a longer-lived token,
 * so one signed with our key that claims more was not issued by the platform's own code path.
 */
export const MAX_TOKEN_LIFETIME_SECONDS = ACCESS_TOKEN_LIFETIME_SECONDS + TOKEN_CLOCK_SKEW_SECONDS;

const numericDate = /* @__PURE__ */ lazily(() => z.int().check(z.nonnegative()));

/**
 * Every claim the platform reads from a verified access token, with its type. jose has already
 * checked the signature, issuer, audience and the time claims' ranges by then; this checks what
 * jose does not: that each claim the code then uses is of the type it assumes. Built on first use:
 * every function bundle imports this module (issue 17).
 */
const accessTokenClaimsSchema = /* @__PURE__ */ lazily(() => z.looseObject({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  sub: z.string().check(z.minLength(1)),
  sub_type: z.enum(['user', 'client']),
  org_id: z.string(),
  scope: z.string(),
  iat: numericDate(),
  exp: numericDate(),
  nbf: z.optional(numericDate()),
  jti: z.optional(z.string()),
  client_id: z.optional(z.string()),
  /** The client registration's UUID (`clientId` in the management API), for client tokens. */
  client_registration_id: z.optional(z.string()),
}));

/** A verified access token's claims (RFC 9068 profile plus the platform's own). */
export type AccessTokenClaims = z.output<ReturnType<typeof accessTokenClaimsSchema>>;

function invalidToken(description: string): AuthenticationError {
  // The description goes into a quoted-string of the challenge: it must hold no '"' or '\' (RFC 6750 §3).
  return new AuthenticationError(description, `Bearer error="invalid_token", error_description="${description}"`);
}

/**
 * Reads the claims of a token whose signature, issuer, audience, `typ` and expiry jose has
 * verified, and applies the platform's issuance policy (RFC 6750 §3.1 `invalid_token` for each):
 * - every claim the platform reads has the type it assumes (a `scope` that is a number or an
 *   array is refused here, not met as a TypeError later);
 * - `iat` is not later than now plus {@link TOKEN_CLOCK_SKEW_SECONDS};
 * - `exp - iat` is at most {@link MAX_TOKEN_LIFETIME_SECONDS}.
 *
 * @param payload the verified JWT payload.
 * @param nowSeconds the current time in seconds since the epoch.
 * @throws AuthenticationError with a `Bearer error="invalid_token"` challenge.
 */
export function readAccessTokenClaims(payload: unknown, nowSeconds: number): AccessTokenClaims {
  const result = accessTokenClaimsSchema().safeParse(payload);
  if (!result.success) {
    const claim = result.error.issues[0]?.path[0];
    throw invalidToken(typeof claim === 'string' ? `The access token's ${claim} claim is not valid.` : 'The access token claims are not valid.');
  }
  const claims = result.data;
  if (claims.iat > nowSeconds + TOKEN_CLOCK_SKEW_SECONDS) {
    throw invalidToken('The access token was issued in the future (iat).');
  }
  if (claims.exp - claims.iat > MAX_TOKEN_LIFETIME_SECONDS) {
    throw invalidToken(`The access token's lifetime exceeds the ${ACCESS_TOKEN_LIFETIME_SECONDS} seconds the platform issues.`);
  }
  return claims;
}
