/**
 * Directory API connections (issue 13, "Connections and sync, for real"), through real HTTP:
 * CRUD with validation, secrets never returned, every organization's scim connection, and
 * POST /api/connections/{id}/test against a real OpenLDAP (slapd) and a real Active Directory
 * domain controller (Samba), both started by this file on loopback.
 *
 * Without slapd or samba installed the directory tests are skipped with a message; under CI
 * (CI=true, where .ci/run installs them) their absence fails the run.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { freePort } from '../../lib/local/engines.ts';
import { auditEntries, call, createTenant, machineToken, type Tenant } from './support/platform-client.ts';
import { slapdAvailable, startSlapd, SLAPD_BINARY, type SlapdServer } from './support/ldap/slapd.ts';
import { sambaAvailable, startSambaDc, SAMBA_BINARY, type SambaDc } from './support/ldap/samba.ts';

const ci = process.env.CI === 'true';
const haveSlapd = slapdAvailable();
const haveSamba = sambaAvailable();
if (!haveSlapd && !ci) console.warn(`SKIPPED: OpenLDAP connection tests — ${SLAPD_BINARY} is not installed (apt-get install slapd ldap-utils, see .ci/run)`);
if (!haveSamba && !ci) console.warn(`SKIPPED: Active Directory connection tests — ${SAMBA_BINARY} is not installed (apt-get install samba, see .ci/run)`);

const CONNECTIONS = '/api/connections';
const BIND_PASSWORD = 'bind-password-that-must-never-come-back-7f3a';

let tenant: Tenant;
let slapd: SlapdServer | undefined;
let samba: SambaDc | undefined;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const api = (method: string, path: string, json?: unknown, token = tenant.ownerToken) => call<Json>(method, path, { token, ...(json !== undefined ? { json } : {}) });

const ldapBody = (overrides: Record<string, unknown> = {}) => ({
  name: 'Corporate OpenLDAP',
  type: 'ldap',
  host: '127.0.0.1',
  port: 389,
  tlsMode: 'none',
  allowInsecure: true,
  baseDn: 'dc=example,dc=test',
  bindDn: 'cn=sync-reader,ou=services,dc=example,dc=test',
  password: BIND_PASSWORD,
  ...overrides,
});

async function createConnection(body: Record<string, unknown>): Promise<Json> {
  const created = await api('POST', CONNECTIONS, body);
  expect(created.status, created.text).toBe(201);
  return created.body;
}

async function testOf(id: string): Promise<Json> {
  const result = await api('POST', `${CONNECTIONS}/${id}/test`);
  expect(result.status, result.text).toBe(200);
  return result.body;
}

function expectDirectoryError(result: { status: number; body: Json; text: string }, status: number, messagePart?: RegExp): void {
  expect(result.status, result.text).toBe(status);
  expect(result.body).toEqual({ error: expect.any(String), message: expect.any(String), statusCode: status });
  if (messagePart) expect(result.body.message).toMatch(messagePart);
}

beforeAll(async () => {
  tenant = await createTenant('Directory connections');
  // Many requests by one caller: lift the directory family's 60/minute before the first bearer request.
  const lifted = { perMinute: 100_000, perHour: 1_000_000 };
  const patched = await call('PATCH', `/api/identity/v1/organizations/${tenant.organizationId}`, { headers: { 'X-Operator-Key': inject('operatorApiKey') }, json: { rateLimits: { directory: lifted } } });
  if (patched.status !== 200) throw new Error(`rate limits: ${patched.status} ${patched.text}`);
  [slapd, samba] = await Promise.all([haveSlapd ? startSlapd() : undefined, haveSamba ? startSambaDc() : undefined]);
}, 180_000);

afterAll(async () => {
  await Promise.all([slapd?.stop(), samba?.stop()]);
});

describe('the scim connection every organization has', () => {
  it('is listed first, can be read and renamed, but not deleted nor given LDAP settings', async () => {
    const listed = await api('GET', CONNECTIONS);
    expect(listed.status, listed.text).toBe(200);
    const scim = listed.body.data.filter((connection: Json) => connection.type === 'scim');
    expect(scim).toHaveLength(1);
    expect(listed.body.data[0]).toEqual(scim[0]);
    expect(scim[0]).toMatchObject({ name: 'SCIM provisioning', status: 'active', warnings: [], version: 1 });
    expect(scim[0].host).toBeUndefined();
    const id = scim[0].id as string;

    expect((await api('GET', `${CONNECTIONS}/${id}`)).body).toEqual(scim[0]);
    expectDirectoryError(await api('DELETE', `${CONNECTIONS}/${id}`), 409, /scim connection.*cannot be deleted/);
    expectDirectoryError(await api('PATCH', `${CONNECTIONS}/${id}`, { host: 'ldap.example.com' }), 400, /only name can be changed/);
    expectDirectoryError(await api('POST', `${CONNECTIONS}/${id}/test`), 400, /no directory to test/);
    const renamed = await api('PATCH', `${CONNECTIONS}/${id}`, { name: 'Entra ID provisioning' });
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body).toMatchObject({ id, type: 'scim', name: 'Entra ID provisioning', version: 2 });
    const scimCreate = await api('POST', CONNECTIONS, ldapBody({ type: 'scim' }));
    expectDirectoryError(scimCreate, 400, /created automatically/);
  });

  it('is created once, on first listing, for an organization that predates connections — even by concurrent listings', async () => {
    const legacy = await createTenant('Predates connections');
    const scim = (await api('GET', CONNECTIONS, undefined, legacy.ownerToken)).body.data[0];
    // Make it look like an organization created before this change: remove its scim connection item.
    const documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: inject('dynamodbEndpoint'), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
    await documents.send(new DeleteCommand({ TableName: 'identity-platform', Key: { pk: `ORG#${legacy.organizationId}`, sk: `CONNECTION#${scim.id}` } }));
    expectDirectoryError(await api('GET', `${CONNECTIONS}/${scim.id}`, undefined, legacy.ownerToken), 404);

    const lists = await Promise.all(Array.from({ length: 5 }, () => api('GET', CONNECTIONS, undefined, legacy.ownerToken)));
    for (const list of lists) {
      expect(list.status, list.text).toBe(200);
      expect(list.body.data.filter((connection: Json) => connection.type === 'scim').map((connection: Json) => connection.id)).toEqual([scim.id]);
    }
    const backfills = (await auditEntries(legacy.organizationId)).filter((entry) => entry.action === 'connection.created');
    expect(backfills).toHaveLength(1);
    expect(backfills[0]).toMatchObject({ actorType: 'system', targetType: 'connection', targetId: scim.id });
  });
});

describe('listing', () => {
  it("answers the seed's envelope and refuses pageSize above 200 and unknown values", async () => {
    const page = await api('GET', `${CONNECTIONS}?page=1&pageSize=200`);
    expect(page.status, page.text).toBe(200);
    expect(Object.keys(page.body).sort()).toEqual(['data', 'page', 'pageSize', 'totalCount']);
    expect(page.body).toMatchObject({ page: 1, pageSize: 200 });
    expect(page.body.totalCount).toBe(page.body.data.length);
    expect((await api('GET', CONNECTIONS)).body.pageSize).toBe(50);
    expectDirectoryError(await api('GET', `${CONNECTIONS}?pageSize=201`), 400, /at most 200/);
    expectDirectoryError(await api('GET', `${CONNECTIONS}?pageSize=0`), 400);
    expectDirectoryError(await api('GET', `${CONNECTIONS}?page=first`), 400);
    expectDirectoryError(await api('GET', `${CONNECTIONS}?type=novell`), 400, /type/);
    const onlyScim = await api('GET', `${CONNECTIONS}?type=scim`);
    expect(onlyScim.body.data.map((connection: Json) => connection.type)).toEqual(['scim']);
  });

  it('pages: page 2 of size 1 is the second connection', async () => {
    await createConnection(ldapBody({ name: 'Paged one' }));
    const all = (await api('GET', CONNECTIONS)).body;
    const second = (await api('GET', `${CONNECTIONS}?page=2&pageSize=1`)).body;
    expect(second).toMatchObject({ page: 2, pageSize: 1, totalCount: all.totalCount });
    expect(second.data).toEqual([all.data[1]]);
  });
});

describe('creating, reading, changing and deleting', () => {
  it.each([
    ['a missing host', { host: undefined }, /host/],
    ['a host with a scheme', { host: 'ldap://dc1.example.com' }, /host/],
    ['a port above 65535', { port: 70_000 }, /port/],
    ['a port that is not a number', { port: '389' }, /port/],
    ["tlsMode 'none' without allowInsecure", { allowInsecure: undefined }, /allowInsecure/],
    ['an unknown tlsMode', { tlsMode: 'ssl' }, /tlsMode/],
    ['a malformed PEM', { tlsMode: 'ldaps', allowInsecure: false, caCertificate: 'not a certificate' }, /caCertificate/],
    ['a PEM block that is not X.509', { tlsMode: 'ldaps', allowInsecure: false, caCertificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n' }, /caCertificate/],
    ['a private key as CA', { tlsMode: 'ldaps', allowInsecure: false, caCertificate: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' }, /private key/],
    ["a pageSize above the directory's limit", { pageSize: 5000 }, /at most 1000/],
    ['a base DN that is not a DN', { baseDn: 'example.test' }, /baseDn/],
    ['a UPN bind name for an ldap connection', { bindDn: 'reader@example.test' }, /distinguished name for ldap/],
    ['an empty password', { password: '' }, /password/],
    ['a timeout above the bound', { operationTimeoutMs: 600_000 }, /operationTimeoutMs/],
    ['an unknown field', { passwordSet: true }, /passwordSet/],
  ])('refuses %s with 400 and creates nothing', async (_what, overrides, message) => {
    const before = (await api('GET', CONNECTIONS)).body.totalCount;
    const body: Record<string, unknown> = ldapBody(overrides);
    for (const [name, value] of Object.entries(overrides)) if (value === undefined) delete body[name];
    expectDirectoryError(await api('POST', CONNECTIONS, body), 400, message);
    expect((await api('GET', CONNECTIONS)).body.totalCount).toBe(before);
  });

  it('creates, reads, updates and deletes a connection, never returning or auditing the password', async () => {
    const created = await api('POST', CONNECTIONS, ldapBody({ tlsMode: 'ldaps', allowInsecure: false, port: undefined, name: 'Lifecycle' }));
    expect(created.status, created.text).toBe(201);
    const id = created.body.id as string;
    expect(created.headers.get('location')).toBe(`${CONNECTIONS}/${id}`);
    expect(created.body).toMatchObject({ type: 'ldap', tlsMode: 'ldaps', port: 636, passwordSet: true, warnings: [], pageSize: 500, connectTimeoutMs: 5000, operationTimeoutMs: 10000, version: 1, caCertificate: null });
    expect(created.body.password).toBeUndefined();

    const read = await api('GET', `${CONNECTIONS}/${id}`);
    expect(read.body).toEqual(created.body);
    const listed = await api('GET', CONNECTIONS);
    expect(listed.body.data).toContainEqual(created.body);

    // Switching to StartTLS moves from the default ldaps port to the StartTLS one.
    const updated = await api('PATCH', `${CONNECTIONS}/${id}`, { tlsMode: 'startTLS', password: `${BIND_PASSWORD}-rotated`, pageSize: 200 });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body).toMatchObject({ tlsMode: 'startTLS', port: 389, pageSize: 200, passwordSet: true, version: 2 });

    expectDirectoryError(await api('PATCH', `${CONNECTIONS}/${id}`, { tlsMode: 'none' }), 400, /allowInsecure/);
    expectDirectoryError(await api('PATCH', `${CONNECTIONS}/${id}`, { type: 'activeDirectory' }), 400, /type/);
    expectDirectoryError(await api('PATCH', `${CONNECTIONS}/${id}`, {}), 400);
    expect((await api('GET', `${CONNECTIONS}/${id}`)).body).toEqual(updated.body);

    for (const text of [created.text, read.text, listed.text, updated.text]) {
      expect(text).not.toContain(BIND_PASSWORD);
      expect(text).not.toMatch(/sealed/i);
    }

    const deleted = await api('DELETE', `${CONNECTIONS}/${id}`);
    expect(deleted.status, deleted.text).toBe(204);
    expectDirectoryError(await api('GET', `${CONNECTIONS}/${id}`), 404, new RegExp(id));
    expectDirectoryError(await api('DELETE', `${CONNECTIONS}/${id}`), 404);

    const entries = (await auditEntries(tenant.organizationId)).filter((entry) => entry.targetId === id);
    expect(entries.map((entry) => entry.action)).toEqual(['connection.created', 'connection.updated', 'connection.deleted']);
    expect(entries[1]?.details.changedAttributes).toEqual(expect.arrayContaining(['tlsMode', 'port', 'password', 'pageSize']));
    expect(JSON.stringify(entries)).not.toContain(BIND_PASSWORD);
  });

  it("flags tlsMode 'none' in every response", async () => {
    const created = await createConnection(ldapBody({ name: 'Cleartext' }));
    expect(created.warnings).toEqual(['insecure_transport']);
    expect((await api('GET', `${CONNECTIONS}/${created.id}`)).body.warnings).toEqual(['insecure_transport']);
    expect((await api('GET', CONNECTIONS)).body.data.find((connection: Json) => connection.id === created.id).warnings).toEqual(['insecure_transport']);
    expect((await api('PATCH', `${CONNECTIONS}/${created.id}`, { name: 'Cleartext, renamed' })).body.warnings).toEqual(['insecure_transport']);
    const secured = await api('PATCH', `${CONNECTIONS}/${created.id}`, { tlsMode: 'ldaps', allowInsecure: false });
    expect(secured.body).toMatchObject({ warnings: [], port: 636 });
  });

  it('answers 404 in the seed format for unknown and malformed ids', async () => {
    const missing = await api('GET', `${CONNECTIONS}/6a1f0b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c`);
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ error: 'Not Found', message: "Connection with ID '6a1f0b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c' was not found", statusCode: 404 });
    expectDirectoryError(await api('GET', `${CONNECTIONS}/not-an-id`), 404);
    expectDirectoryError(await api('POST', `${CONNECTIONS}/not-an-id/test`), 404);
  });

  it('needs directory:read to read and directory:write to change or test', async () => {
    const reader = (await machineToken(tenant.ownerToken, ['directory:read'])).token;
    expect((await api('GET', CONNECTIONS, undefined, reader)).status).toBe(200);
    expectDirectoryError(await api('POST', CONNECTIONS, ldapBody(), reader), 403);
    const existing = (await api('GET', CONNECTIONS)).body.data[0].id as string;
    expectDirectoryError(await api('POST', `${CONNECTIONS}/${existing}/test`, undefined, reader), 403);
    expectDirectoryError(await api('DELETE', `${CONNECTIONS}/${existing}`, undefined, reader), 403);
    expect((await call('GET', CONNECTIONS)).status).toBe(401);
  });
});

describe('testing a connection: failures that are results', () => {
  it('reports an unreachable port as unreachable, a silent server as a timeout — 200, audited', async () => {
    const closedPort = await freePort();
    const unreachable = await createConnection(ldapBody({ name: 'Nobody home', port: closedPort }));
    const result = await testOf(unreachable.id);
    expect(result).toMatchObject({ success: false, reason: 'unreachable', warnings: ['insecure_transport'] });
    expect(result.message).toMatch(/ECONNREFUSED/);

    // A server that accepts connections and never answers: the bind must give up at the operation timeout.
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as { port: number }).port;
      const hanging = await createConnection(ldapBody({ name: 'Silent', port, operationTimeoutMs: 300, connectTimeoutMs: 300 }));
      const started = Date.now();
      const timedOut = await testOf(hanging.id);
      expect(timedOut).toMatchObject({ success: false, reason: 'timeout' });
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
    const tested = (await auditEntries(tenant.organizationId)).filter((entry) => entry.action === 'connection.tested' && entry.targetId === unreachable.id);
    expect(tested).toHaveLength(1);
    expect(tested[0]?.details).toMatchObject({ success: false, reason: 'unreachable' });
  });

  it('never dials the instance-metadata (link-local) addresses: destination_refused, nothing sent', async () => {
    for (const host of ['169.254.169.254', 'fe80::1', '0.0.0.0', '::ffff:169.254.170.2']) {
      const metadata = await createConnection(ldapBody({ name: `Metadata ${host}`, host, port: 389, connectTimeoutMs: 300, operationTimeoutMs: 300 }));
      const result = await testOf(metadata.id);
      expect(result, host).toMatchObject({ success: false, reason: 'destination_refused' });
      expect(result.message).toContain('link-local, unspecified, multicast or broadcast');
    }
  });
});

describe.skipIf(!haveSlapd && !ci)('testing against OpenLDAP (slapd)', () => {
  it('is installed where CI runs', () => {
    expect(haveSlapd, `${SLAPD_BINARY} is missing although .ci/run installs it`).toBe(true);
  });

  it('succeeds with the right password: naming contexts, paged results, vendor OpenLDAP', async () => {
    const server = slapd as SlapdServer;
    const connection = await createConnection(ldapBody({ name: 'slapd', port: server.port, bindDn: server.serviceDn, password: server.servicePassword }));
    const result = await testOf(connection.id);
    expect(result).toMatchObject({
      success: true,
      namingContexts: [server.baseDn],
      pagedResultsSupported: true,
      vendor: { product: 'OpenLDAP' },
      tls: { mode: 'none', verified: false },
      warnings: ['insecure_transport'],
    });
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expect(JSON.stringify(result)).not.toContain(server.servicePassword);
    const tested = (await auditEntries(tenant.organizationId)).filter((entry) => entry.action === 'connection.tested' && entry.targetId === connection.id);
    expect(tested.map((entry) => entry.details.success)).toEqual([true]);
    expect(JSON.stringify(tested)).not.toContain(server.servicePassword);
  });

  it('reports a wrong password as invalid_credentials with result code 49', async () => {
    const server = slapd as SlapdServer;
    const connection = await createConnection(ldapBody({ name: 'slapd, wrong password', port: server.port, bindDn: server.serviceDn, password: 'not-the-password' }));
    const result = await testOf(connection.id);
    expect(result).toMatchObject({ success: false, reason: 'invalid_credentials', resultCode: 49 });
    // Rotating the password through PATCH makes the same connection work.
    expect((await api('PATCH', `${CONNECTIONS}/${connection.id}`, { password: server.servicePassword })).status).toBe(200);
    expect((await testOf(connection.id)).success).toBe(true);
  });

  it('reports StartTLS against a server without TLS as tls_failure', async () => {
    const server = slapd as SlapdServer;
    const connection = await createConnection(ldapBody({ name: 'slapd, StartTLS', port: server.port, tlsMode: 'startTLS', allowInsecure: false, bindDn: server.serviceDn, password: server.servicePassword }));
    expect(await testOf(connection.id)).toMatchObject({ success: false, reason: 'tls_failure', warnings: [] });
  });
});

describe.skipIf(!haveSamba && !ci)('testing against Active Directory (Samba AD DC)', () => {
  const adBody = (overrides: Record<string, unknown> = {}) => {
    const dc = samba as SambaDc;
    return {
      name: 'Samba AD',
      type: 'activeDirectory',
      host: dc.host,
      tlsMode: 'ldaps',
      caCertificate: dc.caPem,
      tlsServerName: dc.tlsServerName,
      baseDn: dc.baseDn,
      bindDn: dc.adminUpn,
      password: dc.adminPassword,
      ...overrides,
    };
  };

  it('is installed where CI runs', () => {
    expect(haveSamba, `${SAMBA_BINARY} is missing although .ci/run installs it`).toBe(true);
  });

  it('succeeds over LDAPS with its CA trusted: Active Directory, default naming context, paged results', async () => {
    const dc = samba as SambaDc;
    const connection = await createConnection(adBody());
    expect(connection).toMatchObject({ port: 636, bindDn: dc.adminUpn, passwordSet: true });
    const result = await testOf(connection.id);
    expect(result).toMatchObject({
      success: true,
      defaultNamingContext: dc.baseDn,
      pagedResultsSupported: true,
      vendor: { product: 'Active Directory' },
      tls: { mode: 'ldaps', verified: true },
      warnings: [],
    });
    expect(result.namingContexts).toContain(dc.baseDn);
  });

  it('refuses the self-signed certificate without the CA, or under another name: tls_failure', async () => {
    const untrusted = await createConnection(adBody({ name: 'Samba AD, CA not trusted', caCertificate: undefined }));
    expect(await testOf(untrusted.id)).toMatchObject({ success: false, reason: 'tls_failure' });
    const wrongName = await createConnection(adBody({ name: 'Samba AD, wrong name', tlsServerName: undefined }));
    const result = await testOf(wrongName.id);
    expect(result).toMatchObject({ success: false, reason: 'tls_failure' });
    expect(result.message).toMatch(/altname|certificate/i);
  });

  it('works with StartTLS on 389, and reports a cleartext simple bind refused by AD as an LDAP error (strong auth required)', async () => {
    const startTls = await createConnection(adBody({ name: 'Samba AD, StartTLS', tlsMode: 'startTLS' }));
    expect(startTls.port).toBe(389);
    expect(await testOf(startTls.id)).toMatchObject({ success: true, tls: { mode: 'startTLS', verified: true } });
    const cleartext = await createConnection(adBody({ name: 'Samba AD, cleartext', tlsMode: 'none', allowInsecure: true, caCertificate: undefined, tlsServerName: undefined }));
    expect(await testOf(cleartext.id)).toMatchObject({ success: false, reason: 'ldap_error', resultCode: 8, warnings: ['insecure_transport'] });
  });

  it('reports a wrong password as invalid_credentials with result code 49', async () => {
    const connection = await createConnection(adBody({ name: 'Samba AD, wrong password', password: 'Wr0ng-Passw0rd!' }));
    expect(await testOf(connection.id)).toMatchObject({ success: false, reason: 'invalid_credentials', resultCode: 49 });
  });
});
