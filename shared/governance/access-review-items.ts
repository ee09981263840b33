/**
 * Review item generation: who is in a campaign's scope, what each item certifies (one item per
 * user and entitlement), who reviews it, and what the platform recommends.
 *
 * The identity store keeps user memberships only: SCIM group members are users (the platform
 * refuses group members), and directory sync flattens nested LDAP/AD groups into user
 * memberships of every enclosing group. So every membership a campaign sees is a direct one, and
 * revoking it removes exactly the membership item that grants the access. When the group (or the
 * account) comes from an IdP or directory, that source will provision it back on its next push or
 * sync unless it is changed there too: such items carry `reprovisionRisk: true`.
 */
import { randomUUID } from 'node:crypto';
import { ValidationError } from '../errors/domain-errors.ts';
import { builtInRole } from '../identity/built-in-roles.ts';
import * as connections from '../storage/connections.ts';
import * as groups from '../storage/groups.ts';
import type { GroupRecord } from '../storage/groups.ts';
import * as roles from '../storage/roles.ts';
import * as users from '../storage/users.ts';
import type { UserRecord } from '../storage/users.ts';
import type { CampaignRecord, CampaignReviewers, Entitlement, ReviewDecisionValue, ReviewItemRecord } from '../storage/access-reviews.ts';
import { scimConnectionId } from '../directory/scim-connection.ts';
import { sourceConnectionId, toDirectoryUser } from '../directory/views.ts';
import { memberDisplay } from '../scim/member-display.ts';
import { isUuid } from '../uuid.ts';

const DAY_MS = 86_400_000;

/** Sources that push or synchronise access into the platform and would put a revoked grant back. */
const PROVISIONING_SOURCES: ReadonlySet<string> = new Set(['scim', 'ldap', 'activeDirectory']);

/** Whether a grant from `source` is provisioned by an IdP or directory (and so may come back after a revoke). */
export function reprovisioned(source: string | undefined): boolean {
  return source !== undefined && PROVISIONING_SOURCES.has(source);
}

/**
 * The platform's recommendation for one item: revoke a disabled account's access, and access of
 * users who have not signed in for `dormantDays` (or never did, with an account older than that);
 * approve otherwise. `reason` says why in a sentence a reviewer can read.
 *
 * @param now epoch milliseconds.
 */
export function recommend(user: { active: boolean; lastSignInAt?: string | undefined; createdAt: string }, now: number, dormantDays: number): { recommendation: ReviewDecisionValue; reason: string } {
  if (!user.active) return { recommendation: 'revoke', reason: 'The account is disabled.' };
  const days = (from: string) => Math.floor((now - Date.parse(from)) / DAY_MS);
  if (user.lastSignInAt) {
    const idle = days(user.lastSignInAt);
    return idle >= dormantDays
      ? { recommendation: 'revoke', reason: `No sign-in for ${idle} days (last sign-in ${user.lastSignInAt.slice(0, 10)}; threshold ${dormantDays} days).` }
      : { recommendation: 'approve', reason: `Signed in ${idle} days ago (threshold ${dormantDays} days).` };
  }
  const age = days(user.createdAt);
  return age >= dormantDays
    ? { recommendation: 'revoke', reason: `Never signed in; the account is ${age} days old (threshold ${dormantDays} days).` }
    : { recommendation: 'approve', reason: `No sign-in yet; the account is only ${age} days old (threshold ${dormantDays} days).` };
}

/**
 * Who reviews `subject`'s items: the manager (manager mode) or the next named reviewer in turn
 * (`turn` counts reviewed users), never the subject themself — then the fallback reviewer, and
 * `null` when every candidate is the subject (only administrators can decide such an item).
 * `isReviewer` says whether an id names an active user of the organization.
 */
export function assignReviewer(subjectId: string, managerId: string | null, config: CampaignReviewers, turn: number, isReviewer: (id: string) => boolean): string | null {
  const candidates: string[] = [];
  if (config.kind === 'manager') {
    if (managerId) candidates.push(managerId);
  } else {
    const count = config.reviewerIds.length;
    for (let offset = 0; offset < count; offset++) candidates.push(config.reviewerIds[(turn + offset) % count] as string);
  }
  if (config.fallbackReviewerId) candidates.push(config.fallbackReviewerId);
  return candidates.find((candidate) => candidate !== subjectId && isReviewer(candidate)) ?? null;
}

/** One (user, entitlement) pair in scope, before a reviewer and a recommendation are attached. */
interface ScopedAccess {
  user: UserRecord;
  entitlement: Entitlement;
}

function groupEntitlement(group: GroupRecord): Entitlement {
  return { kind: 'groupMembership', groupId: group.id, groupName: group.displayName, groupSource: group.source ?? 'scim' };
}

async function membersOfGroups(organizationId: string, groupList: readonly GroupRecord[]): Promise<{ group: GroupRecord; userIds: string[] }[]> {
  return Promise.all(groupList.map(async (group) => ({ group, userIds: (await groups.membersOf(organizationId, group.id)).map((membership) => membership.userId) })));
}

async function usersById(organizationId: string, ids: Iterable<string>): Promise<Map<string, UserRecord>> {
  return new Map((await users.byIds(organizationId, [...new Set(ids)])).map((user) => [user.id, user]));
}

/**
 * Checks that a campaign's scope and reviewers name things that exist (at creation).
 *
 * @throws ValidationError naming the first missing group, connection, role or reviewer.
 */
export async function assertCampaignReferences(organizationId: string, scope: CampaignRecord['scope'], reviewers: CampaignReviewers): Promise<void> {
  if (scope.kind === 'groups') {
    const found = new Set((await groups.byIds(organizationId, scope.groupIds)).map((group) => group.id));
    const missing = scope.groupIds.find((id) => !found.has(id));
    if (missing) throw new ValidationError(`Group with ID '${missing}' was not found.`, { field: 'scope.groupIds' });
  } else if (scope.kind === 'connection') {
    const known = scope.connectionId === scimConnectionId(organizationId) || (await connections.byId(organizationId, scope.connectionId)) !== undefined;
    if (!known) throw new ValidationError(`Connection with ID '${scope.connectionId}' was not found.`, { field: 'scope.connectionId' });
  } else if (scope.kind === 'role') {
    const exists = builtInRole(scope.roleId) !== undefined || (isUuid(scope.roleId) && (await roles.byId(organizationId, scope.roleId)) !== undefined);
    if (!exists) throw new ValidationError(`Role with ID '${scope.roleId}' was not found.`, { field: 'scope.roleId' });
  }
  const reviewerIds = [...(reviewers.kind === 'named' ? reviewers.reviewerIds : []), ...(reviewers.fallbackReviewerId ? [reviewers.fallbackReviewerId] : [])];
  const found = await usersById(organizationId, reviewerIds);
  const missing = reviewerIds.find((id) => found.get(id)?.active !== true);
  if (missing) throw new ValidationError(`Reviewer with ID '${missing}' is not an active user of this organization.`, { field: 'reviewers' });
}

/** Every (user, entitlement) pair of the campaign's scope, read from the identity store now. */
async function scopedAccess(organizationId: string, scope: CampaignRecord['scope']): Promise<ScopedAccess[]> {
  switch (scope.kind) {
    case 'groups': {
      const memberships = await membersOfGroups(organizationId, await groups.byIds(organizationId, scope.groupIds));
      const byId = await usersById(organizationId, memberships.flatMap((entry) => entry.userIds));
      return memberships.flatMap(({ group, userIds }) => userIds.flatMap((userId) => {
        const user = byId.get(userId);
        return user ? [{ user, entitlement: groupEntitlement(group) }] : [];
      }));
    }
    case 'role': {
      const role = builtInRole(scope.roleId) ?? (await roles.byId(organizationId, scope.roleId));
      const roleName = role?.name ?? scope.roleId;
      const everyone = await users.all(organizationId);
      const direct = everyone.filter((user) => user.roleIds?.has(scope.roleId)).map((user): ScopedAccess => ({ user, entitlement: { kind: 'role', roleId: scope.roleId, roleName, via: 'direct' } }));
      const teams = (await groups.all(organizationId)).filter((group) => group.roleIds?.has(scope.roleId));
      const byId = new Map(everyone.map((user) => [user.id, user]));
      const viaGroups = (await membersOfGroups(organizationId, teams)).flatMap(({ group, userIds }) => userIds.flatMap((userId): ScopedAccess[] => {
        const user = byId.get(userId);
        return user ? [{ user, entitlement: { kind: 'role', roleId: scope.roleId, roleName, via: 'group', groupId: group.id, groupName: group.displayName, groupSource: group.source ?? 'scim' } }] : [];
      }));
      return [...direct, ...viaGroups];
    }
    case 'connection':
    case 'department': {
      const everyone = (await users.all(organizationId)).filter((user) => user.active);
      return everyone.flatMap((user): ScopedAccess[] => {
        const view = toDirectoryUser(user);
        const inScope = scope.kind === 'connection' ? sourceConnectionId(user) === scope.connectionId : (view.department ?? '').toLowerCase() === scope.department.trim().toLowerCase();
        return inScope ? [{ user, entitlement: { kind: 'account', userSource: user.source, connectionId: sourceConnectionId(user), department: view.department } }] : [];
      });
    }
  }
}

function entitlementSource(entitlement: Entitlement): string | undefined {
  if (entitlement.kind === 'groupMembership') return entitlement.groupSource;
  if (entitlement.kind === 'account') return entitlement.userSource;
  return entitlement.via === 'group' ? entitlement.groupSource : undefined;
}

/**
 * The items of a campaign starting at `now` (epoch ms): one per (user, entitlement) in scope,
 * ordered by user name, each with its reviewer, recommendation and reason, and whether its source
 * would provision the access back.
 */
export async function generateItems(campaign: CampaignRecord, now: number): Promise<ReviewItemRecord[]> {
  const { organizationId } = campaign;
  const access = await scopedAccess(organizationId, campaign.scope);
  access.sort((a, b) => a.user.userName.localeCompare(b.user.userName) || a.user.id.localeCompare(b.user.id));
  const managerOf = (user: UserRecord) => toDirectoryUser(user).managerId;
  const candidateIds = new Set<string>();
  if (campaign.reviewers.kind === 'named') for (const id of campaign.reviewers.reviewerIds) candidateIds.add(id);
  if (campaign.reviewers.fallbackReviewerId) candidateIds.add(campaign.reviewers.fallbackReviewerId);
  if (campaign.reviewers.kind === 'manager') for (const entry of access) {
    const manager = managerOf(entry.user);
    if (manager && isUuid(manager)) candidateIds.add(manager);
  }
  const reviewers = await usersById(organizationId, candidateIds);
  const isReviewer = (id: string) => reviewers.get(id)?.active === true;
  const turns = new Map<string, number>();
  const at = new Date(now).toISOString();
  return access.map(({ user, entitlement }) => {
    const turn = turns.get(user.id) ?? turns.size;
    turns.set(user.id, turn);
    const { recommendation, reason } = recommend(user, now, campaign.dormantDays);
    return {
      id: randomUUID(),
      organizationId,
      campaignId: campaign.id,
      userId: user.id,
      userName: user.userName,
      displayName: memberDisplay(user.resource, user.userName),
      entitlement,
      reviewerId: assignReviewer(user.id, managerOf(user), campaign.reviewers, turn, isReviewer),
      escalated: false,
      recommendation,
      recommendationReason: reason,
      lastSignInAt: user.lastSignInAt ?? null,
      reprovisionRisk: reprovisioned(entitlementSource(entitlement)),
      application: { status: 'notApplicable' },
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
  });
}
