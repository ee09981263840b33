/**
 * The person correlation rule (shared/directory/person-correlation.ts) and the raw attribute
 * snapshots of synchronised entries (shared/directory/sync-objects.ts): pure logic, no engine.
 */
import { describe, expect, it } from 'vitest';
import { correlationKeys, DEFAULT_CORRELATION, keyId, normalizeCorrelationValue, personSummary, planCorrelation, type CorrelationKey } from '../../shared/directory/person-correlation.ts';
import { guidString, sidString, snapshotOf, MAX_ATTRIBUTE_BYTES } from '../../shared/directory/sync-objects.ts';
import type { PersonKeyRecord, PersonLinkRecord } from '../../shared/storage/persons.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const user = (userName: string, resource: Record<string, unknown>) => ({ userName, resource: { userName, ...resource } });
const key = (attribute: CorrelationKey['attribute'], value: string): CorrelationKey => ({ attribute, value });
const owner = (k: CorrelationKey, personId: string, userIds: string[]): PersonKeyRecord => ({ ...k, personId, userIds });
const link = (personId: string, keys: CorrelationKey[]): PersonLinkRecord => ({ organizationId: 'o', userId: 'u1', personId, keys: keys.map(keyId), linkedAt: '2026-01-01T00:00:00Z' });

describe('correlation keys', () => {
  it('follow the rule order, normalise values, put the primary email first and skip empty, duplicate and over-long values', () => {
    const record = user('Ada.Lovelace@Example.TEST', {
      emails: [{ value: 'ada@home.test' }, { value: ' ADA@example.test ', primary: true }, { value: '' }, { value: 'ada@home.test' }],
      [ENTERPRISE]: { employeeNumber: ' 1001 ' },
    });
    expect(correlationKeys(record, DEFAULT_CORRELATION)).toEqual([
      key('employeeNumber', '1001'),
      key('email', 'ada@example.test'),
      key('email', 'ada@home.test'),
      key('userName', 'ada.lovelace@example.test'),
    ]);
    expect(correlationKeys(record, ['userName', 'email']).map(keyId)).toEqual(['userName#ada.lovelace@example.test', 'email#ada@example.test', 'email#ada@home.test']);
    expect(normalizeCorrelationValue('x'.repeat(513))).toBeUndefined();
    expect(normalizeCorrelationValue('Cafe\u0301')).toBe('caf\u00e9');
  });

  it('a person shows the name, primary email and employee number of the user written last', () => {
    expect(personSummary(user('ada', { name: { givenName: 'Ada', familyName: 'Lovelace' }, emails: [{ value: 'a@x.test' }], [ENTERPRISE]: { employeeNumber: '7' } }))).toEqual({
      displayName: 'Ada Lovelace',
      email: 'a@x.test',
      employeeNumber: '7',
    });
    expect(personSummary(user('bob', {}))).toEqual({ displayName: 'bob' });
  });
});

describe('the correlation plan', () => {
  const keys = [key('employeeNumber', '1001'), key('email', 'ada@example.test'), key('userName', 'ada')];

  it('a user no person holds a key of founds a new person and claims every key', () => {
    const plan = planCorrelation({ userId: 'u1', keys, link: undefined, owners: [], newPersonId: 'new' });
    expect(plan).toMatchObject({ personId: 'new', createPerson: true, newLink: true, conflicts: [], release: [] });
    expect(plan.claim).toEqual(keys);
    expect(plan.heldAfter).toEqual(keys.map(keyId));
  });

  it('joins the person holding its first key in rule order and claims its free keys', () => {
    const plan = planCorrelation({ userId: 'u1', keys, link: undefined, owners: [owner(keys[1]!, 'p-email', ['u9'])], newPersonId: 'new' });
    expect(plan).toMatchObject({ personId: 'p-email', createPerson: false, newLink: true, matchedOn: 'email#ada@example.test' });
    expect(plan.claim).toEqual(keys);
  });

  it('ambiguity: employeeNumber matches one person and email another — it joins the first rule attribute’s person and never merges the other', () => {
    const plan = planCorrelation({ userId: 'u1', keys, link: undefined, owners: [owner(keys[1]!, 'p-email', ['u8']), owner(keys[0]!, 'p-employee', ['u9'])], newPersonId: 'new' });
    expect(plan.personId).toBe('p-employee');
    expect(plan.matchedOn).toBe('employeeNumber#1001');
    expect(plan.conflicts).toEqual([{ key: 'email#ada@example.test', personId: 'p-email' }]);
    expect(plan.claim.map(keyId)).toEqual(['employeeNumber#1001', 'userName#ada']);
    expect(plan.heldAfter).not.toContain('email#ada@example.test');
  });

  it('a linked user stays with its person when its attributes change: it claims new free keys and releases the ones it lost', () => {
    const before = [key('employeeNumber', '1001'), key('email', 'old@example.test')];
    const after = [key('employeeNumber', '1001'), key('email', 'new@example.test')];
    const plan = planCorrelation({
      userId: 'u1',
      keys: after,
      link: link('p1', before),
      owners: [owner(before[0]!, 'p1', ['u1']), owner(before[1]!, 'p1', ['u1', 'u2']), owner(after[1]!, 'p2', ['u7'])],
      newPersonId: 'new',
    });
    expect(plan).toMatchObject({ personId: 'p1', createPerson: false, newLink: false });
    expect(plan.claim).toEqual([]);
    expect(plan.conflicts).toEqual([{ key: 'email#new@example.test', personId: 'p2' }]);
    expect(plan.release).toEqual([{ key: before[1], holders: 2 }]);
    expect(plan.heldAfter).toEqual(['employeeNumber#1001']);
  });

  it('a key held only by this very user does not count as another person’s match', () => {
    const plan = planCorrelation({ userId: 'u1', keys: [keys[0]!], link: undefined, owners: [owner(keys[0]!, 'stale', ['u1'])], newPersonId: 'new' });
    expect(plan.createPerson).toBe(true);
  });
});

describe('attribute snapshots of synchronised entries', () => {
  const guid = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  // S-1-5-21-1004336348-1177238915-682003330-512 (MS-DTYP 2.4.2.2 example layout)
  const sid = Buffer.concat([
    Buffer.from([1, 5, 0, 0, 0, 0, 0, 5]),
    ...[21, 1004336348, 1177238915, 682003330, 512].map((value) => {
      const part = Buffer.alloc(4);
      part.writeUInt32LE(value);
      return part;
    }),
  ]);

  it('binary ids become text: objectGUID little-endian in its first three fields, objectSid as S-1-…', () => {
    expect(guidString(guid)).toBe('33221100-5544-7766-8899-aabbccddeeff');
    expect(sidString(sid)).toBe('S-1-5-21-1004336348-1177238915-682003330-512');
    expect(sidString(Buffer.from([1, 5, 0]))).toBeUndefined();
  });

  it('keeps every attribute but secrets and logon statistics; one value as a string, several as an array; oversized ones omitted', () => {
    const snapshot = snapshotOf({
      dn: 'CN=WS01,CN=Computers,DC=example,DC=test',
      attributes: {
        objectClass: ['top', 'computer'],
        cn: ['WS01'],
        objectGUID: [guid],
        objectSid: [sid],
        thumbnailPhoto: [Buffer.alloc(MAX_ATTRIBUTE_BYTES)],
        'ms-Mcs-AdmPwd': ['local-admin-secret'],
        userPassword: ['{SSHA}x'],
        unicodePwd: ['secret'],
        'userPKCS12;binary': [Buffer.from('pkcs12')],
        logonCount: ['17'],
        lastLogon: ['133000000000000000'],
        userCertificate: [Buffer.from([0x30, 0x82])],
      },
    });
    expect(snapshot.attributes).toEqual({
      objectClass: ['top', 'computer'],
      cn: 'WS01',
      objectGUID: '33221100-5544-7766-8899-aabbccddeeff',
      objectSid: 'S-1-5-21-1004336348-1177238915-682003330-512',
      userCertificate: Buffer.from([0x30, 0x82]).toString('base64'),
    });
    expect(Object.keys(snapshot.omitted)).toEqual(['thumbnailPhoto']);
    expect(JSON.stringify(snapshot)).not.toMatch(/secret|SSHA|pkcs12/i);
  });

  it('the digest changes with the data, not with change metadata alone', () => {
    const entry = (extra: Record<string, string[]>) => ({ dn: 'uid=a,dc=x', attributes: { uid: ['a'], mail: ['a@x.test'], ...extra } });
    const base = snapshotOf(entry({ entryCSN: ['20260101000000.000000Z#000000#000#000000'], uSNChanged: ['100'] }));
    expect(snapshotOf(entry({ entryCSN: ['20260102000000.000000Z#000000#000#000000'], uSNChanged: ['101'] })).digest).toBe(base.digest);
    expect(snapshotOf(entry({ entryCSN: ['20260102000000.000000Z#000000#000#000000'], telephoneNumber: ['+1 555'] })).digest).not.toBe(base.digest);
  });
});
