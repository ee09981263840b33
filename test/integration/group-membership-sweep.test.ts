import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalEngines } from './support/in-process.ts';
import { call } from './support/platform-client.ts';
import { GROUP_SCHEMA, patchOp, scimTenant, userBody, type ScimTenant } from './support/scim-client.ts';
import type * as GroupsRepository from '../../shared/storage/groups.ts';
import type * as SweepModule from '../../shared/workers/sweep-group-memberships.ts';
import type * as StartModule from '../../shared/workers/start-worker.ts';

/**
 * Deleting a group hands its membership items to the sweep-group-memberships worker (a queue
 * worker, run in process by the local runtime). The memberships are read back through the groups
 * repository against the test's DynamoDB Local — the same code the platform reads them with.
 */
let t: ScimTenant;
// Imported after useLocalEngines(): the modules read the engines' endpoints on first use.
let groups: typeof GroupsRepository;
let sweep: typeof SweepModule;
let start: typeof StartModule;

beforeAll(async () => {
  useLocalEngines();
  [t, groups, sweep, start] = await Promise.all([
    scimTenant(),
    import('../../shared/storage/groups.ts'),
    import('../../shared/workers/sweep-group-memberships.ts'),
    import('../../shared/workers/start-worker.ts'),
  ]);
});

async function createUsers(count: number): Promise<string[]> {
  const ids: string[] = [];
  let next = 0;
  const creator = async () => {
    while (next < count) {
      next += 1;
      const created = await t.scim('POST', '/Users', userBody(`sweep-${randomUUID().slice(0, 12)}@example.com`));
      expect(created.status, created.text).toBe(201);
      ids.push(created.body.id as string);
    }
  };
  await Promise.all(Array.from({ length: 6 }, creator));
  return ids;
}

async function createGroupWith(members: readonly string[]): Promise<string> {
  const created = await t.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `Sweep ${randomUUID()}` });
  expect(created.status, created.text).toBe(201);
  const patched = await t.scim('PATCH', `/Groups/${created.body.id}`, patchOp({ op: 'add', path: 'members', value: members.map((value) => ({ value })) }));
  expect(patched.status, patched.text).toBe(204);
  return created.body.id as string;
}

/** Polls until `check` holds, at most `timeoutMs`; returns its last value. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    value = await read();
  }
  return value;
}

interface ListedEntry {
  action: string;
  actor: { type: string; id: string };
  target: { type: string; id: string } | null;
  details: { removed?: number; userIds?: string[] };
}

async function sweepEntries(groupId: string): Promise<ListedEntry[]> {
  const listed = await call<{ items: ListedEntry[] }>('GET', `/api/identity/v1/audit/list?pageSize=100&query=${encodeURIComponent(`action:group.memberships.swept target:${groupId}`)}`, {
    token: t.tenant.ownerToken,
  });
  expect(listed.status, listed.text).toBe(200);
  return listed.body.items;
}

describe('the group membership sweep worker', () => {
  it('removes every membership of a deleted group larger than one transaction, audited per chunk', async () => {
    const members = await createUsers(250);
    const groupId = await createGroupWith(members);
    expect(await groups.membersOf(t.tenant.organizationId, groupId)).toHaveLength(250);

    const deleted = await t.scim('DELETE', `/Groups/${groupId}`);
    expect(deleted.status, deleted.text).toBe(204);

    const left = await eventually(() => groups.membersOf(t.tenant.organizationId, groupId), (memberships) => memberships.length === 0);
    expect(left).toEqual([]);
    // The users' side of the memberships (the gsi1 entries) went with them.
    expect(await groups.ofUser(t.tenant.organizationId, members[0] as string)).toEqual([]);

    const entries = await eventually(() => sweepEntries(groupId), (found) => found.reduce((sum, entry) => sum + (entry.details.removed ?? 0), 0) >= 250, 10_000);
    expect(entries.length).toBe(Math.ceil(250 / sweep.SWEEP_CHUNK)); // 48 × 5 + 10: each removal brings its member's group summary update
    for (const entry of entries) {
      expect(entry).toMatchObject({ action: 'group.memberships.swept', actor: { type: 'system', id: 'sweep-group-memberships' }, target: { type: 'group', id: groupId } });
      expect(entry.details.removed).toBeLessThanOrEqual(sweep.SWEEP_CHUNK);
      expect(entry.details.userIds).toHaveLength(entry.details.removed ?? -1);
    }
    expect(entries.flatMap((entry) => entry.details.userIds ?? []).sort()).toEqual([...members].sort());
    // The deleted group left its members' group summaries too.
    const summaries = await (await import('../../shared/storage/user-group-summaries.ts')).ofUsers(t.tenant.organizationId, members, { consistent: true });
    expect([...summaries.values()].filter((groupIds) => groupIds.includes(groupId))).toEqual([]);
  }, 240_000);

  it('refuses to sweep a group that exists, and a repeated sweep of a swept group changes nothing', async () => {
    const members = await createUsers(3);
    const groupId = await createGroupWith(members);
    const refused = await sweep.sweepGroupMemberships({ organizationId: t.tenant.organizationId, groupId }, () => 60_000);
    expect(refused).toEqual({ removed: 0, outcome: 'refused' });
    expect(await groups.membersOf(t.tenant.organizationId, groupId)).toHaveLength(3);

    expect((await t.scim('DELETE', `/Groups/${groupId}`)).status).toBe(204);
    await eventually(() => groups.membersOf(t.tenant.organizationId, groupId), (memberships) => memberships.length === 0);
    const audited = await eventually(() => sweepEntries(groupId), (found) => found.length === 1, 10_000);
    expect(audited).toHaveLength(1);

    // A re-delivered message finds nothing left and writes no audit entry.
    const again = await sweep.sweepGroupMemberships({ organizationId: t.tenant.organizationId, groupId }, () => 60_000);
    expect(again).toEqual({ removed: 0, outcome: 'finished' });
    expect(await sweepEntries(groupId)).toHaveLength(1);
  });

  it('stops before its deadline and sends itself the rest', async () => {
    const members = await createUsers(100);
    const groupId = await createGroupWith(members);
    // Delete the group item without the worker: an orphaned membership partition, as an
    // interrupted sweep would leave it. Only this test process's transport sees the re-enqueue.
    const sent: { workerId: string; body: string }[] = [];
    start.setWorkerTransport({
      enqueue: async (worker, body) => {
        sent.push({ workerId: worker.id, body });
      },
      invoke: async () => undefined,
    });
    try {
      const [{ transact }, { ConflictError }] = await Promise.all([import('../../shared/storage/transactions.ts'), import('../../shared/errors/domain-errors.ts')]);
      const group = await groups.byId(t.tenant.organizationId, groupId);
      await transact([groups.deleteStep(t.tenant.organizationId, groupId, { expectedVersion: group?.version ?? 0, onConflict: () => new ConflictError('changed') })]);

      // Time for exactly one chunk, then the reserve is reached.
      let calls = 0;
      const result = await sweep.sweepGroupMemberships({ organizationId: t.tenant.organizationId, groupId }, () => (calls++ === 0 ? 60_000 : sweep.SWEEP_RESERVE_MS));
      expect(result).toEqual({ removed: sweep.SWEEP_CHUNK, outcome: 'continued' });
      expect(sent).toEqual([{ workerId: 'sweep-group-memberships', body: JSON.stringify({ organizationId: t.tenant.organizationId, groupId }) }]);
      expect(await groups.membersOf(t.tenant.organizationId, groupId)).toHaveLength(100 - sweep.SWEEP_CHUNK);

      const rest = await sweep.sweepGroupMemberships({ organizationId: t.tenant.organizationId, groupId }, () => 60_000);
      expect(rest).toEqual({ removed: 100 - sweep.SWEEP_CHUNK, outcome: 'finished' });
      expect(await groups.membersOf(t.tenant.organizationId, groupId)).toEqual([]);
    } finally {
      start.setWorkerTransport(undefined);
    }
  }, 120_000);
});
