import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { auditEntries, call, createTenant, login, machineToken, PLATFORM_API_ID, type Tenant } from './support/platform-client.ts';

let tenant: Tenant;

beforeAll(async () => {
  tenant = await createTenant();
});

describe('roles', () => {
  it('lists the built-in roles from widest to narrowest with their scopes', async () => {
    const result = await call('GET', '/api/identity/v1/roles', { token: tenant.ownerToken });
    expect(result.status).toBe(200);
    expect(result.body.items.slice(0, 5).map((role: { name: string }) => role.name)).toEqual(['Owner', 'Administrator', 'Security Manager', 'Security Analyst', 'Viewer']);
    const [owner, admin, , , viewer] = result.body.items;
    expect(owner.scopes).toContain('organization:owner');
    expect(admin.scopes).not.toContain('organization:owner');
    expect(viewer.scopes).toEqual(['directory:read', 'identity:read']);
  });

  it('creates, renames and deletes a custom role; names are unique and built-ins are immutable', async () => {
    const created = await call('POST', '/api/identity/v1/roles', { token: tenant.ownerToken, json: { name: 'Auditor', scopes: ['audit:read'] } });
    expect(created.status).toBe(201);
    const duplicate = await call('POST', '/api/identity/v1/roles', { token: tenant.ownerToken, json: { name: 'auditor', scopes: ['audit:read'] } });
    expect(duplicate.status).toBe(409);
    const builtInName = await call('POST', '/api/identity/v1/roles', { token: tenant.ownerToken, json: { name: 'Owner', scopes: ['audit:read'] } });
    expect(builtInName.status).toBe(409);
    const renamed = await call('PATCH', `/api/identity/v1/roles/${created.body.id}`, { token: tenant.ownerToken, json: { name: 'Compliance auditor' } });
    expect(renamed.body.name).toBe('Compliance auditor');
    const reuseOldName = await call('POST', '/api/identity/v1/roles', { token: tenant.ownerToken, json: { name: 'Auditor', scopes: ['audit:read'] } });
    expect(reuseOldName.status).toBe(201);
    expect((await call('PATCH', '/api/identity/v1/roles/owner', { token: tenant.ownerToken, json: { name: 'x' } })).status).toBe(400);
    expect((await call('DELETE', '/api/identity/v1/roles/viewer', { token: tenant.ownerToken })).status).toBe(400);
    expect((await call('DELETE', `/api/identity/v1/roles/${created.body.id}`, { token: tenant.ownerToken })).status).toBe(204);
    expect((await call('GET', `/api/identity/v1/roles/${created.body.id}`, { token: tenant.ownerToken })).status).toBe(404);
    const unknownScope = await call('POST', '/api/identity/v1/roles', { token: tenant.ownerToken, json: { name: 'Bad', scopes: ['root'] } });
    expect(unknownScope.status).toBe(400);
  });

  it('assigns roles to a user and the next login carries their scopes; changes are audited', async () => {
    const role = await call('POST', '/api/identity/v1/roles', { token: tenant.ownerToken, json: { name: `Custom ${randomUUID()}`, scopes: ['audit:read'] } });
    const assigned = await call('POST', `/api/identity/v1/users/${tenant.ownerUserId}/roles`, { token: tenant.ownerToken, json: { roles: ['viewer', role.body.id] } });
    expect(assigned.status).toBe(201);
    expect(assigned.body.items.map((item: { id: string }) => item.id).sort()).toEqual(['owner', role.body.id, 'viewer'].sort());
    const removed = await call('DELETE', `/api/identity/v1/users/${tenant.ownerUserId}/roles/viewer`, { token: tenant.ownerToken });
    expect(removed.status).toBe(204);
    const ownOwner = await call('DELETE', `/api/identity/v1/users/${tenant.ownerUserId}/roles/owner`, { token: tenant.ownerToken });
    expect(ownOwner.status).toBe(400);
    const listed = await call('GET', `/api/identity/v1/users/${tenant.ownerUserId}/roles`, { token: tenant.ownerToken });
    expect(listed.body.items.map((item: { id: string }) => item.id).sort()).toEqual(['owner', role.body.id].sort());
    const actions = (await auditEntries(tenant.organizationId)).map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['role.created', 'user.roles.assigned', 'user.roles.removed']));
    await login(tenant.ownerEmail, tenant.ownerPassword);
  });

  it('refuses to grant scopes the caller does not hold', async () => {
    const { token } = await machineToken(tenant.ownerToken);
    // The default machine scopes lack identity:admin, so grant it through a role-less client first.
    const admin = await machineToken(tenant.ownerToken, ['identity:read', 'identity:admin', 'audit:read']);
    const escalate = await call('POST', '/api/identity/v1/roles', { token: admin.token, json: { name: 'Root', scopes: ['organization:owner'] } });
    expect(escalate.status).toBe(403);
    const assignOwner = await call('POST', `/api/identity/v1/users/${tenant.ownerUserId}/roles`, { token: admin.token, json: { roles: ['owner'] } });
    expect(assignOwner.status).toBe(403);
    expect((await call('POST', '/api/identity/v1/roles', { token, json: { name: 'x', scopes: ['audit:read'] } })).status).toBe(403);
  });

  it('answers 404 when assigning a role that does not exist or to a group that does not exist', async () => {
    expect((await call('POST', `/api/identity/v1/users/${tenant.ownerUserId}/roles`, { token: tenant.ownerToken, json: { roles: ['superuser'] } })).status).toBe(404);
    expect((await call('POST', `/api/identity/v1/groups/${randomUUID()}/roles`, { token: tenant.ownerToken, json: { roles: ['viewer'] } })).status).toBe(404);
  });
});

describe('APIs (audiences) and scopes', () => {
  it('lists the built-in platform API with the seed’s item and pageInfo shape, expanding scopes and clients', async () => {
    const result = await call('GET', '/api/identity/v1/apis?expand=scopes,clients', { token: tenant.ownerToken });
    expect(result.status).toBe(200);
    const platform = result.body.items[0];
    expect(platform).toMatchObject({ id: PLATFORM_API_ID, enabled: true });
    expect(platform.identifier).toMatch(/\/api$/);
    expect(platform.scopes.map((scope: { value: string }) => scope.value)).toEqual(expect.arrayContaining(['scim:read', 'scim:write', 'audit:read']));
    expect(Array.isArray(platform.clients)).toBe(true);
    expect(result.body.pageInfo).toMatchObject({ pageSize: 20, currentPage: 1 });
    const plain = await call('GET', '/api/identity/v1/apis', { token: tenant.ownerToken });
    expect(plain.body.items[0].scopes).toBeUndefined();
    const badExpand = await call('GET', '/api/identity/v1/apis?expand=secrets', { token: tenant.ownerToken });
    expect(badExpand.status).toBe(400);
  });

  it('manages a custom API and its scopes; identifiers are unique and the platform API is read-only', async () => {
    const identifier = `https://orders.example.com/${randomUUID()}`;
    const created = await call('POST', '/api/identity/v1/apis', { token: tenant.ownerToken, json: { name: 'Orders', identifier, description: 'Orders API' } });
    expect(created.status).toBe(201);
    expect((await call('POST', '/api/identity/v1/apis', { token: tenant.ownerToken, json: { name: 'Again', identifier } })).status).toBe(409);
    const added = await call('POST', `/api/identity/v1/apis/${created.body.id}/scopes`, { token: tenant.ownerToken, json: [{ value: 'orders:read' }, { value: 'orders:write' }] });
    expect(added.status).toBe(201);
    expect(added.body.items.map((scope: { value: string }) => scope.value)).toEqual(['orders:read', 'orders:write']);
    expect((await call('DELETE', `/api/identity/v1/apis/${created.body.id}/scopes/orders:write`, { token: tenant.ownerToken })).status).toBe(204);
    const scopes = await call('GET', `/api/identity/v1/apis/${created.body.id}/scopes`, { token: tenant.ownerToken });
    expect(scopes.body.items).toEqual([{ value: 'orders:read', description: '' }]);
    const disabled = await call('PATCH', `/api/identity/v1/apis/${created.body.id}`, { token: tenant.ownerToken, json: { enabled: false } });
    expect(disabled.body.enabled).toBe(false);
    expect((await call('PATCH', `/api/identity/v1/apis/${PLATFORM_API_ID}`, { token: tenant.ownerToken, json: { name: 'Mine' } })).status).toBe(400);
    expect((await call('DELETE', `/api/identity/v1/apis/${PLATFORM_API_ID}`, { token: tenant.ownerToken })).status).toBe(400);
    expect((await call('DELETE', `/api/identity/v1/apis/${created.body.id}`, { token: tenant.ownerToken })).status).toBe(204);
    expect((await call('POST', '/api/identity/v1/apis', { token: tenant.ownerToken, json: { name: 'Reuse', identifier } })).status).toBe(201);
  });

  it('authorizes, lists and revokes clients for an API', async () => {
    const { client } = await machineToken(tenant.ownerToken);
    const listed = await call('GET', `/api/identity/v1/apis/${PLATFORM_API_ID}/clients`, { token: tenant.ownerToken });
    expect(listed.body.map((entry: { clientId: string }) => entry.clientId)).toContain(client.clientId);
    expect((await call('DELETE', `/api/identity/v1/apis/${PLATFORM_API_ID}/clients/${client.clientId}`, { token: tenant.ownerToken })).status).toBe(204);
    expect((await call('DELETE', `/api/identity/v1/apis/${PLATFORM_API_ID}/clients/${client.clientId}`, { token: tenant.ownerToken })).status).toBe(404);
    const badScope = await call('POST', `/api/identity/v1/apis/${PLATFORM_API_ID}/clients`, { token: tenant.ownerToken, json: [{ clientId: client.clientId, scopes: ['nope'] }] });
    expect(badScope.status).toBe(400);
    const unknownClient = await call('POST', `/api/identity/v1/apis/${PLATFORM_API_ID}/clients`, { token: tenant.ownerToken, json: [{ clientId: randomUUID() }] });
    expect(unknownClient.status).toBe(404);
  });
});

describe('per-organization rate limits', () => {
  it('answers 429 with an integer Retry-After once a caller exceeds its family’s limit', async () => {
    const limited = await createTenant();
    const updated = await call('PATCH', `/api/identity/v1/organizations/${limited.organizationId}`, {
      headers: { 'X-Operator-Key': (await import('vitest')).inject('operatorApiKey') },
      json: { rateLimits: { identity: { perMinute: 3, perHour: 100 } } },
    });
    expect(updated.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 6; i++) {
      const result = await call('GET', '/api/identity/v1/roles', { token: limited.ownerToken });
      statuses.push(result.status);
      if (result.status === 429) retryAfter = result.headers.get('retry-after');
    }
    expect(statuses).toContain(429);
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(3);
    expect(retryAfter).toMatch(/^\d+$/);
    const operatorless = await call('PATCH', `/api/identity/v1/organizations/${limited.organizationId}`, { json: { name: 'x' } });
    expect(operatorless.status).toBe(401);
  });
});
