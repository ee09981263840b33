import { describe, expect, it } from 'vitest';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { baseUrl, call, createTenant, PLATFORM_API_ID } from './support/platform-client.ts';

/** The four steps of "Set up SCIM provisioning", exactly as the seed writes them. */
describe('seed flow: set up SCIM provisioning', () => {
  it('login → create client with credentials → authorize → client-credentials token accepted by a protected route', async () => {
    const tenant = await createTenant();

    const step1 = await call('POST', '/api/identity/v1/userCredentials/login', {
      json: { emailAddress: tenant.ownerEmail, password: tenant.ownerPassword },
    });
    expect(step1.status).toBe(200);
    expect(step1.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600 });
    const accessToken = step1.body.accessToken as string;

    const step2 = await call('POST', '/api/identity/v1/clients?expand=credentials', {
      token: accessToken,
      json: {
        name: 'Microsoft EntraID',
        description: 'Microsoft EntraID SCIM Provisioning',
        enabled: true,
        clientType: 'machineToMachine',
        jwtSigningAlgorithm: 'rs256',
        refreshTokenRotation: false,
        grantTypeClientCredentials: true,
      },
    });
    expect(step2.status).toBe(201);
    expect(step2.body.clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(step2.body.credentials.clientId).not.toBe(step2.body.clientId);
    expect(Buffer.from(step2.body.credentials.clientSecret, 'base64url')).toHaveLength(32);

    const tokenRequest = () =>
      call('POST', `/oauth/token?audience=${baseUrl()}/api`, {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&client_id=${step2.body.credentials.clientId}&client_secret=${step2.body.credentials.clientSecret}`,
      });

    const beforeAuthorization = await tokenRequest();
    expect(beforeAuthorization.status).toBe(400);
    expect(beforeAuthorization.body.error).toBe('unauthorized_client');

    const step3 = await call('POST', `/api/identity/v1/apis/${PLATFORM_API_ID}/clients`, { token: accessToken, json: [{ clientId: step2.body.clientId }] });
    expect(step3.status).toBe(201);
    expect(step3.body.map((client: { clientId: string }) => client.clientId)).toContain(step2.body.clientId);

    const step4 = await tokenRequest();
    expect(step4.status).toBe(200);
    expect(step4.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(step4.headers.get('cache-control')).toBe('no-store');

    const probe = await call('GET', '/api/identity/v1/me', { token: step4.body.access_token });
    expect(probe.status).toBe(200);
    expect(probe.body).toMatchObject({ organizationId: tenant.organizationId, principalType: 'client', clientId: step2.body.clientId });
    expect(probe.body.scopes).toEqual(expect.arrayContaining(['scim:read', 'scim:write']));
  });

  it('without expand=credentials the client is created with credentials null', async () => {
    const tenant = await createTenant();
    const result = await call('POST', '/api/identity/v1/clients', { token: tenant.ownerToken, json: { name: 'no creds' } });
    expect(result.status).toBe(201);
    expect(result.body.credentials).toBeNull();
  });

  it('step 3 with credentials.clientId instead of the UUID says which id is expected', async () => {
    const tenant = await createTenant();
    const client = await call('POST', '/api/identity/v1/clients?expand=credentials', { token: tenant.ownerToken, json: { name: 'c' } });
    const result = await call('POST', `/api/identity/v1/apis/${PLATFORM_API_ID}/clients`, {
      token: tenant.ownerToken,
      json: [{ clientId: client.body.credentials.clientId }],
    });
    expect(result.status).toBe(400);
    expect(result.body.message).toMatch(/UUID.*not credentials\.clientId/);
  });

  it('a standard OAuth client library gets a token through discovery and jose verifies it against the JWKS', async () => {
    const tenant = await createTenant();
    const client = await call('POST', '/api/identity/v1/clients?expand=credentials', { token: tenant.ownerToken, json: { name: 'library' } });
    await call('POST', `/api/identity/v1/apis/${PLATFORM_API_ID}/clients`, { token: tenant.ownerToken, json: [{ clientId: client.body.clientId }] });

    const configuration = await oidc.discovery(new URL(baseUrl()), client.body.credentials.clientId, client.body.credentials.clientSecret, undefined, {
      execute: [oidc.allowInsecureRequests],
    });
    const tokens = await oidc.clientCredentialsGrant(configuration, { audience: `${baseUrl()}/api`, scope: 'scim:read' });
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.scope).toBe('scim:read');

    const jwks = createRemoteJWKSet(new URL(`${baseUrl()}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, {
      algorithms: ['RS256'],
      issuer: baseUrl(),
      audience: `${baseUrl()}/api`,
      typ: 'at+jwt',
      requiredClaims: ['exp', 'iat', 'sub'],
    });
    expect(protectedHeader.kid).toBeTruthy();
    expect(payload.sub).toBe(`${client.body.credentials.clientId}@clients`);
    expect(payload.client_id).toBe(client.body.credentials.clientId);
    expect((payload.exp as number) - (payload.iat as number)).toBe(3600);
  });
});
