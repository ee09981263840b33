/**
 * The sync plan (shared/directory/sync-plan.ts) is pure: from normalised directory objects and the
 * stored state to the exact list of changes. These tests pin its rules without any engine.
 */
import { describe, expect, it } from 'vitest';
import { planRun, type PlanInput } from '../../shared/directory/sync-plan.ts';
import type { DirectoryGroup, DirectoryOther, DirectoryUser } from '../../shared/directory/sync-read.ts';
import { snapshotOf } from '../../shared/directory/sync-objects.ts';
import type { StoredState } from '../../shared/directory/sync-state.ts';
import type { DirectoryAttributesRecord, DirectoryObjectRecord } from '../../shared/storage/directory-objects.ts';
import type { GroupRecord } from '../../shared/storage/groups.ts';
import type { SyncProjectRecord } from '../../shared/storage/sync-projects.ts';
import type { UserRecord } from '../../shared/storage/users.ts';

const ORG = '11111111-1111-4111-8111-111111111111';
const CONN = '22222222-2222-4222-8222-222222222222';
const now = new Date('2026-11-30T12:00:00.000Z');
const project = (changes: Partial<SyncProjectRecord> = {}): SyncProjectRecord =>
  ({ id: '33333333-3333-4333-8333-333333333333', organizationId: ORG, connectionId: CONN, connectionType: 'ldap', onDisappear: 'deactivate', deleteAfterDays: 7, objectClasses: ['user', 'group'], ...changes }) as SyncProjectRecord;
const emptyState = (): StoredState => ({ users: new Map(), groups: new Map(), links: new Map(), memberships: new Map(), vanished: { users: [], groups: [] }, due: { users: [], groups: [], notes: [] }, synchronised: 0 });
const directoryUser = (uid: string, changes: Partial<DirectoryUser> = {}): DirectoryUser => ({ dn: `uid=${uid},ou=people,dc=x`, directoryId: `id-${uid}`, userName: uid, active: true, managerDn: undefined, fields: { displayName: uid }, ...changes });
const storedUser = (uid: string, changes: Partial<UserRecord> = {}): UserRecord => ({
  id: `00000000-0000-4000-8000-00000000000${uid.length}`,
  organizationId: ORG,
  userName: uid,
  active: true,
  resource: { userName: uid, displayName: uid, active: true },
  hasPassword: false,
  source: 'ldap',
  connectionId: CONN,
  directoryId: `id-${uid}`,
  directoryDn: `uid=${uid},ou=people,dc=x`,
  version: 3,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...changes,
});
let counter = 0;
const input = (changes: Partial<PlanInput>): PlanInput => ({ organizationId: ORG, project: project(), read: { users: [], groups: [], unreadable: [] }, stored: emptyState(), now, newId: () => `99999999-9999-4999-8999-${String(++counter).padStart(12, '0')}`, ...changes });

describe('sync plan', () => {
  it('creates a new user with its userName claim, counter and DN link, and leaves an identical one unchanged', () => {
    const stored = emptyState();
    const ada = storedUser('ada');
    stored.users.set('id-ada', ada);
    const plan = planRun(input({ read: { users: [directoryUser('ada'), directoryUser('grace')], groups: [], unreadable: [] }, stored }));
    expect(plan.changes.map((change) => [change.record.dn, change.record.action])).toEqual([
      ['uid=ada,ou=people,dc=x', 'unchanged'],
      ['uid=grace,ou=people,dc=x', 'created'],
    ]);
    expect(plan.changes[1]!.operation).toMatchObject({ userName: { claim: 'grace' }, counter: 1, link: 'uid=grace,ou=people,dc=x', next: { userName: 'grace', syncProjectId: project().id, version: 1 } });
    expect(plan.changes[1]!.operation?.expectedVersion).toBeUndefined();
    expect(plan.wouldRemove).toBe(0);
  });

  it('deactivates a vanished user and notes when it disappeared; deletes it at once only with onDisappear delete and deleteAfterDays 0', () => {
    const stored = emptyState();
    stored.vanished.users = [storedUser('alan')];
    const deactivating = planRun(input({ stored, project: project({ onDisappear: 'delete', deleteAfterDays: 3 }) }));
    expect(deactivating.changes[0]!.record).toMatchObject({ action: 'deactivated', changes: { active: { before: true, after: false }, disappearedAt: { before: null, after: now.toISOString() } } });
    expect(deactivating.changes[0]!.operation).toMatchObject({ expectedVersion: 3, disappeared: { put: { objectClass: 'user', disappearedAt: now.toISOString() } }, next: { active: false, disappearedAt: now.toISOString() } });
    expect(deactivating.changes[0]!.operation?.delete).toBeUndefined();
    const deleting = planRun(input({ stored, project: project({ onDisappear: 'delete', deleteAfterDays: 0 }) }));
    expect(deleting.changes[0]!.record.action).toBe('deleted');
    expect(deleting.changes[0]!.operation).toMatchObject({ delete: true, counter: -1, userName: { release: 'alan' }, unlink: 'uid=alan,ou=people,dc=x' });
    expect(deleting.wouldRemove).toBe(1);
  });

  it('leaves a disappeared user alone until its delay has passed, then deletes it', () => {
    const stored = emptyState();
    const alan = storedUser('alan', { active: false, disappearedAt: '2026-11-28T12:00:00.000Z' });
    stored.vanished.users = [alan];
    expect(planRun(input({ stored, project: project({ onDisappear: 'delete', deleteAfterDays: 3 }) })).changes).toEqual([]);
    const due = planRun(input({ stored, project: project({ onDisappear: 'delete', deleteAfterDays: 2 }) }));
    expect(due.changes[0]!.record.action).toBe('deleted');
    expect(due.changes[0]!.operation?.disappeared?.remove).toEqual({ objectClass: 'user', objectId: alan.id, disappearedAt: alan.disappearedAt });
  });

  it('re-enables a reappearing user without touching its roles, and forgets that it disappeared', () => {
    const stored = emptyState();
    const alan = storedUser('alan', { active: false, disappearedAt: '2026-11-28T12:00:00.000Z', resource: { userName: 'alan', displayName: 'alan', active: false }, roleIds: new Set(['viewer']) });
    stored.users.set('id-alan', alan);
    const plan = planRun(input({ read: { users: [directoryUser('alan')], groups: [], unreadable: [] }, stored }));
    expect(plan.changes[0]!.record).toMatchObject({ action: 'updated', changes: { active: { before: false, after: true }, disappearedAt: { before: alan.disappearedAt, after: null } } });
    const next = plan.changes[0]!.operation?.next as UserRecord;
    expect(next.disappearedAt).toBeUndefined();
    expect(next.roleIds).toEqual(new Set(['viewer']));
    expect(plan.changes[0]!.operation?.disappeared?.remove).toMatchObject({ objectId: alan.id });
  });

  it("expands nested groups through a stored group's memberships and lists the membership changes", () => {
    const stored = emptyState();
    const ada = storedUser('ada');
    const existing: GroupRecord = { id: '44444444-4444-4444-8444-444444444444', organizationId: ORG, displayName: 'everyone', resource: { displayName: 'everyone' }, connectionId: CONN, directoryId: 'id-everyone', directoryDn: 'cn=everyone,dc=x', version: 5, createdAt: '', updatedAt: '' };
    stored.groups.set('id-everyone', existing);
    stored.links.set('uid=ada,ou=people,dc=x', { objectClass: 'user', objectId: ada.id });
    stored.links.set('cn=engineering,dc=x', { objectClass: 'group', objectId: '55555555-5555-4555-8555-555555555555' });
    stored.memberships.set('55555555-5555-4555-8555-555555555555', new Set(['u-grace', 'u-alan']));
    stored.memberships.set(existing.id, new Set([ada.id, 'u-gone']));
    const everyone: DirectoryGroup = { dn: 'cn=everyone,dc=x', directoryId: 'id-everyone', displayName: 'everyone', description: undefined, memberDns: ['uid=ada,ou=people,dc=x', 'CN=Engineering, DC=x'], parentDns: [] };
    const plan = planRun(input({ read: { users: [], groups: [everyone], unreadable: [] }, stored }));
    expect(plan.changes[0]!.record).toMatchObject({ action: 'updated', changes: { members: { before: 2, after: 3 } }, members: { added: ['u-alan', 'u-grace'], removed: ['u-gone'] } });
    expect(plan.changes[0]!.operation).toMatchObject({ expectedVersion: 5 });
  });

  it('keeps the DN link of a DN another object of the plan takes over', () => {
    const stored = emptyState();
    const old = storedUser('ada', { directoryId: 'id-old' });
    stored.vanished.users = [old];
    const plan = planRun(input({ read: { users: [directoryUser('ada', { directoryId: 'id-new' })], groups: [], unreadable: [] }, stored, project: project({ onDisappear: 'delete', deleteAfterDays: 0 }) }));
    expect(plan.changes.map((change) => change.record.action)).toEqual(['created', 'deleted']);
    expect(plan.changes[1]!.operation?.unlink).toBeUndefined();
  });

  it('records the attributes of a user whose snapshot digest changed with before/after, carrying the new snapshot and its person step', () => {
    const stored = emptyState();
    const before = snapshotOf({ dn: 'uid=ada,ou=people,dc=x', attributes: { uid: ['ada'], cn: ['ada'], entryCSN: ['1'] } });
    const after = snapshotOf({ dn: 'uid=ada,ou=people,dc=x', attributes: { uid: ['ada'], cn: ['ada'], telephoneNumber: ['+1 555'], entryCSN: ['2'] } });
    const ada = storedUser('ada', { directoryDigest: before.digest });
    stored.users.set('id-ada', ada);
    const storedAttributes: DirectoryAttributesRecord = { objectId: ada.id, organizationId: ORG, objectClass: 'user', connectionId: CONN, dn: 'uid=ada,ou=people,dc=x', attributes: before.attributes, digest: before.digest, readAt: '' };
    stored.attributes = new Map([[ada.id, storedAttributes]]);
    const plan = planRun(input({ read: { users: [directoryUser('ada', { snapshot: after })], groups: [], unreadable: [] }, stored }));
    // Change metadata (entryCSN) is not an attribute change.
    expect(plan.changes[0]!.record).toMatchObject({ action: 'updated', changes: { 'attributes.telephoneNumber': { before: null, after: '+1 555' } } });
    expect(Object.keys(plan.changes[0]!.record.changes ?? {})).toEqual(['attributes.telephoneNumber']);
    expect(plan.changes[0]!.operation).toMatchObject({ next: { directoryDigest: after.digest }, attributes: { put: { objectId: ada.id, digest: after.digest, attributes: { telephoneNumber: '+1 555' } } }, person: { before: { id: ada.id, userName: 'ada' } } });
    // The same snapshot again: unchanged, and no stored attributes are needed.
    const again = emptyState();
    again.users.set('id-ada', storedUser('ada', { directoryDigest: after.digest }));
    expect(planRun(input({ read: { users: [directoryUser('ada', { snapshot: after })], groups: [], unreadable: [] }, stored: again })).changes[0]!.record.action).toBe('unchanged');
  });

  it('creates users with a person step; deletes them with their person link and snapshot; deactivation keeps the person', () => {
    const created = planRun(input({ read: { users: [directoryUser('ada')], groups: [], unreadable: [] } }));
    expect(created.changes[0]!.operation?.person).toEqual({});
    const stored = emptyState();
    stored.vanished.users = [storedUser('alan')];
    const deactivating = planRun(input({ stored }));
    expect(deactivating.changes[0]!.operation?.person).toBeUndefined();
    expect(deactivating.changes[0]!.operation?.attributes).toBeUndefined();
    const deleting = planRun(input({ stored, project: project({ onDisappear: 'delete', deleteAfterDays: 0 }) }));
    expect(deleting.changes[0]!.operation).toMatchObject({ delete: true, person: { remove: true }, attributes: { remove: true } });
  });

  it('plans computers like users: created, updated from the directory, deactivated when they disappear, deleted after the delay', () => {
    const snapshot = snapshotOf({ dn: 'cn=ws1,dc=x', attributes: { cn: ['ws1'] } });
    const other = (changes: Partial<DirectoryOther> = {}): DirectoryOther => ({ dn: 'cn=ws1,dc=x', directoryId: 'id-ws1', objectClass: 'computer', name: 'ws1', active: true, snapshot, ...changes });
    const computers = project({ objectClasses: ['computer'] });
    const created = planRun(input({ project: computers, read: { users: [], groups: [], others: [other()], unreadable: [] } }));
    expect(created.changes[0]!.record).toMatchObject({ objectClass: 'computer', action: 'created', changes: { name: { before: null, after: 'ws1' } } });
    expect(created.changes[0]!.operation).toMatchObject({ objectClass: 'computer', next: { name: 'ws1', active: true, syncProjectId: computers.id, directoryDigest: snapshot.digest }, attributes: { put: { objectClass: 'computer' } }, audit: { action: 'object.created' } });
    expect(created.changes[0]!.operation).not.toHaveProperty('counter');
    expect(created.changes[0]!.operation).not.toHaveProperty('link');

    const record: DirectoryObjectRecord = { id: '66666666-6666-4666-8666-666666666666', organizationId: ORG, objectClass: 'computer', name: 'ws1', source: 'ldap', connectionId: CONN, directoryId: 'id-ws1', directoryDn: 'cn=ws1,dc=x', active: true, directoryDigest: snapshot.digest, version: 2, createdAt: '', updatedAt: '' };
    const stored = emptyState();
    stored.others = new Map([['id-ws1', record]]);
    expect(planRun(input({ project: computers, stored, read: { users: [], groups: [], others: [other()], unreadable: [] } })).changes[0]!.record.action).toBe('unchanged');
    const disabled = planRun(input({ project: computers, stored, read: { users: [], groups: [], others: [other({ active: false })], unreadable: [] } }));
    expect(disabled.changes[0]!.record).toMatchObject({ action: 'updated', changes: { active: { before: true, after: false } } });
    expect(disabled.wouldRemove).toBe(0);

    const gone = emptyState();
    gone.vanished.others = [record];
    const deactivating = planRun(input({ project: project({ objectClasses: ['computer'], onDisappear: 'delete', deleteAfterDays: 3 }), stored: gone }));
    expect(deactivating.changes[0]!.record).toMatchObject({ objectClass: 'computer', action: 'deactivated' });
    expect(deactivating.changes[0]!.operation).toMatchObject({ next: { active: false, disappearedAt: now.toISOString() }, disappeared: { put: { objectClass: 'computer', objectId: record.id } }, audit: { action: 'object.deactivated' } });
    expect(deactivating.wouldRemove).toBe(1);
    const due = emptyState();
    due.due.others = [{ ...record, active: false, disappearedAt: '2026-11-20T00:00:00.000Z' }];
    const deleting = planRun(input({ project: project({ objectClasses: ['computer'], onDisappear: 'delete', deleteAfterDays: 3 }), stored: due }));
    expect(deleting.changes[0]!.record).toMatchObject({ objectClass: 'computer', action: 'deleted' });
    expect(deleting.changes[0]!.operation).toMatchObject({ delete: true, attributes: { remove: true }, disappeared: { remove: { objectClass: 'computer' } }, audit: { action: 'object.deleted' } });
    expect(deleting.changes[0]!.operation).not.toHaveProperty('counter');
  });
});
