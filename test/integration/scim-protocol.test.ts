import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { call } from './support/platform-client.ts';
import { ENTERPRISE, GROUP_SCHEMA, scimTenant, userBody, type ScimTenant } from './support/scim-client.ts';

let t: ScimTenant;
const people = [
  { userName: 'alice@example.com', givenName: 'Alice', familyName: 'Employee', title: 'Engineer', department: 'IT', emails: [{ value: 'alice@example.com', type: 'work' }, { value: 'alice@home.example.org', type: 'home' }] },
  { userName: 'bob@example.org', givenName: 'Bob', familyName: 'Employee', title: 'Manager', department: 'Sales', emails: [{ value: 'bob@example.org', type: 'work' }] },
  { userName: 'carol@example.net', givenName: 'Carol', familyName: 'Contractor', title: 'Engineer', department: 'IT', emails: [{ value: 'carol@example.net', type: 'work' }] },
  { userName: 'dave@example.com', givenName: 'Dave', familyName: 'Employee', department: 'IT', emails: [{ value: 'dave@other.test', type: 'home' }], active: false },
  { userName: 'erin@example.com', givenName: 'Erin', familyName: 'Employee', title: 'Analyst', department: 'Finance', emails: [{ value: 'erin@example.com', type: 'work' }] },
];
const ids = new Map<string, string>();

const q = (filter: string, extra = '') => `/Users?filter=${encodeURIComponent(filter)}${extra}`;
const names = (body: { Resources: { userName: string }[] }) => body.Resources.map((resource) => resource.userName).sort();

beforeAll(async () => {
  t = await scimTenant();
  for (const person of people) {
    const created = await t.scim('POST', '/Users', {
      ...userBody(person.userName, { externalId: `ext-${person.givenName}` }),
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
      name: { givenName: person.givenName, familyName: person.familyName },
      emails: person.emails,
      ...(person.title ? { title: person.title } : {}),
      active: person.active ?? true,
      [ENTERPRISE]: { department: person.department },
    });
    expect(created.status).toBe(201);
    ids.set(person.userName, created.body.id);
  }
});

describe('SCIM filtering (RFC 7644 §3.4.2.2)', () => {
  it('supports every comparison operator', async () => {
    expect(names((await t.scim('GET', q('userName eq "alice@example.com"'))).body)).toEqual(['alice@example.com']);
    expect(names((await t.scim('GET', q('name.familyName ne "Employee"'))).body)).toEqual(['carol@example.net']);
    expect(names((await t.scim('GET', q('userName co "example.org"'))).body)).toEqual(['bob@example.org']);
    expect(names((await t.scim('GET', q('userName sw "ca"'))).body)).toEqual(['carol@example.net']);
    expect(names((await t.scim('GET', q('userName ew ".net"'))).body)).toEqual(['carol@example.net']);
    expect(names((await t.scim('GET', q('title pr'))).body)).toHaveLength(4);
    expect(names((await t.scim('GET', q('userName gt "d"'))).body)).toEqual(['dave@example.com', 'erin@example.com']);
    expect(names((await t.scim('GET', q('userName ge "dave@example.com"'))).body)).toEqual(['dave@example.com', 'erin@example.com']);
    expect(names((await t.scim('GET', q('userName lt "b"'))).body)).toEqual(['alice@example.com']);
    expect(names((await t.scim('GET', q('userName le "bob@example.org"'))).body)).toEqual(['alice@example.com', 'bob@example.org']);
    expect((await t.scim('GET', q('meta.created gt "2015-10-10T14:38:21Z"'))).body.totalResults).toBe(5);
  });

  it('supports and/or/not with precedence, parentheses and value paths', async () => {
    const complex = 'name.familyName eq "Employee" and (emails.value co "example.com" or emails.value co "example.org")';
    expect(names((await t.scim('GET', q(complex))).body)).toEqual(['alice@example.com', 'bob@example.org', 'erin@example.com']);
    expect(names((await t.scim('GET', q('emails[type eq "work" and value co "@example.com"]'))).body)).toEqual(['alice@example.com', 'erin@example.com']);
    expect(names((await t.scim('GET', q('not (title pr) and active eq false'))).body)).toEqual(['dave@example.com']);
    expect(names((await t.scim('GET', q('title eq "Engineer" or title eq "Analyst" and department eq "none"'))).body)).toEqual(['alice@example.com', 'carol@example.net']);
    expect(names((await t.scim('GET', q(`${ENTERPRISE}:department eq "Sales"`))).body)).toEqual(['bob@example.org']);
  });

  it('treats operators and attribute names case-insensitively and honours caseExact', async () => {
    expect(names((await t.scim('GET', q('USERNAME Eq "ALICE@EXAMPLE.COM"'))).body)).toEqual(['alice@example.com']);
    expect((await t.scim('GET', q('externalId eq "EXT-ALICE"'))).body.totalResults).toBe(0);
    expect(names((await t.scim('GET', q('externalId eq "ext-Alice"'))).body)).toEqual(['alice@example.com']);
    expect(names((await t.scim('GET', q(`id eq "${ids.get('erin@example.com')}"`))).body)).toEqual(['erin@example.com']);
  });

  it('refuses a malformed filter with 400 invalidFilter', async () => {
    for (const bad of ['userName eq', 'userName zz "x"', '(userName eq "x"', 'userName eq "unterminated', 'userName eq "x" garbage']) {
      const result = await t.scim('GET', q(bad));
      expect(result.status, bad).toBe(400);
      expect(result.body.scimType, bad).toBe('invalidFilter');
    }
  });
});

describe('SCIM listing: sorting, paging, projection', () => {
  it('sorts by any attribute in either order', async () => {
    const ascending = await t.scim('GET', '/Users?sortBy=name.givenName&sortOrder=ascending');
    expect(ascending.body.Resources.map((user: { name: { givenName: string } }) => user.name.givenName)).toEqual(['Alice', 'Bob', 'Carol', 'Dave', 'Erin']);
    const descending = await t.scim('GET', '/Users?sortBy=userName&sortOrder=descending');
    expect(descending.body.Resources[0].userName).toBe('erin@example.com');
    const bad = await t.scim('GET', '/Users?sortOrder=sideways');
    expect(bad.status).toBe(400);
  });

  it('pages with 1-based startIndex and count, with an exact totalResults', async () => {
    const first = await t.scim('GET', '/Users?startIndex=1&count=2');
    expect(first.body).toMatchObject({ totalResults: 5, startIndex: 1, itemsPerPage: 2 });
    const second = await t.scim('GET', '/Users?startIndex=3&count=2');
    const third = await t.scim('GET', '/Users?startIndex=5&count=2');
    const all = [...first.body.Resources, ...second.body.Resources, ...third.body.Resources].map((user: { userName: string }) => user.userName);
    expect(all).toEqual(['alice@example.com', 'bob@example.org', 'carol@example.net', 'dave@example.com', 'erin@example.com']);
    const jump = await t.scim('GET', '/Users?startIndex=4&count=1');
    expect(jump.body.Resources[0].userName).toBe('dave@example.com');
    const countOnly = await t.scim('GET', '/Users?count=0');
    expect(countOnly.body).toMatchObject({ totalResults: 5, itemsPerPage: 0, Resources: [] });
    const beyond = await t.scim('GET', '/Users?startIndex=50');
    expect(beyond.body).toMatchObject({ totalResults: 5, itemsPerPage: 0 });
    const capped = await t.scim('GET', '/Users?count=5000');
    expect(capped.status).toBe(200);
  });

  it('pages with cursors (IETF SCIM cursor pagination)', async () => {
    const first = await t.scim('GET', '/Users?cursor=&count=3');
    expect(first.body.Resources).toHaveLength(3);
    expect(first.body.nextCursor).toBeTruthy();
    const second = await t.scim('GET', `/Users?cursor=${first.body.nextCursor}&count=3`);
    expect(second.body.Resources.map((user: { userName: string }) => user.userName)).toEqual(['dave@example.com', 'erin@example.com']);
    expect(second.body.nextCursor).toBeUndefined();
    const forged = await t.scim('GET', '/Users?cursor=not-a-cursor');
    expect(forged.status).toBe(400);
    expect(forged.body.scimType).toBe('invalidCursor');
  });

  it('projects attributes and excludedAttributes; id and schemas are always returned', async () => {
    const only = await t.scim('GET', '/Users?attributes=userName,emails');
    expect(Object.keys(only.body.Resources[0]).sort()).toEqual(['emails', 'id', 'schemas', 'userName']);
    const without = await t.scim('GET', `/Users/${ids.get('alice@example.com')}?excludedAttributes=emails,name`);
    expect(without.body.emails).toBeUndefined();
    expect(without.body.name).toBeUndefined();
    expect(without.body.userName).toBe('alice@example.com');
    const sub = await t.scim('GET', `/Users/${ids.get('alice@example.com')}?attributes=name.givenName`);
    expect(sub.body.name).toEqual({ givenName: 'Alice' });
  });

  it('lists a user’s groups only when asked by name, and filters on them', async () => {
    const group = await t.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Listed team', members: [{ value: ids.get('bob@example.org') }] });
    const plain = await t.scim('GET', '/Users');
    expect(plain.body.Resources.every((user: { groups?: unknown[] }) => (user.groups ?? []).length === 0)).toBe(true);
    const asked = await t.scim('GET', '/Users?attributes=userName,groups');
    const bob = asked.body.Resources.find((user: { userName: string }) => user.userName === 'bob@example.org');
    expect(bob.groups.map((entry: { value: string }) => entry.value)).toEqual([group.body.id]);
    const filtered = await t.scim('GET', q(`groups.value eq "${group.body.id}"`));
    expect(names(filtered.body)).toEqual(['bob@example.org']);
    await t.scim('DELETE', `/Groups/${group.body.id}`);
  });

  it('searches with POST /.search on a resource type and on the root', async () => {
    const search = await t.scim('POST', '/Users/.search', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
      filter: 'title eq "Engineer"',
      attributes: ['userName'],
      sortBy: 'userName',
      startIndex: 1,
      count: 10,
    });
    expect(search.status).toBe(200);
    expect(search.body.Resources.map((resource: Record<string, unknown>) => Object.keys(resource).sort())).toEqual([
      ['id', 'schemas', 'userName'],
      ['id', 'schemas', 'userName'],
    ]);
    expect(search.body.Resources.map((resource: { id: string }) => resource.id)).toEqual([ids.get('alice@example.com'), ids.get('carol@example.net')]);
    await t.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: 'Searchable' });
    const root = await t.scim('POST', '/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'displayName eq "Searchable" or userName eq "bob@example.org"' });
    expect(root.body.totalResults).toBe(2);
    const noSchema = await t.scim('POST', '/Users/.search', { filter: 'userName pr' });
    expect(noSchema.status).toBe(400);
  });
});

describe('SCIM discovery', () => {
  it('describes what is supported: ServiceProviderConfig, ResourceTypes, Schemas', async () => {
    const config = await t.scim('GET', '/ServiceProviderConfig');
    expect(config.body).toMatchObject({ patch: { supported: true }, bulk: { supported: true, maxOperations: 1000 }, filter: { supported: true, maxResults: 1000 }, etag: { supported: true }, sort: { supported: true } });
    expect(config.body.authenticationSchemes[0].type).toBe('oauthbearertoken');
    const types = await t.scim('GET', '/ResourceTypes');
    expect(types.body.Resources.map((type: { endpoint: string }) => type.endpoint)).toEqual(['/Users', '/Groups']);
    expect((await t.scim('GET', '/ResourceTypes/User')).body.schemaExtensions[0].schema).toBe(ENTERPRISE);
    const schemas = await t.scim('GET', '/Schemas');
    expect(schemas.body.Resources.map((schema: { id: string }) => schema.id)).toContain(ENTERPRISE);
    const user = await t.scim('GET', '/Schemas/urn:ietf:params:scim:schemas:core:2.0:User');
    expect(user.body.attributes.find((attribute: { name: string }) => attribute.name === 'password')).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    expect((await t.scim('GET', '/Schemas/urn:unknown')).status).toBe(404);
  });
});

describe('SCIM Bulk (RFC 7644 §3.7)', () => {
  it('resolves bulkId references and reports each operation', async () => {
    const result = await t.scim('POST', '/Bulk', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: [
        { method: 'POST', bulkId: 'newUser', path: '/Users', data: userBody(`bulk-${randomUUID().slice(0, 8)}@example.com`) },
        { method: 'POST', bulkId: 'newGroup', path: '/Groups', data: { schemas: [GROUP_SCHEMA], displayName: 'Bulk group', members: [{ value: 'bulkId:newUser' }] } },
        { method: 'PATCH', path: '/Users/bulkId:newUser', data: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: 'Bulked' }] } },
      ],
    });
    expect(result.status).toBe(200);
    expect(result.body.Operations.map((operation: { status: string }) => operation.status)).toEqual(['201', '201', '200']);
    const groupId = (result.body.Operations[1].location as string).split('/').at(-1);
    const group = await t.scim('GET', `/Groups/${groupId}`);
    expect(group.body.members[0].value).toBe((result.body.Operations[0].location as string).split('/').at(-1));
  });

  it('runs independent creates side by side but keeps request order: results in order, the first of two equal names wins', async () => {
    const names = Array.from({ length: 9 }, (_, index) => `side-${index}-${randomUUID().slice(0, 8)}@example.com`);
    const twice = names[4] as string;
    const operations = [
      ...names.map((name, index) => ({ method: 'POST', bulkId: `u${index}`, path: '/Users', data: userBody(name, { title: `first ${index}` }) })),
      { method: 'POST', bulkId: 'again', path: '/Users', data: userBody(twice.toUpperCase(), { title: 'second' }) },
      { method: 'PATCH', path: '/Users/bulkId:u2', data: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: 'patched' }] } },
    ];
    const result = await t.scim('POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: operations });
    expect(result.status).toBe(200);
    expect(result.body.Operations.map((operation: { bulkId?: string; status: string }) => [operation.bulkId ?? null, operation.status])).toEqual([
      ...names.map((_, index) => [`u${index}`, '201']),
      ['again', '409'],
      [null, '200'],
    ]);
    const kept = await t.scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${twice}"`)}`);
    expect(kept.body.Resources[0].title).toBe('first 4');
    const patched = (result.body.Operations[2].location as string).split('/').at(-1);
    expect((await t.scim('GET', `/Users/${patched}`)).body.title).toBe('patched');
  });

  it('stops after failOnErrors errors and reports them in SCIM error form', async () => {
    const taken = `dup-${randomUUID().slice(0, 8)}@example.com`;
    const result = await t.scim('POST', '/Bulk', {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      failOnErrors: 1,
      Operations: [
        { method: 'POST', bulkId: 'a', path: '/Users', data: userBody(taken) },
        { method: 'POST', bulkId: 'b', path: '/Users', data: userBody(taken) },
        { method: 'POST', bulkId: 'c', path: '/Users', data: userBody(`never-${randomUUID().slice(0, 8)}@example.com`) },
      ],
    });
    expect(result.body.Operations).toHaveLength(2);
    expect(result.body.Operations[1]).toMatchObject({ status: '409', response: { scimType: 'uniqueness' } });
  });

  it('refuses more operations than advertised', async () => {
    const operations = Array.from({ length: 1001 }, () => ({ method: 'DELETE', path: `/Users/${randomUUID()}` }));
    const result = await t.scim('POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: operations });
    expect(result.status).toBe(400);
    expect(result.body.scimType).toBe('tooMany');
  });
});

describe('SCIM authentication', () => {
  it('answers 401 with a SCIM error body without a token, and 403 without scim:write', async () => {
    const anonymous = await call('GET', '/api/scim/v2/Users');
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '401' });
    const { machineToken } = await import('./support/platform-client.ts');
    const reader = await machineToken(t.tenant.ownerToken, ['scim:read']);
    const write = await call('POST', '/api/scim/v2/Users', { token: reader.token, json: userBody('x@example.com') });
    expect(write.status).toBe(403);
    expect(write.body.status).toBe('403');
  });

  it('keeps organizations apart: another tenant’s token sees none of these users', async () => {
    const other = await scimTenant();
    expect((await other.scim('GET', '/Users')).body.totalResults).toBe(0);
    expect((await other.scim('GET', `/Users/${ids.get('alice@example.com')}`)).status).toBe(404);
    expect((await other.scim('PATCH', `/Users/${ids.get('alice@example.com')}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] })).status).toBe(404);
    expect((await other.scim('DELETE', `/Users/${ids.get('alice@example.com')}`)).status).toBe(404);
    expect((await t.scim('GET', `/Users/${ids.get('alice@example.com')}`)).body.active).toBe(true);
  });
});
