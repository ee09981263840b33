/**
 * Directory API, Objects and Persons (seed "REST API Reference"; issue 13) over real HTTP against
 * real directories: every user and group record is an object with its source connection and DN,
 * the raw LDAP attributes of synchronised entries, computers synchronised from a Samba AD DC, and
 * persons correlated across the SCIM and LDAP / Active Directory sources by the correlation rule
 * (employeeNumber, then email, then userName), including ambiguity and deletions.
 */
import { Attribute, Change } from 'ldapts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { scimConnectionId } from '../../shared/directory/scim-connection.ts';
import { auditEntries, call, createTenant, machineToken, type Tenant } from './support/platform-client.ts';
import { ENTERPRISE, SCIM, userBody } from './support/scim-client.ts';
import { slapdAvailable, startSlapd, SLAPD_BINARY, type SlapdServer } from './support/ldap/slapd.ts';
import { sambaAvailable, startSambaDc, SAMBA_BINARY, type SambaDc } from './support/ldap/samba.ts';

const ci = process.env.CI === 'true';
const haveSlapd = slapdAvailable();
const haveSamba = sambaAvailable();
if (!haveSlapd && !ci) console.warn(`SKIPPED: objects and persons over OpenLDAP — ${SLAPD_BINARY} is not installed (see .ci/run)`);
if (!haveSamba && !ci) console.warn(`SKIPPED: computers from Active Directory — ${SAMBA_BINARY} is not installed (see .ci/run)`);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let tenant: Tenant;
let scimToken: string;
let slapd: SlapdServer | undefined;
let samba: SambaDc | undefined;

const api = (method: string, path: string, json?: unknown) => call<Json>(method, path, { token: tenant.ownerToken, ...(json !== undefined ? { json } : {}) });
const scim = (method: string, path: string, json?: unknown) => call<Json>(method, `${SCIM}${path}`, { token: scimToken, ...(json !== undefined ? { json } : {}) });

async function get(path: string): Promise<Json> {
  const result = await api('GET', path);
  expect(result.status, `${path}: ${result.text}`).toBe(200);
  return result.body;
}

function expectDirectoryError(result: { status: number; body: Json; text: string }, status: number, message: RegExp): void {
  expect(result.status, result.text).toBe(status);
  expect(result.body).toEqual({ error: expect.any(String), message: expect.stringMatching(message), statusCode: status });
}

async function scimUser(userName: string, extra: Record<string, unknown> = {}): Promise<string> {
  const created = await scim('POST', '/Users', userBody(userName, extra));
  expect(created.status, created.text).toBe(201);
  return created.body.id as string;
}

/** Queues a run of the project (with `body`: dryRun, applyPlanOf, …) and waits (at most 60 s) until it has finished. */
async function run(projectId: string, body?: Record<string, unknown>): Promise<Json> {
  const queued = await api('POST', `/api/sync/projects/${projectId}/run`, body);
  expect(queued.status, queued.text).toBe(202);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const got = await get(`/api/sync/history/${queued.body.runId}?pageSize=200`);
    if (!['queued', 'running'].includes(got.status as string)) return got;
    if (Date.now() > deadline) throw new Error(`run did not finish: ${JSON.stringify(got)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The person whose name, email or employee number matches `search` (exactly one). */
async function personOf(search: string): Promise<Json> {
  const page = await get(`/api/persons?search=${encodeURIComponent(search)}`);
  expect(page.data, JSON.stringify(page)).toHaveLength(1);
  return page.data[0];
}

beforeAll(async () => {
  tenant = await createTenant('Objects and persons');
  const lifted = { perMinute: 100_000, perHour: 1_000_000 };
  const patched = await call('PATCH', `/api/identity/v1/organizations/${tenant.organizationId}`, { headers: { 'X-Operator-Key': inject('operatorApiKey') }, json: { rateLimits: { directory: lifted } } });
  if (patched.status !== 200) throw new Error(`rate limits: ${patched.status} ${patched.text}`);
  scimToken = (await machineToken(tenant.ownerToken)).token;
  [slapd, samba] = await Promise.all([haveSlapd ? startSlapd() : undefined, haveSamba ? startSambaDc() : undefined]);
}, 180_000);

afterAll(async () => {
  await Promise.all([slapd?.stop(), samba?.stop()]);
});

describe('the organization-wide correlation rule for SCIM accounts', () => {
  it('is set by the operator; with employeeNumber only, a shared email no longer joins accounts but a shared employeeNumber does', async () => {
    const other = await createTenant('Correlation by employee number');
    const operator = { 'X-Operator-Key': inject('operatorApiKey') };
    const refused = await call('PATCH', `/api/identity/v1/organizations/${other.organizationId}`, { headers: operator, json: { personCorrelation: ['phone'] } });
    expect(refused.status, refused.text).toBe(400);
    const set = await call<Json>('PATCH', `/api/identity/v1/organizations/${other.organizationId}`, { headers: operator, json: { personCorrelation: ['employeeNumber'], rateLimits: { directory: { perMinute: 100_000, perHour: 1_000_000 } } } });
    expect(set.status, set.text).toBe(200);
    expect(set.body.personCorrelation).toEqual(['employeeNumber']);
    const token = (await machineToken(other.ownerToken)).token;
    const create = async (userName: string, extra: Record<string, unknown>) => {
      const created = await call<Json>('POST', `${SCIM}/Users`, { token, json: userBody(userName, extra) });
      expect(created.status, created.text).toBe(201);
      return created.body.id as string;
    };
    await create('first@corp.test', { emails: [{ value: 'shared@corp.test', primary: true }] });
    await create('second@corp.test', { emails: [{ value: 'shared@corp.test', primary: true }] });
    const third = await create('third@corp.test', { [ENTERPRISE]: { employeeNumber: 'E-7' } });
    const fourth = await create('fourth@corp.test', { [ENTERPRISE]: { employeeNumber: 'e-7' } });
    const persons = await call<Json>('GET', '/api/persons', { token: other.ownerToken });
    expect(persons.status, persons.text).toBe(200);
    expect(persons.body.totalCount).toBe(3);
    const shared = (persons.body.data as Json[]).filter((person) => person.email === 'shared@corp.test');
    expect(shared.map((person) => person.objectCount)).toEqual([1, 1]);
    const employee = (persons.body.data as Json[]).find((person) => person.employeeNumber === 'E-7')!;
    expect(employee.objectCount).toBe(2);
    const objects = await call<Json>('GET', `/api/persons/${employee.id}/objects`, { token: other.ownerToken });
    expect(objects.body.data.map((object: Json) => object.id).sort()).toEqual([third, fourth].sort());
  });
});

describe.skipIf(!haveSlapd && !ci)('objects and persons across SCIM and OpenLDAP', () => {
  let connectionId: string;
  let projectId: string;
  const ids: Record<string, string> = {};

  it('before any sync: SCIM users are objects of the scim connection, each founding its own person', async () => {
    // Ada is provisioned over SCIM with the employeeNumber and email her LDAP entry has (uid=ada, 1001).
    ids.adaScim = await scimUser('ada.lovelace@corp.test', { emails: [{ value: 'ada@example.test', primary: true }], [ENTERPRISE]: { employeeNumber: '1001' } });
    ids.zed = await scimUser('zed@corp.test', { name: { givenName: 'Zed', familyName: 'Zulu' } });
    const object = await get(`/api/objects/${ids.adaScim}`);
    expect(object).toEqual({
      id: ids.adaScim,
      objectClass: 'user',
      name: 'Given Family',
      accountName: 'ada.lovelace@corp.test',
      dn: null,
      source: 'scim',
      connectionId: scimConnectionId(tenant.organizationId),
      externalId: null,
      isActive: true,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const attributes = await get(`/api/objects/${ids.adaScim}/attributes`);
    expect(attributes).toMatchObject({ id: ids.adaScim, objectClass: 'user', source: 'scim', dn: null, readAt: null });
    expect(attributes.attributes).toMatchObject({ userName: 'ada.lovelace@corp.test', [ENTERPRISE]: { employeeNumber: '1001' } });
    expect(attributes.attributes).not.toHaveProperty('password');
    const zed = await personOf('zed@corp.test');
    expect(zed).toMatchObject({ displayName: 'Zed Zulu', email: 'zed@corp.test', employeeNumber: null, objectCount: 1 });
    const adaPerson = await personOf('1001');
    expect(adaPerson).toMatchObject({ email: 'ada@example.test', objectCount: 1 });
  });

  it('a full sync makes every LDAP entry an object with its DN and raw attributes, and correlates Ada to her SCIM person', async () => {
    const server = slapd as SlapdServer;
    const connection = await api('POST', '/api/connections', {
      name: 'OpenLDAP',
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
    expect(connection.status, connection.text).toBe(201);
    connectionId = connection.body.id;
    const project = await api('POST', '/api/sync/projects', { name: 'People', connectionId });
    expect(project.status, project.text).toBe(201);
    expect(project.body.correlation).toEqual(['employeeNumber', 'email', 'userName']);
    projectId = project.body.id;
    const result = await run(projectId);
    expect(result.status, JSON.stringify(result)).toBe('succeeded');

    const ldapUsers = await get(`/api/objects?objectClass=user&connectionId=${connectionId}`);
    expect(ldapUsers.totalCount).toBe(4);
    expect(ldapUsers.data.map((object: Json) => object.accountName).sort()).toEqual(['ada', 'alan', 'grace', 'linus']);
    for (const object of ldapUsers.data) {
      expect(object).toMatchObject({ objectClass: 'user', source: 'ldap', connectionId, isActive: object.accountName !== 'linus' });
      expect(object.dn).toBe(server.users.find((user) => user.uid === object.accountName)?.dn);
      ids[object.accountName] = object.id;
    }
    // objectClass is case-insensitive; search matches any part of the DN.
    expect((await get(`/api/objects?objectClass=USER&connectionId=${connectionId}`)).totalCount).toBe(4);
    const groups = await get(`/api/objects?search=ou%3Dgroups%2Cdc%3Dexample&connectionId=${connectionId}`);
    expect(groups.data.map((object: Json) => [object.objectClass, object.name]).sort()).toEqual([
      ['group', 'engineering'],
      ['group', 'everyone'],
    ]);
    const inactive = await get(`/api/objects?isActive=false&connectionId=${connectionId}`);
    expect(inactive.data.map((object: Json) => object.accountName)).toEqual(['linus']);
    // Without filters: SCIM users, LDAP users and groups, and the local Owner, one envelope.
    const everything = await get('/api/objects?pageSize=3&page=1');
    expect(everything).toMatchObject({ page: 1, pageSize: 3, totalCount: 2 + 4 + 2 + 1 });
    expect(everything.data).toHaveLength(3);
    expect((await get('/api/objects?objectClass=computer')).totalCount).toBe(0);

    // The raw LDAP attributes, as the directory holds them.
    const attributes = await get(`/api/objects/${ids.ada}/attributes`);
    expect(attributes).toMatchObject({ id: ids.ada, objectClass: 'user', source: 'ldap', connectionId, dn: server.users[0]!.dn, readAt: expect.any(String), omitted: {} });
    expect(attributes.attributes).toMatchObject({ uid: 'ada', cn: 'Ada Lovelace', sn: 'Lovelace', mail: 'ada@example.test', employeeNumber: '1001', employeeType: 'active' });
    expect(attributes.attributes.objectClass).toEqual(expect.arrayContaining(['inetOrgPerson', 'person']));
    expect(attributes.attributes.entryUUID).toBe((await get(`/api/objects/${ids.ada}`)).externalId);
    expect(Object.keys(attributes.attributes).map((name) => name.toLowerCase())).not.toContain('userpassword');
    const group = await get(`/api/objects/${groups.data[0].id}/attributes`);
    expect(group.attributes).toMatchObject({ cn: 'engineering' });
    expect(group.attributes.member).toHaveLength(2);

    // Ada's LDAP entry shares employeeNumber 1001 with her SCIM account: one person, both objects.
    const ada = await personOf('1001');
    expect(ada.objectCount).toBe(2);
    const objects = await get(`/api/persons/${ada.id}/objects`);
    expect(objects.totalCount).toBe(2);
    expect(objects.data.map((object: Json) => [object.id, object.source, object.connectionId]).sort()).toEqual(
      [
        [ids.adaScim, 'scim', scimConnectionId(tenant.organizationId)],
        [ids.ada, 'ldap', connectionId],
      ].sort(),
    );
    expect(await get(`/api/persons/${ada.id}`)).toEqual(ada);
    // Everyone else is a person of their own; 2 SCIM users + 4 LDAP users - 1 correlated = 5 persons.
    expect((await get('/api/persons')).totalCount).toBe(5);
    expect((await personOf('grace@example.test')).objectCount).toBe(1);
    const linked = (await auditEntries(tenant.organizationId)).filter((entry) => entry.action === 'person.linked' && entry.details?.userId === ids.ada);
    expect(linked).toHaveLength(1);
    expect(linked[0]!.details).toMatchObject({ personCreated: false, matchedOn: 'employeeNumber', runId: result.id });
  });

  it('ambiguity: a SCIM user whose employeeNumber is Alan’s and whose email is Grace’s joins Alan’s person; Grace’s person is never merged', async () => {
    ids.mixed = await scimUser('mixed@corp.test', { emails: [{ value: 'grace@example.test', primary: true }], [ENTERPRISE]: { employeeNumber: '1003' } });
    const alan = await personOf('alan@example.test');
    expect(alan.objectCount).toBe(2);
    expect((await get(`/api/persons/${alan.id}/objects`)).data.map((object: Json) => object.id).sort()).toEqual([ids.alan, ids.mixed].sort());
    const grace = await personOf('Grace Hopper');
    expect(grace.objectCount).toBe(1);
    expect((await get(`/api/persons/${grace.id}/objects`)).data.map((object: Json) => object.id)).toEqual([ids.grace]);
    const created = (await auditEntries(tenant.organizationId)).find((entry) => entry.action === 'user.created' && entry.targetId === ids.mixed);
    expect(created?.details.person).toEqual({ personId: alan.id, personCreated: false, matchedOn: 'employeeNumber', keysHeldByOtherPersons: [grace.id] });
  });

  it('a SCIM change of a correlation attribute keeps the user with its person; deleting users unlinks them and removes a person left empty', async () => {
    const zed = await personOf('zed@corp.test');
    const patched = await scim('PATCH', `/Users/${ids.zed}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'emails', value: [{ value: 'linus@example.test', primary: true }] }] });
    expect(patched.status, patched.text).toBe(200);
    // Linus's person holds that email: Zed stays with his own person (no silent move or merge).
    expect((await get(`/api/persons/${zed.id}`)).objectCount).toBe(1);
    expect((await personOf('Torvalds')).objectCount).toBe(1);
    expect((await get(`/api/persons/${zed.id}`)).email).toBe('linus@example.test');

    expect((await scim('DELETE', `/Users/${ids.zed}`)).status).toBe(204);
    expectDirectoryError(await api('GET', `/api/persons/${zed.id}`), 404, new RegExp(`Person with ID '${zed.id}' was not found`));
    expect((await scim('DELETE', `/Users/${ids.adaScim}`)).status).toBe(204);
    const ada = await personOf('1001');
    expect(ada.objectCount).toBe(1);
    expect((await get(`/api/persons/${ada.id}/objects`)).data.map((object: Json) => object.id)).toEqual([ids.ada]);
    // A new SCIM account with Ada's email finds her person again through the key her LDAP entry holds.
    ids.adaAgain = await scimUser('ada.again@corp.test', { emails: [{ value: 'ADA@example.test', primary: true }] });
    expect((await get(`/api/persons/${ada.id}`)).objectCount).toBe(2);
    // A SCIM request still writes one audit entry: the person change is in its details.
    const entries = await auditEntries(tenant.organizationId);
    const deleted = entries.find((entry) => entry.action === 'user.deleted' && entry.targetId === ids.adaScim);
    expect(deleted?.details.person).toEqual({ personId: ada.id, personUnlinked: true, personDeleted: false });
    const created = entries.find((entry) => entry.action === 'user.created' && entry.targetId === ids.adaAgain);
    expect(created?.details.person).toEqual({ personId: ada.id, personCreated: false, matchedOn: 'email', keysHeldByOtherPersons: [] });
    expect(entries.some((entry) => entry.action === 'person.unlinked')).toBe(false);
  });

  it('a changed directory attribute that no mapping reads is an update with before/after and shows in the attributes', async () => {
    const admin = await (slapd as SlapdServer).adminClient();
    try {
      await admin.modify((slapd as SlapdServer).users[1]!.dn, new Change({ operation: 'add', modification: new Attribute({ type: 'telephoneNumber', values: ['+1 555 0100'] }) }));
    } finally {
      await admin.unbind();
    }
    const result = await run(projectId);
    expect(result.status).toBe('succeeded');
    const graceChange = (result.changes.data as Json[]).find((change) => change.objectId === ids.grace);
    expect(graceChange).toMatchObject({ action: 'updated', changes: { 'attributes.telephoneNumber': { before: null, after: '+1 555 0100' } } });
    expect(result.counts.updated).toBe(1);
    expect((await get(`/api/objects/${ids.grace}/attributes`)).attributes.telephoneNumber).toBe('+1 555 0100');
  });

  it('OpenLDAP device entries synchronise as computer objects; one that disappears is deactivated', async () => {
    const server = slapd as SlapdServer;
    const devices = `ou=devices,${server.baseDn}`;
    const admin = await server.adminClient();
    try {
      await admin.add(devices, { objectClass: ['top', 'organizationalUnit'], ou: 'devices' });
      await admin.add(`cn=printer1,${devices}`, { objectClass: ['top', 'device'], cn: 'printer1', serialNumber: 'SN-1', description: 'Third floor' });
      await admin.add(`cn=printer2,${devices}`, { objectClass: ['top', 'device'], cn: 'printer2' });
    } finally {
      await admin.unbind();
    }
    const project = await api('POST', '/api/sync/projects', { name: 'Devices', connectionId, objectClasses: ['computer'], searchBases: [devices], deletionThreshold: { count: 5, percent: 50 } });
    expect(project.status, project.text).toBe(201);
    const first = await run(project.body.id);
    expect(first.status, JSON.stringify(first)).toBe('succeeded');
    expect(first.counts).toMatchObject({ created: 2, errors: 0 });
    const computers = await get(`/api/objects?objectClass=computer&connectionId=${connectionId}`);
    expect(computers.data.map((object: Json) => [object.name, object.dn, object.source, object.isActive])).toEqual([
      ['printer1', `cn=printer1,${devices}`, 'ldap', true],
      ['printer2', `cn=printer2,${devices}`, 'ldap', true],
    ]);
    const attributes = await get(`/api/objects/${computers.data[0].id}/attributes`);
    expect(attributes.attributes).toMatchObject({ cn: 'printer1', serialNumber: 'SN-1', description: 'Third floor', entryUUID: computers.data[0].externalId });
    const remover = await server.adminClient();
    try {
      await remover.del(`cn=printer2,${devices}`);
    } finally {
      await remover.unbind();
    }
    const second = await run(project.body.id);
    expect(second.counts).toMatchObject({ processed: 2, unchanged: 1, deactivated: 1, errors: 0 });
    expect((await get(`/api/objects/${computers.data[1].id}`)).isActive).toBe(false);
    expect((await auditEntries(tenant.organizationId)).filter((entry) => entry.action === 'object.deactivated').map((entry) => entry.targetId)).toEqual([computers.data[1].id]);
  });

  it('delta runs process only the computers that changed; a deleted one is found by the id listing, planned by a dry run and deleted by applying the plan', async () => {
    const server = slapd as SlapdServer;
    const kiosks = `ou=kiosks,${server.baseDn}`;
    const admin = await server.adminClient();
    try {
      await admin.add(kiosks, { objectClass: ['top', 'organizationalUnit'], ou: 'kiosks' });
      await admin.add(`cn=kiosk1,${kiosks}`, { objectClass: ['top', 'device'], cn: 'kiosk1', description: 'Lobby' });
      await admin.add(`cn=kiosk2,${kiosks}`, { objectClass: ['top', 'device'], cn: 'kiosk2' });
    } finally {
      await admin.unbind();
    }
    const project = await api('POST', '/api/sync/projects', {
      name: 'Kiosks',
      connectionId,
      objectClasses: ['computer'],
      searchBases: [kiosks],
      mode: 'delta',
      onDisappear: 'delete',
      deleteAfterDays: 0,
      deletionThreshold: { count: 5, percent: 50 },
    });
    expect(project.status, project.text).toBe(201);
    const first = await run(project.body.id);
    expect(first.counts, JSON.stringify(first)).toMatchObject({ processed: 2, created: 2, errors: 0 });
    const kiosk = Object.fromEntries(((await get(`/api/objects?objectClass=computer&search=${encodeURIComponent(kiosks)}`)).data as Json[]).map((object) => [object.name, object.id]));
    expect(Object.keys(kiosk).sort()).toEqual(['kiosk1', 'kiosk2']);

    const modifier = await server.adminClient();
    try {
      await modifier.modify(`cn=kiosk1,${kiosks}`, new Change({ operation: 'replace', modification: new Attribute({ type: 'description', values: ['Front desk'] }) }));
    } finally {
      await modifier.unbind();
    }
    // Only the changed computer is processed: the delta read and the attribute comparison cover it alone.
    const second = await run(project.body.id);
    expect(second.counts).toMatchObject({ processed: 1, updated: 1, errors: 0 });
    expect(second.changes.data).toEqual([expect.objectContaining({ objectId: kiosk.kiosk1, objectClass: 'computer', action: 'updated', changes: { 'attributes.description': { before: 'Lobby', after: 'Front desk' } } })]);
    expect((await get(`/api/objects/${kiosk.kiosk1}/attributes`)).attributes.description).toBe('Front desk');

    const remover = await server.adminClient();
    try {
      await remover.del(`cn=kiosk2,${kiosks}`);
    } finally {
      await remover.unbind();
    }
    const dry = await run(project.body.id, { dryRun: true });
    expect(dry).toMatchObject({ status: 'succeeded', dryRun: true, counts: { processed: 1, deleted: 1 } });
    expect(dry.changes.data).toEqual([expect.objectContaining({ objectId: kiosk.kiosk2, objectClass: 'computer', action: 'deleted' })]);
    // A dry run changes nothing.
    expect((await get(`/api/objects/${kiosk.kiosk2}`)).isActive).toBe(true);
    const applied = await run(project.body.id, { applyPlanOf: dry.id });
    expect(applied.counts, JSON.stringify(applied)).toMatchObject({ processed: 1, deleted: 1, errors: 0 });
    expectDirectoryError(await api('GET', `/api/objects/${kiosk.kiosk2}`), 404, /Object with ID/);
    expectDirectoryError(await api('GET', `/api/objects/${kiosk.kiosk2}/attributes`), 404, /Object with ID/);
    const deleted = (await auditEntries(tenant.organizationId)).filter((entry) => entry.action === 'object.deleted' && entry.targetId === kiosk.kiosk2);
    expect(deleted).toHaveLength(1);
    expect(deleted[0]!.details).toMatchObject({ runId: applied.id, projectId: project.body.id, objectClass: 'computer', name: 'kiosk2' });
  });

  it('a user that disappears is deactivated and keeps its person; deleted after its delay, it leaves its person', async () => {
    const server = slapd as SlapdServer;
    const grace = await personOf('Grace Hopper');
    const remover = await server.adminClient();
    try {
      await remover.del(server.users[1]!.dn);
    } finally {
      await remover.unbind();
    }
    const deactivating = await run(projectId);
    expect(deactivating.counts, JSON.stringify(deactivating)).toMatchObject({ deactivated: 1, deleted: 0, errors: 0 });
    expect((await get(`/api/objects/${ids.grace}`)).isActive).toBe(false);
    expect(await get(`/api/persons/${grace.id}`)).toMatchObject({ id: grace.id, objectCount: 1 });
    expect((await get(`/api/persons/${grace.id}/objects`)).data.map((object: Json) => object.id)).toEqual([ids.grace]);

    const patched = await api('PATCH', `/api/sync/projects/${projectId}`, { onDisappear: 'delete', deleteAfterDays: 0 });
    expect(patched.status, patched.text).toBe(200);
    const deleting = await run(projectId);
    expect(deleting.counts, JSON.stringify(deleting)).toMatchObject({ deleted: 1, errors: 0 });
    expect((deleting.changes.data as Json[]).find((change) => change.action === 'deleted')).toMatchObject({ objectId: ids.grace, objectClass: 'user' });
    expectDirectoryError(await api('GET', `/api/objects/${ids.grace}`), 404, /Object with ID/);
    // Her person had no other object: it is gone with her link, audited with the run.
    expectDirectoryError(await api('GET', `/api/persons/${grace.id}`), 404, /Person with ID/);
    const unlinked = (await auditEntries(tenant.organizationId)).filter((entry) => entry.action === 'person.unlinked' && entry.details?.userId === ids.grace);
    expect(unlinked).toHaveLength(1);
    expect(unlinked[0]!.details).toMatchObject({ runId: deleting.id, personUnlinked: true, personDeleted: true });
  });

  it('validates like every directory listing: isActive, pageSize, connectionId, unknown ids', async () => {
    expectDirectoryError(await api('GET', '/api/objects?isActive=yes'), 400, /isActive/);
    expectDirectoryError(await api('GET', '/api/objects?pageSize=201'), 400, /200/);
    expectDirectoryError(await api('GET', '/api/objects?connectionId=nope'), 400, /GUID/);
    expectDirectoryError(await api('GET', '/api/objects?objectClass=a%20b'), 400, /objectClass/);
    expectDirectoryError(await api('GET', '/api/persons?pageSize=201'), 400, /200/);
    expectDirectoryError(await api('GET', '/api/objects/00000000-0000-4000-8000-000000000000'), 404, /Object with ID '00000000-0000-4000-8000-000000000000' was not found/);
    expectDirectoryError(await api('GET', '/api/objects/not-a-uuid/attributes'), 404, /Object with ID/);
    expectDirectoryError(await api('GET', '/api/persons/00000000-0000-4000-8000-000000000000/objects'), 404, /Person with ID/);
  });
});

describe.skipIf(!haveSamba && !ci)('computers and persons from Active Directory (Samba AD DC)', () => {
  it('synchronises computers as objectClass computer with their raw attributes, follows the disabled bit, and correlates an AD user to a SCIM account', async () => {
    const dc = samba as SambaDc;
    const computerDn = `CN=WS01,CN=Computers,${dc.baseDn}`;
    const admin = await dc.adminClient();
    try {
      await admin.add(computerDn, { objectClass: ['top', 'person', 'organizationalPerson', 'user', 'computer'], cn: 'WS01', sAMAccountName: 'WS01$', userAccountControl: '4096' });
    } finally {
      await admin.unbind();
    }
    const daveScim = await scimUser('dave.cutler@corp.test', { emails: [{ value: 'dave@example.test', primary: true }] });
    const connection = await api('POST', '/api/connections', {
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
    expect(connection.status, connection.text).toBe(201);
    const connectionId = connection.body.id as string;
    const project = await api('POST', '/api/sync/projects', {
      name: 'Staff and computers',
      connectionId,
      objectClasses: ['user', 'computer'],
      correlation: ['email'],
      searchBases: [`CN=Users,${dc.baseDn}`, `CN=Computers,${dc.baseDn}`, `OU=Domain Controllers,${dc.baseDn}`],
      filter: '(|(sAMAccountName=carol)(sAMAccountName=dave)(objectClass=computer))',
      deletionThreshold: { count: 5, percent: 50 },
    });
    expect(project.status, project.text).toBe(201);
    expect(project.body).toMatchObject({ objectClasses: ['user', 'computer'], correlation: ['email'] });
    const first = await run(project.body.id);
    expect(first.status, JSON.stringify(first)).toBe('succeeded');
    expect((first.changes.data as Json[]).filter((change) => change.objectClass === 'computer' && change.action === 'created').map((change) => change.dn.split(',')[0]).sort()).toEqual(['CN=DC1', 'CN=WS01']);

    const computers = await get(`/api/objects?objectClass=computer&connectionId=${connectionId}`);
    expect(computers.data.map((object: Json) => object.name).sort()).toEqual(['DC1', 'WS01']);
    const ws01 = computers.data.find((object: Json) => object.name === 'WS01');
    expect(ws01).toMatchObject({ objectClass: 'computer', source: 'activeDirectory', connectionId, dn: computerDn, isActive: true, accountName: null });
    expect(await get(`/api/objects/${ws01.id}`)).toEqual(ws01);
    const attributes = await get(`/api/objects/${ws01.id}/attributes`);
    expect(attributes).toMatchObject({ objectClass: 'computer', dn: computerDn });
    expect(attributes.attributes).toMatchObject({ sAMAccountName: 'WS01$', userAccountControl: '4096', objectGUID: ws01.externalId });
    expect(attributes.attributes.objectSid).toMatch(/^S-1-5-21-\d+-\d+-\d+-\d+$/);
    expect(attributes.attributes.objectClass).toEqual(expect.arrayContaining(['computer']));
    const carol = (await get(`/api/objects?objectClass=user&connectionId=${connectionId}&search=carol`)).data[0];
    const carolAttributes = await get(`/api/objects/${carol.id}/attributes`);
    expect(carolAttributes.attributes).toMatchObject({ sAMAccountName: 'carol', mail: 'carol@example.test', objectGUID: carol.externalId });
    expect(carolAttributes.attributes.objectSid).toMatch(/^S-1-5-21-/);
    expect(Object.keys(carolAttributes.attributes).map((name) => name.toLowerCase())).not.toEqual(expect.arrayContaining(['unicodepwd']));

    // Dave's AD account and his SCIM account share an email: one person with both.
    const dave = await personOf('dave@example.test');
    expect(dave.objectCount).toBe(2);
    const daveObjects = (await get(`/api/persons/${dave.id}/objects`)).data as Json[];
    expect(daveObjects.map((object) => object.source).sort()).toEqual(['activeDirectory', 'scim']);
    expect(daveObjects.map((object) => object.id)).toContain(daveScim);

    // Disabling the computer in AD: the next run updates it to inactive; a second run then changes nothing.
    const modifier = await dc.adminClient();
    try {
      await modifier.modify(computerDn, new Change({ operation: 'replace', modification: new Attribute({ type: 'userAccountControl', values: ['4098'] }) }));
    } finally {
      await modifier.unbind();
    }
    const second = await run(project.body.id);
    expect(second.status).toBe('succeeded');
    expect((second.changes.data as Json[]).find((change) => change.objectId === ws01.id)).toMatchObject({ action: 'updated', changes: { active: { before: true, after: false } } });
    expect((await get(`/api/objects?objectClass=computer&isActive=false&connectionId=${connectionId}`)).data.map((object: Json) => object.name)).toEqual(['WS01']);
    const third = await run(project.body.id);
    expect(third.counts).toMatchObject({ created: 0, updated: 0, deactivated: 0, deleted: 0, errors: 0 });
  });
});
