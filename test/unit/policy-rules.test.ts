import { describe, expect, it } from 'vitest';
import { assignReviewer } from '../../shared/governance/access-review-items.ts';
import { auditImpact, clearedReason, evaluatePolicy, managerGap, type UserFacts } from '../../shared/governance/policy-rules.ts';
import type { PolicyDefinition } from '../../shared/storage/policies.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-30T12:00:00Z');
const G1 = '11111111-1111-4111-8111-111111111111';
const G2 = '22222222-2222-4222-8222-222222222222';
const G3 = '33333333-3333-4333-8333-333333333333';
const ROLE = '44444444-4444-4444-8444-444444444444';
const USER = '55555555-5555-4555-8555-555555555555';
const MANAGER = '66666666-6666-4666-8666-666666666666';
const CONNECTION = '77777777-7777-4777-8777-777777777777';

function facts(overrides: Partial<UserFacts> = {}): UserFacts {
  return {
    id: USER,
    userName: 'ada@example.com',
    displayName: 'Ada',
    active: true,
    source: 'scim',
    connectionId: null,
    department: null,
    managerId: MANAGER,
    managerActive: true,
    lastSignInAt: new Date(NOW - DAY).toISOString(),
    createdAt: new Date(NOW - 400 * DAY).toISOString(),
    groups: [],
    directRoleIds: [],
    person: { id: 'p', sources: ['scim'] },
    ...overrides,
  };
}

const group = (id: string, roleIds: string[] = []) => ({ id, name: `Group ${id.slice(0, 1)}`, roleIds });

describe('separationOfDuties', () => {
  const policy: PolicyDefinition = { type: 'separationOfDuties', parameters: { a: { kind: 'group', groupId: G1 }, b: { kind: 'role', roleId: ROLE } } };

  it('flags a user holding A and B, with what grants each (a role held through a group counts)', () => {
    const condition = evaluatePolicy(policy, facts({ groups: [group(G1), group(G2, [ROLE])] }), NOW);
    expect(condition?.evidence).toEqual({
      a: { kind: 'group', groupId: G1, grantedBy: [{ via: 'group', groupId: G1, groupName: 'Group 1' }] },
      b: { kind: 'role', roleId: ROLE, grantedBy: [{ via: 'group', groupId: G2, groupName: 'Group 2' }] },
    });
    expect(condition?.refs.sort()).toEqual([G1, G2, ROLE].sort());
  });

  it('flags a role held directly, and clears when either side is gone', () => {
    expect(evaluatePolicy(policy, facts({ groups: [group(G1)], directRoleIds: [ROLE] }), NOW)?.evidence.b).toMatchObject({ grantedBy: [{ via: 'direct' }] });
    const onlyA = facts({ groups: [group(G1)] });
    expect(evaluatePolicy(policy, onlyA, NOW)).toBeUndefined();
    expect(clearedReason(policy, onlyA)).toBe(`condition cleared: no longer holds role ${ROLE}`);
    expect(evaluatePolicy(policy, facts({ directRoleIds: [ROLE] }), NOW)).toBeUndefined();
  });
});

describe('dormantAccount', () => {
  const policy: PolicyDefinition = { type: 'dormantAccount', parameters: { days: 90 } };

  it('flags no sign-in for N days, and a never-used account N days after its creation', () => {
    expect(evaluatePolicy(policy, facts({ lastSignInAt: new Date(NOW - 90 * DAY).toISOString() }), NOW)?.evidence).toMatchObject({ idleDays: 90, thresholdDays: 90 });
    expect(evaluatePolicy(policy, facts({ lastSignInAt: new Date(NOW - 89 * DAY).toISOString() }), NOW)).toBeUndefined();
    expect(evaluatePolicy(policy, facts({ lastSignInAt: null, createdAt: new Date(NOW - 91 * DAY).toISOString() }), NOW)?.summary).toMatch(/^Never signed in; the account is 91 days old/);
    expect(evaluatePolicy(policy, facts({ lastSignInAt: null, createdAt: new Date(NOW - 10 * DAY).toISOString() }), NOW)).toBeUndefined();
  });

  it('ignores disabled accounts (they are the disabledWithAccess policy’s business)', () => {
    expect(evaluatePolicy(policy, facts({ active: false, lastSignInAt: null }), NOW)).toBeUndefined();
  });
});

describe('disabledWithAccess', () => {
  const policy: PolicyDefinition = { type: 'disabledWithAccess', parameters: {} };

  it('flags a disabled account holding a membership or a role, and clears when it holds none or is enabled', () => {
    expect(evaluatePolicy(policy, facts({ active: false, groups: [group(G1, [ROLE])] }), NOW)?.evidence).toEqual({ groups: [{ id: G1, name: 'Group 1' }], directRoleIds: [], roleIds: [ROLE] });
    expect(evaluatePolicy(policy, facts({ active: false, directRoleIds: ['viewer'] }), NOW)).toBeDefined();
    expect(evaluatePolicy(policy, facts({ active: false }), NOW)).toBeUndefined();
    expect(evaluatePolicy(policy, facts({ groups: [group(G1)] }), NOW)).toBeUndefined();
  });
});

describe('orphanedAccount', () => {
  const policy: PolicyDefinition = { type: 'orphanedAccount', parameters: { authoritativeSources: ['scim'] } };

  it('flags an active directory account with no person, or whose person has no authoritative account', () => {
    expect(evaluatePolicy(policy, facts({ source: 'ldap', person: null }), NOW)?.summary).toBe('The ldap account belongs to no person.');
    expect(evaluatePolicy(policy, facts({ source: 'activeDirectory', person: { id: 'p', sources: ['activeDirectory', 'ldap'] } }), NOW)?.evidence).toMatchObject({ personId: 'p', linkedSources: ['activeDirectory', 'ldap'] });
    const owned = facts({ source: 'ldap', person: { id: 'p', sources: ['ldap', 'scim'] } });
    expect(evaluatePolicy(policy, owned, NOW)).toBeUndefined();
    expect(clearedReason(policy, owned)).toBe('condition cleared: person p has an account from ldap, scim');
  });

  it('leaves SCIM, disabled and out-of-scope accounts alone', () => {
    expect(evaluatePolicy(policy, facts({ source: 'scim', person: null }), NOW)).toBeUndefined();
    expect(evaluatePolicy(policy, facts({ source: 'ldap', person: null, active: false }), NOW)).toBeUndefined();
    const scoped: PolicyDefinition = { type: 'orphanedAccount', parameters: { connectionIds: [CONNECTION], authoritativeSources: ['scim'] } };
    expect(evaluatePolicy(scoped, facts({ source: 'ldap', person: null, connectionId: G1 }), NOW)).toBeUndefined();
    expect(evaluatePolicy(scoped, facts({ source: 'ldap', person: null, connectionId: CONNECTION }), NOW)).toBeDefined();
  });
});

describe('privilegedGroupOutsideApproved', () => {
  const policy: PolicyDefinition = { type: 'privilegedGroupOutsideApproved', parameters: { groupIds: [G1], approvedUserIds: [MANAGER], approvedGroupId: G3 } };

  it('flags members of a privileged group who are neither approved users nor in the approved group', () => {
    expect(evaluatePolicy(policy, facts({ groups: [group(G1), group(G2)] }), NOW)?.evidence).toEqual({ privilegedGroups: [{ id: G1, name: 'Group 1' }], approvedGroupId: G3 });
    expect(evaluatePolicy(policy, facts({ groups: [group(G1), group(G3)] }), NOW)).toBeUndefined();
    expect(evaluatePolicy(policy, facts({ id: MANAGER, groups: [group(G1)] }), NOW)).toBeUndefined();
    expect(evaluatePolicy(policy, facts({ groups: [group(G2)] }), NOW)).toBeUndefined();
  });
});

describe('missingManager', () => {
  const policy: PolicyDefinition = { type: 'missingManager', parameters: {} };

  it('flags no manager, oneself as manager, and a manager who is not an active user; scoped by connection and department', () => {
    expect(evaluatePolicy(policy, facts({ managerId: null }), NOW)?.evidence).toEqual({ managerId: null, reason: 'none' });
    expect(evaluatePolicy(policy, facts({ managerId: USER }), NOW)?.evidence).toEqual({ managerId: USER, reason: 'self' });
    expect(evaluatePolicy(policy, facts({ managerActive: false }), NOW)?.evidence).toEqual({ managerId: MANAGER, reason: 'inactive' });
    expect(evaluatePolicy(policy, facts(), NOW)).toBeUndefined();
    const scoped: PolicyDefinition = { type: 'missingManager', parameters: { department: ' Finance ' } };
    expect(evaluatePolicy(scoped, facts({ managerId: null, department: 'finance' }), NOW)).toBeDefined();
    expect(evaluatePolicy(scoped, facts({ managerId: null, department: 'IT' }), NOW)).toBeUndefined();
  });

  it('flags exactly the users whose access review items go to the fallback reviewer for want of a manager', () => {
    const fallback = '88888888-8888-4888-8888-888888888888';
    const cases: Pick<UserFacts, 'id' | 'managerId' | 'managerActive'>[] = [
      { id: USER, managerId: null, managerActive: undefined },
      { id: USER, managerId: USER, managerActive: true },
      { id: USER, managerId: MANAGER, managerActive: false },
      { id: USER, managerId: MANAGER, managerActive: true },
    ];
    for (const entry of cases) {
      const reviewer = assignReviewer(entry.id, entry.managerId, { kind: 'manager', fallbackReviewerId: fallback }, 0, (id) => id === fallback || (id === MANAGER && entry.managerActive === true) || (id === USER && entry.managerActive === true));
      expect(reviewer === fallback, JSON.stringify(entry)).toBe(managerGap(entry) !== undefined);
    }
  });
});

describe('auditImpact', () => {
  it('reads the affected users, groups, roles and persons from each relevant audit action', () => {
    expect(auditImpact({ action: 'group.member.added', targetType: 'group', targetId: G1, details: { memberIds: [USER, MANAGER] } })).toEqual({ userIds: [USER, MANAGER], groupIds: [], roleIds: [], personIds: [] });
    expect(auditImpact({ action: 'group.member.removed', targetType: 'group', targetId: G1, details: { memberIds: [USER] } }).userIds).toEqual([USER]);
    expect(auditImpact({ action: 'group.memberships.swept', targetType: 'group', targetId: G1, details: { userIds: [USER] } }).userIds).toEqual([USER]);
    expect(auditImpact({ action: 'group.roles.assigned', targetType: 'group', targetId: G1, details: { roleIds: [ROLE] } }).groupIds).toEqual([G1]);
    expect(auditImpact({ action: 'group.deleted', targetType: 'group', targetId: G1, details: {} }).groupIds).toEqual([G1]);
    expect(auditImpact({ action: 'group.updated', targetType: 'group', targetId: G1, details: { runId: 'r', membersAdded: 1, membersRemoved: 0 } }).groupIds).toEqual([G1]);
    expect(auditImpact({ action: 'group.updated', targetType: 'group', targetId: G1, details: { changedAttributes: ['displayName'] } }).groupIds).toEqual([]);
    expect(auditImpact({ action: 'user.login', targetType: 'user', targetId: USER, details: { method: 'password' } }).userIds).toEqual([USER]);
    expect(auditImpact({ action: 'user.login.failed', targetType: 'user', targetId: USER, details: {} }).userIds).toEqual([]);
    expect(auditImpact({ action: 'user.created', targetType: 'user', targetId: USER, details: { person: { personId: G3, personCreated: false } } })).toEqual({ userIds: [USER], groupIds: [], roleIds: [], personIds: [G3] });
    expect(auditImpact({ action: 'person.linked', targetType: 'person', targetId: G3, details: { userId: USER } })).toEqual({ userIds: [USER], groupIds: [], roleIds: [], personIds: [G3] });
    expect(auditImpact({ action: 'role.deleted', targetType: 'role', targetId: ROLE, details: {} }).roleIds).toEqual([ROLE]);
    expect(auditImpact({ action: 'violation.opened', targetType: 'violation', targetId: 'x', details: { userId: USER } })).toEqual({ userIds: [], groupIds: [], roleIds: [], personIds: [] });
  });
});
