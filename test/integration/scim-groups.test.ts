import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { auditEntries, call, login } from './support/platform-client.ts';
import { GROUP_SCHEMA, patchOp, scimTenant, userBody, type ScimTenant } from './support/scim-client.ts';

let t: ScimTenant;

beforeAll(async () => {
  t = await scimTenant();
});

async function newUsers(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = await t.scim('POST', '/Users', userBody(`member-${randomUUID().slice(0, 8)}@example.com`));
    ids.push(created.body.id);
  }
  return ids;
}

const groupBody = (displayName: string, members: string[] = []) => ({ schemas: [GROUP_SCHEMA], displayName, members: members.map((value) => ({ value })) });

async function memberIds(groupId: string): Promise<string[]> {
  const group = await t.scim('GET', `/Groups/${groupId}`);
  return ((group.body.members ?? []) as { value: string }[]).map((member) => member.value).sort();
}

describe('SCIM Groups', () => {
  it('creates a group with members (value, display, type, $ref) and lists it; Entra lists with excludedAttributes=members', async () => {
    const [a, b] = await newUsers(2);
    const created = await t.scim('POST', '/Groups', groupBody(`Engineering ${randomUUID()}`, [a as string, b as string]));
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toContain(`/Groups/${created.body.id}`);
    expect(created.body.members).toHaveLength(2);
    expect(created.body.members[0]).toMatchObject({ type: 'User', $ref: expect.stringContaining('/Users/') });
    const listed = await t.scim('GET', '/Groups?excludedAttributes=members');
    const found = listed.body.Resources.find((group: { id: string }) => group.id === created.body.id);
    expect(found).toBeDefined();
    expect(found.members).toBeUndefined();
    const byName = await t.scim('GET', `/Groups?filter=${encodeURIComponent(`displayName eq "${created.body.displayName}"`)}`);
    expect(byName.body.totalResults).toBe(1);
  });

  it('Entra: Remove on path members with a value list removes exactly those members', async () => {
    const [a, b, c] = await newUsers(3);
    const group = await t.scim('POST', '/Groups', groupBody(`Entra ${randomUUID()}`, [a as string, b as string, c as string]));
    const removed = await t.scim('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'Remove', path: 'members', value: [{ value: a }, { value: b }] }));
    expect(removed.status).toBe(204);
    expect(await memberIds(group.body.id)).toEqual([c]);
  });

  it('removes by members[value eq "…"], adds idempotently, and removing an absent member is a no-op', async () => {
    const [a, b] = await newUsers(2);
    const group = await t.scim('POST', '/Groups', groupBody(`Filter ${randomUUID()}`, [a as string]));
    expect((await t.scim('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: a }, { value: b }] }))).status).toBe(204);
    expect(await memberIds(group.body.id)).toEqual([a, b].sort());
    expect((await t.scim('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'remove', path: `members[value eq "${a}"]` }))).status).toBe(204);
    expect((await t.scim('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'remove', path: `members[value eq "${a}"]` }))).status).toBe(204);
    expect(await memberIds(group.body.id)).toEqual([b]);
  });

  it('Okta: replace on members pushes the full membership', async () => {
    const [a, b, c] = await newUsers(3);
    const group = await t.scim('POST', '/Groups', groupBody(`Okta ${randomUUID()}`, [a as string, b as string]));
    await t.scim('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'replace', path: 'members', value: [{ value: b }, { value: c }] }));
    expect(await memberIds(group.body.id)).toEqual([b, c].sort());
  });

  it('renames with a no-path replace carrying the unchanged id (Okta) and keeps members', async () => {
    const [a] = await newUsers(1);
    const group = await t.scim('POST', '/Groups', groupBody(`Old ${randomUUID()}`, [a as string]));
    const renamed = await t.scim('PATCH', `/Groups/${group.body.id}?attributes=displayName`, patchOp({ op: 'replace', value: { id: group.body.id, displayName: 'New name' } }));
    expect(renamed.status).toBe(200);
    expect(renamed.body.displayName).toBe('New name');
    expect(await memberIds(group.body.id)).toEqual([a]);
  });

  it('refuses members that are not users of the organization and changes nothing', async () => {
    const [a] = await newUsers(1);
    const group = await t.scim('POST', '/Groups', groupBody(`Strict ${randomUUID()}`, [a as string]));
    const result = await t.scim('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: randomUUID() }] }));
    expect(result.status).toBe(400);
    expect(result.body.scimType).toBe('invalidValue');
    expect(await memberIds(group.body.id)).toEqual([a]);
  });

  it('two concurrent member adds to one group both land', async () => {
    const [a, b] = await newUsers(2);
    const group = await t.scim('POST', '/Groups', groupBody(`Race ${randomUUID()}`));
    const results = await Promise.all([
      t.scim('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: a }] })),
      t.scim('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: b }] })),
    ]);
    expect(results.map((result) => result.status)).toEqual([204, 204]);
    expect(await memberIds(group.body.id)).toEqual([a, b].sort());
  });

  it('PUT replaces name and membership; DELETE answers 204 and the group is gone from its members', async () => {
    const [a, b] = await newUsers(2);
    const group = await t.scim('POST', '/Groups', groupBody(`Put ${randomUUID()}`, [a as string]));
    const replaced = await t.scim('PUT', `/Groups/${group.body.id}`, groupBody('Replaced', [b as string]));
    expect(replaced.status).toBe(200);
    expect(replaced.body.displayName).toBe('Replaced');
    expect(await memberIds(group.body.id)).toEqual([b]);
    expect((await t.scim('DELETE', `/Groups/${group.body.id}`)).status).toBe(204);
    expect((await t.scim('GET', `/Groups/${group.body.id}`)).status).toBe(404);
    const user = await t.scim('GET', `/Users/${b}`);
    expect(user.body.groups ?? []).toEqual([]);
  });

  it('audits group creation and member changes with the member ids', async () => {
    const [a] = await newUsers(1);
    const group = await t.scim('POST', '/Groups', groupBody(`Audited ${randomUUID()}`));
    await t.scim('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: a }] }));
    await t.scim('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'remove', path: 'members', value: [{ value: a }] }));
    const entries = (await auditEntries(t.tenant.organizationId)).filter((entry) => entry.targetId === group.body.id);
    expect(entries.map((entry) => entry.action)).toEqual(['group.created', 'group.member.added', 'group.member.removed']);
    expect(entries[1]?.details.memberIds).toEqual([a]);
  });

  it('roles assigned to a group (team) apply to its members at sign-in', async () => {
    const userName = `teamed-${randomUUID().slice(0, 8)}@example.com`;
    const user = await t.scim('POST', '/Users', userBody(userName, { password: 'team-member-password' }));
    const group = await t.scim('POST', '/Groups', groupBody(`Auditors ${randomUUID()}`));
    const assigned = await call('POST', `/api/identity/v1/groups/${group.body.id}/roles`, { token: t.tenant.ownerToken, json: { roles: ['security-analyst'] } });
    expect(assigned.status).toBe(201);
    const before = JSON.parse(Buffer.from((await login(userName, 'team-member-password')).split('.')[1] as string, 'base64url').toString());
    expect(before.scope).toBe('');
    await t.scim('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: user.body.id }] }));
    const after = JSON.parse(Buffer.from((await login(userName, 'team-member-password')).split('.')[1] as string, 'base64url').toString());
    expect(after.scope.split(' ')).toEqual(['audit:read', 'directory:read', 'governance:read', 'identity:read']);
  });
});

describe('large groups', () => {
  it('one PATCH adds 1,000 members (beyond one DynamoDB transaction) and a 10,000-member group works', async () => {
    const group = await t.scim('POST', '/Groups', groupBody(`Everyone ${randomUUID()}`));
    const bulkUsers = async (count: number): Promise<string[]> => {
      const ids: string[] = [];
      // Setup only: users in Bulk requests of 500 (what this test is about is the group, not Bulk throughput).
      for (let start = 0; start < count; start += 500) {
        const operations = Array.from({ length: Math.min(500, count - start) }, (_, index) => ({
          method: 'POST',
          bulkId: `u${start + index}`,
          path: '/Users',
          data: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `bulk-${start + index}-${randomUUID().slice(0, 6)}@example.com` },
        }));
        const bulk = await t.scim('POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: operations });
        expect(bulk.status).toBe(200);
        for (const result of bulk.body.Operations as { status: string; location: string }[]) {
          expect(result.status).toBe('201');
          ids.push(result.location.split('/').at(-1) as string);
        }
      }
      return ids;
    };
    const ids = await bulkUsers(10_000);
    for (let start = 0; start < ids.length; start += 1000) {
      const patch = await t.scim('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: ids.slice(start, start + 1000).map((value) => ({ value })) }));
      expect(patch.status).toBe(204);
    }
    const full = await t.scim('GET', `/Groups/${group.body.id}`);
    expect(full.status).toBe(200);
    expect(full.body.members).toHaveLength(10_000);
    const removeMany = await t.scim('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'Remove', path: 'members', value: ids.slice(0, 1000).map((value) => ({ value })) }));
    expect(removeMany.status).toBe(204);
    const slim = await t.scim('GET', `/Groups/${group.body.id}?excludedAttributes=members`);
    expect(slim.body.members).toBeUndefined();
    expect((await t.scim('GET', `/Groups/${group.body.id}`)).body.members).toHaveLength(9_000);
    const oneUser = await t.scim('GET', `/Users/${ids[5000]}`);
    expect(oneUser.body.groups.map((entry: { value: string }) => entry.value)).toEqual([group.body.id]);
  }, 600_000);
});
