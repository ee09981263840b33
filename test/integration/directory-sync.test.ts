/**
 * Directory sync (issue 13, "Connections and sync, for real") over real HTTP against a real
 * OpenLDAP server (test/integration/support/ldap/slapd.ts): sync projects, runs in the `sync-run`
 * worker, users, groups and nested memberships in the Directory API and SCIM, the history with its
 * per-object change records, deactivation, the deletion threshold, empty reads, overlapping runs
 * and delta runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { call, createTenant, machineToken, auditEntries, type Tenant } from './support/platform-client.ts';
import { useLocalEngines } from './support/in-process.ts';
import { slapdAvailable, startSlapd, SLAPD_BINARY, type SlapdServer } from './support/ldap/slapd.ts';
import { AD_GROUPS, sambaAvailable, startSambaDc, SAMBA_BINARY, type SambaDc } from './support/ldap/samba.ts';

const ci = process.env.CI === 'true';
const haveSlapd = slapdAvailable();
const haveSamba = sambaAvailable();
if (!haveSlapd && !ci) console.warn(`SKIPPED: directory sync tests — ${SLAPD_BINARY} is not installed (apt-get install slapd ldap-utils, see .ci/run)`);
if (!haveSamba && !ci) console.warn(`SKIPPED: Active Directory sync tests — ${SAMBA_BINARY} is not installed (apt-get install samba, see .ci/run)`);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let tenant: Tenant;
let slapd: SlapdServer;
let samba: SambaDc | undefined;
let scimToken: string;

const api = (method: string, path: string, json?: unknown, token = tenant.ownerToken) => call<Json>(method, path, { token, ...(json !== undefined ? { json } : {}) });

function expectDirectoryError(result: { status: number; body: Json; text: string }, status: number, messagePart?: RegExp): void {
  expect(result.status, result.text).toBe(status);
  expect(result.body).toEqual({ error: expect.any(String), message: expect.any(String), statusCode: status });
  if (messagePart) expect(result.body.message).toMatch(messagePart);
}

async function createConnection(server: SlapdServer, name: string): Promise<string> {
  const created = await api('POST', '/api/connections', {
    name,
    type: 'ldap',
    host: server.host,
    port: server.port,
    tlsMode: 'none',
    allowInsecure: true,
    baseDn: server.baseDn,
    bindDn: server.serviceDn,
    password: server.servicePassword,
    pageSize: 2,
  });
  expect(created.status, created.text).toBe(201);
  return created.body.id as string;
}

async function createProject(body: Record<string, unknown>): Promise<Json> {
  const created = await api('POST', '/api/sync/projects', { name: 'OpenLDAP people', deletionThreshold: { count: 2, percent: 50 }, ...body });
  expect(created.status, created.text).toBe(201);
  return created.body;
}

/** Queues a run and waits until it has finished; returns the run with all its change records. */
async function run(projectId: string, body?: Record<string, unknown>): Promise<Json> {
  const queued = await api('POST', `/api/sync/projects/${projectId}/run`, body);
  expect(queued.status, queued.text).toBe(202);
  expect(queued.body).toEqual({ runId: expect.any(String), status: 'queued' });
  return finished(queued.body.runId as string);
}

async function finished(runId: string): Promise<Json> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const got = await api('GET', `/api/sync/history/${runId}?pageSize=200`);
    expect(got.status, got.text).toBe(200);
    if (!['queued', 'running'].includes(got.body.status as string)) return got.body;
    if (Date.now() > deadline) throw new Error(`run ${runId} did not finish: ${got.text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function byDn(result: Json): Map<string, Json> {
  return new Map((result.changes.data as Json[]).map((change) => [change.dn.toLowerCase(), change]));
}

function expectCountsMatchRecords(result: Json): void {
  const records = result.changes.data as Json[];
  expect(result.changes.totalCount).toBe(records.length);
  const tally: Record<string, number> = { processed: records.length, created: 0, updated: 0, unchanged: 0, deactivated: 0, deleted: 0, errors: 0 };
  for (const record of records) tally[record.action === 'error' ? 'errors' : record.action] = (tally[record.action === 'error' ? 'errors' : record.action] ?? 0) + 1;
  expect(result.counts).toEqual(tally);
}

beforeAll(async () => {
  if (!haveSlapd && !haveSamba) return;
  tenant = await createTenant('Directory sync');
  const lifted = { perMinute: 100_000, perHour: 1_000_000 };
  const patched = await call('PATCH', `/api/identity/v1/organizations/${tenant.organizationId}`, { headers: { 'X-Operator-Key': inject('operatorApiKey') }, json: { rateLimits: { directory: lifted } } });
  if (patched.status !== 200) throw new Error(`rate limits: ${patched.status} ${patched.text}`);
  [slapd, samba] = await Promise.all([haveSlapd ? startSlapd() : (undefined as unknown as SlapdServer), haveSamba ? startSambaDc() : undefined]);
  scimToken = (await machineToken(tenant.ownerToken)).token;
}, 180_000);

afterAll(async () => {
  await Promise.all([slapd?.stop(), samba?.stop()]);
});

describe.skipIf(!haveSlapd && !ci)('directory sync against OpenLDAP', () => {
  let connectionId: string;
  let project: Json;
  let first: Json;

  it('creates, reads, lists, changes and validates sync projects; a used connection cannot be deleted', async () => {
    connectionId = await createConnection(slapd, 'Corporate OpenLDAP');
    project = await createProject({ connectionId });
    expect(project).toMatchObject({ connectionId, connectionType: 'ldap', searchBases: [], filter: null, objectClasses: ['user', 'group'], mode: 'full', onDisappear: 'deactivate', version: 1 });
    expect(project.attributeMappings).toMatchObject({ userName: 'uid', email: 'mail', familyName: 'sn', manager: 'manager' });
    expect((await api('GET', `/api/sync/projects/${project.id}`)).body).toEqual(project);
    const listed = await api('GET', '/api/sync/projects?page=1&pageSize=10');
    expect(listed.body).toMatchObject({ totalCount: 1, page: 1, pageSize: 10 });
    expect(listed.body.data).toEqual([project]);

    expectDirectoryError(await api('DELETE', `/api/connections/${connectionId}`), 409, /used by sync projects \(OpenLDAP people\)/);
    expectDirectoryError(await api('POST', '/api/sync/projects', { name: 'x', connectionId, filter: 'objectClass=*' }), 400, /filter/);
    expectDirectoryError(await api('POST', '/api/sync/projects', { name: 'x', connectionId, searchBases: ['not a dn'] }), 400, /distinguished name/);
    expectDirectoryError(await api('POST', '/api/sync/projects', { name: 'x', connectionId, mode: 'sometimes' }), 400);
    expectDirectoryError(await api('POST', '/api/sync/projects', { name: 'x', connectionId: '00000000-0000-4000-8000-000000000000' }), 400, /Connection/);
    const scimConnection = (await api('GET', '/api/connections?type=scim')).body.data[0].id;
    expectDirectoryError(await api('POST', '/api/sync/projects', { name: 'x', connectionId: scimConnection }), 400, /scim connection/);
    expectDirectoryError(await api('GET', '/api/sync/projects/not-a-uuid'), 404, /Sync project with ID 'not-a-uuid' was not found/);
    expectDirectoryError(await api('GET', '/api/sync/projects?pageSize=201'), 400, /200/);

    const patched = await api('PATCH', `/api/sync/projects/${project.id}`, { filter: '(objectClass=*)', attributeMappings: { department: 'ou' } });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body).toMatchObject({ filter: '(objectClass=*)', version: 2, attributeMappings: { department: 'ou', userName: 'uid' } });
    const reverted = await api('PATCH', `/api/sync/projects/${project.id}`, { filter: null, attributeMappings: { department: 'departmentNumber' } });
    expect(reverted.body).toMatchObject({ filter: null, version: 3 });
    project = reverted.body;

    const throwaway = await createProject({ connectionId, name: 'Throwaway' });
    expect((await api('DELETE', `/api/sync/projects/${throwaway.id}`)).status).toBe(204);
    expectDirectoryError(await api('GET', `/api/sync/projects/${throwaway.id}`), 404);
    const actions = (await auditEntries(tenant.organizationId)).map((entry) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['sync.project.created', 'sync.project.updated', 'sync.project.deleted']));
  });

  it('a full run pages through the directory and creates users, groups and nested memberships, visible in the Directory API and read-only in SCIM', async () => {
    first = await run(project.id);
    expect(first).toMatchObject({ status: 'succeeded', reason: null, mode: 'full', projectId: project.id, startedAt: expect.any(String), finishedAt: expect.any(String) });
    expect(first.counts).toEqual({ processed: 6, created: 6, updated: 0, unchanged: 0, deactivated: 0, deleted: 0, errors: 0 });
    expectCountsMatchRecords(first);
    const changes = byDn(first);
    const ada = changes.get(slapd.users[0]!.dn.toLowerCase())!;
    expect(ada).toMatchObject({ objectClass: 'user', action: 'created', changes: { userName: { before: null, after: 'ada' } } });

    const listed = await api('GET', `/api/users?connectionId=${connectionId}&status=all&pageSize=50`);
    expect(listed.status, listed.text).toBe(200);
    expect(listed.body.totalCount).toBe(4);
    const users = new Map((listed.body.data as Json[]).map((user) => [user.accountName, user]));
    const grace = await api('GET', `/api/users/${changes.get(slapd.users[1]!.dn.toLowerCase())!.objectId}`);
    expect(grace.body).toMatchObject({ email: 'grace@example.test', status: 'active', managerId: ada.objectId, employeeNumber: '1002', source: 'ldap', connectionId });
    expect(grace.body.externalId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const linus = await api('GET', `/api/users/${changes.get(slapd.users[3]!.dn.toLowerCase())!.objectId}`);
    expect(linus.body.status).toBe('disabled');
    expect(users.size).toBe(4);

    // Nested: everyone = ada, linus + engineering (grace, alan).
    const everyone = changes.get(slapd.groups.everyone.toLowerCase())!;
    const members = await api('GET', `/api/groups/${everyone.objectId}/members?pageSize=50`);
    expect(members.status, members.text).toBe(200);
    expect((members.body.data as Json[]).map((user) => user.id).sort()).toEqual([...changes.values()].filter((change) => change.objectClass === 'user').map((change) => change.objectId).sort());
    const engineering = changes.get(slapd.groups.engineering.toLowerCase())!;
    expect((await api('GET', `/api/groups/${engineering.objectId}/members`)).body.totalCount).toBe(2);

    const scimUser = await call<Json>('GET', `/api/scim/v2/Users/${ada.objectId}`, { token: scimToken });
    expect(scimUser.status, scimUser.text).toBe(200);
    expect(scimUser.body).toMatchObject({ userName: 'ada', active: true });
    const refused = await call<Json>('DELETE', `/api/scim/v2/Users/${ada.objectId}`, { token: scimToken });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain(connectionId);

    const audit = (await auditEntries(tenant.organizationId)).filter((entry) => entry.action === 'user.created' && entry.details?.runId === first.id);
    expect(audit).toHaveLength(4);
    expect(audit[0]).toMatchObject({ actorType: 'system', actorId: `sync-project:${project.id}` });
  });

  it('a second full run reports every object unchanged; overlapping runs get 409', async () => {
    const queued = await api('POST', `/api/sync/projects/${project.id}/run`);
    expect(queued.status, queued.text).toBe(202);
    expectDirectoryError(await api('POST', `/api/sync/projects/${project.id}/run`), 409, /already has a run/);
    const second = await finished(queued.body.runId as string);
    expect(second.status).toBe('succeeded');
    expect(second.counts).toEqual({ processed: 6, created: 0, updated: 0, unchanged: 6, deactivated: 0, deleted: 0, errors: 0 });
    expectCountsMatchRecords(second);
  });

  it('a delta run after modifying one user touches only that user', async () => {
    const patched = await api('PATCH', `/api/sync/projects/${project.id}`, { mode: 'delta' });
    expect(patched.status, patched.text).toBe(200);
    const client = await slapd.adminClient();
    try {
      const { Change, Attribute } = await import('ldapts');
      await client.modify(slapd.users[2]!.dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Cryptanalyst'] }) })]);
    } finally {
      await client.unbind();
    }
    const delta = await run(project.id);
    expect(delta.status, JSON.stringify(delta)).toBe('succeeded');
    expect(delta.counts).toEqual({ processed: 1, created: 0, updated: 1, unchanged: 0, deactivated: 0, deleted: 0, errors: 0 });
    expect(delta.changes.data[0]).toMatchObject({ dn: slapd.users[2]!.dn, action: 'updated', changes: { title: { before: null, after: 'Cryptanalyst' } } });
    const again = await run(project.id);
    expect(again.counts.processed).toBe(0);
    await api('PATCH', `/api/sync/projects/${project.id}`, { mode: 'full' });
  });

  it('a user deleted from the directory is deactivated, not deleted; the threshold stops a larger removal and changes nothing', async () => {
    const client = await slapd.adminClient();
    try {
      await client.del(slapd.users[2]!.dn);
    } finally {
      await client.unbind();
    }
    const tight = await api('PATCH', `/api/sync/projects/${project.id}`, { deletionThreshold: { count: 0, percent: 100 } });
    expect(tight.status).toBe(200);
    const stopped = await run(project.id);
    expect(stopped).toMatchObject({ status: 'failed', reason: 'deletion_threshold', wouldRemove: 1 });
    expect(stopped.counts.processed).toBe(0);
    expect(stopped.changes.totalCount).toBe(0);
    const alanId = byDn(first).get(slapd.users[2]!.dn.toLowerCase())!.objectId;
    expect((await api('GET', `/api/users/${alanId}`)).body.status).toBe('active');

    const removal = await run(project.id, { overrideDeletionThreshold: true });
    expect(removal).toMatchObject({ status: 'succeeded', overrideDeletionThreshold: true });
    await api('PATCH', `/api/sync/projects/${project.id}`, { deletionThreshold: { count: 2, percent: 50 } });
    expect(removal.counts).toMatchObject({ deactivated: 1, created: 0 });
    expectCountsMatchRecords(removal);
    expect(byDn(removal).get(slapd.users[2]!.dn.toLowerCase())).toMatchObject({ action: 'deactivated', objectId: alanId });
    const alan = await api('GET', `/api/users/${alanId}`);
    expect(alan.status).toBe(200);
    expect(alan.body.status).toBe('disabled');
    // engineering lost alan as a member (an update of the group).
    expect(byDn(removal).get(slapd.groups.engineering.toLowerCase())).toMatchObject({ action: 'updated', changes: { members: { before: 2, after: 1 } } });
  });

  it('an empty read changes nothing: a search base with no objects fails the run as empty_result', async () => {
    const empty = await createProject({ connectionId, name: 'Empty base', searchBases: [`ou=services,${slapd.baseDn}`] });
    const result = await run(empty.id);
    expect(result).toMatchObject({ status: 'failed', reason: 'empty_result' });
    expect(result.counts.processed).toBe(0);
    const failing = await createProject({ connectionId, name: 'Missing base', searchBases: [`ou=nowhere,${slapd.baseDn}`] });
    const broken = await run(failing.id);
    expect(broken).toMatchObject({ status: 'failed', reason: 'directory_error' });
    expect((await api("GET", `/api/users?connectionId=${connectionId}&status=active`)).body.totalCount).toBe(2);
  });

  it('an object that cannot be written is an error record, the rest of the run goes on (partial), and it joins no group', async () => {
    const created = await call<Json>('POST', '/api/scim/v2/Users', { token: scimToken, json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'newbie' } });
    expect(created.status, created.text).toBe(201);
    const dn = `uid=newbie,ou=people,${slapd.baseDn}`;
    const client = await slapd.adminClient();
    try {
      const { Change, Attribute } = await import('ldapts');
      await client.add(dn, { objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'], uid: 'newbie', cn: 'New Bie', sn: 'Bie' });
      await client.modify(slapd.groups.engineering, [new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [dn] }) })]);
    } finally {
      await client.unbind();
    }
    const result = await run(project.id);
    expect(result.status, JSON.stringify(result)).toBe('partial');
    expect(result.counts).toMatchObject({ errors: 1, created: 0 });
    expectCountsMatchRecords(result);
    expect(byDn(result).get(dn)).toMatchObject({ action: 'error', error: expect.stringMatching(/userName newbie is already taken/) });
    // The failed create names no object (the id it was planned with never existed).
    expect(byDn(result).get(dn)!.objectId ?? null).toBeNull();
    const engineering = byDn(first).get(slapd.groups.engineering.toLowerCase())!;
    const members = await api('GET', `/api/groups/${engineering.objectId}/members`);
    expect((members.body.data as Json[]).map((user) => user.id)).not.toContain(created.body.id);
    expect(members.body.totalCount).toBe(1);
  });

  it("with onDisappear 'delete', a user gone from the directory is deleted with its memberships and its userName freed", async () => {
    expect((await api('PATCH', `/api/sync/projects/${project.id}`, { onDisappear: 'delete', deleteAfterDays: 0 })).status).toBe(200);
    const linus = slapd.users[3]!;
    const linusId = byDn(first).get(linus.dn.toLowerCase())!.objectId;
    const everyone = byDn(first).get(slapd.groups.everyone.toLowerCase())!.objectId;
    expect((await api('GET', `/api/users/${linusId}/groups`)).body.totalCount).toBe(1);
    const client = await slapd.adminClient();
    try {
      await client.del(linus.dn);
    } finally {
      await client.unbind();
    }
    const result = await run(project.id);
    // linus, and alan, deactivated by an earlier run and still gone.
    expect(result.counts).toMatchObject({ deleted: 2, deactivated: 0 });
    expect(byDn(result).get(slapd.users[2]!.dn.toLowerCase())).toMatchObject({ action: 'deleted' });
    expectCountsMatchRecords(result);
    expect(byDn(result).get(linus.dn.toLowerCase())).toMatchObject({ action: 'deleted', objectId: linusId });
    expectDirectoryError(await api('GET', `/api/users/${linusId}`), 404);
    const members = (await api('GET', `/api/groups/${everyone}/members?pageSize=50`)).body.data as Json[];
    expect(members.map((user) => user.id)).not.toContain(linusId);
    const audit = (await auditEntries(tenant.organizationId)).filter((entry) => entry.action === 'user.deleted' && entry.targetId === linusId);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.details).toMatchObject({ runId: result.id, removedFromGroups: [everyone] });
    const reused = await call<Json>('POST', '/api/scim/v2/Users', { token: scimToken, json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'linus' } });
    expect(reused.status, reused.text).toBe(201);
  });

  it('a project over other search bases of the same connection leaves the users outside them alone', async () => {
    const groupsOnly = await createProject({ connectionId, name: 'Groups OU', searchBases: [`ou=groups,${slapd.baseDn}`], deletionThreshold: { count: 0, percent: 0 } });
    const result = await run(groupsOnly.id);
    expect(result.status, JSON.stringify(result)).toBe('succeeded');
    expect(result.counts).toEqual({ processed: 2, created: 0, updated: 0, unchanged: 2, deactivated: 0, deleted: 0, errors: 0 });
    const scimList = await call<Json>('GET', '/api/scim/v2/Users?count=200', { token: scimToken });
    expect(scimList.body.totalResults).toBe(scimList.body.Resources.length);
    expect((scimList.body.Resources as Json[]).filter((user) => ['ada', 'grace', 'alan'].includes(user.userName)).map((user) => user.userName).sort()).toEqual(['ada', 'grace']);
  });

  it('the history filters by status, since and project', async () => {
    const failed = await api('GET', '/api/sync/history?status=failed&since=2025-01-01');
    expect(failed.status, failed.text).toBe(200);
    expect(failed.body).toMatchObject({ page: 1, pageSize: 50 });
    expect(failed.body.totalCount).toBe(3);
    expect((failed.body.data as Json[]).every((entry) => entry.status === 'failed')).toBe(true);
    const ofProject = await api('GET', `/api/sync/history?projectId=${project.id}`);
    expect(ofProject.body.totalCount).toBe(8);
    expect((ofProject.body.data as Json[]).map((entry) => entry.id)).toEqual([...(ofProject.body.data as Json[]).map((entry) => entry.id)].sort().reverse());
    expect((await api('GET', '/api/sync/history?since=2999-01-01')).body.totalCount).toBe(0);
    const paged = await api('GET', `/api/sync/history/${first.id}?page=2&pageSize=4`);
    expect(paged.body.changes).toMatchObject({ totalCount: 6, page: 2, pageSize: 4 });
    expect(paged.body.changes.data).toHaveLength(2);
    expectDirectoryError(await api('GET', '/api/sync/history?status=foo'), 400);
    expectDirectoryError(await api('GET', '/api/sync/history?since=yesterday'), 400, /since/);
    expectDirectoryError(await api('GET', '/api/sync/history?since=2025-02-29'), 400, /day that exists/);
    expectDirectoryError(await api('GET', '/api/sync/history?since=2025-02-30'), 400, /day that exists/);
    expect((await api('GET', '/api/sync/history?since=2025-01-01t00:00:00z')).status).toBe(200);
    expectDirectoryError(await api('GET', '/api/sync/history/01JDZ8Q3K9V7X2M4N6P8R0T2W4'), 404);
  });
});

describe.skipIf(!haveSlapd && !ci)('directory sync engine against OpenLDAP: delta deletions, dry runs, stored plans', () => {
  let connectionId: string;
  it('a delta run finds a deleted entry by comparing the id listing with the last count, and otherwise processes nothing', async () => {
    connectionId = await createConnection(slapd, 'OpenLDAP for delta deletions');
    const people = `ou=people,${slapd.baseDn}`;
    const project = await createProject({ connectionId, name: 'Delta deletions', searchBases: [people], objectClasses: ['user'], filter: '(uid=hopper)', deletionThreshold: { count: 2, percent: 100 } });
    const dn = `uid=hopper,${people}`;
    const client = await slapd.adminClient();
    try {
      await client.add(dn, { objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'], uid: 'hopper', cn: 'Grace Hopper', sn: 'Hopper' });
    } finally {
      await client.unbind();
    }
    const full = await run(project.id);
    const hopper = byDn(full).get(dn)!;
    expect(hopper).toMatchObject({ action: 'created' });
    expect((await api('PATCH', `/api/sync/projects/${project.id}`, { mode: 'delta' })).status).toBe(200);
    const quiet = await run(project.id);
    expect(quiet.status, JSON.stringify(quiet)).toBe('succeeded');
    expect(quiet.counts.processed).toBe(0);
    const again = await slapd.adminClient();
    try {
      await again.del(dn);
    } finally {
      await again.unbind();
    }
    const delta = await run(project.id);
    expect(delta.status, JSON.stringify(delta)).toBe('succeeded');
    expect(delta.counts).toEqual({ processed: 1, created: 0, updated: 0, unchanged: 0, deactivated: 1, deleted: 0, errors: 0 });
    expect(delta.changes.data[0]).toMatchObject({ dn, action: 'deactivated', objectId: hopper.objectId });
    expect((await api('GET', `/api/users/${hopper.objectId}`)).body.status).toBe('disabled');
    expect((await run(project.id)).counts.processed).toBe(0);
  });

  it('objects of a deleted project are taken over by another project over the connection: re-owned when found, deactivated when they disappear', async () => {
    const orphanConnection = await createConnection(slapd, 'OpenLDAP for orphans');
    const people = `ou=people,${slapd.baseDn}`;
    const dns = [`uid=orphan-a,${people}`, `uid=orphan-b,${people}`];
    const client = await slapd.adminClient();
    try {
      for (const dn of dns) {
        const uid = dn.slice(4, dn.indexOf(','));
        await client.add(dn, { objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'], uid, cn: `Orphan ${uid}`, sn: uid });
      }
    } finally {
      await client.unbind();
    }
    const scope = { connectionId: orphanConnection, searchBases: [people], objectClasses: ['user'], filter: '(|(uid=orphan-a)(uid=orphan-b))', deletionThreshold: { count: 2, percent: 100 } };
    const first = await createProject({ ...scope, name: 'Orphans, first' });
    const created = await run(first.id);
    expect(created.counts).toMatchObject({ created: 2, errors: 0 });
    expect((await api('DELETE', `/api/sync/projects/${first.id}`)).status).toBe(204);

    const second = await createProject({ ...scope, name: 'Orphans, second' });
    const takeOver = await run(second.id);
    expect(takeOver.status, JSON.stringify(takeOver)).toBe('succeeded');
    expect(takeOver.counts).toMatchObject({ processed: 2, updated: 2, created: 0 });
    expect(byDn(takeOver).get(dns[0]!)).toMatchObject({ action: 'updated', changes: { syncProjectId: { before: first.id, after: second.id } } });
    expect((await run(second.id)).counts).toMatchObject({ processed: 2, unchanged: 2 });

    const gone = await slapd.adminClient();
    try {
      await gone.del(dns[1]!);
    } finally {
      await gone.unbind();
    }
    const removal = await run(second.id);
    expect(removal.status, JSON.stringify(removal)).toBe('succeeded');
    const record = byDn(removal).get(dns[1]!);
    expect(record).toMatchObject({ action: 'deactivated', objectId: byDn(created).get(dns[1]!)!.objectId });
    expect((await api('GET', `/api/users/${record!.objectId}`)).body.status).toBe('disabled');
  });

  it('a full run deactivates a disappeared object of a deleted project it never wrote', async () => {
    const orphanConnection = await createConnection(slapd, 'OpenLDAP for unseen orphans');
    const people = `ou=people,${slapd.baseDn}`;
    const dn = `uid=orphan-c,${people}`;
    const client = await slapd.adminClient();
    try {
      await client.add(dn, { objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'], uid: 'orphan-c', cn: 'Orphan C', sn: 'C' });
    } finally {
      await client.unbind();
    }
    const scope = { connectionId: orphanConnection, searchBases: [people], objectClasses: ['user'], filter: '(|(uid=orphan-c)(uid=orphan-d))', deletionThreshold: { count: 2, percent: 100 } };
    const first = await createProject({ ...scope, name: 'Unseen orphans, first' });
    const created = await run(first.id);
    const id = byDn(created).get(dn)!.objectId;
    expect((await api('DELETE', `/api/sync/projects/${first.id}`)).status).toBe(204);
    const again = await slapd.adminClient();
    try {
      await again.del(dn);
      await again.add(`uid=orphan-d,${people}`, { objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'], uid: 'orphan-d', cn: 'Orphan D', sn: 'D' });
    } finally {
      await again.unbind();
    }
    const second = await createProject({ ...scope, name: 'Unseen orphans, second' });
    const result = await run(second.id);
    expect(result.status, JSON.stringify(result)).toBe('succeeded');
    expect(byDn(result).get(dn)).toMatchObject({ action: 'deactivated', objectId: id });
    expect((await api('GET', `/api/users/${id}`)).body.status).toBe('disabled');
  });

  it('a create that fails does not count as a synchronised object: the next delta run measures its threshold against the objects that landed', async () => {
    const countConnection = await createConnection(slapd, 'OpenLDAP for object counts');
    const people = `ou=people,${slapd.baseDn}`;
    const taken = await call<Json>('POST', '/api/scim/v2/Users', { token: scimToken, json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'count-taken' } });
    expect(taken.status, taken.text).toBe(201);
    const uids = ['count-taken', 'count-a', 'count-b'];
    const client = await slapd.adminClient();
    try {
      for (const uid of uids) await client.add(`uid=${uid},${people}`, { objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'], uid, cn: `Count ${uid}`, sn: uid });
    } finally {
      await client.unbind();
    }
    const project = await createProject({ connectionId: countConnection, name: 'Object counts', searchBases: [people], objectClasses: ['user'], filter: `(|${uids.map((uid) => `(uid=${uid})`).join('')})`, deletionThreshold: { count: 0, percent: 0 } });
    const full = await run(project.id);
    expect(full.status, JSON.stringify(full)).toBe('partial');
    expect(full.counts).toMatchObject({ created: 2, errors: 1 });
    expect((await api('PATCH', `/api/sync/projects/${project.id}`, { mode: 'delta' })).status).toBe(200);
    const again = await slapd.adminClient();
    try {
      await again.del(`uid=count-b,${people}`);
    } finally {
      await again.unbind();
    }
    const stopped = await run(project.id);
    expect(stopped).toMatchObject({ status: 'failed', reason: 'deletion_threshold', wouldRemove: 1 });
    expect(stopped.message).toMatch(/deactivate or delete 1 of 2 synchronised objects/);
  });

  it('a wrong bind password fails the run as directory_error with a readable message (invalid credentials, result code 49)', async () => {
    const created = await api('POST', '/api/connections', {
      name: 'OpenLDAP with a wrong password', type: 'ldap', host: slapd.host, port: slapd.port, tlsMode: 'none', allowInsecure: true,
      baseDn: slapd.baseDn, bindDn: slapd.serviceDn, password: `${slapd.servicePassword}-wrong`,
    });
    expect(created.status, created.text).toBe(201);
    const project = await createProject({ connectionId: created.body.id, name: 'Wrong password' });
    const result = await run(project.id);
    expect(result).toMatchObject({ status: 'failed', reason: 'directory_error' });
    expect(result.message).toMatch(/nothing was changed/);
    expect(result.message).toMatch(/invalid credentials/i);
    expect(result.message).toMatch(/result code 49/);
    expect(result.message).not.toMatch(/0x31/);
  });

  it('a dry run plans a create whose userName another user holds (any case) as an error, exactly as the applied run records it', async () => {
    const claimConnection = await createConnection(slapd, 'OpenLDAP for userName claims');
    const people = `ou=people,${slapd.baseDn}`;
    const taken = await call<Json>('POST', '/api/scim/v2/Users', { token: scimToken, json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'Claimed-Name' } });
    expect(taken.status, taken.text).toBe(201);
    const dn = `uid=claimed-name,${people}`;
    const client = await slapd.adminClient();
    try {
      await client.add(dn, { objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'], uid: 'claimed-name', cn: 'Claimed Name', sn: 'Name' });
    } finally {
      await client.unbind();
    }
    const project = await createProject({ connectionId: claimConnection, name: 'userName claims', searchBases: [people], objectClasses: ['user'], filter: '(uid=claimed-name)' });
    const dry = await run(project.id, { dryRun: true });
    expect(dry.counts).toMatchObject({ processed: 1, created: 0, errors: 1 });
    expect(byDn(dry).get(dn)).toMatchObject({ action: 'error', error: expect.stringMatching(/userName claimed-name is already taken/) });
    expect(byDn(dry).get(dn)!.objectId ?? null).toBeNull();
    const applied = await run(project.id);
    expect(applied.status).toBe('partial');
    expect(byDn(applied).get(dn)).toMatchObject({ action: 'error', error: expect.stringMatching(/userName claimed-name is already taken/) });
  });

  it('a dry run changes nothing and lists the exact diff; applying its stored plan makes exactly those changes, once', async () => {
    const people = `ou=people,${slapd.baseDn}`;
    const project = await createProject({ connectionId, name: 'Dry runs', searchBases: [people], objectClasses: ['user'], filter: '(|(uid=babbage)(uid=turing))' });
    const ada = { dn: `uid=babbage,${people}` };
    const turingDn = `uid=turing,${people}`;
    const client = await slapd.adminClient();
    try {
      await client.add(ada.dn, { objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'], uid: 'babbage', cn: 'Charles Babbage', sn: 'Babbage', title: 'Engineer' });
    } finally {
      await client.unbind();
    }
    const initial = await run(project.id);
    expect(initial.counts, JSON.stringify(initial)).toMatchObject({ created: 1, errors: 0 });
    const client2 = await slapd.adminClient();
    try {
      const { Change, Attribute } = await import('ldapts');
      await client2.modify(ada.dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Countess'] }) })]);
      await client2.add(turingDn, { objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'], uid: 'turing', cn: 'Alan Turing', sn: 'Turing', mail: 'turing@example.test' });
    } finally {
      await client2.unbind();
    }
    const adaBefore = (await api('GET', `/api/users?search=babbage&connectionId=${connectionId}`)).body.data[0] as Json;

    const dry = await run(project.id, { dryRun: true });
    expect(dry).toMatchObject({ status: 'succeeded', dryRun: true, mode: 'full' });
    expectCountsMatchRecords(dry);
    expect(dry.counts).toEqual({ processed: 2, created: 1, updated: 1, unchanged: 0, deactivated: 0, deleted: 0, errors: 0 });
    const planned = byDn(dry);
    expect(planned.get(ada.dn.toLowerCase())).toMatchObject({ action: 'updated', objectId: adaBefore.id, changes: { title: { before: 'Engineer', after: 'Countess' } } });
    expect(planned.get(turingDn)).toMatchObject({ action: 'created', changes: { userName: { before: null, after: 'turing' } } });
    expect(planned.get(turingDn)).not.toHaveProperty('operation');
    // Nothing changed.
    expect((await api('GET', `/api/users/${adaBefore.id}`)).body).toEqual(adaBefore);
    expect((await api('GET', `/api/users?search=turing`)).body.totalCount).toBe(0);
    expectDirectoryError(await api('GET', `/api/users/${planned.get(turingDn)!.objectId}`), 404);

    const applied = await run(project.id, { applyPlanOf: dry.id });
    expect(applied).toMatchObject({ appliesPlanOf: dry.id, counts: dry.counts });
    expect((applied.changes.data as Json[]).map(({ sequence: _s, ...rest }) => rest)).toEqual((dry.changes.data as Json[]).map(({ sequence: _s, ...rest }) => rest));
    expect((await api('GET', `/api/users/${adaBefore.id}`)).body.title).toBe('Countess');
    const turing = await api('GET', `/api/users/${planned.get(turingDn)!.objectId}`);
    expect(turing.status, turing.text).toBe(200);
    expect(turing.body).toMatchObject({ accountName: 'turing', email: 'turing@example.test', source: 'ldap' });
    const audit = (await auditEntries(tenant.organizationId)).filter((entry) => entry.details?.runId === applied.id);
    // The created user founds its person (person correlation): its own audit entry with the run id.
    expect(audit.map((entry) => entry.action).sort()).toEqual(['person.linked', 'sync.run.queued', 'user.created', 'user.updated']);
    expect(audit.find((entry) => entry.action === 'person.linked')!.details).toMatchObject({ userId: planned.get(turingDn)!.objectId, personCreated: true });
    expect(audit.find((entry) => entry.action === 'sync.run.queued')!.details).toMatchObject({ appliesPlanOf: dry.id });

    // Applied once: the project's state moved on, so the same plan (or an older one) is refused.
    expectDirectoryError(await api('POST', `/api/sync/projects/${project.id}/run`, { applyPlanOf: dry.id }), 409, /new dry run/);
    const third = await slapd.adminClient();
    try {
      const { Change, Attribute } = await import('ldapts');
      await third.modify(ada.dn, [new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: ['Analyst'] }) })]);
    } finally {
      await third.unbind();
    }
    const second = await run(project.id, { dryRun: true });
    expect(second.counts).toMatchObject({ updated: 1 });
    // A role assigned meanwhile bumps the user's version: the plan was computed against the old one.
    const assigned = await call('POST', `/api/identity/v1/users/${adaBefore.id}/roles`, { token: tenant.ownerToken, json: { roles: ['viewer'] } });
    expect(assigned.status, assigned.text).toBeLessThan(300);
    expectDirectoryError(await api('POST', `/api/sync/projects/${project.id}/run`, { applyPlanOf: second.id }), 409, /1 object\(s\) of dry run .* changed since/);
    await run(project.id);
    expectDirectoryError(await api('POST', `/api/sync/projects/${project.id}/run`, { applyPlanOf: second.id }), 409, /new dry run/);
    expectDirectoryError(await api('POST', `/api/sync/projects/${project.id}/run`, { applyPlanOf: second.id, dryRun: true }), 400);
    expectDirectoryError(await api('POST', `/api/sync/projects/${project.id}/run`, { applyPlanOf: 'nope' }), 400);
  });

  it('a disappeared object is deactivated first, re-enabled with its memberships and roles when it comes back, and deleted by a later run once deleteAfterDays have passed', async () => {
    const people = `ou=people,${slapd.baseDn}`;
    const lamarrDn = `uid=lamarr,${people}`;
    const inventorsDn = `cn=inventors,ou=groups,${slapd.baseDn}`;
    const { Change, Attribute } = await import('ldapts');
    const ldap = async (work: (client: Awaited<ReturnType<SlapdServer['adminClient']>>) => Promise<void>) => {
      const client = await slapd.adminClient();
      try {
        await work(client);
      } finally {
        await client.unbind();
      }
    };
    const hide = (hidden: boolean) =>
      ldap((client) => client.modify(lamarrDn, [new Change({ operation: hidden ? 'add' : 'delete', modification: new Attribute({ type: 'description', values: hidden ? ['hidden'] : [] }) })]));
    await ldap(async (client) => {
      await client.add(lamarrDn, { objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'], uid: 'lamarr', cn: 'Hedy Lamarr', sn: 'Lamarr' });
      await client.add(inventorsDn, { objectClass: ['top', 'groupOfNames'], cn: 'inventors', member: [lamarrDn] });
    });
    const project = await createProject({
      connectionId,
      name: 'Delayed deletion',
      searchBases: [people, `ou=groups,${slapd.baseDn}`],
      filter: '(&(|(uid=lamarr)(cn=inventors))(!(description=hidden)))',
      onDisappear: 'delete',
      deleteAfterDays: 3,
      deletionThreshold: { count: 2, percent: 100 },
    });
    expect(project).toMatchObject({ onDisappear: 'delete', deleteAfterDays: 3 });
    const full = await run(project.id);
    expect(full.counts).toMatchObject({ created: 2, errors: 0 });
    const lamarrId = byDn(full).get(lamarrDn)!.objectId as string;
    const inventorsId = byDn(full).get(inventorsDn)!.objectId as string;
    const memberIds = async () => ((await api('GET', `/api/groups/${inventorsId}/members`)).body.data as Json[]).map((user) => user.id);
    expect(await memberIds()).toEqual([lamarrId]);
    const assigned = await call('POST', `/api/identity/v1/users/${lamarrId}/roles`, { token: tenant.ownerToken, json: { roles: ['viewer'] } });
    expect(assigned.status, assigned.text).toBeLessThan(300);
    const roles = async () => JSON.stringify((await call('GET', `/api/identity/v1/users/${lamarrId}/roles`, { token: tenant.ownerToken })).body);
    const rolesBefore = await roles();
    expect(rolesBefore).toContain('viewer');
    expect((await api('PATCH', `/api/sync/projects/${project.id}`, { mode: 'delta' })).status).toBe(200);

    await hide(true);
    const gone = await run(project.id);
    expect(gone.counts, JSON.stringify(gone)).toEqual({ processed: 1, created: 0, updated: 0, unchanged: 0, deactivated: 1, deleted: 0, errors: 0 });
    expect(gone.changes.data[0]).toMatchObject({ objectId: lamarrId, action: 'deactivated', changes: { active: { before: true, after: false }, disappearedAt: { before: null, after: expect.any(String) } } });
    expect((await api('GET', `/api/users/${lamarrId}`)).body.status).toBe('disabled');
    expect(await memberIds()).toEqual([lamarrId]);
    expect((await run(project.id)).counts.processed).toBe(0);

    await hide(false);
    const back = await run(project.id);
    expect(back.counts, JSON.stringify(back)).toEqual({ processed: 1, created: 0, updated: 1, unchanged: 0, deactivated: 0, deleted: 0, errors: 0 });
    expect(back.changes.data[0]).toMatchObject({ objectId: lamarrId, action: 'updated', changes: { active: { before: false, after: true }, disappearedAt: { after: null } } });
    expect((await api('GET', `/api/users/${lamarrId}`)).body.status).toBe('active');
    expect(await memberIds()).toEqual([lamarrId]);
    expect(await roles()).toEqual(rolesBefore);

    await hide(true);
    expect((await run(project.id)).counts).toMatchObject({ processed: 1, deactivated: 1 });
    expect((await api('PATCH', `/api/sync/projects/${project.id}`, { deleteAfterDays: 0 })).status).toBe(200);
    const deleted = await run(project.id);
    expect(deleted.counts, JSON.stringify(deleted)).toEqual({ processed: 1, created: 0, updated: 0, unchanged: 0, deactivated: 0, deleted: 1, errors: 0 });
    expect(deleted.changes.data[0]).toMatchObject({ objectId: lamarrId, action: 'deleted' });
    expectDirectoryError(await api('GET', `/api/users/${lamarrId}`), 404);
    expect(await memberIds()).toEqual([]);
    expect((await run(project.id)).counts.processed).toBe(0);
  });

  it('syncs one object on demand by DN or id, deactivates it only when its DN is gone, and refuses unknown or out-of-scope objects', async () => {
    const people = `ou=people,${slapd.baseDn}`;
    const dn = (uid: string) => `uid=${uid},${people}`;
    const { Change, Attribute } = await import('ldapts');
    const ldap = async (work: (client: Awaited<ReturnType<SlapdServer['adminClient']>>) => Promise<void>) => {
      const client = await slapd.adminClient();
      try {
        await work(client);
      } finally {
        await client.unbind();
      }
    };
    const person = (uid: string, cn: string) => ({ objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'], uid, cn, sn: cn.split(' ')[1]!, title: 'Physicist' });
    const retitle = (uid: string, title: string) => ldap((client) => client.modify(dn(uid), [new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: [title] }) })]));
    await ldap(async (client) => {
      await client.add(dn('curie'), person('curie', 'Marie Curie'));
      await client.add(dn('noether'), person('noether', 'Emmy Noether'));
    });
    const project = await createProject({ connectionId, name: 'One object', searchBases: [people], objectClasses: ['user'], filter: '(|(uid=curie)(uid=noether)(uid=meitner))' });
    const full = await run(project.id);
    expect(full.counts).toMatchObject({ created: 2, errors: 0 });
    const curieId = byDn(full).get(dn('curie'))!.objectId as string;
    const noetherId = byDn(full).get(dn('noether'))!.objectId as string;

    await retitle('curie', 'Chemist');
    await retitle('noether', 'Mathematician');
    const byDnRun = await run(project.id, { object: { dn: dn('curie') } });
    expect(byDnRun).toMatchObject({ status: 'succeeded', object: { dn: dn('curie') } });
    expect(byDnRun.counts).toEqual({ processed: 1, created: 0, updated: 1, unchanged: 0, deactivated: 0, deleted: 0, errors: 0 });
    expect(byDnRun.changes.data[0]).toMatchObject({ objectId: curieId, changes: { title: { before: 'Physicist', after: 'Chemist' } } });
    expect((await api('GET', `/api/users/${noetherId}`)).body.title).toBe('Physicist');
    const byIdRun = await run(project.id, { object: { id: noetherId } });
    expect(byIdRun.counts).toMatchObject({ processed: 1, updated: 1 });
    expect((await api('GET', `/api/users/${noetherId}`)).body.title).toBe('Mathematician');

    await ldap((client) => client.add(dn('meitner'), person('meitner', 'Lise Meitner')));
    const created = await run(project.id, { object: { dn: dn('meitner') } });
    expect(created.counts).toMatchObject({ processed: 1, created: 1 });
    const meitnerId = created.changes.data[0].objectId as string;
    const directoryId = (await api('GET', `/api/users/${meitnerId}`)).body.externalId as string;
    await retitle('meitner', 'Nuclear physicist');
    const byDirectoryId = await run(project.id, { object: { id: directoryId.toUpperCase() } });
    expect(byDirectoryId.counts).toMatchObject({ processed: 1, updated: 1 });

    await ldap((client) => client.del(dn('curie')));
    const gone = await run(project.id, { object: { dn: dn('curie') } });
    expect(gone.counts, JSON.stringify(gone)).toEqual({ processed: 1, created: 0, updated: 0, unchanged: 0, deactivated: 1, deleted: 0, errors: 0 });
    expect((await api('GET', `/api/users/${curieId}`)).body.status).toBe('disabled');
    expect((await api('GET', `/api/users/${noetherId}`)).body.status).toBe('active');

    const unknown = await run(project.id, { object: { dn: dn('nobody') } });
    expect(unknown).toMatchObject({ status: 'failed', reason: 'object_not_found', counts: { processed: 0 } });
    const outside = await run(project.id, { object: { dn: `uid=x,ou=groups,${slapd.baseDn}` } });
    expect(outside).toMatchObject({ status: 'failed', reason: 'object_out_of_scope' });
    expectDirectoryError(await api('POST', `/api/sync/projects/${project.id}/run`, { object: { dn: dn('curie'), id: curieId } }), 400, /exactly one/);
    expectDirectoryError(await api('POST', `/api/sync/projects/${project.id}/run`, { object: { dn: 'not a dn' } }), 400);
  });

  it('a delta run after a membership change of a nested group also updates the groups it is nested in', async () => {
    const people = `ou=people,${slapd.baseDn}`;
    const groupsOu = `ou=groups,${slapd.baseDn}`;
    const dn = (uid: string) => `uid=${uid},${people}`;
    const client = await slapd.adminClient();
    try {
      for (const uid of ['nest1', 'nest2']) await client.add(dn(uid), { objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'], uid, cn: `Nested ${uid}`, sn: uid });
      await client.add(`cn=children,${groupsOu}`, { objectClass: ['top', 'groupOfNames'], cn: 'children', member: [dn('nest1')] });
      await client.add(`cn=parents,${groupsOu}`, { objectClass: ['top', 'groupOfNames'], cn: 'parents', member: [`cn=children,${groupsOu}`] });
    } finally {
      await client.unbind();
    }
    const project = await createProject({ connectionId, name: 'Nested deltas', searchBases: [people, groupsOu], filter: '(|(uid=nest*)(cn=children)(cn=parents))' });
    const full = await run(project.id);
    expect(full.counts).toMatchObject({ created: 4, errors: 0 });
    const parents = byDn(full).get(`cn=parents,${groupsOu}`)!;
    const nest2 = byDn(full).get(dn('nest2'))!;
    expect((await api('GET', `/api/groups/${parents.objectId}/members`)).body.totalCount).toBe(1);
    expect((await api('PATCH', `/api/sync/projects/${project.id}`, { mode: 'delta' })).status).toBe(200);
    const again = await slapd.adminClient();
    try {
      const { Change, Attribute } = await import('ldapts');
      await again.modify(`cn=children,${groupsOu}`, [new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [dn('nest2')] }) })]);
    } finally {
      await again.unbind();
    }
    const delta = await run(project.id);
    expect(delta.status, JSON.stringify(delta)).toBe('succeeded');
    const changes = byDn(delta);
    expect(changes.get(`cn=children,${groupsOu}`)).toMatchObject({ action: 'updated', members: { added: [nest2.objectId], removed: [] } });
    expect(changes.get(`cn=parents,${groupsOu}`)).toMatchObject({ action: 'updated', members: { added: [nest2.objectId], removed: [] } });
    expect((await api('GET', `/api/groups/${parents.objectId}/members`)).body.totalCount).toBe(2);
    expect(delta.counts).toMatchObject({ created: 0, deactivated: 0, errors: 0 });
  });

  it('a run longer than one invocation continues from checkpoints in follow-up invocations and ends with the records and counts of one invocation', async () => {
    const people = `ou=people,${slapd.baseDn}`;
    const uids = ['ckpt1', 'ckpt2', 'ckpt3', 'ckpt4', 'ckpt5', 'ckpt6', 'ckpt7'];
    const client = await slapd.adminClient();
    try {
      for (const uid of uids) await client.add(`uid=${uid},${people}`, { objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'], uid, cn: `Check ${uid}`, sn: uid });
      await client.add(`cn=checkpointers,ou=groups,${slapd.baseDn}`, { objectClass: ['top', 'groupOfNames'], cn: 'checkpointers', member: uids.map((uid) => `uid=${uid},${people}`) });
    } finally {
      await client.unbind();
    }
    const project = await createProject({ connectionId, name: 'Checkpoints', searchBases: [people, `ou=groups,${slapd.baseDn}`], filter: '(|(uid=ckpt*)(cn=checkpointers))' });
    // One invocation (the platform's worker, no forced budget): the dry run's plan.
    const single = await run(project.id, { dryRun: true });
    expect(single.counts).toMatchObject({ processed: 8, created: 8, errors: 0 });

    // The same run with a budget of 0 ms per invocation: every invocation applies one change, then checkpoints.
    // It runs in this test process (same engines), so its follow-up messages are visible here.
    useLocalEngines();
    const [{ runSync }, { queueSyncRun }, start] = await Promise.all([
      import('../../shared/directory/sync-run.ts'),
      import('../../shared/directory/sync-projects.ts'),
      import('../../shared/workers/start-worker.ts'),
    ]);
    const messages: string[] = [];
    start.setWorkerTransport({ enqueue: async (_worker, body) => void messages.push(body), invoke: async () => undefined });
    const previousBudget = process.env.SYNC_RUN_TIME_BUDGET_MS;
    process.env.SYNC_RUN_TIME_BUDGET_MS = '0';
    let invocations = 0;
    try {
      const { runId } = await queueSyncRun(tenant.organizationId, project.id, {}, { actorType: 'user', actorId: tenant.ownerUserId }, { ipAddress: '127.0.0.1', userAgent: 'vitest' });
      for (; messages.length > 0 && invocations < 50; invocations++) {
        const payload = JSON.parse(messages.shift() as string);
        if (invocations > 0) expect(payload.continueFrom).toEqual(expect.any(Number));
        // A redelivered message for a checkpoint the run has left changes nothing.
        if (invocations === 2) expect((await runSync({ ...payload, continueFrom: 1 }, () => 900_000)).status).toBe('running');
        await runSync(payload, () => 900_000);
        if (invocations === 1) {
          const midway = await api('GET', `/api/sync/history/${runId}?pageSize=200`);
          expect(midway.body.status).toBe('running');
          expect((midway.body.changes.data as Json[]).some((change) => change.pending === true)).toBe(true);
        }
      }
      const chunked = await finished(runId);
      expect(chunked.status, JSON.stringify(chunked)).toBe('succeeded');
      expect(invocations).toBeGreaterThan(2);
      expect(chunked.invocations).toBe(invocations);
      expect(chunked.counts).toEqual(single.counts);
      expectCountsMatchRecords(chunked);
      const shape = (result: Json) => (result.changes.data as Json[]).map((change) => ({ sequence: change.sequence, dn: change.dn, objectClass: change.objectClass, action: change.action, pending: change.pending }));
      expect(shape(chunked)).toEqual(shape(single));
      const group = (chunked.changes.data as Json[]).find((change) => change.objectClass === 'group')!;
      expect((await api('GET', `/api/groups/${group.objectId}/members`)).body.totalCount).toBe(uids.length);
    } finally {
      start.setWorkerTransport(undefined);
      if (previousBudget === undefined) delete process.env.SYNC_RUN_TIME_BUDGET_MS;
      else process.env.SYNC_RUN_TIME_BUDGET_MS = previousBudget;
    }
  });
});

describe.skipIf(!haveSamba && !ci)('directory sync against Active Directory (Samba AD DC)', () => {
  let adProject: Json;
  let adFirst: Json;
  it('maps objectGUID, userPrincipalName or sAMAccountName, the disabled bit, manager DNs and nested groups; a second run changes nothing', async () => {
    const dc = samba as SambaDc;
    const created = await api('POST', '/api/connections', {
      name: 'Samba AD',
      type: 'activeDirectory',
      host: dc.host,
      tlsMode: 'ldaps',
      caCertificate: dc.caPem,
      tlsServerName: dc.tlsServerName,
      baseDn: dc.baseDn,
      bindDn: dc.adminUpn,
      password: dc.adminPassword,
      pageSize: 2,
    });
    expect(created.status, created.text).toBe(201);
    const names = dc.users.map((user) => `(sAMAccountName=${user.sAMAccountName})`).join('');
    const project = await createProject({
      connectionId: created.body.id,
      name: 'Samba staff',
      searchBases: [`CN=Users,${dc.baseDn}`],
      filter: `(|${names}(cn=${AD_GROUPS.engineers})(cn=${AD_GROUPS.everyone}))`,
    });
    expect(project.attributeMappings).toMatchObject({ userName: 'userPrincipalName', active: 'userAccountControl', employeeNumber: 'employeeID' });
    const result = await run(project.id);
    expect(result.status, JSON.stringify(result)).toBe('succeeded');
    expect(result.counts).toMatchObject({ processed: dc.users.length + 2, created: dc.users.length + 2, errors: 0 });
    expectCountsMatchRecords(result);
    const changes = result.changes.data as Json[];
    const userChanges = changes.filter((change) => change.objectClass === 'user');
    const fetched = await Promise.all(userChanges.map(async (change) => (await api('GET', `/api/users/${change.objectId}`)).body));
    const bySam = new Map(fetched.map((user) => [String(user.accountName).split('@')[0]!.toLowerCase(), user]));
    for (const user of dc.users) expect(bySam.has(user.sAMAccountName.toLowerCase()), user.sAMAccountName).toBe(true);
    const chain = dc.users.filter((user) => user.manager);
    for (const user of chain) {
      expect(bySam.get(user.sAMAccountName)!.managerId, `${user.sAMAccountName}'s manager`).toBe(bySam.get(user.manager!)!.id);
      expect(bySam.get(user.sAMAccountName)!.source).toBe('activeDirectory');
    }
    for (const user of dc.users) expect(bySam.get(user.sAMAccountName)!.status, user.sAMAccountName).toBe(user.disabled ? 'disabled' : 'active');
    // objectGUID (its first three fields little-endian) as a lower-case UUID is the stable id, shown as externalId.
    const admin = await dc.adminClient();
    try {
      const { searchEntries } = await admin.search(`CN=Users,${dc.baseDn}`, { filter: '(sAMAccountName=carol)', attributes: ['objectGUID'], explicitBufferAttributes: ['objectGUID'] });
      const guid = searchEntries[0]!.objectGUID as Buffer;
      const hex = guid.toString('hex');
      const swap = (part: string) => part.match(/../g)!.reverse().join('');
      expect(bySam.get('carol')!.externalId).toBe(`${swap(hex.slice(0, 8))}-${swap(hex.slice(8, 12))}-${swap(hex.slice(12, 16))}-${hex.slice(16, 20)}-${hex.slice(20)}`);
    } finally {
      await admin.unbind();
    }
    expect(userChanges.every((change) => /^CN=.*,CN=Users,DC=example,DC=test$/i.test(change.dn))).toBe(true);
    const everyone = changes.find((change) => change.objectClass === 'group' && change.dn.toLowerCase().startsWith(`cn=${AD_GROUPS.everyone.toLowerCase()},`))!;
    const members = await api('GET', `/api/groups/${everyone.objectId}/members?pageSize=50`);
    // Everyone Staff = carol, frank and Engineers (dave, erin): every seeded user.
    expect(members.body.totalCount).toBe(dc.users.length);

    const again = await run(project.id);
    expect(again.counts).toMatchObject({ processed: dc.users.length + 2, unchanged: dc.users.length + 2 });
    adProject = project;
    adFirst = result;
  });

  const adChange = (sam: string) => (adFirst.changes.data as Json[]).find((change) => change.objectClass === 'user' && new RegExp(`^CN=${(samba as SambaDc).users.find((user) => user.sAMAccountName === sam)!.givenName} `, 'i').test(change.dn))!;
  const adGroup = (name: string) => (adFirst.changes.data as Json[]).find((change) => change.objectClass === 'group' && change.dn.toLowerCase().startsWith(`cn=${name.toLowerCase()},`))!;

  it('a delta run after a group membership change (AD bumps only the group) processes only that group and updates its members', async () => {
    const dc = samba as SambaDc;
    expect((await api('PATCH', `/api/sync/projects/${adProject.id}`, { mode: 'delta' })).status).toBe(200);
    const carol = adChange('carol');
    const engineers = adGroup(AD_GROUPS.engineers);
    const admin = await dc.adminClient();
    try {
      const { Change, Attribute } = await import('ldapts');
      await admin.modify(engineers.dn, [new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [carol.dn] }) })]);
    } finally {
      await admin.unbind();
    }
    const delta = await run(adProject.id);
    expect(delta.status, JSON.stringify(delta)).toBe('succeeded');
    expect(delta.counts).toEqual({ processed: 1, created: 0, updated: 1, unchanged: 0, deactivated: 0, deleted: 0, errors: 0 });
    expect(delta.changes.data[0]).toMatchObject({ dn: engineers.dn, action: 'updated', objectId: engineers.objectId, changes: { members: { before: 2, after: 3 } }, members: { added: [carol.objectId], removed: [] } });
    const members = await api('GET', `/api/groups/${engineers.objectId}/members?pageSize=50`);
    expect((members.body.data as Json[]).map((user) => user.id)).toContain(carol.objectId);
    expect(members.body.totalCount).toBe(3);
    expect((await run(adProject.id)).counts.processed).toBe(0);
  });

  it('a user deleted in AD is found through the deleted-objects control on a delta run and deactivated', async () => {
    const dc = samba as SambaDc;
    const erin = adChange('erin');
    const admin = await dc.adminClient();
    try {
      await admin.del(erin.dn);
    } finally {
      await admin.unbind();
    }
    const delta = await run(adProject.id);
    expect(delta.status, JSON.stringify(delta)).toBe('succeeded');
    expectCountsMatchRecords(delta);
    expect(delta.counts).toMatchObject({ deactivated: 1, created: 0, deleted: 0, errors: 0 });
    expect((delta.changes.data as Json[]).find((change) => change.action === 'deactivated')).toMatchObject({ objectClass: 'user', objectId: erin.objectId });
    const user = await api('GET', `/api/users/${erin.objectId}`);
    expect(user.body.status).toBe('disabled');
    // Only what changed was processed: erin, and the groups AD updated when it removed her from them.
    expect(delta.counts.processed).toBeLessThanOrEqual(3);
  });
});
