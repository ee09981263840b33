import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { auditEntries, call, callFrom, createTenant } from './support/platform-client.ts';

const LOGIN = '/api/identity/v1/userCredentials/login';

describe('password login', () => {
  it('issues a one-hour RS256 access token carrying the user’s role scopes', async () => {
    const tenant = await createTenant();
    const result = await call('POST', LOGIN, { json: { emailAddress: tenant.ownerEmail.toUpperCase(), password: tenant.ownerPassword } });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600 });
    const [header, payload] = (result.body.accessToken as string).split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toMatchObject({ alg: 'RS256', typ: 'at+jwt' });
    expect(payload).toMatchObject({ sub: tenant.ownerUserId, org_id: tenant.organizationId, sub_type: 'user' });
    expect(payload.scope.split(' ')).toContain('organization:owner');
  });

  it('answers a wrong password and an unknown email with the same 401, and audits both with ip and user agent', async () => {
    const tenant = await createTenant();
    const wrong = await callFrom('127.0.0.21', 'POST', LOGIN, { emailAddress: tenant.ownerEmail, password: 'not the password' });
    const unknown = await callFrom('127.0.0.21', 'POST', LOGIN, { emailAddress: `nobody-${randomUUID()}@example.com`, password: 'whatever' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    const failures = (await auditEntries(tenant.organizationId)).filter((entry) => entry.action === 'user.login.failed');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ targetId: tenant.ownerUserId, details: { ipAddress: '127.0.0.21', reason: 'wrong_password', method: 'password' } });
    expect(JSON.stringify(failures)).not.toContain('not the password');
    const success = (await auditEntries(tenant.organizationId)).filter((entry) => entry.action === 'user.login');
    expect(success[0]?.details.userAgent).toBeTruthy();
  });

  it('throttles repeated failures per account with 429 and an integer Retry-After, even with the right password', async () => {
    const tenant = await createTenant();
    for (let attempt = 0; attempt < 5; attempt++) {
      const result = await callFrom(`127.0.0.${30 + attempt}`, 'POST', LOGIN, { emailAddress: tenant.ownerEmail, password: 'wrong password!' });
      expect(result.status).toBe(401);
    }
    const blocked = await callFrom('127.0.0.40', 'POST', LOGIN, { emailAddress: tenant.ownerEmail, password: tenant.ownerPassword });
    expect(blocked.status).toBe(429);
    expect(String(blocked.headers['retry-after'])).toMatch(/^\d+$/);
  });

  it('throttles repeated failures from one source address across accounts', async () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const result = await callFrom('127.0.0.50', 'POST', LOGIN, { emailAddress: `spray-${attempt}-${randomUUID()}@example.com`, password: 'Winter2026!' });
      expect(result.status).toBe(401);
    }
    const tenant = await createTenant();
    const blocked = await callFrom('127.0.0.50', 'POST', LOGIN, { emailAddress: tenant.ownerEmail, password: tenant.ownerPassword });
    expect(blocked.status).toBe(429);
    const elsewhere = await callFrom('127.0.0.51', 'POST', LOGIN, { emailAddress: tenant.ownerEmail, password: tenant.ownerPassword });
    expect(elsewhere.status).toBe(200);
  });

  it('refuses a request without the required fields with 400 naming the field', async () => {
    const result = await call('POST', LOGIN, { json: { emailAddress: 'a@example.com' } });
    expect(result.status).toBe(400);
    expect(result.body.message).toContain('password');
  });
});
