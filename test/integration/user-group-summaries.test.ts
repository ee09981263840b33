import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalEngines } from './support/in-process.ts';
import { GROUP_SCHEMA, patchOp, scimTenant, userBody, type ScimTenant } from './support/scim-client.ts';
import type * as Summaries from '../../shared/storage/user-group-summaries.ts';
import type * as Clients from '../../shared/storage/clients.ts';
import type * as UsersRepository from '../../shared/storage/users.ts';
import type * as GroupsRepository from '../../shared/storage/groups.ts';
import type * as Backfill from '../../shared/workers/backfill-user-group-summaries.ts';

/**
 * `GET /Users?attributes=groups` answers each user's groups from its group summary item
 * (shared/storage/user-group-summaries.ts), written in every membership transaction. These tests
 * change memberships through every SCIM path and check, over HTTP, that the list answers exactly
 * what `GET /Users/{id}` (read from the memberships themselves) and the test's own bookkeeping say;
 * and that users written before summaries existed are answered right and completed by the backfill.
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let t: ScimTenant;
let summaries: typeof Summaries;
let clients: typeof Clients;
let usersRepository: typeof UsersRepository;
let groupsRepository: typeof GroupsRepository;
let backfill: typeof Backfill;

beforeAll(async () => {
  useLocalEngines();
  // Imported after useLocalEngines(): the modules read the engines' endpoints on first use.
  [t, summaries, clients, usersRepository, groupsRepository, backfill] = await Promise.all([
    scimTenant(),
    import('../../shared/storage/user-group-summaries.ts'),
    import('../../shared/storage/clients.ts'),
    import('../../shared/storage/users.ts'),
    import('../../shared/storage/groups.ts'),
    import('../../shared/workers/backfill-user-group-summaries.ts'),
  ]);
});

const organizationId = () => t.tenant.organizationId;

async function createUsers(count: number, prefix: string): Promise<string[]> {
  const operations = Array.from({ length: count }, (_, index) => ({
    method: 'POST',
    bulkId: `u${index}`,
    path: '/Users',
    data: userBody(`${prefix}-${String(index).padStart(3, '0')}-${randomUUID().slice(0, 8)}@example.com`),
  }));
  const bulk = await t.scim('POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: operations });
  expect(bulk.status, bulk.text).toBe(200);
  return (bulk.body.Operations as { status: string; location: string }[]).map((result) => {
    expect(result.status).toBe('201');
    return result.location.split('/').at(-1) as string;
  });
}

async function createGroup(members: readonly string[] = []): Promise<string> {
  const created = await t.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `Summary ${randomUUID()}`, members: members.map((value) => ({ value })) });
  expect(created.status, created.text).toBe(201);
  return created.body.id as string;
}

/** Every user's group ids as the list answers them (attributes=groups), by user id, paging through the whole organization. */
async function listedGroups(): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  for (let startIndex = 1; startIndex < 10_000; startIndex += 100) {
    const page = await t.scim('GET', `/Users?startIndex=${startIndex}&count=100&attributes=groups`);
    expect(page.status, page.text).toBe(200);
    for (const user of page.body.Resources as Json[]) result.set(user.id, ((user.groups ?? []) as Json[]).map((group) => group.value as string).sort());
    if ((page.body.Resources as Json[]).length < 100) break;
  }
  return result;
}

/** One user's group ids as GET /Users/{id} answers them (read from the memberships under each group). */
async function groupsOf(userId: string): Promise<string[]> {
  const user = await t.scim('GET', `/Users/${userId}`);
  expect(user.status, user.text).toBe(200);
  return ((user.body.groups ?? []) as Json[]).map((group) => group.value as string).sort();
}

/** The list agrees with `expected` and with GET /Users/{id} for each of `userIds`. */
async function expectGroups(expected: Map<string, Set<string>>): Promise<void> {
  const listed = await listedGroups();
  for (const [userId, groupIds] of expected) {
    const want = [...groupIds].sort();
    expect(listed.get(userId), `list: user ${userId}`).toEqual(want);
    expect(await groupsOf(userId), `GET: user ${userId}`).toEqual(want);
  }
}

describe('the group summaries behind GET /Users?attributes=groups', () => {
  it('answer every user\'s groups after adds, removes, member replaces, group deletes and user deletes', async () => {
    const [a, b, c, d] = await createUsers(4, 'summary');
    const expected = new Map([a, b, c, d].map((id) => [id as string, new Set<string>()]));
    const join = (userId: string | undefined, groupId: string) => expected.get(userId as string)?.add(groupId);
    const leave = (userId: string | undefined, groupId: string) => expected.get(userId as string)?.delete(groupId);

    // POST /Groups with members.
    const g1 = await createGroup([a as string, b as string]);
    const g2 = await createGroup([b as string, c as string]);
    const g3 = await createGroup();
    join(a, g1); join(b, g1); join(b, g2); join(c, g2);
    await expectGroups(expected);

    // PATCH adds and removes (the fast path), then a no-op re-add (the slow path).
    expect((await t.scim('PATCH', `/Groups/${g3}`, patchOp({ op: 'add', path: 'members', value: [{ value: a }, { value: d }] }))).status).toBe(204);
    join(a, g3); join(d, g3);
    expect((await t.scim('PATCH', `/Groups/${g1}`, patchOp({ op: 'remove', path: `members[value eq "${b}"]` }))).status).toBe(204);
    leave(b, g1);
    expect((await t.scim('PATCH', `/Groups/${g3}`, patchOp({ op: 'add', path: 'members', value: [{ value: a }] }))).status).toBe(204);
    await expectGroups(expected);

    // PATCH replace of members and PUT (the general path): the membership becomes exactly the list.
    expect((await t.scim('PATCH', `/Groups/${g2}`, patchOp({ op: 'replace', path: 'members', value: [{ value: c }, { value: d }] }))).status).toBe(204);
    leave(b, g2); join(d, g2);
    const put = await t.scim('PUT', `/Groups/${g3}`, { schemas: [GROUP_SCHEMA], displayName: `Summary renamed ${randomUUID()}`, members: [{ value: b }, { value: d }] });
    expect(put.status, put.text).toBe(200);
    leave(a, g3); join(b, g3);
    await expectGroups(expected);

    // DELETE /Groups/{id}: the group disappears from its members' groups at once, and the sweep
    // removes it from their summaries.
    expect((await t.scim('DELETE', `/Groups/${g2}`)).status).toBe(204);
    leave(c, g2); leave(d, g2);
    await expectGroups(expected);
    const deadline = Date.now() + 30_000;
    let stored = await summaries.ofUsers(organizationId(), [c as string, d as string], { consistent: true });
    while ([...stored.values()].some((groupIds) => groupIds.includes(g2)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      stored = await summaries.ofUsers(organizationId(), [c as string, d as string], { consistent: true });
    }
    expect(stored.get(c as string)).toEqual([]);
    expect(stored.get(d as string)).toEqual([g3]);

    // DELETE /Users/{id}: the user leaves its groups and its summary goes with it.
    expect((await t.scim('DELETE', `/Users/${b}`)).status).toBe(204);
    expected.delete(b as string);
    await expectGroups(expected);
    expect((await summaries.ofUsers(organizationId(), [b as string], { consistent: true })).has(b as string)).toBe(false);
    const members = await t.scim('GET', `/Groups/${g3}`);
    expect((members.body.members as Json[]).map((member) => member.value)).toEqual([d]);
  });

  it('keep large member changes in transactions of at most 100 items (group create and PATCH of 60 members, then removing them)', async () => {
    const ids = await createUsers(60, 'summary-large');
    const created = await createGroup(ids);
    const patched = await createGroup();
    expect((await t.scim('PATCH', `/Groups/${patched}`, patchOp({ op: 'add', path: 'members', value: ids.map((value) => ({ value })) }))).status).toBe(204);
    let listed = await listedGroups();
    for (const id of ids) expect(listed.get(id)).toEqual([created, patched].sort());
    expect((await t.scim('PATCH', `/Groups/${patched}`, patchOp({ op: 'replace', path: 'members', value: [] }))).status).toBe(204);
    listed = await listedGroups();
    for (const id of ids) expect(listed.get(id)).toEqual([created]);
  });

  it('take 8 concurrent PATCHes adding one user to 8 groups: all succeed and the user is in all 8', async () => {
    const [user] = await createUsers(1, 'summary-contended');
    const groupIds = await Promise.all(Array.from({ length: 8 }, () => createGroup()));
    const answers = await Promise.all(groupIds.map((groupId) => t.scim('PATCH', `/Groups/${groupId}`, patchOp({ op: 'add', path: 'members', value: [{ value: user }] }))));
    expect(answers.map((answer) => answer.status)).toEqual(Array.from({ length: 8 }, () => 204));
    expect((await listedGroups()).get(user as string)).toEqual([...groupIds].sort());
    expect(await groupsOf(user as string)).toEqual([...groupIds].sort());
  });

  it('answer users written before summaries existed from their memberships, and the backfill completes their summaries', async () => {
    const groupId = await createGroup();
    const other = await createGroup();
    // A user and its memberships as the platform wrote them before summaries: straight into the
    // table, without a summary item.
    const now = new Date().toISOString();
    const legacyId = randomUUID();
    const record: UsersRepository.UserRecord = {
      id: legacyId,
      organizationId: organizationId(),
      userName: `legacy-${randomUUID().slice(0, 8)}@example.com`,
      active: true,
      resource: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'legacy', active: true },
      hasPassword: false,
      source: 'scim',
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    record.resource.userName = record.userName;
    const put = (item: Record<string, unknown>) => clients.dynamo().send(new PutCommand({ TableName: clients.tableName(), Item: item }));
    await put(usersRepository.itemOf(record));
    for (const id of [groupId, other]) await put(groupsRepository.membershipItemOf(organizationId(), { groupId: id, userId: legacyId, display: 'Legacy', addedAt: now }));
    expect((await summaries.ofUsers(organizationId(), [legacyId], { consistent: true })).has(legacyId)).toBe(false);

    // The list answers from the memberships (and notes the organization for the backfill).
    expect((await listedGroups()).get(legacyId)).toEqual([groupId, other].sort());
    // A change made now reaches the incomplete summary too, so the backfill cannot lose it.
    expect((await t.scim('PATCH', `/Groups/${other}`, patchOp({ op: 'remove', path: `members[value eq "${legacyId}"]` }))).status).toBe(204);
    expect((await listedGroups()).get(legacyId)).toEqual([groupId]);

    // The schedule worker's pass (the local runtime may have run it already: it is idempotent).
    await summaries.notePending(organizationId()).catch(() => undefined);
    const result = await backfill.backfillUserGroupSummaries(() => 600_000);
    expect(result.failed).toBe(0);
    expect((await summaries.ofUsers(organizationId(), [legacyId], { consistent: true })).get(legacyId)).toEqual([groupId]);
    expect((await summaries.pendingOrganizations()).map((pending) => pending.organizationId)).not.toContain(organizationId());
    expect((await listedGroups()).get(legacyId)).toEqual([groupId]);
    // A second pass finds nothing to do.
    const again = await backfill.backfillUserGroupSummaries(() => 600_000);
    expect(again.completed).toBe(0);
  });
});
