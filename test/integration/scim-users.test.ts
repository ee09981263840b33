import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { auditEntries, call } from './support/platform-client.ts';
import { ENTERPRISE, patchOp, scimTenant, userBody, USER_SCHEMA, type ScimTenant } from './support/scim-client.ts';

let t: ScimTenant;

beforeAll(async () => {
  t = await scimTenant();
});

const unique = (prefix = 'user') => `${prefix}-${randomUUID().slice(0, 8)}@example.com`;

describe('SCIM Users: create', () => {
  it('creates a user: 201, Location, ETag and meta, enterprise extension and seed fields; password never returned', async () => {
    const userName = unique();
    const result = await t.scim('POST', '/Users', {
      ...userBody(userName),
      schemas: [USER_SCHEMA, ENTERPRISE],
      password: 'a-strong-password-1',
      locale: 'en-GB',
      timezone: 'Europe/London',
      roles: ['Engineer'],
      externalId: 'ext-create',
      [ENTERPRISE]: { employeeNumber: '42', costCenter: 'CC1', organization: 'Acme', division: 'R&D', department: 'IT', manager: { value: randomUUID() } },
    });
    expect(result.status).toBe(201);
    expect(result.headers.get('content-type')).toContain('application/scim+json');
    expect(result.headers.get('location')).toBe(result.body.meta.location);
    expect(result.headers.get('etag')).toBe(result.body.meta.version);
    expect(result.body).toMatchObject({ userName, locale: 'en-GB', timezone: 'Europe/London', externalId: 'ext-create', active: true, meta: { resourceType: 'User' } });
    expect(result.body[ENTERPRISE]).toMatchObject({ department: 'IT', employeeNumber: '42' });
    expect(result.body.roles).toEqual([{ value: 'Engineer' }]);
    expect(result.text).not.toContain('a-strong-password-1');
    expect(result.body.password).toBeUndefined();
  });

  it('enforces case-insensitive userName uniqueness with 409 uniqueness', async () => {
    const userName = unique();
    expect((await t.scim('POST', '/Users', userBody(userName))).status).toBe(201);
    const duplicate = await t.scim('POST', '/Users', userBody(userName.toUpperCase()));
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409', scimType: 'uniqueness' });
  });

  it('lets exactly one of two concurrent creates of one userName win', async () => {
    const userName = unique('race');
    const results = await Promise.all(Array.from({ length: 6 }, () => t.scim('POST', '/Users', userBody(userName))));
    const statuses = results.map((result) => result.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
    const listed = await t.scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
    expect(listed.body.totalResults).toBe(1);
  });

  it('accepts Okta’s create: application/json, a password and groups: []', async () => {
    const result = await call('POST', '/api/scim/v2/Users', {
      token: t.token,
      json: { schemas: [USER_SCHEMA], userName: unique('okta'), name: { givenName: 'O', familyName: 'K' }, emails: [{ primary: true, value: 'o@example.com', type: 'work' }], displayName: 'O K', locale: 'en-US', externalId: '00u1', groups: [], password: 'okta-password-123', active: true },
    });
    expect(result.status).toBe(201);
    expect(result.body.groups ?? []).toEqual([]);
  });

  it('refuses bad input with SCIM errors and changes nothing', async () => {
    const missing = await t.scim('POST', '/Users', { schemas: [USER_SCHEMA], name: { givenName: 'x' } });
    expect(missing.status).toBe(400);
    expect(missing.body.scimType).toBe('invalidValue');
    const wrongType = await t.scim('POST', '/Users', { ...userBody(unique()), active: 'maybe' });
    expect(wrongType.status).toBe(400);
    const malformed = await call('POST', '/api/scim/v2/Users', { token: t.token, body: '{"userName":', headers: { 'Content-Type': 'application/scim+json' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.scimType).toBe('invalidSyntax');
    const xml = await call('POST', '/api/scim/v2/Users', { token: t.token, body: '<user/>', headers: { 'Content-Type': 'application/xml' } });
    expect(xml.status).toBe(415);
    expect(xml.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  });

  it('audits every user change in the same transaction', async () => {
    const created = await t.scim('POST', '/Users', userBody(unique('audit')));
    await t.scim('PATCH', `/Users/${created.body.id}`, patchOp({ op: 'replace', path: 'active', value: false }));
    await t.scim('DELETE', `/Users/${created.body.id}`);
    const actions = (await auditEntries(t.tenant.organizationId)).filter((entry) => entry.targetId === created.body.id).map((entry) => entry.action);
    expect(actions).toEqual(['user.created', 'user.deactivated', 'user.deleted']);
  });
});

describe('SCIM Users: read, replace, patch, delete', () => {
  it('gets a user with ETag, honours If-None-Match with 304, and 404s unknown ids', async () => {
    const created = await t.scim('POST', '/Users', userBody(unique()));
    const got = await t.scim('GET', `/Users/${created.body.id}`);
    expect(got.status).toBe(200);
    expect(got.headers.get('etag')).toBe('W/"1"');
    const notModified = await t.scim('GET', `/Users/${created.body.id}`, undefined, { 'If-None-Match': 'W/"1"' });
    expect(notModified.status).toBe(304);
    const missing = await t.scim('GET', `/Users/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(missing.body.status).toBe('404');
    expect((await t.scim('GET', '/Users/not-a-uuid')).status).toBe(404);
  });

  it('PUT replaces the user, ignores read-only attributes sent back, and refuses a different id', async () => {
    const created = await t.scim('POST', '/Users', userBody(unique(), { title: 'Engineer', nickName: 'Nick' }));
    const replaced = await t.scim('PUT', `/Users/${created.body.id}`, { ...created.body, title: 'Manager', nickName: undefined, meta: { resourceType: 'User', version: 'W/"999"' } });
    expect(replaced.status).toBe(200);
    expect(replaced.body.title).toBe('Manager');
    expect(replaced.body.nickName).toBeUndefined();
    expect(replaced.body.meta.version).toBe('W/"2"');
    const otherId = await t.scim('PUT', `/Users/${created.body.id}`, { ...created.body, id: randomUUID() });
    expect(otherId.status).toBe(400);
    expect(otherId.body.scimType).toBe('mutability');
  });

  it('If-Match with a stale version answers 412 and changes nothing', async () => {
    const created = await t.scim('POST', '/Users', userBody(unique()));
    const stale = await t.scim('PATCH', `/Users/${created.body.id}`, patchOp({ op: 'replace', path: 'title', value: 'x' }), { 'If-Match': 'W/"7"' });
    expect(stale.status).toBe(412);
    const fresh = await t.scim('PATCH', `/Users/${created.body.id}`, patchOp({ op: 'replace', path: 'title', value: 'x' }), { 'If-Match': 'W/"1"' });
    expect(fresh.status).toBe(200);
    expect(fresh.body.title).toBe('x');
  });

  it('PATCH handles op names in any case, string booleans, value filters, enterprise paths and null clears', async () => {
    const created = await t.scim('POST', '/Users', userBody(unique(), { title: 'T', phoneNumbers: [{ value: '+1 555', type: 'mobile' }] }));
    const id = created.body.id as string;
    const manager = randomUUID();
    const result = await t.scim(
      'PATCH',
      `/Users/${id}`,
      patchOp(
        { op: 'Replace', path: 'emails[type eq "work"].value', value: 'changed@example.com' },
        { op: 'Add', path: `${ENTERPRISE}:manager`, value: manager },
        { op: 'replace', path: `${ENTERPRISE}:department`, value: 'Sales' },
        { op: 'replace', path: 'active', value: 'False' },
        { op: 'replace', path: 'title', value: null },
        { op: 'remove', path: 'phoneNumbers[type eq "mobile"]' },
      ),
    );
    expect(result.status).toBe(200);
    expect(result.body.emails[0].value).toBe('changed@example.com');
    expect(result.body[ENTERPRISE]).toMatchObject({ department: 'Sales', manager: { value: manager } });
    expect(result.body.active).toBe(false);
    expect(result.body.title).toBeUndefined();
    expect(result.body.phoneNumbers).toBeUndefined();
  });

  it('PATCH without a path accepts dotted and URN-qualified keys (Entra)', async () => {
    const created = await t.scim('POST', '/Users', userBody(unique()));
    const result = await t.scim(
      'PATCH',
      `/Users/${created.body.id}`,
      patchOp({ op: 'replace', value: { 'name.givenName': 'Renamed', [`${ENTERPRISE}:costCenter`]: 'CC9', displayName: 'Shown' } }),
    );
    expect(result.status).toBe(200);
    expect(result.body.name.givenName).toBe('Renamed');
    expect(result.body.displayName).toBe('Shown');
    expect(result.body[ENTERPRISE].costCenter).toBe('CC9');
  });

  it('PATCH refuses read-only and unknown paths with mutability and invalidPath', async () => {
    const created = await t.scim('POST', '/Users', userBody(unique()));
    const readOnly = await t.scim('PATCH', `/Users/${created.body.id}`, patchOp({ op: 'replace', path: 'id', value: randomUUID() }));
    expect(readOnly.status).toBe(400);
    expect(readOnly.body.scimType).toBe('mutability');
    const unknown = await t.scim('PATCH', `/Users/${created.body.id}`, patchOp({ op: 'replace', path: 'favouriteColour', value: 'blue' }));
    expect(unknown.status).toBe(400);
    expect(unknown.body.scimType).toBe('invalidPath');
    const noSchemas = await t.scim('PATCH', `/Users/${created.body.id}`, { Operations: [{ op: 'replace', path: 'title', value: 'x' }] });
    expect(noSchemas.status).toBe(400);
    expect(noSchemas.body.scimType).toBe('invalidSyntax');
    const after = await t.scim('GET', `/Users/${created.body.id}`);
    expect(after.body.meta.version).toBe('W/"1"');
  });

  it('never loses an update when two PATCHes race on one user', async () => {
    const created = await t.scim('POST', '/Users', userBody(unique()));
    const [first, second] = await Promise.all([
      t.scim('PATCH', `/Users/${created.body.id}`, patchOp({ op: 'replace', path: 'title', value: 'From first' })),
      t.scim('PATCH', `/Users/${created.body.id}`, patchOp({ op: 'replace', path: 'nickName', value: 'From second' })),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const after = await t.scim('GET', `/Users/${created.body.id}`);
    expect(after.body).toMatchObject({ title: 'From first', nickName: 'From second' });
    expect(after.body.meta.version).toBe('W/"3"');
  });

  it('deactivation stops the user from signing in; the change shows in the token check', async () => {
    const userName = unique('signin');
    const created = await t.scim('POST', '/Users', userBody(userName, { password: 'initial-password-1' }));
    const login = () => call('POST', '/api/identity/v1/userCredentials/login', { json: { emailAddress: userName, password: 'initial-password-1' } });
    const before = await login();
    expect(before.status).toBe(200);
    await t.scim('PATCH', `/Users/${created.body.id}`, patchOp({ op: 'replace', value: { active: false } }));
    expect((await login()).status).toBe(401);
    const meWithOldToken = await call('GET', '/api/identity/v1/me', { token: before.body.accessToken });
    expect(meWithOldToken.status).toBe(401);
  });

  it('an IdP renaming a password user without sending a password moves the sign-in to the new name (Okta email change)', async () => {
    const before = unique('rename-before');
    const after = unique('rename-after');
    const created = await t.scim('POST', '/Users', userBody(before, { password: 'initial-password-1' }));
    const login = (emailAddress: string) => call('POST', '/api/identity/v1/userCredentials/login', { json: { emailAddress, password: 'initial-password-1' } });
    expect((await login(before)).status).toBe(200);
    const renamed = await t.scim('PATCH', `/Users/${created.body.id}`, patchOp({ op: 'replace', path: 'userName', value: after }));
    expect(renamed.status, renamed.text).toBe(200);
    expect(renamed.body.userName).toBe(after);
    expect((await login(after)).status).toBe(200);
    expect((await login(before)).status).toBe(401);
    // The old name is free again, for sign-in and for SCIM.
    expect((await t.scim('POST', '/Users', userBody(before, { password: 'another-password-2' }))).status).toBe(201);
    // PUT without a password renames the same way.
    const replaced = await t.scim('PUT', `/Users/${created.body.id}`, userBody(before.replace('before', 'third')));
    expect(replaced.status, replaced.text).toBe(200);
    expect((await login(before.replace('before', 'third'))).status).toBe(200);
    expect((await login(after)).status).toBe(401);
  });

  it('DELETE answers 204, removes the user from its groups, and a later GET is 404', async () => {
    const created = await t.scim('POST', '/Users', userBody(unique()));
    const group = await t.scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `g-${randomUUID()}`, members: [{ value: created.body.id }] });
    expect((await t.scim('DELETE', `/Users/${created.body.id}`)).status).toBe(204);
    expect((await t.scim('GET', `/Users/${created.body.id}`)).status).toBe(404);
    expect((await t.scim('DELETE', `/Users/${created.body.id}`)).status).toBe(404);
    const after = await t.scim('GET', `/Groups/${group.body.id}`);
    expect(after.body.members ?? []).toEqual([]);
  });

  it('deleting a user in more groups than one transaction holds leaves every group, fully audited', async () => {
    const created = await t.scim('POST', '/Users', userBody(unique('joiner')));
    const groups: string[] = [];
    for (let i = 0; i < 110; i++) {
      const group = await t.scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `many-${i}-${randomUUID()}`, members: [{ value: created.body.id }] });
      groups.push(group.body.id);
    }
    expect((await t.scim('GET', `/Users/${created.body.id}`)).body.groups).toHaveLength(110);
    expect((await t.scim('DELETE', `/Users/${created.body.id}`)).status).toBe(204);
    for (const groupId of [groups[0], groups[55], groups[109]]) expect((await t.scim('GET', `/Groups/${groupId}`)).body.members ?? []).toEqual([]);
    const entries = (await auditEntries(t.tenant.organizationId)).filter((entry) => entry.targetId === created.body.id);
    const left = entries.filter((entry) => entry.action === 'user.memberships.removed').flatMap((entry) => entry.details.groupIds as string[]);
    const final = entries.find((entry) => entry.action === 'user.deleted');
    expect([...left, ...(final?.details.removedFromGroups ?? [])].sort()).toEqual([...groups].sort());
  });

  it('hides local accounts (the organization Owner) from SCIM and keeps their userName reserved', async () => {
    const listed = await t.scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${t.tenant.ownerEmail}"`)}`);
    expect(listed.body.totalResults).toBe(0);
    expect((await t.scim('GET', `/Users/${t.tenant.ownerUserId}`)).status).toBe(404);
    expect((await t.scim('POST', '/Users', userBody(t.tenant.ownerEmail))).status).toBe(409);
  });
});
