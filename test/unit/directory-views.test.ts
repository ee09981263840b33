import { scimConnectionId } from '../../shared/directory/scim-connection.ts';
import { describe, expect, it } from 'vitest';
import { matchesUserFilter, toDirectoryGroup, toDirectoryUser, toDirectoryUserAttributes, userEmails } from '../../shared/directory/views.ts';
import { pageOf } from '../../shared/directory/pages.ts';
import type { UserRecord } from '../../shared/storage/users.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function record(resource: Record<string, unknown>, extra: Partial<UserRecord> = {}): UserRecord {
  return {
    id: '2819c223-7f76-453a-919d-413861904646',
    organizationId: '11111111-1111-4111-8111-111111111111',
    userName: 'jdoe',
    active: true,
    resource,
    hasPassword: false,
    source: 'scim',
    version: 1,
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-02T00:00:00.000Z',
    ...extra,
  };
}

describe('the directory view of a user record', () => {
  it('reads SCIM attributes whatever their case, the primary email first and the enterprise department', () => {
    const user = toDirectoryUser(
      record({
        userName: 'jdoe',
        Name: { GivenName: 'Jane', familyname: 'Doe' },
        emails: [{ value: 'other@example.com' }, { value: 'jane@example.com', primary: true }],
        [ENTERPRISE.toUpperCase()]: { Department: ' IT ', manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' } },
      }),
    );
    expect(user).toMatchObject({ displayName: 'Jane Doe', givenName: 'Jane', familyName: 'Doe', email: 'jane@example.com', department: 'IT', managerId: '26118915-6090-4610-87e4-49d8ca9f808d' });
  });

  it('gives every field, null when the record has no value, and maps active to a status', () => {
    const user = toDirectoryUser(record({ userName: 'jdoe' }, { active: false, source: 'local' }));
    expect(user).toMatchObject({ accountName: 'jdoe', displayName: 'jdoe', email: null, department: null, title: null, connectionId: null, status: 'disabled', source: 'local', lastSignInAt: null });
    expect(Object.values(user).every((value) => value !== undefined)).toBe(true);
  });

  it('shows every attribute but the SCIM envelope and any password', () => {
    const attributes = toDirectoryUserAttributes(record({ schemas: ['x'], userName: 'jdoe', Password: 'secret', meta: {}, title: 'Eng' }, { source: 'ldap', connectionId: 'c' }));
    expect(attributes).toEqual({ id: '2819c223-7f76-453a-919d-413861904646', source: 'ldap', connectionId: 'c', attributes: { userName: 'jdoe', title: 'Eng' } });
  });

  it('matches search over names, every email and the account name; department exactly, ignoring case', () => {
    const stored = record({ userName: 'jdoe', name: { givenName: 'Jane' }, emails: [{ value: 'a@x.example' }, { value: 'second@y.example' }], [ENTERPRISE]: { department: 'IT' } });
    const user = toDirectoryUser(stored);
    const emails = userEmails(stored);
    const matches = (filter: Parameters<typeof matchesUserFilter>[2]) => matchesUserFilter(user, emails, filter);
    expect(matches({ status: 'all', search: 'SECOND@' })).toBe(true);
    expect(matches({ status: 'all', search: 'jan' })).toBe(true);
    expect(matches({ status: 'all', search: 'JDO' })).toBe(true);
    expect(matches({ status: 'all', search: 'nobody' })).toBe(false);
    expect(matches({ status: 'all', department: 'it' })).toBe(true);
    expect(matches({ status: 'all', department: 'I' })).toBe(false);
    expect(matches({ status: 'disabled' })).toBe(false);
    expect(matches({ status: 'all', connectionId: '7d2f3c1e-5b8a-4e0f-9a61-3c4d5e6f7a8b' })).toBe(false);
  });

  it('shows groups stored before groups had a source as SCIM groups', () => {
    const organizationId = '11111111-1111-4111-8111-111111111111';
    const group = toDirectoryGroup({ id: 'g', organizationId, displayName: 'Team', resource: { displayName: 'Team' }, version: 1, createdAt: 'c', updatedAt: 'u' });
    expect(group).toEqual({ id: 'g', displayName: 'Team', description: null, source: 'scim', connectionId: scimConnectionId(organizationId), externalId: null, createdAt: 'c', updatedAt: 'u' });
  });
});

describe('the directory page envelope', () => {
  it('slices a 1-based page and counts everything', () => {
    expect(pageOf([1, 2, 3, 4, 5], 2, 2)).toEqual({ data: [3, 4], totalCount: 5, page: 2, pageSize: 2 });
    expect(pageOf([1, 2, 3], 3, 2)).toEqual({ data: [], totalCount: 3, page: 3, pageSize: 2 });
  });
});
