/**
 * Directory API, Users and Groups (seed "REST API Reference"), through real HTTP: the seed's
 * envelope and paging, its filters, every source of the one user record (SCIM, the local Owner,
 * a synchronised LDAP account), a user's groups and attributes, a group's members, the error
 * format, the published rate limits with X-RateLimit-* on every answer, and the scope.
 */
import { randomUUID } from 'node:crypto';
import { scimConnectionId } from '../../shared/directory/scim-connection.ts';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { keys } from '../../shared/storage/keys.ts';
import { itemOf, type UserRecord } from '../../shared/storage/users.ts';
import { membershipItemOf } from '../../shared/storage/groups.ts';
import { call, createTenant, machineToken, type HttpResult, type Tenant } from './support/platform-client.ts';
import { ENTERPRISE, GROUP_SCHEMA, SCIM, userBody } from './support/scim-client.ts';

interface DirectoryUser {
  id: string;
  accountName: string;
  displayName: string;
  email: string | null;
  department: string | null;
  status: 'active' | 'disabled';
  source: string;
  connectionId: string | null;
  [name: string]: unknown;
}
interface Page<T> {
  data: T[];
  totalCount: number;
  page: number;
  pageSize: number;
}

const tag = randomUUID().slice(0, 8);
let tenant: Tenant;
let scimToken: string;
/** A client authorized for the platform API with directory:read only. */
let readerToken: string;
const users: Record<string, { id: string; userName: string }> = {};
let groupId: string;
let groupName: string;
const ldapConnectionId = randomUUID();
let ldapUserId: string;

const directory = <T = any>(path: string, token = tenant.ownerToken): Promise<HttpResult<T>> => call<T>('GET', path, { token }); // eslint-disable-line @typescript-eslint/no-explicit-any
const scim = (method: string, path: string, json: unknown) => call(method, `${SCIM}${path}`, { token: scimToken, json, headers: { 'Content-Type': 'application/scim+json' } });

async function provision(key: string, userName: string, extra: Record<string, unknown> = {}): Promise<void> {
  const created = await scim('POST', '/Users', userBody(userName, extra));
  if (created.status !== 201) throw new Error(`SCIM create ${userName}: ${created.status} ${created.text}`);
  users[key] = { id: created.body.id, userName };
}

/**
 * Writes a user as an LDAP sync does (shared/directory/sync-run.ts), straight into the table: the
 * user, its membership, and one more on the SCIM users counter, which counts synchronised users.
 */
async function putSynchronisedUser(record: UserRecord): Promise<void> {
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: inject('dynamodbEndpoint'), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  await client.send(new PutCommand({ TableName: 'identity-platform', Item: itemOf(record) }));
  await client.send(
    new PutCommand({ TableName: 'identity-platform', Item: membershipItemOf(record.organizationId, { groupId, userId: record.id, display: 'Lena Ldap', addedAt: record.createdAt }) }),
  );
  await client.send(
    new UpdateCommand({
      TableName: 'identity-platform',
      Key: keys.counterShard(record.organizationId, 'users', 0),
      UpdateExpression: 'ADD #count :one SET #type = :type',
      ExpressionAttributeNames: { '#count': 'count', '#type': 'type' },
      ExpressionAttributeValues: { ':one': 1, ':type': 'Counter' },
    }),
  );
}

function expectRateLimitHeaders(result: HttpResult): void {
  expect(result.headers.get('x-ratelimit-limit'), result.text).toMatch(/^\d+$/);
  expect(result.headers.get('x-ratelimit-remaining'), result.text).toMatch(/^\d+$/);
  expect(result.headers.get('x-ratelimit-reset'), result.text).toMatch(/^\d+$/);
}

beforeAll(async () => {
  tenant = await createTenant('Directory users and groups');
  // Many requests by one caller: lift this organization's directory limit before its first bearer
  // request (limits are cached per organization); the rate-limit test uses a fresh organization.
  const lifted = await call('PATCH', `/api/identity/v1/organizations/${tenant.organizationId}`, {
    headers: { 'X-Operator-Key': inject('operatorApiKey') },
    json: { rateLimits: { directory: { perMinute: 100_000, perHour: 1_000_000 } } },
  });
  if (lifted.status !== 200) throw new Error(`rate limits: ${lifted.status} ${lifted.text}`);
  scimToken = (await machineToken(tenant.ownerToken)).token;
  readerToken = (await machineToken(tenant.ownerToken, ['directory:read'])).token;

  await provision('alice', `alice-${tag}@example.com`, {
    name: { givenName: 'Alice', familyName: 'Anderson' },
    title: 'Engineer',
    password: `a long password ${tag}`,
    [ENTERPRISE]: { department: 'IT', employeeNumber: '1001' },
  });
  await provision('bob', `bob-${tag}@example.com`, { name: { givenName: 'Bob', familyName: 'Brown' }, active: false, [ENTERPRISE]: { department: 'IT' } });
  await provision('zebediah', `z-${tag}@example.com`, { name: { givenName: 'Zebediah', familyName: 'Quill' }, [ENTERPRISE]: { department: 'Sales' } });
  await provision('emailOnly', `e-${tag}`, { emails: [{ value: `quokka-${tag}@example.org`, type: 'work', primary: true }] });
  await provision('account', `acct-wombat-${tag}`, { emails: [] });
  await provision('f', `f-${tag}@example.com`);
  await provision('g', `g-${tag}@example.com`);

  groupName = `IT Administrators ${tag}`;
  const group = await scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: groupName, externalId: `grp-${tag}`, members: [{ value: users.alice?.id }, { value: users.bob?.id }] });
  if (group.status !== 201) throw new Error(`SCIM group: ${group.status} ${group.text}`);
  groupId = group.body.id;

  ldapUserId = randomUUID();
  const now = new Date().toISOString();
  await putSynchronisedUser({
    id: ldapUserId,
    organizationId: tenant.organizationId,
    userName: `lldap-${tag}`,
    active: true,
    resource: { userName: `lldap-${tag}`, name: { givenName: 'Lena', familyName: 'Ldap' }, emails: [{ value: `lena-${tag}@corp.example`, primary: true }], active: true },
    hasPassword: false,
    source: 'ldap',
    connectionId: ldapConnectionId,
    // Sync always writes the entry's stable id (entryUUID) and DN with the connection.
    directoryId: randomUUID(),
    directoryDn: `uid=lldap-${tag},ou=people,dc=example,dc=test`,
    version: 1,
    createdAt: now,
    updatedAt: now,
  });
});

/** Every user of the tenant: the local Owner, seven SCIM users and one LDAP user. */
const TOTAL_USERS = 9;

describe('GET /api/users', () => {
  it('answers the seed envelope with every source: the local Owner, SCIM users and a synchronised LDAP user', async () => {
    const result = await directory<Page<DirectoryUser>>('/api/users');
    expect(result.status).toBe(200);
    expect(Object.keys(result.body).sort()).toEqual(['data', 'page', 'pageSize', 'totalCount']);
    expect(result.body).toMatchObject({ totalCount: TOTAL_USERS, page: 1, pageSize: 50 });
    expect(result.body.data).toHaveLength(TOTAL_USERS);
    const byId = new Map(result.body.data.map((user) => [user.id, user]));
    expect(byId.get(tenant.ownerUserId)).toMatchObject({ accountName: tenant.ownerEmail, email: tenant.ownerEmail, source: 'local', connectionId: null, status: 'active' });
    expect(byId.get(users.alice?.id ?? '')).toEqual({
      id: users.alice?.id,
      accountName: users.alice?.userName,
      displayName: 'Alice Anderson',
      givenName: 'Alice',
      familyName: 'Anderson',
      email: users.alice?.userName,
      department: 'IT',
      title: 'Engineer',
      employeeNumber: '1001',
      managerId: null,
      status: 'active',
      source: 'scim',
      connectionId: scimConnectionId(tenant.organizationId),
      externalId: null,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as string,
      lastSignInAt: null,
    });
    expect(byId.get(ldapUserId)).toMatchObject({ accountName: `lldap-${tag}`, displayName: 'Lena Ldap', source: 'ldap', connectionId: ldapConnectionId });
    expectRateLimitHeaders(result);
  });

  it('pages exactly: page and pageSize as asked, totalCount over all pages, every user once, ordered by account name', async () => {
    const seen: DirectoryUser[] = [];
    for (let page = 1; page <= 4; page++) {
      const result = await directory<Page<DirectoryUser>>(`/api/users?page=${page}&pageSize=4`);
      expect(result.status).toBe(200);
      expect(result.body).toMatchObject({ totalCount: TOTAL_USERS, page, pageSize: 4 });
      expect(result.body.data).toHaveLength([4, 4, 1, 0][page - 1] as number);
      seen.push(...result.body.data);
    }
    expect(new Set(seen.map((user) => user.id)).size).toBe(TOTAL_USERS);
    const names = seen.map((user) => user.accountName.toLowerCase());
    expect(names).toEqual([...names].sort());
    const max = await directory<Page<DirectoryUser>>('/api/users?pageSize=200');
    expect(max.body).toMatchObject({ pageSize: 200, totalCount: TOTAL_USERS });
  });

  it('answers a page asked for directly (no earlier page read) exactly as the same slice of the whole listing, the local Owner in its place', async () => {
    const whole = (await directory<Page<DirectoryUser>>('/api/users?pageSize=200')).body.data.map((user) => user.id);
    expect(whole).toContain(tenant.ownerUserId);
    for (const [page, pageSize] of [[3, 2], [2, 3], [5, 2], [2, 7], [9, 1]] as const) {
      const result = await directory<Page<DirectoryUser>>(`/api/users?page=${page}&pageSize=${pageSize}`);
      expect(result.body, `page ${page} of ${pageSize}`).toMatchObject({ totalCount: TOTAL_USERS, page, pageSize });
      expect(result.body.data.map((user) => user.id), `page ${page} of ${pageSize}`).toEqual(whole.slice((page - 1) * pageSize, page * pageSize));
    }
    const pastTheEnd = await directory<Page<DirectoryUser>>('/api/users?page=4&pageSize=3');
    expect(pastTheEnd.body).toEqual({ data: [], totalCount: TOTAL_USERS, page: 4, pageSize: 3 });
  });

  it('searches by name, by email and by account name, case-insensitively', async () => {
    const ids = async (query: string) => (await directory<Page<DirectoryUser>>(`/api/users?${query}`)).body.data.map((user) => user.id);
    expect(await ids('search=zebed')).toEqual([users.zebediah?.id]);
    expect(await ids('search=ANDERSON')).toEqual([users.alice?.id]);
    expect(await ids(`search=quokka-${tag}`)).toEqual([users.emailOnly?.id]);
    expect(await ids('search=wombat')).toEqual([users.account?.id]);
    expect(await ids(`search=${encodeURIComponent(`lena-${tag}@corp`)}`)).toEqual([ldapUserId]);
    const none = await directory<Page<DirectoryUser>>('/api/users?search=no-such-person');
    expect(none.body).toEqual({ data: [], totalCount: 0, page: 1, pageSize: 50 });
  });

  it('filters by department, status and connectionId, and combines them with the seed example', async () => {
    const ids = async (query: string) => (await directory<Page<DirectoryUser>>(`/api/users?${query}`)).body.data.map((user) => user.id).sort();
    expect(await ids('department=IT')).toEqual([users.alice?.id, users.bob?.id].sort());
    expect(await ids('department=it')).toEqual([users.alice?.id, users.bob?.id].sort());
    expect(await ids('status=disabled')).toEqual([users.bob?.id]);
    expect((await ids('status=active')).length).toBe(TOTAL_USERS - 1);
    expect((await ids('status=all')).length).toBe(TOTAL_USERS);
    expect(await ids(`connectionId=${ldapConnectionId}`)).toEqual([ldapUserId]);
    expect(await ids(`connectionId=${randomUUID()}`)).toEqual([]);
    // SCIM-provisioned users came through the organization's one scim connection (its id is derived, no read).
    expect((await ids(`connectionId=${scimConnectionId(tenant.organizationId)}`)).length).toBe(7);
    const seed = await directory<Page<DirectoryUser>>('/api/users?department=IT&status=active&page=1&pageSize=25');
    expect(seed.body).toMatchObject({ totalCount: 1, page: 1, pageSize: 25, data: [{ id: users.alice?.id }] });
  });

  it('refuses bad parameters with 400 in the seed error format, never clamping pageSize', async () => {
    const tooBig = await directory('/api/users?pageSize=201');
    expect(tooBig.status).toBe(400);
    expect(tooBig.body).toMatchObject({ error: 'Bad Request', statusCode: 400 });
    expect(tooBig.body.message).toContain('200');
    expect(tooBig.body.message).toContain('pageSize');
    expectRateLimitHeaders(tooBig);
    for (const query of ['page=0', 'page=-1', 'page=1.5', 'page=abc', 'pageSize=0', 'pageSize=2.5', 'status=foo', 'status=ACTIVE', 'connectionId=not-a-guid']) {
      const result = await directory(`/api/users?${query}`);
      expect(result.status, query).toBe(400);
      expect(result.body, query).toMatchObject({ error: 'Bad Request', statusCode: 400, message: expect.any(String) as string });
    }
    for (const query of ['pageSize=1e2', 'pageSize=%20', 'page=%2B2']) {
      const result = await directory(`/api/users?${query}`);
      expect(result.status, query).toBe(400);
      expect(result.body.message, query).toMatch(/must be a whole number written in digits/);
    }
    const status = await directory('/api/users?status=foo');
    expect(status.body.message).toContain('active, disabled, all');
    expect((await directory('/api/groups?pageSize=201')).status).toBe(400);
    expect((await directory(`/api/groups/${groupId}/members?page=0`)).status).toBe(400);
  });
});

describe('GET /api/users/{id}, /groups and /attributes', () => {
  it('answers one user as the object itself', async () => {
    const result = await directory<DirectoryUser>(`/api/users/${users.bob?.id}`);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ id: users.bob?.id, accountName: users.bob?.userName, status: 'disabled', department: 'IT', source: 'scim' });
    expect(result.body).not.toHaveProperty('data');
    const owner = await directory<DirectoryUser>(`/api/users/${tenant.ownerUserId}`);
    expect(owner.body).toMatchObject({ source: 'local', accountName: tenant.ownerEmail });
    expectRateLimitHeaders(owner);
  });

  it("lists a user's groups in the envelope", async () => {
    const result = await directory<Page<{ id: string; displayName: string; source: string; externalId: string }>>(`/api/users/${users.alice?.id}/groups`);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ totalCount: 1, page: 1, pageSize: 50 });
    expect(result.body.data).toEqual([
      { id: groupId, displayName: groupName, description: null, source: 'scim', connectionId: scimConnectionId(tenant.organizationId), externalId: `grp-${tag}`, createdAt: expect.any(String) as string, updatedAt: expect.any(String) as string },
    ]);
    const none = await directory<Page<unknown>>(`/api/users/${users.zebediah?.id}/groups`);
    expect(none.body).toEqual({ data: [], totalCount: 0, page: 1, pageSize: 50 });
  });

  it("shows every attribute the source holds, the enterprise extension included, never the password", async () => {
    const result = await directory(`/api/users/${users.alice?.id}/attributes`);
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ id: users.alice?.id, source: 'scim', connectionId: scimConnectionId(tenant.organizationId) });
    expect(result.body.attributes).toMatchObject({ userName: users.alice?.userName, name: { givenName: 'Alice', familyName: 'Anderson' }, title: 'Engineer', active: true });
    expect(result.body.attributes[ENTERPRISE]).toMatchObject({ department: 'IT', employeeNumber: '1001' });
    expect(result.text.toLowerCase()).not.toContain('password');
    expect(result.text).not.toContain(`a long password ${tag}`);
    const ldap = await directory(`/api/users/${ldapUserId}/attributes`);
    expect(ldap.body).toMatchObject({ source: 'ldap', connectionId: ldapConnectionId, attributes: { userName: `lldap-${tag}` } });
  });

  it('answers 404 in the seed format for unknown ids', async () => {
    const unknown = randomUUID();
    for (const path of [`/api/users/${unknown}`, `/api/users/${unknown}/groups`, `/api/users/${unknown}/attributes`, '/api/users/not-a-uuid']) {
      const result = await directory(path);
      expect(result.status, path).toBe(404);
      expect(result.body, path).toEqual({ error: 'Not Found', message: `User with ID '${path.split('/')[3]}' was not found`, statusCode: 404 });
      expectRateLimitHeaders(result);
    }
    for (const path of [`/api/groups/${unknown}`, `/api/groups/${unknown}/members`]) {
      const result = await directory(path);
      expect(result.status, path).toBe(404);
      expect(result.body, path).toEqual({ error: 'Not Found', message: `Group with ID '${unknown}' was not found`, statusCode: 404 });
    }
  });
});

describe('GET /api/groups, /{id} and /{id}/members', () => {
  it('lists groups in the envelope and reads one as the object itself', async () => {
    await scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `Auditors ${tag}` });
    const listed = await directory<Page<{ id: string; displayName: string }>>('/api/groups');
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ totalCount: 2, page: 1, pageSize: 50 });
    expect(listed.body.data.map((group) => group.displayName)).toEqual([`Auditors ${tag}`, groupName]);
    const paged = await directory<Page<{ displayName: string }>>('/api/groups?page=2&pageSize=1');
    expect(paged.body).toMatchObject({ totalCount: 2, page: 2, pageSize: 1, data: [{ displayName: groupName }] });
    const searched = await directory<Page<{ id: string }>>('/api/groups?search=administrators');
    expect(searched.body.data.map((group) => group.id)).toEqual([groupId]);
    const one = await directory(`/api/groups/${groupId}`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ id: groupId, displayName: groupName, source: 'scim', externalId: `grp-${tag}` });
  });

  it('lists members of every source as users, by name, with exact paging', async () => {
    const all = await directory<Page<DirectoryUser>>(`/api/groups/${groupId}/members`);
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ totalCount: 3, page: 1, pageSize: 50 });
    expect(all.body.data.map((user) => [user.displayName, user.source])).toEqual([
      ['Alice Anderson', 'scim'],
      ['Bob Brown', 'scim'],
      ['Lena Ldap', 'ldap'],
    ]);
    expect(all.body.data[2]).toMatchObject({ id: ldapUserId, connectionId: ldapConnectionId });
    const second = await directory<Page<DirectoryUser>>(`/api/groups/${groupId}/members?page=2&pageSize=2`);
    expect(second.body).toMatchObject({ totalCount: 3, page: 2, pageSize: 2, data: [{ id: ldapUserId }] });
  });
});

describe('access', () => {
  it('lets a client granted directory:read call every route, and refuses a caller without it with 403 (rate-limit headers included)', async () => {
    for (const path of ['/api/users', `/api/users/${users.alice?.id}`, `/api/users/${users.alice?.id}/groups`, `/api/users/${users.alice?.id}/attributes`, '/api/groups', `/api/groups/${groupId}`, `/api/groups/${groupId}/members`]) {
      const result = await directory(path, readerToken);
      expect(result.status, path).toBe(200);
    }
    const { token } = await machineToken(tenant.ownerToken, ['scim:read']);
    const denied = await directory('/api/users', token);
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ error: 'Forbidden', statusCode: 403 });
    expect(denied.body.message).toContain('directory:read');
    expectRateLimitHeaders(denied);
    const anonymous = await call('GET', '/api/users');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ error: 'Unauthorized', statusCode: 401 });
  });
});

describe('rate limits as published (60 per minute, 1,000 per hour, per caller)', () => {
  it('answers the 61st request in a minute with 429 and an integer Retry-After, and every answer with X-RateLimit-*', async () => {
    const fresh = await createTenant('Directory rate limits');
    // Fixed one-minute windows: start early in a minute so 61 requests (a second or two) fit in one.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 45_000) await new Promise((resolve) => setTimeout(resolve, 60_000 - intoMinute + 200));
    const minuteEnd = Math.ceil((Math.floor(Date.now() / 60_000) + 1) * 60);

    const notFound = await directory(`/api/users/${randomUUID()}`, fresh.ownerToken);
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('x-ratelimit-limit')).toBe('60');
    expect(notFound.headers.get('x-ratelimit-remaining')).toBe('59');
    expect(notFound.headers.get('x-ratelimit-reset')).toBe(String(minuteEnd));
    for (let n = 2; n <= 60; n++) {
      const result = await directory('/api/users?pageSize=1', fresh.ownerToken);
      expect(result.status, `request ${n}`).toBe(200);
      expect(result.headers.get('x-ratelimit-limit')).toBe('60');
      expect(result.headers.get('x-ratelimit-remaining'), `request ${n}`).toBe(String(60 - n));
      expect(result.headers.get('x-ratelimit-reset')).toBe(String(minuteEnd));
    }
    const limited = await directory('/api/users?pageSize=1', fresh.ownerToken);
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: 'Too Many Requests', statusCode: 429 });
    expect(limited.body.message).toContain('60 requests per minute');
    const retryAfter = limited.headers.get('retry-after') ?? '';
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    expect(limited.headers.get('x-ratelimit-limit')).toBe('60');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-ratelimit-reset')).toBe(String(minuteEnd));
    // The limit is per caller: a client of the same organization still has its own minute.
    const { token } = await machineToken(fresh.ownerToken, ['directory:read']);
    const other = await directory('/api/groups', token);
    expect(other.status).toBe(200);
    expect(other.headers.get('x-ratelimit-remaining')).toBe('59');
  }, 120_000);
});
