import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { SignJWT, calculateJwkThumbprint, type JWK } from 'jose';
import { auditEntries, baseUrl, call, createTenant, machineToken, type Tenant } from './support/platform-client.ts';

let tenant: Tenant;
let platformKey: KeyObject;
let platformKid: string;

function platformSigningKey(): KeyObject {
  const dir = inject('localKeyDir');
  const newest = readdirSync(dir).filter((name) => name.startsWith('signing-key-')).sort().at(-1) as string;
  return createPrivateKey(readFileSync(join(dir, newest)));
}

async function thumbprint(key: KeyObject): Promise<string> {
  const jwk = createPublicKey(key).export({ format: 'jwk' }) as JWK;
  return calculateJwkThumbprint({ kty: 'RSA', n: jwk.n as string, e: jwk.e as string });
}

interface Forge {
  key?: KeyObject;
  kid?: string;
  typ?: string;
  claims?: Record<string, unknown>;
  omit?: string[];
  iat?: number;
  exp?: number;
}

/** Signs a token with the platform's real key (or another) so each claim check is exercised alone. */
async function forge(options: Forge = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    iss: baseUrl(),
    aud: `${baseUrl()}/api`,
    sub: tenant.ownerUserId,
    sub_type: 'user',
    org_id: tenant.organizationId,
    scope: 'identity:read identity:admin',
    iat: options.iat ?? now,
    exp: options.exp ?? now + 600,
    ...options.claims,
  };
  for (const name of options.omit ?? []) delete claims[name];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', typ: options.typ ?? 'at+jwt', kid: options.kid ?? platformKid })
    .sign(options.key ?? platformKey);
}

async function expectUnauthorized(token: string | undefined, header?: string) {
  const result = await call('GET', '/api/identity/v1/clients', header ? { headers: { Authorization: header } } : token ? { token } : {});
  expect(result.status).toBe(401);
  expect(result.headers.get('www-authenticate')).toMatch(/^Bearer/);
  expect(result.body).toMatchObject({ error: 'unauthenticated', statusCode: 401 });
  return result;
}

beforeAll(async () => {
  tenant = await createTenant();
  platformKey = platformSigningKey();
  platformKid = await thumbprint(platformKey);
});

describe('bearer checks on protected routes', () => {
  it('accepts a correctly forged control token (so the refusals below test one thing each)', async () => {
    const result = await call('GET', '/api/identity/v1/clients', { token: await forge() });
    expect(result.status).toBe(200);
  });

  it('refuses a request without a token', async () => {
    await expectUnauthorized(undefined);
  });

  it('refuses an Authorization header that is not a bearer token', async () => {
    await expectUnauthorized(undefined, 'Token abc');
    await expectUnauthorized(undefined, 'Bearer');
  });

  it('refuses alg none', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: platformKid })).toString('base64url');
    const payload = (await forge()).split('.')[1];
    await expectUnauthorized(`${header}.${payload}.`);
  });

  it('refuses HS256 signed with the public key as the HMAC secret', async () => {
    const publicPem = createPublicKey(platformKey).export({ format: 'pem', type: 'spki' });
    const token = await new SignJWT({ iss: baseUrl(), aud: `${baseUrl()}/api`, sub: tenant.ownerUserId, sub_type: 'user', org_id: tenant.organizationId, scope: 'identity:read' })
      .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: platformKid })
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(publicPem as string));
    await expectUnauthorized(token);
  });

  it('refuses a token whose kid is unknown', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expectUnauthorized(await forge({ key: privateKey, kid: await thumbprint(privateKey) }));
  });

  it('refuses a bad signature under a known kid', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await expectUnauthorized(await forge({ key: privateKey }));
    const good = await forge();
    const tampered = good.split('.');
    tampered[1] = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(tampered[1] as string, 'base64url').toString()), scope: 'organization:owner' })).toString('base64url');
    await expectUnauthorized(tampered.join('.'));
  });

  it('refuses an expired token', async () => {
    const now = Math.floor(Date.now() / 1000);
    const result = await expectUnauthorized(await forge({ iat: now - 7200, exp: now - 3600 }));
    expect(result.body.message).toMatch(/expired/);
  });

  it('refuses a token that is not yet valid', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectUnauthorized(await forge({ claims: { nbf: now + 600 } }));
  });

  it('refuses a wrong issuer, a wrong audience, a wrong typ and a missing exp', async () => {
    await expectUnauthorized(await forge({ claims: { iss: 'https://attacker.example' } }));
    await expectUnauthorized(await forge({ claims: { aud: 'https://other.example/api' } }));
    await expectUnauthorized(await forge({ typ: 'JWT' }));
    await expectUnauthorized(await forge({ omit: ['exp'] }));
  });

  it('refuses a token whose organization claim is not a valid id', async () => {
    await expectUnauthorized(await forge({ claims: { org_id: 'ORG#x' } }));
  });

  it('answers 403 when the token lacks the route scope, and audits the denial', async () => {
    const { token } = await machineToken(tenant.ownerToken, ['scim:read']);
    const result = await call('POST', '/api/identity/v1/clients', { token, json: { name: 'x' } });
    expect(result.status).toBe(403);
    expect(result.body.message).toContain('identity:admin');
    const denials = (await auditEntries(tenant.organizationId)).filter((entry) => entry.action === 'permission.denied');
    expect(denials.at(-1)).toMatchObject({ actorType: 'client', targetId: 'identity-clients-create', details: { requiredScope: 'identity:admin' } });
  });

  it('refuses a deactivated principal immediately, even with a valid token', async () => {
    const { client, token } = await machineToken(tenant.ownerToken, ['identity:read']);
    expect((await call('GET', '/api/identity/v1/clients', { token })).status).toBe(200);
    await call('PATCH', `/api/identity/v1/clients/${client.clientId}`, { token: tenant.ownerToken, json: { enabled: false } });
    await expectUnauthorized(token);
  });
});

/** 401 with RFC 6750 §3.1 `invalid_token` in the identity family's format, and in SCIM's. */
async function expectInvalidToken(token: string, expected: string | RegExp) {
  const description = typeof expected === 'string' ? new RegExp(`^${expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : expected;
  const identity = await call('GET', '/api/identity/v1/clients', { token });
  expect(identity.status, identity.text).toBe(401);
  const challenge = identity.headers.get('www-authenticate') ?? '';
  expect(challenge).toMatch(/^Bearer error="invalid_token", error_description="[^"\\]*"$/);
  expect(challenge.match(/error_description="([^"]*)"/)?.[1]).toMatch(description);
  expect(identity.headers.get('content-type')).toMatch(/^application\/json/);
  expect(identity.body).toEqual({ error: 'unauthenticated', message: expect.stringMatching(description), statusCode: 401 });

  const scim = await call('GET', '/api/scim/v2/Users', { token });
  expect(scim.status, scim.text).toBe(401);
  expect(scim.headers.get('www-authenticate')).toBe(challenge);
  expect(scim.headers.get('content-type')).toMatch(/^application\/scim\+json/);
  expect(scim.body).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401', detail: expect.stringMatching(description) });
}

describe('claims of a token signed with the platform’s own key', () => {
  it.each([
    ['scope', 42],
    ['scope', ['identity:read', 'identity:admin']],
    ['scope', { identity: 'admin' }],
    ['sub_type', 'operator'],
    ['sub', 12345],
    ['org_id', 7],
    ['client_id', ['a', 'b']],
    ['jti', { id: 1 }],
  ])('refuses a %s claim of %j with 401 invalid_token, never a 500', async (claim, value) => {
    await expectInvalidToken(await forge({ claims: { [claim]: value } }), `The access token's ${claim} claim is not valid.`);
  });

  it('refuses a client token whose registration id is not a string', async () => {
    const token = await forge({ claims: { sub: 'abc@clients', sub_type: 'client', client_id: 'abc', client_registration_id: 99 } });
    await expectInvalidToken(token, "The access token's client_registration_id claim is not valid.");
  });

  it('refuses a token issued in the future beyond the clock skew, accepts one within it', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectInvalidToken(await forge({ iat: now + 600, exp: now + 1200 }), 'The access token was issued in the future (iat).');
    const withinSkew = await call('GET', '/api/identity/v1/clients', { token: await forge({ iat: now + 10, exp: now + 610 }) });
    expect(withinSkew.status, withinSkew.text).toBe(200);
  });

  it('refuses a lifetime longer than the platform issues (one hour plus skew), accepts one hour', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectInvalidToken(await forge({ iat: now, exp: now + 7200 }), /lifetime exceeds the 3600 seconds/);
    await expectInvalidToken(await forge({ iat: now - 86_400, exp: now + 300 }), /lifetime exceeds the 3600 seconds/);
    const oneHour = await call('GET', '/api/identity/v1/clients', { token: await forge({ iat: now, exp: now + 3600 }) });
    expect(oneHour.status, oneHour.text).toBe(200);
  });
});

describe('tenant isolation: a token from one organization never reaches another', () => {
  it('answers 404 for another organization’s ids on every identity collection', async () => {
    const other = await createTenant('Other organization');
    const created = await call('POST', '/api/identity/v1/clients', { token: tenant.ownerToken, json: { name: 'mine' } });
    const api = await call('POST', '/api/identity/v1/apis', { token: tenant.ownerToken, json: { name: 'Mine', identifier: `https://api.example.com/${randomUUID()}` } });
    const role = await call('POST', '/api/identity/v1/roles', { token: tenant.ownerToken, json: { name: 'Mine', scopes: ['directory:read'] } });
    expect([created.status, api.status, role.status]).toEqual([201, 201, 201]);
    const attempts = [
      call('GET', `/api/identity/v1/clients/${created.body.clientId}`, { token: other.ownerToken }),
      call('PATCH', `/api/identity/v1/clients/${created.body.clientId}`, { token: other.ownerToken, json: { enabled: false } }),
      call('DELETE', `/api/identity/v1/clients/${created.body.clientId}`, { token: other.ownerToken }),
      call('POST', `/api/identity/v1/clients/${created.body.clientId}/secret`, { token: other.ownerToken }),
      call('GET', `/api/identity/v1/apis/${api.body.id}`, { token: other.ownerToken }),
      call('DELETE', `/api/identity/v1/apis/${api.body.id}`, { token: other.ownerToken }),
      call('POST', `/api/identity/v1/apis/${api.body.id}/clients`, { token: other.ownerToken, json: [{ clientId: created.body.clientId }] }),
      call('GET', `/api/identity/v1/roles/${role.body.id}`, { token: other.ownerToken }),
      call('DELETE', `/api/identity/v1/roles/${role.body.id}`, { token: other.ownerToken }),
      call('GET', `/api/identity/v1/users/${tenant.ownerUserId}/roles`, { token: other.ownerToken }),
      call('POST', `/api/identity/v1/users/${tenant.ownerUserId}/roles`, { token: other.ownerToken, json: { roles: ['viewer'] } }),
    ];
    for (const result of await Promise.all(attempts)) expect(result.status, result.text).toBe(404);
    const stillThere = await call('GET', `/api/identity/v1/clients/${created.body.clientId}`, { token: tenant.ownerToken });
    expect(stillThere.body.enabled).toBe(true);
  });

  it('a new organization lists none of another organization’s clients', async () => {
    const other = await createTenant('Third organization');
    const mine = await call('GET', '/api/identity/v1/clients', { token: other.ownerToken });
    expect(mine.status).toBe(200);
    expect(mine.body.items).toEqual([]);
  });
});
