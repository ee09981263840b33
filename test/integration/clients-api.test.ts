import { beforeAll, describe, expect, it } from 'vitest';
import { auditEntries, call, createTenant, login, machineToken, requestToken, type Tenant } from './support/platform-client.ts';

let tenant: Tenant;

beforeAll(async () => {
  tenant = await createTenant();
});

describe('client registrations', () => {
  it('lists clients in pages with the seed’s pageInfo shape and never includes credentials', async () => {
    for (let i = 0; i < 3; i++) await call('POST', '/api/identity/v1/clients', { token: tenant.ownerToken, json: { name: `client ${i}` } });
    const page = await call('GET', '/api/identity/v1/clients?pageSize=2&pageNumber=2', { token: tenant.ownerToken });
    expect(page.status).toBe(200);
    expect(page.body.pageInfo).toEqual({ totalCount: 3, pageSize: 2, currentPage: 2, totalPages: 2 });
    expect(page.body.items).toHaveLength(1);
    expect(page.body.items[0].credentials).toBeNull();
    const bad = await call('GET', '/api/identity/v1/clients?pageSize=1000', { token: tenant.ownerToken });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('pageSize');
  });

  it('lets an Owner read credentials back and refuses a caller without the owner scope', async () => {
    const created = await call('POST', '/api/identity/v1/clients?expand=credentials', { token: tenant.ownerToken, json: { name: 'readable' } });
    const read = await call('GET', `/api/identity/v1/clients/${created.body.clientId}?expand=credentials`, { token: tenant.ownerToken });
    expect(read.status).toBe(200);
    expect(read.body.credentials).toEqual(created.body.credentials);

    const { token: reader } = await machineToken(tenant.ownerToken, ['identity:read']);
    const plain = await call('GET', `/api/identity/v1/clients/${created.body.clientId}`, { token: reader });
    expect(plain.status).toBe(200);
    expect(plain.body.credentials).toBeNull();
    const refused = await call('GET', `/api/identity/v1/clients/${created.body.clientId}?expand=credentials`, { token: reader });
    expect(refused.status).toBe(403);
    expect(refused.text).not.toContain(created.body.credentials.clientSecret);
  });

  it('renames, disables and re-enables a client, auditing each change without secrets', async () => {
    const created = await call('POST', '/api/identity/v1/clients?expand=credentials', { token: tenant.ownerToken, json: { name: 'before' } });
    const renamed = await call('PATCH', `/api/identity/v1/clients/${created.body.clientId}`, { token: tenant.ownerToken, json: { name: 'after', enabled: false } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'after', enabled: false, credentials: null });
    const empty = await call('PATCH', `/api/identity/v1/clients/${created.body.clientId}`, { token: tenant.ownerToken, json: {} });
    expect(empty.status).toBe(400);
    const unknownField = await call('PATCH', `/api/identity/v1/clients/${created.body.clientId}`, { token: tenant.ownerToken, json: { clientSecret: 'x' } });
    expect(unknownField.status).toBe(400);
    const entries = await auditEntries(tenant.organizationId);
    const mine = entries.filter((entry) => entry.targetId === created.body.clientId);
    expect(mine.map((entry) => entry.action)).toEqual(['client.created', 'client.disabled']);
    expect(mine[1]?.details.changedAttributes.sort()).toEqual(['enabled', 'name']);
    expect(JSON.stringify(entries)).not.toContain(created.body.credentials.clientSecret);
  });

  it('rotates a secret: the new one works at once and the old one is refused', async () => {
    const created = await call('POST', '/api/identity/v1/clients?expand=credentials', { token: tenant.ownerToken, json: { name: 'rotating' } });
    await call('POST', '/api/identity/v1/apis/00000000-0000-0000-0000-000000000001/clients', { token: tenant.ownerToken, json: [{ clientId: created.body.clientId }] });
    const old = { clientId: created.body.clientId, credentialsClientId: created.body.credentials.clientId, clientSecret: created.body.credentials.clientSecret };
    const rotated = await call('POST', `/api/identity/v1/clients/${created.body.clientId}/secret`, { token: tenant.ownerToken });
    expect(rotated.status).toBe(200);
    expect(rotated.body.credentials.clientId).toBe(old.credentialsClientId);
    expect(rotated.body.credentials.clientSecret).not.toBe(old.clientSecret);
    expect((await requestToken(old)).status).toBe(401);
    expect((await requestToken({ ...old, clientSecret: rotated.body.credentials.clientSecret })).status).toBe(200);
    const actions = (await auditEntries(tenant.organizationId)).filter((entry) => entry.targetId === created.body.clientId).map((entry) => entry.action);
    expect(actions).toContain('client.secret.rotated');
  });

  it('deletes a client with its credentials and authorizations', async () => {
    const created = await call('POST', '/api/identity/v1/clients?expand=credentials', { token: tenant.ownerToken, json: { name: 'doomed' } });
    await call('POST', '/api/identity/v1/apis/00000000-0000-0000-0000-000000000001/clients', { token: tenant.ownerToken, json: [{ clientId: created.body.clientId }] });
    expect((await call('DELETE', `/api/identity/v1/clients/${created.body.clientId}`, { token: tenant.ownerToken })).status).toBe(204);
    expect((await call('GET', `/api/identity/v1/clients/${created.body.clientId}`, { token: tenant.ownerToken })).status).toBe(404);
    expect((await call('DELETE', `/api/identity/v1/clients/${created.body.clientId}`, { token: tenant.ownerToken })).status).toBe(404);
    const authorized = await call('GET', '/api/identity/v1/apis/00000000-0000-0000-0000-000000000001/clients', { token: tenant.ownerToken });
    expect(authorized.body.map((client: { clientId: string }) => client.clientId)).not.toContain(created.body.clientId);
    const token = await requestToken({ clientId: created.body.clientId, credentialsClientId: created.body.credentials.clientId, clientSecret: created.body.credentials.clientSecret });
    expect(token.status).toBe(401);
  });

  it('refuses values the platform does not support with a 400 naming the field', async () => {
    const result = await call('POST', '/api/identity/v1/clients', { token: tenant.ownerToken, json: { name: 'x', clientType: 'spa' } });
    expect(result.status).toBe(400);
    expect(result.body.message).toContain('clientType');
    const refresh = await call('POST', '/api/identity/v1/clients', { token: tenant.ownerToken, json: { name: 'x', refreshTokenRotation: true } });
    expect(refresh.status).toBe(400);
    expect(refresh.body.message).toContain('refreshTokenRotation');
  });

  it('a user signs in again after an owner is created (login works across tenants)', async () => {
    expect(await login(tenant.ownerEmail, tenant.ownerPassword)).toMatch(/^ey/);
  });
});
