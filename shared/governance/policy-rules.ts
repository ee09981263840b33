/**
 * The rules of the built-in policy types (issue 14, "Policies and violations"): pure functions
 * from one user's facts to the condition a policy flags — or nothing — and from one audit entry
 * to the users it may affect. No I/O: shared/governance/policy-evaluation.ts loads the facts and
 * writes violations.
 *
 * Nested groups: the identity store keeps user memberships only (SCIM group members are users;
 * directory sync flattens nested LDAP/AD groups into a membership of every enclosing group), so
 * `groups` below already holds every group a user is in, directly or through nesting.
 */
import type { PolicyDefinition, PolicyType, Severity } from '../storage/policies.ts';

const DAY_MS = 86_400_000;

/** What the rules know about one user (loaded by shared/governance/policy-facts.ts). */
export interface UserFacts {
  id: string;
  userName: string;
  displayName: string;
  active: boolean;
  source: string;
  /** The directory connection the user comes from (the organization's scim connection for SCIM users); null for local and SAML JIT accounts. */
  connectionId: string | null;
  department: string | null;
  managerId: string | null;
  /** Whether the manager is an active user of the organization; undefined when not loaded (or no manager). */
  managerActive?: boolean | undefined;
  /** ISO 8601; null: never signed in (password, SAML or a directory sign-in). */
  lastSignInAt: string | null;
  createdAt: string;
  /** Every group the user is a member of that exists, with the roles it grants that exist. */
  groups: { id: string; name: string; roleIds: string[] }[];
  /** Roles assigned to the user directly that exist (built-in or custom). */
  directRoleIds: string[];
  /** The user's person and the sources of every account linked to it (this one included); null: no person. */
  person: { id: string; sources: string[] } | null;
}

/** A condition a policy flags for one user: what holds, and the evidence for it. */
export interface Condition {
  /** One sentence. */
  summary: string;
  evidence: Record<string, unknown>;
  /** Ids of the groups and roles the evidence names (events about them re-evaluate the user). */
  refs: string[];
}

/** Severity of each type when the policy does not set its own. */
export const DEFAULT_SEVERITY: Readonly<Record<PolicyType, Severity>> = {
  separationOfDuties: 'high',
  dormantAccount: 'medium',
  disabledWithAccess: 'high',
  orphanedAccount: 'medium',
  privilegedGroupOutsideApproved: 'critical',
  missingManager: 'low',
};

export const DEFAULT_DORMANT_DAYS = 90;
/** Sources whose accounts are directory objects (orphanedAccount looks at these). */
export const DIRECTORY_SOURCES: ReadonlySet<string> = new Set(['ldap', 'activeDirectory']);

type Grant = { via: 'direct' } | { via: 'group'; groupId: string; groupName: string };

/** How a user holds a group or a role: the membership, the direct assignment, the groups granting the role. */
export function grantsOf(facts: UserFacts, ref: { kind: 'group'; groupId: string } | { kind: 'role'; roleId: string }): Grant[] {
  if (ref.kind === 'group') return facts.groups.filter((group) => group.id === ref.groupId).map((group) => ({ via: 'group', groupId: group.id, groupName: group.name }));
  const grants: Grant[] = facts.directRoleIds.includes(ref.roleId) ? [{ via: 'direct' }] : [];
  for (const group of facts.groups) if (group.roleIds.includes(ref.roleId)) grants.push({ via: 'group', groupId: group.id, groupName: group.name });
  return grants;
}

function grantRefs(grants: readonly Grant[]): string[] {
  return grants.flatMap((grant) => (grant.via === 'group' ? [grant.groupId] : []));
}

/**
 * Why the user's access-review items would go to the fallback reviewer for lack of a manager
 * (shared/governance/access-review-items.ts, assignReviewer): no manager, the user is their own
 * manager, or the manager is not an active user of the organization. Undefined: the manager reviews.
 */
export function managerGap(facts: Pick<UserFacts, 'id' | 'managerId' | 'managerActive'>): 'none' | 'self' | 'inactive' | undefined {
  if (!facts.managerId) return 'none';
  if (facts.managerId === facts.id) return 'self';
  if (facts.managerActive === false) return 'inactive';
  return undefined;
}

/** Whole days from `from` (ISO 8601) to `now` (epoch ms). */
function daysSince(from: string, now: number): number {
  return Math.floor((now - Date.parse(from)) / DAY_MS);
}

const refLabel = (ref: { kind: 'group'; groupId: string } | { kind: 'role'; roleId: string }) => (ref.kind === 'group' ? `group ${ref.groupId}` : `role ${ref.roleId}`);

/**
 * The condition `policy` flags for the user described by `facts` at `now` (epoch ms), or
 * undefined when the user complies. Pure.
 */
export function evaluatePolicy(policy: PolicyDefinition, facts: UserFacts, now: number): Condition | undefined {
  switch (policy.type) {
    case 'separationOfDuties': {
      const a = grantsOf(facts, policy.parameters.a);
      const b = grantsOf(facts, policy.parameters.b);
      if (a.length === 0 || b.length === 0) return undefined;
      const describe = (grants: Grant[]) => grants.map((grant) => (grant.via === 'direct' ? 'directly' : `through group ${grant.groupName}`)).join(', ');
      const roleRefs = [policy.parameters.a, policy.parameters.b].flatMap((ref) => (ref.kind === 'role' ? [ref.roleId] : []));
      return {
        summary: `Holds ${refLabel(policy.parameters.a)} (${describe(a)}) and ${refLabel(policy.parameters.b)} (${describe(b)}).`,
        evidence: { a: { ...policy.parameters.a, grantedBy: a }, b: { ...policy.parameters.b, grantedBy: b } },
        refs: [...new Set([...grantRefs(a), ...grantRefs(b), ...roleRefs])],
      };
    }
    case 'dormantAccount': {
      if (!facts.active) return undefined;
      const threshold = policy.parameters.days;
      const evidence = { lastSignInAt: facts.lastSignInAt, createdAt: facts.createdAt, thresholdDays: threshold };
      if (facts.lastSignInAt) {
        const idle = daysSince(facts.lastSignInAt, now);
        return idle >= threshold ? { summary: `No sign-in for ${idle} days (last sign-in ${facts.lastSignInAt.slice(0, 10)}; threshold ${threshold} days).`, evidence: { ...evidence, idleDays: idle }, refs: [] } : undefined;
      }
      const age = daysSince(facts.createdAt, now);
      return age >= threshold ? { summary: `Never signed in; the account is ${age} days old (threshold ${threshold} days).`, evidence: { ...evidence, idleDays: age }, refs: [] } : undefined;
    }
    case 'disabledWithAccess': {
      if (facts.active) return undefined;
      const roleIds = [...new Set([...facts.directRoleIds, ...facts.groups.flatMap((group) => group.roleIds)])];
      if (facts.groups.length === 0 && facts.directRoleIds.length === 0) return undefined;
      return {
        summary: `The account is disabled but still holds ${facts.groups.length} group membership(s) and ${roleIds.length} role(s).`,
        evidence: { groups: facts.groups.map((group) => ({ id: group.id, name: group.name })), directRoleIds: facts.directRoleIds, roleIds },
        refs: [...facts.groups.map((group) => group.id), ...roleIds],
      };
    }
    case 'orphanedAccount': {
      const { connectionIds, authoritativeSources } = policy.parameters;
      if (!facts.active || !DIRECTORY_SOURCES.has(facts.source)) return undefined;
      if (connectionIds && connectionIds.length > 0 && (facts.connectionId === null || !connectionIds.includes(facts.connectionId))) return undefined;
      if (facts.person && facts.person.sources.some((source) => authoritativeSources.includes(source))) return undefined;
      return {
        summary: facts.person
          ? `The ${facts.source} account's person has no account from ${authoritativeSources.join(' or ')} (linked: ${[...new Set(facts.person.sources)].join(', ')}).`
          : `The ${facts.source} account belongs to no person.`,
        evidence: { personId: facts.person?.id ?? null, linkedSources: facts.person ? [...new Set(facts.person.sources)] : [], authoritativeSources, connectionId: facts.connectionId },
        refs: [],
      };
    }
    case 'privilegedGroupOutsideApproved': {
      const { groupIds, approvedUserIds, approvedGroupId } = policy.parameters;
      const held = facts.groups.filter((group) => groupIds.includes(group.id));
      if (held.length === 0) return undefined;
      if (approvedUserIds.includes(facts.id)) return undefined;
      if (approvedGroupId !== undefined && facts.groups.some((group) => group.id === approvedGroupId)) return undefined;
      return {
        summary: `Member of privileged group(s) ${held.map((group) => group.name).join(', ')} without being approved.`,
        evidence: { privilegedGroups: held.map((group) => ({ id: group.id, name: group.name })), approvedGroupId: approvedGroupId ?? null },
        refs: [...held.map((group) => group.id), ...(approvedGroupId ? [approvedGroupId] : [])],
      };
    }
    case 'missingManager': {
      const { connectionId, department } = policy.parameters;
      if (!facts.active) return undefined;
      if (connectionId !== undefined && facts.connectionId !== connectionId) return undefined;
      if (department !== undefined && (facts.department ?? '').trim().toLowerCase() !== department.trim().toLowerCase()) return undefined;
      const gap = managerGap(facts);
      if (gap === undefined) return undefined;
      const summary = gap === 'none' ? 'The account has no manager.' : gap === 'self' ? 'The account is its own manager.' : `The manager ${facts.managerId} is not an active user of the organization.`;
      return { summary, evidence: { managerId: facts.managerId, reason: gap }, refs: [] };
    }
  }
}

/** The ids a policy's parameters name (groups, roles, users, connections), for reference checks. */
export function referencedIds(policy: PolicyDefinition): { groupIds: string[]; roleIds: string[]; userIds: string[]; connectionIds: string[] } {
  const result = { groupIds: [] as string[], roleIds: [] as string[], userIds: [] as string[], connectionIds: [] as string[] };
  switch (policy.type) {
    case 'separationOfDuties':
      for (const ref of [policy.parameters.a, policy.parameters.b]) {
        if (ref.kind === 'group') result.groupIds.push(ref.groupId);
        else result.roleIds.push(ref.roleId);
      }
      break;
    case 'privilegedGroupOutsideApproved':
      result.groupIds.push(...policy.parameters.groupIds, ...(policy.parameters.approvedGroupId ? [policy.parameters.approvedGroupId] : []));
      result.userIds.push(...policy.parameters.approvedUserIds);
      break;
    case 'orphanedAccount':
      result.connectionIds.push(...(policy.parameters.connectionIds ?? []));
      break;
    case 'missingManager':
      if (policy.parameters.connectionId) result.connectionIds.push(policy.parameters.connectionId);
      break;
    default:
      break;
  }
  return result;
}

/** What one audit entry may change for policy conditions: users to re-evaluate directly, and groups, roles and persons whose users to re-evaluate. */
export interface AuditImpact {
  userIds: string[];
  /** Evaluate the group's members, the users whose unresolved violations cite it, and the members of privileged groups a policy approves it for. */
  groupIds: string[];
  /** Evaluate the users whose unresolved violations cite the role. */
  roleIds: string[];
  /** Evaluate every account linked to the person. */
  personIds: string[];
}

/** The audit actions the policy-evaluation worker receives (prefixes; its worker-table row's filter). */
export const EVALUATION_ACTIONS = ['user.', 'group.', 'person.', 'role.deleted'] as const;

const stringsOf = (value: unknown): string[] => (Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === 'string') : []);

/**
 * The users, groups, roles and persons one audit entry may affect, read from its action, target
 * and details (as written by shared/scim, shared/directory, shared/identity, shared/saml). Pure.
 *
 * - `user.*` (created, updated, deactivated, reactivated, deleted, login, roles.assigned/removed,
 *   memberships.removed) → the target user, and the person a write linked or unlinked it from;
 *   `user.login.failed` changes nothing.
 * - `group.member.added` / `.removed` → `details.memberIds`; `group.memberships.swept` → `details.userIds`.
 * - `group.roles.*`, `group.deleted`, `group.deactivated`, a synchronised `group.created` /
 *   `group.updated` (whose members are counted, not listed) and `group.members.synchronised` → the group.
 *   A SCIM `group.updated` changes attributes only (its member changes are entries of their own).
 * - `person.linked` / `person.unlinked` → the person and `details.userId`.
 * - `role.deleted` → the role (a deleted role grants nothing).
 */
export function auditImpact(change: { action: string; targetType?: string | undefined; targetId?: string | undefined; details: Record<string, unknown> }): AuditImpact {
  const impact: AuditImpact = { userIds: [], groupIds: [], roleIds: [], personIds: [] };
  const { action, targetType, targetId, details } = change;
  if (action.startsWith('user.')) {
    if (action === 'user.login.failed') return impact;
    if (targetType === 'user' && targetId) impact.userIds.push(targetId);
    const person = details.person as { personId?: unknown } | undefined;
    if (person && typeof person.personId === 'string') impact.personIds.push(person.personId);
    return impact;
  }
  if (action.startsWith('group.')) {
    if (action === 'group.member.added' || action === 'group.member.removed') impact.userIds.push(...stringsOf(details.memberIds));
    else if (action === 'group.memberships.swept') impact.userIds.push(...stringsOf(details.userIds));
    else if (targetType === 'group' && targetId) {
      const synchronised = 'runId' in details || 'membersAdded' in details;
      const relevant = action.startsWith('group.roles.') || action === 'group.deleted' || action === 'group.deactivated' || action === 'group.members.synchronised' || ((action === 'group.created' || action === 'group.updated') && synchronised);
      if (relevant) impact.groupIds.push(targetId);
    }
    return impact;
  }
  if (action === 'person.linked' || action === 'person.unlinked') {
    if (targetId) impact.personIds.push(targetId);
    if (typeof details.userId === 'string') impact.userIds.push(details.userId);
    return impact;
  }
  if (action === 'role.deleted' && targetId) impact.roleIds.push(targetId);
  return impact;
}

/**
 * Why a violation of `policy` resolved by itself, from the user's facts now (the condition no
 * longer holds): the resolution reason stored on the violation, `condition cleared: …`. Pure.
 */
export function clearedReason(policy: PolicyDefinition, facts: UserFacts): string {
  const cleared = (why: string) => `condition cleared: ${why}`;
  switch (policy.type) {
    case 'separationOfDuties': {
      const missing = [policy.parameters.a, policy.parameters.b].filter((ref) => grantsOf(facts, ref).length === 0);
      return cleared(`no longer holds ${missing.map(refLabel).join(' nor ')}`);
    }
    case 'dormantAccount':
      return cleared(!facts.active ? 'the account is disabled' : `signed in ${facts.lastSignInAt ?? 'recently'}`);
    case 'disabledWithAccess':
      return cleared(facts.active ? 'the account is active again' : 'the account holds no group membership or role any more');
    case 'orphanedAccount':
      if (!facts.active) return cleared('the account is disabled');
      return cleared(facts.person ? `person ${facts.person.id} has an account from ${[...new Set(facts.person.sources)].join(', ')}` : 'the account is out of the policy scope');
    case 'privilegedGroupOutsideApproved':
      return cleared(facts.groups.some((group) => policy.parameters.groupIds.includes(group.id)) ? 'the member is approved' : 'no longer a member of the privileged groups');
    case 'missingManager':
      if (!facts.active) return cleared('the account is disabled');
      return cleared(managerGap(facts) === undefined ? `manager ${facts.managerId} assigned` : 'the account is out of the policy scope');
  }
}
