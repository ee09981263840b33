import { describe, expect, it } from 'vitest';
import {
  ACCESS_TOKEN_LIFETIME_SECONDS,
  MAX_TOKEN_LIFETIME_SECONDS,
  readAccessTokenClaims,
  TOKEN_CLOCK_SKEW_SECONDS,
} from '../../shared/auth/access-token-claims.ts';
import { AuthenticationError } from '../../shared/errors/domain-errors.ts';

const NOW = 1_900_000_000;

const valid = {
  iss: 'https://id.example.com',
  aud: 'https://id.example.com/api',
  sub: '8f8e3c52-7f4a-4d55-9a6e-1f0e2b3c4d5e',
  sub_type: 'user',
  org_id: '0b6f1c2d-3e4f-4a5b-8c7d-9e0f1a2b3c4d',
  scope: 'scim:read scim:write',
  iat: NOW,
  nbf: NOW,
  exp: NOW + ACCESS_TOKEN_LIFETIME_SECONDS,
  jti: 'e4b1c2d3-0000-4000-8000-000000000000',
};

function refusal(payload: unknown): AuthenticationError {
  try {
    readAccessTokenClaims(payload, NOW);
  } catch (error) {
    expect(error).toBeInstanceOf(AuthenticationError);
    return error as AuthenticationError;
  }
  throw new Error('the claims were accepted');
}

describe('reading a verified access token’s claims', () => {
  it('accepts the claims the platform issues, keeping unknown claims', () => {
    expect(readAccessTokenClaims({ ...valid, extra: [1] }, NOW)).toMatchObject({ scope: 'scim:read scim:write', extra: [1] });
    const client = { ...valid, sub: 'abc@clients', sub_type: 'client', client_id: 'abc', client_registration_id: valid.sub };
    expect(readAccessTokenClaims(client, NOW)).toMatchObject({ sub_type: 'client', client_registration_id: valid.sub });
  });

  it.each([
    ['scope', 42],
    ['scope', ['scim:read', 'scim:write']],
    ['scope', null],
    ['sub', 7],
    ['sub', ''],
    ['sub_type', 'operator'],
    ['sub_type', ['user']],
    ['org_id', { id: 'x' }],
    ['client_id', 5],
    ['client_registration_id', true],
    ['jti', 1],
    ['iss', 1],
    ['aud', [1]],
    ['iat', '1900000000'],
    ['exp', 1.5e9 + 0.5],
    ['nbf', 'now'],
  ])('refuses a %s claim of value %j as invalid_token, naming the claim', (claim, value) => {
    const error = refusal({ ...valid, [claim]: value });
    expect(error.message).toBe(`The access token's ${claim} claim is not valid.`);
    expect(error.challenge).toBe(`Bearer error="invalid_token", error_description="The access token's ${claim} claim is not valid."`);
  });

  it('refuses a payload that is not an object, or lacks a claim the platform reads', () => {
    expect(refusal('a string').challenge).toMatch(/^Bearer error="invalid_token"/);
    const { scope: _scope, ...withoutScope } = valid;
    expect(refusal(withoutScope).message).toBe("The access token's scope claim is not valid.");
  });

  it('accepts iat up to the clock skew ahead, refuses it beyond', () => {
    const ahead = (seconds: number) => ({ ...valid, iat: NOW + seconds, nbf: NOW + seconds, exp: NOW + seconds + ACCESS_TOKEN_LIFETIME_SECONDS });
    expect(readAccessTokenClaims(ahead(TOKEN_CLOCK_SKEW_SECONDS), NOW).iat).toBe(NOW + TOKEN_CLOCK_SKEW_SECONDS);
    const error = refusal(ahead(TOKEN_CLOCK_SKEW_SECONDS + 1));
    expect(error.message).toBe('The access token was issued in the future (iat).');
    expect(error.challenge).toMatch(/^Bearer error="invalid_token", error_description="/);
  });

  it('accepts a lifetime up to one hour plus skew, refuses a longer one', () => {
    expect(MAX_TOKEN_LIFETIME_SECONDS).toBe(3600 + TOKEN_CLOCK_SKEW_SECONDS);
    expect(readAccessTokenClaims({ ...valid, exp: NOW + MAX_TOKEN_LIFETIME_SECONDS }, NOW).exp).toBe(NOW + MAX_TOKEN_LIFETIME_SECONDS);
    const error = refusal({ ...valid, exp: NOW + MAX_TOKEN_LIFETIME_SECONDS + 1 });
    expect(error.message).toMatch(/lifetime exceeds the 3600 seconds/);
    // An old iat cannot stretch a token either: the lifetime counts from iat, not from now.
    expect(refusal({ ...valid, iat: NOW - 86_400, exp: NOW + 60 }).message).toMatch(/lifetime exceeds/);
  });
});
