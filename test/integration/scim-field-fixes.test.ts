import { beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { GROUP_SCHEMA, patchOp, scimTenant, userBody, USER_SCHEMA, type ScimTenant } from './support/scim-client.ts';

let t: ScimTenant;
beforeAll(async () => {
  t = await scimTenant();
});

const unique = (prefix = 'user') => `${prefix}-${randomUUID().slice(0, 8)}@example.com`;
const SEARCH = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

describe('SCIM limits derived from the storage engine (issue 12 §1)', () => {
  // 1,030 characters crosses DynamoDB's 1,024-byte sort-key limit; 1,020 used to answer a 503.
  const lengths = [1020, 1030, 3000];

  it.each(lengths)('refuses a %i-character userName or externalId on create with 400 invalidValue', async (length) => {
    for (const body of [userBody('u'.repeat(length)), userBody(unique(), { externalId: 'x'.repeat(length) })]) {
      const response = await t.scim('POST', '/Users', body);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ status: '400', scimType: 'invalidValue' });
      expect(response.body.detail).toMatch(/at most|most it can hold/i);
    }
  });

  it('refuses multi-byte names by their UTF-8 size, not their character count', async () => {
    // 200 characters of 4 bytes each: 800 bytes.
    const response = await t.scim('POST', '/Users', userBody(`${'😀'.repeat(200)}@example.com`));
    expect(response.status).toBe(400);
    expect(response.body.scimType).toBe('invalidValue');
  });

  it('refuses an over-long group displayName or externalId on create, replace and patch', async () => {
    const long = 'g'.repeat(1030);
    const create = await t.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: long });
    expect(create.status).toBe(400);
    expect(create.body.scimType).toBe('invalidValue');
    const group = await t.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `g-${randomUUID()}` });
    const patched = await t.scim('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'replace', path: 'externalId', value: long }));
    expect(patched.status).toBe(400);
    const replaced = await t.scim('PUT', `/Groups/${group.body.id}`, { schemas: [GROUP_SCHEMA], displayName: long });
    expect(replaced.status).toBe(400);
    expect((await t.scim('GET', `/Groups/${group.body.id}`)).body.meta.version).toBe(group.body.meta.version);
  });

  it('refuses a PATCH that would make userName too long, and changes nothing', async () => {
    const created = await t.scim('POST', '/Users', userBody(unique()));
    const response = await t.scim('PATCH', `/Users/${created.body.id}`, patchOp({ op: 'replace', path: 'userName', value: 'u'.repeat(1030) }));
    expect(response.status).toBe(400);
    expect(response.body.scimType).toBe('invalidValue');
    const after = await t.scim('GET', `/Users/${created.body.id}`);
    expect(after.body.userName).toBe(created.body.userName);
  });

  it.each(['userName', 'externalId'])('answers an over-long %s eq filter with 400 invalidFilter, on GET and /.search', async (attribute) => {
    const filter = `${attribute} eq "${'v'.repeat(1030)}"`;
    const listed = await t.scim('GET', `/Users?filter=${encodeURIComponent(filter)}`);
    expect(listed.status).toBe(400);
    expect(listed.body.scimType).toBe('invalidFilter');
    const searched = await t.scim('POST', '/Users/.search', { schemas: [SEARCH], filter });
    expect(searched.status).toBe(400);
    expect(searched.body.scimType).toBe('invalidFilter');
  });

  it('answers an over-long group displayName filter with 400 invalidFilter', async () => {
    const listed = await t.scim('GET', `/Groups?filter=${encodeURIComponent(`displayName eq "${'d'.repeat(3000)}"`)}`);
    expect(listed.status).toBe(400);
    expect(listed.body.scimType).toBe('invalidFilter');
  });

  it('still finds a user whose userName is exactly at the limit', async () => {
    const userName = `${'a'.repeat(512 - '@example.com'.length)}@example.com`;
    const created = await t.scim('POST', '/Users', userBody(userName));
    expect(created.status).toBe(201);
    const listed = await t.scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName.toUpperCase()}"`)}`);
    expect(listed.body.totalResults).toBe(1);
  });

  it('answers 413 naming the limit for a user that fits the body limit but not an item (420,000-character nickName)', async () => {
    const nickName = 'n'.repeat(420_000);
    const created = await t.scim('POST', '/Users', userBody(unique(), { nickName }));
    expect(created.status).toBe(413);
    expect(created.body.detail).toMatch(/409600 bytes/);
    const user = await t.scim('POST', '/Users', userBody(unique()));
    const patched = await t.scim('PATCH', `/Users/${user.body.id}`, patchOp({ op: 'replace', path: 'nickName', value: nickName }));
    expect(patched.status).toBe(413);
    const replaced = await t.scim('PUT', `/Users/${user.body.id}`, userBody(user.body.userName, { nickName }));
    expect(replaced.status).toBe(413);
    expect((await t.scim('GET', `/Users/${user.body.id}`)).body.nickName).toBeUndefined();
  });

  it('refuses a password outside the policy with 400 invalidValue', async () => {
    for (const password of ['short', 'p'.repeat(300)]) {
      const created = await t.scim('POST', '/Users', userBody(unique(), { password }));
      expect(created.status).toBe(400);
      expect(created.body).toMatchObject({ scimType: 'invalidValue' });
    }
  });

  it('advertises the limit in /Schemas', async () => {
    const schema = await t.scim('GET', `/Schemas/${USER_SCHEMA}`);
    const userName = schema.body.attributes.find((attribute: { name: string }) => attribute.name === 'userName');
    expect(userName.description).toMatch(/512 bytes/);
  });
});

describe('concurrent read-modify-writes all land (issue 12 §2)', () => {
  const ENTERPRISE_URN = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
  // Twenty distinct attributes: core, name sub-attributes and the enterprise extension.
  const paths = [
    'title', 'nickName', 'displayName', 'userType', 'preferredLanguage', 'locale', 'timezone', 'externalId',
    'name.givenName', 'name.familyName', 'name.middleName', 'name.honorificPrefix', 'name.honorificSuffix', 'name.formatted',
    ...['employeeNumber', 'costCenter', 'organization', 'division', 'department'].map((name) => `${ENTERPRISE_URN}:${name}`),
    'profileUrl',
  ];
  const read = (user: Record<string, any>, path: string): unknown => { // eslint-disable-line @typescript-eslint/no-explicit-any
    if (path.startsWith(ENTERPRISE_URN)) return user[ENTERPRISE_URN]?.[path.slice(ENTERPRISE_URN.length + 1)];
    return path.split('.').reduce<any>((value, name) => value?.[name], user); // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  it('twenty concurrent PATCHes of one user, each replacing a different attribute, all answer 200 and all land', async () => {
    const created = await t.scim('POST', '/Users', userBody(unique()));
    const operations = paths.map((path, index) => ({ op: 'replace', path, value: path === 'profileUrl' ? `https://example.com/${index}` : `value-${index}` }));
    expect(new Set(paths).size).toBe(20);
    const responses = await Promise.all(operations.map((operation) => t.scim('PATCH', `/Users/${created.body.id}`, patchOp(operation))));
    expect(responses.map((response) => response.status)).toEqual(responses.map(() => 200));
    const after = await t.scim('GET', `/Users/${created.body.id}`);
    for (const operation of operations) expect(read(after.body, operation.path), operation.path).toBe(operation.value);
    expect(after.body.meta.version).toBe('W/"21"');
  });

  it('twenty concurrent group PATCHes mixing renames and member adds all answer 200 and every member lands', async () => {
    const members = await Promise.all(Array.from({ length: 20 }, () => t.scim('POST', '/Users', userBody(unique()))));
    const group = await t.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `g-${randomUUID()}` });
    const responses = await Promise.all(
      members.map((member, index) =>
        t.scim(
          'PATCH',
          `/Groups/${group.body.id}`,
          patchOp({ op: 'add', path: 'members', value: [{ value: member.body.id }] }, ...(index % 2 === 0 ? [{ op: 'replace', path: 'externalId', value: `ext-${index}` }] : [])),
        ),
      ),
    );
    // 204 when the PATCH asks for no attributes back (RFC 7644 §3.5.2), 200 otherwise.
    expect(responses.filter((response) => response.status !== 200 && response.status !== 204)).toEqual([]);
    const after = await t.scim('GET', `/Groups/${group.body.id}`);
    expect(after.body.members.map((member: { value: string }) => member.value).sort()).toEqual(members.map((member) => member.body.id).sort());
  });

  it('with If-Match, a lost race is the client’s 412, never a 409', async () => {
    const created = await t.scim('POST', '/Users', userBody(unique()));
    const version = created.body.meta.version;
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, index) => t.scim('PATCH', `/Users/${created.body.id}`, patchOp({ op: 'replace', path: 'title', value: `t-${index}` }), { 'If-Match': version })),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 412)).toHaveLength(5);
  });
});

describe('group member display (issue 12 §6)', () => {
  it('shows the member’s name, as the seed’s example does ("Joe Bloggs"), not the userName', async () => {
    const named = await t.scim('POST', '/Users', userBody(unique(), { name: { givenName: 'Joe', familyName: 'Bloggs' } }));
    const withDisplayName = await t.scim('POST', '/Users', userBody(unique(), { displayName: 'Babs Jensen' }));
    const bare = await t.scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: unique() });
    const group = await t.scim('POST', '/Groups', {
      schemas: [GROUP_SCHEMA],
      displayName: `g-${randomUUID()}`,
      members: [{ value: named.body.id }, { value: withDisplayName.body.id }, { value: bare.body.id }],
    });
    const displays = Object.fromEntries((await t.scim('GET', `/Groups/${group.body.id}`)).body.members.map((member: { value: string; display: string }) => [member.value, member.display]));
    expect(displays).toEqual({ [named.body.id]: 'Joe Bloggs', [withDisplayName.body.id]: 'Babs Jensen', [bare.body.id]: bare.body.userName });
  });
});
