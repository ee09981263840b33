import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../shared/errors/domain-errors.ts';
import { useLocalEngines } from './support/in-process.ts';
import { GROUP_SCHEMA, patchOp, scimTenant, userBody, type ScimTenant } from './support/scim-client.ts';

/**
 * One store, several views (issue 13): a user synchronised from a directory is the same record
 * SCIM serves — visible to an IdP, but read-only to it. Sync does not exist yet, so the record is
 * written here the way a sync run will write it: through the users repository, in one transaction
 * with its userName claim and the SCIM user counter.
 */
let t: ScimTenant;
let ldapUser: { id: string; userName: string; connectionId: string };

beforeAll(async () => {
  t = await scimTenant();
  useLocalEngines();
  const [users, { transact }, { counterStep }] = await Promise.all([
    import('../../shared/storage/users.ts'),
    import('../../shared/storage/transactions.ts'),
    import('../../shared/storage/counters.ts'),
  ]);
  const id = randomUUID();
  const userName = `ldap-${id.slice(0, 8)}@corp.example`;
  const connectionId = randomUUID();
  const now = new Date().toISOString();
  const taken = () => new ConflictError('taken');
  await transact([
    users.putStep(
      { id, organizationId: t.tenant.organizationId, userName, active: true, resource: { userName, name: { givenName: 'Lena', familyName: 'Ldap' }, active: true }, hasPassword: false, source: 'ldap', connectionId, version: 1, createdAt: now, updatedAt: now },
      { expectedVersion: undefined, onConflict: taken },
    ),
    users.claimUserNameStep(t.tenant.organizationId, userName, id, taken),
    counterStep(t.tenant.organizationId, 'users', 1),
  ]);
  ldapUser = { id, userName, connectionId };
});

describe('directory-sourced users through SCIM', () => {
  it('are visible: GET by id, userName eq and the unfiltered listing', async () => {
    const got = await t.scim('GET', `/Users/${ldapUser.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id: ldapUser.id, userName: ldapUser.userName, name: { givenName: 'Lena' } });
    const filtered = await t.scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${ldapUser.userName.toUpperCase()}"`)}`);
    expect(filtered.body.totalResults).toBe(1);
    const listed = await t.scim('GET', '/Users?count=100');
    expect(listed.body.Resources.map((user: { id: string }) => user.id)).toContain(ldapUser.id);
    expect(listed.body.totalResults).toBe(listed.body.Resources.length);
  });

  it('are read-only: PATCH, PUT and DELETE answer 403 naming the connection, and change nothing', async () => {
    const before = await t.scim('GET', `/Users/${ldapUser.id}`);
    const attempts = [
      await t.scim('PATCH', `/Users/${ldapUser.id}`, patchOp({ op: 'replace', path: 'active', value: false })),
      await t.scim('PUT', `/Users/${ldapUser.id}`, userBody(ldapUser.userName, { active: false })),
      await t.scim('DELETE', `/Users/${ldapUser.id}`),
    ];
    for (const attempt of attempts) {
      expect(attempt.status, attempt.text).toBe(403);
      expect(attempt.body).toMatchObject({ status: '403' });
      expect(attempt.body.detail).toContain(ldapUser.connectionId);
      expect(attempt.body.detail).toMatch(/read-only to SCIM/);
    }
    const after = await t.scim('GET', `/Users/${ldapUser.id}`);
    expect(after.body.meta.version).toBe(before.body.meta.version);
    expect(after.body.active).toBe(true);
  });

  it('keep their userName: an IdP creating the same userName gets 409 uniqueness', async () => {
    const created = await t.scim('POST', '/Users', userBody(ldapUser.userName));
    expect(created.status).toBe(409);
    expect(created.body.scimType).toBe('uniqueness');
  });

  it('can still be members of SCIM groups', async () => {
    const group = await t.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `mixed-${randomUUID()}`, members: [{ value: ldapUser.id }] });
    expect(group.status).toBe(201);
    expect(group.body.members).toEqual([expect.objectContaining({ value: ldapUser.id, display: 'Lena Ldap' })]);
  });

  it('the local Owner stays invisible, and an IdP cannot put it into a group (which would grant it the group’s roles)', async () => {
    expect((await t.scim('GET', `/Users/${t.tenant.ownerUserId}`)).status).toBe(404);
    const group = await t.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `owners-${randomUUID()}` });
    const added = await t.scim('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: t.tenant.ownerUserId }] }));
    expect(added.status).toBe(400);
    expect(added.body.scimType).toBe('invalidValue');
    const created = await t.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `owners-${randomUUID()}`, members: [{ value: t.tenant.ownerUserId }] });
    expect(created.status).toBe(400);
    const after = await t.scim('GET', `/Groups/${group.body.id}`);
    expect(after.body.members ?? []).toEqual([]);
  });
});
