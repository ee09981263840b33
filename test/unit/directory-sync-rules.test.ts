import { describe, expect, it } from 'vitest';
import { countsOf } from '../../shared/directory/sync-run.ts';
import { deletionCutoff, diff, exceedsThreshold, isDueForDeletion } from '../../shared/directory/sync-plan.ts';
import { activeOf, deltaClause, dnKey, guidText, searchFilter, withinBase } from '../../shared/directory/sync-read.ts';
import { isLdapFilter } from '../../shared/directory/ldap-client.ts';
import { syncHistoryRequest, syncProjectCreateBody } from '../../shared/directory/sync-schemas.ts';
import type { SyncProjectRecord } from '../../shared/storage/sync-projects.ts';

const project = (changes: Partial<SyncProjectRecord> = {}) => ({ mode: 'full', filter: undefined, ...changes }) as SyncProjectRecord;
const entry = (attributes: Record<string, string[]>) => ({ dn: 'cn=x', attributes });

describe('directory sync rules', () => {
  it('reads objectGUID as a UUID with its first three fields little-endian (MS-DTYP 2.3.4)', () => {
    const bytes = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    expect(guidText(bytes)).toBe('33221100-5544-7766-8899-aabbccddeeff');
  });

  it('compares DNs without case and spaces after separators, keeping escaped commas', () => {
    expect(dnKey('CN=Ada Lovelace, OU=People,DC=Example,DC=Test')).toBe(dnKey('cn=ada lovelace,ou=people,dc=example,dc=test'));
    expect(dnKey('cn=Doe\\, Jane,dc=x')).toBe('cn=doe\\, jane,dc=x');
    expect(withinBase('uid=ada,ou=People,dc=example,dc=test', 'OU=people, DC=example,DC=test')).toBe(true);
    expect(withinBase('ou=people,dc=example,dc=test', 'ou=people,dc=example,dc=test')).toBe(true);
    expect(withinBase('uid=ada,ou=otherpeople,dc=example,dc=test', 'ou=people,dc=example,dc=test')).toBe(false);
  });

  it('diffs resources whatever the order of map members, the enterprise extension attribute by attribute', () => {
    const ext = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
    expect(diff({ name: { givenName: 'A', familyName: 'B' } }, { name: { familyName: 'B', givenName: 'A' } })).toEqual({});
    expect(diff({ [ext]: { department: 'R&D', employeeNumber: '1' } }, { [ext]: { department: 'Sales', employeeNumber: '1' } })).toEqual({ [`${ext}:department`]: { before: 'R&D', after: 'Sales' } });
    expect(diff({}, { title: 'CEO' })).toEqual({ title: { before: null, after: 'CEO' } });
  });

  it('builds each object class filter, ANDed with the project filter and the delta clause', () => {
    expect(searchFilter('ldap', 'user', project(), undefined)).toBe('(objectClass=inetOrgPerson)');
    expect(searchFilter('activeDirectory', 'group', project({ filter: '(cn=Eng*)' }), '(uSNChanged>=13)')).toBe('(&(objectClass=group)(cn=Eng*)(uSNChanged>=13))');
    expect(deltaClause('activeDirectory', '12')).toBe('(uSNChanged>=13)');
    expect(deltaClause('ldap', '20261130155300.123456Z#000000#000#000000')).toBe('(!(entryCSN<=20261130155300.123456Z#000000#000#000000))');
    expect(deltaClause('ldap', undefined)).toBeUndefined();
    for (const kind of ['ldap', 'activeDirectory'] as const) for (const objectClass of ['user', 'group'] as const) expect(isLdapFilter(searchFilter(kind, objectClass, project({ filter: '(a=b)' }), deltaClause(kind, '5')))).toBe(true);
  });

  it('reads the disabled state: userAccountControl bit 2 on AD, a disabled marker value on OpenLDAP', () => {
    expect(activeOf(entry({ userAccountControl: ['514'] }), 'activeDirectory', 'userAccountControl')).toBe(false);
    expect(activeOf(entry({ userAccountControl: ['512'] }), 'activeDirectory', 'userAccountControl')).toBe(true);
    expect(activeOf(entry({ employeeType: ['Disabled'] }), 'ldap', 'employeeType')).toBe(false);
    expect(activeOf(entry({ employeeType: ['staff'] }), 'ldap', 'employeeType')).toBe(true);
    expect(activeOf(entry({}), 'ldap', 'employeeType')).toBe(true);
  });

  it('tallies counts from the change records', () => {
    const records = (['created', 'created', 'unchanged', 'error', 'deactivated'] as const).map((action, index) => ({ sequence: index + 1, dn: 'x', objectClass: 'user' as const, action }));
    expect(countsOf(records)).toEqual({ processed: 5, created: 2, updated: 0, unchanged: 1, deactivated: 1, deleted: 0, errors: 1 });
  });

  it('validates project bodies and history queries', () => {
    expect(syncProjectCreateBody().safeParse({ name: 'x', connectionId: crypto.randomUUID(), filter: 'cn=x' }).success).toBe(false);
    expect(syncProjectCreateBody().safeParse({ name: 'x', connectionId: crypto.randomUUID(), filter: '(&(cn=x)(mail=*))' }).success).toBe(true);
    expect(syncProjectCreateBody().safeParse({ name: 'x', connectionId: crypto.randomUUID(), objectClasses: ['user', 'user'] }).success).toBe(false);
    const query = syncHistoryRequest.query.parse({ status: 'failed', since: '2025-01-01' });
    expect(query).toMatchObject({ status: 'failed', since: Date.parse('2025-01-01T00:00:00Z'), page: 1, pageSize: 50 });
    expect(syncHistoryRequest.query.parse({ since: '2025-01-01T08:00:00+02:00' }).since).toBe(Date.parse('2025-01-01T06:00:00Z'));
    for (const since of ['yesterday', '2025-13-45', '2025-01-01 08:00']) expect(syncHistoryRequest.query.safeParse({ since }).success, since).toBe(false);
    expect(syncHistoryRequest.query.safeParse({ status: 'foo' }).success).toBe(false);
  });
});

describe('directory sync deletion rules', () => {
  const now = new Date('2026-11-30T12:00:00.000Z');
  it('deletes a disappeared object only once deleteAfterDays have passed, and never with onDisappear deactivate', () => {
    const deleting = { onDisappear: 'delete', deleteAfterDays: 3 } as const;
    expect(isDueForDeletion(deleting, '2026-11-27T12:00:00.000Z', now)).toBe(true);
    expect(isDueForDeletion(deleting, '2026-11-27T12:00:00.001Z', now)).toBe(false);
    expect(isDueForDeletion({ onDisappear: 'delete', deleteAfterDays: 0 }, now.toISOString(), now)).toBe(true);
    expect(isDueForDeletion({ onDisappear: 'deactivate', deleteAfterDays: 0 }, '2000-01-01T00:00:00.000Z', now)).toBe(false);
    expect(deletionCutoff({ onDisappear: 'delete', deleteAfterDays: undefined }, now)).toBe('2026-11-23T12:00:00.000Z');
  });

  it('stops a run that removes more than the count or the percentage allows', () => {
    expect(exceedsThreshold({ count: 2, percent: 50 }, 0, 0)).toBe(false);
    expect(exceedsThreshold({ count: 2, percent: 50 }, 2, 4)).toBe(false);
    expect(exceedsThreshold({ count: 2, percent: 50 }, 3, 100)).toBe(true);
    expect(exceedsThreshold({ count: 10, percent: 20 }, 3, 10)).toBe(true);
  });
});
