/**
 * Applying access review revokes through the identity store's own write paths, behind the safety
 * rails reviewers of SOX/ISO 27001 campaigns ask for:
 *
 * - the organization's last Owner is never revoked (an account disable, the unassignment of the
 *   Owner role, or the removal of the membership of a group that grants it);
 * - a reviewer's access is never revoked while their campaign is open (an account disable of a user
 *   who still has items to decide in it), and nobody decides their own items;
 * - revokes that would empty a group of more than `safety.emptyGroupMinMembers` members, and
 *   automatic revokes (non-responses) above `safety.autoRevokeThreshold`, wait for an explicit
 *   confirmation (`POST …/apply {"confirm": true}`).
 *
 * A membership revoke is `memberRemovalSteps` (shared/scim/groups.ts) with the group's version bump,
 * a role revoke `roleRemovalSteps` (shared/identity/roles.ts), an account revoke
 * `deactivationSteps` (shared/scim/users.ts) — each in one transaction with the item's new state,
 * so SCIM `GET /Groups/{id}`, `/api/groups/{id}/members` and the audit log show it at once.
 */
import type { AuditEvent, RequestOrigin } from '../audit/audit-entry.ts';
import { ConcurrentChangeError, ConflictError, DomainError, NotFoundError } from '../errors/domain-errors.ts';
import { roleRemovalSteps } from '../identity/roles.ts';
import { memberRemovalSteps } from '../scim/groups.ts';
import { deactivationSteps } from '../scim/users.ts';
import * as reviews from '../storage/access-reviews.ts';
import type { CampaignRecord, Entitlement, ReviewItemRecord } from '../storage/access-reviews.ts';
import * as groups from '../storage/groups.ts';
import { transact, type TransactionStep } from '../storage/transactions.ts';
import * as users from '../storage/users.ts';
import { logger } from '../observability/logger.ts';

export const OWNER_ROLE_ID = 'owner';

/** Where each active Owner's Owner role comes from: `direct`, or the id of a group that grants it. */
export type OwnerSources = Map<string, Set<string>>;

/** The organization's active Owners and the sources of their Owner role (direct assignment, groups). */
export async function ownerSources(organizationId: string): Promise<OwnerSources> {
  const everyone = await users.all(organizationId);
  const active = new Set(everyone.filter((user) => user.active).map((user) => user.id));
  const sources: OwnerSources = new Map();
  const add = (userId: string, source: string) => {
    if (!active.has(userId)) return;
    const set = sources.get(userId) ?? new Set<string>();
    set.add(source);
    sources.set(userId, set);
  };
  for (const user of everyone) if (user.roleIds?.has(OWNER_ROLE_ID)) add(user.id, 'direct');
  const ownerGroups = (await groups.all(organizationId)).filter((group) => group.roleIds?.has(OWNER_ROLE_ID));
  for (const group of ownerGroups) for (const membership of await groups.membersOf(organizationId, group.id)) add(membership.userId, group.id);
  return sources;
}

/** Which Owner sources a revoke of `entitlement` takes away from its user (`all` for an account disable). */
function removedSources(entitlement: Entitlement): 'all' | string {
  if (entitlement.kind === 'account') return 'all';
  if (entitlement.kind === 'groupMembership') return entitlement.groupId;
  return entitlement.via === 'direct' ? (entitlement.roleId === OWNER_ROLE_ID ? 'direct' : '') : entitlement.groupId;
}

/**
 * Whether revoking `item` would leave the organization without an active Owner: the user is an
 * Owner, loses every source of the role by the revoke, and nobody else is one.
 */
export function removesLastOwner(owners: OwnerSources, item: Pick<ReviewItemRecord, 'userId' | 'entitlement'>): boolean {
  const sources = owners.get(item.userId);
  if (!sources || sources.size === 0) return false;
  const removed = removedSources(item.entitlement);
  const left = removed === 'all' ? 0 : [...sources].filter((source) => source !== removed).length;
  if (left > 0) return false;
  return ![...owners.entries()].some(([userId, other]) => userId !== item.userId && other.size > 0);
}

/**
 * The precondition that keeps the last-Owner rail atomic: when a revoke takes the Owner role from
 * its user, the transaction also checks that another Owner (the first other one, by id) still holds
 * it — directly, or through a group membership and that group's role — so two revokes applied at
 * once can never remove the last two Owners. None when the revoke leaves its user an Owner.
 */
function anotherOwnerSteps(organizationId: string, owners: OwnerSources, item: Pick<ReviewItemRecord, 'userId' | 'entitlement'>): TransactionStep[] {
  const sources = owners.get(item.userId);
  if (!sources || sources.size === 0) return [];
  const removed = removedSources(item.entitlement);
  if (removed !== 'all' && [...sources].some((source) => source !== removed)) return [];
  // Prefer an Owner who holds the role directly: one precondition, on an item the revoke never writes.
  const others = [...owners.entries()].filter(([userId, other]) => userId !== item.userId && other.size > 0).sort(([a, x], [b, y]) => Number(y.has('direct')) - Number(x.has('direct')) || a.localeCompare(b));
  const [otherId, otherSources] = others[0] ?? [];
  if (!otherId || !otherSources) return [];
  const gone = () => new ConflictError('Another Owner lost the role meanwhile; the revoke would leave the organization without an Owner.');
  if (otherSources.has('direct')) return [users.holdsRoleStep(organizationId, otherId, OWNER_ROLE_ID, gone)];
  const groupId = [...otherSources][0] as string;
  // A transaction writes each item once: the revoked group's own item is already updated (its version bump).
  const groupStillGrants = groupId === revokedGroupId(item.entitlement) ? [] : [groups.grantsRoleStep(organizationId, groupId, OWNER_ROLE_ID, gone)];
  return [groups.membershipMustExistStep(organizationId, groupId, otherId, gone), ...groupStillGrants];
}

/**
 * The Owner map as it will be once the revokes already decided in a campaign and not yet applied
 * (`pending`, `awaitingConfirmation`, `failed`) land — what a new revoke decision must be checked
 * against, so that two decisions cannot together remove the last Owner (applied ones are already
 * reflected in the store). Mutates and returns `owners`.
 */
export function withDecidedRevokes(owners: OwnerSources, campaignItems: readonly ReviewItemRecord[]): OwnerSources {
  const unapplied = new Set<ReviewItemRecord['application']['status']>(['pending', 'awaitingConfirmation', 'failed']);
  for (const item of campaignItems) if (item.decision?.decision === 'revoke' && unapplied.has(item.application.status)) forgetOwnerSource(owners, item);
  return owners;
}

/** Records a revoke in the Owner map (for several revokes checked one after another). */
function forgetOwnerSource(owners: OwnerSources, item: Pick<ReviewItemRecord, 'userId' | 'entitlement'>): void {
  const sources = owners.get(item.userId);
  if (!sources) return;
  const removed = removedSources(item.entitlement);
  if (removed === 'all') sources.clear();
  else sources.delete(removed);
}

/** The group whose membership a revoke removes, if it removes one. */
export function revokedGroupId(entitlement: Entitlement): string | undefined {
  if (entitlement.kind === 'groupMembership') return entitlement.groupId;
  if (entitlement.kind === 'role' && entitlement.via === 'group') return entitlement.groupId;
  return undefined;
}

export interface ApplySummary {
  applied: number;
  alreadyAbsent: number;
  awaitingConfirmation: number;
  blocked: number;
  failed: number;
}

interface ApplyContext {
  organizationId: string;
  actor: AuditEvent['actor'];
  origin: RequestOrigin;
}

class ItemChangedError extends ConcurrentChangeError {}

function withApplication(item: ReviewItemRecord, application: ReviewItemRecord['application'], now: string): ReviewItemRecord {
  return { ...item, application, version: item.version + 1, updatedAt: now };
}

function itemStep(before: ReviewItemRecord, after: ReviewItemRecord): TransactionStep {
  return reviews.itemPutStep(after, { expectedVersion: before.version, onConflict: () => new ItemChangedError(`Review item ${before.id} changed concurrently.`) });
}

/**
 * The write path of one revoke, or undefined when the access is already gone (nothing to write).
 * Every step set carries its own audit entry, with the campaign and item in its details.
 */
async function revokeSteps(context: ApplyContext, item: ReviewItemRecord, now: string): Promise<TransactionStep[] | undefined> {
  const { organizationId } = context;
  const details = { reviewCampaignId: item.campaignId, reviewItemId: item.id };
  const groupId = revokedGroupId(item.entitlement);
  if (groupId) {
    const present = await groups.membershipsAmong(organizationId, groupId, [item.userId]);
    if (present.length === 0) return undefined;
    return [
      ...memberRemovalSteps(context, groupId, [item.userId], details),
      groups.touchStep(organizationId, groupId, now, () => new NotFoundError(`Group ${groupId} was not found.`)),
    ];
  }
  const user = await users.byId(organizationId, item.userId);
  if (!user) return undefined;
  if (item.entitlement.kind === 'role') {
    if (!user.roleIds?.has(item.entitlement.roleId)) return undefined;
    return roleRemovalSteps(organizationId, { kind: 'user', id: item.userId }, item.entitlement.roleId, context.actor, context.origin, details);
  }
  if (!user.active) return undefined;
  return deactivationSteps(context, user, details);
}

/**
 * Applies the campaign's decided revokes that are not applied yet (and, with `confirm`, those
 * waiting for confirmation), item by item, behind the safety rails above. Each applied revoke is one
 * transaction: the identity store's write with its audit entry, and the item's `application`.
 * Idempotent: an applied item is never applied again, and an access already gone is recorded as
 * `applied` with reason `already_absent` and no write.
 */
export async function applyRevokes(context: ApplyContext, campaign: CampaignRecord, options: { confirm: boolean }): Promise<ApplySummary> {
  const { organizationId } = context;
  const summary: ApplySummary = { applied: 0, alreadyAbsent: 0, awaitingConfirmation: 0, blocked: 0, failed: 0 };
  const all = await reviews.items(organizationId, campaign.id);
  // Held revokes are looked at again: without confirmation the rails are re-evaluated on today's data.
  const applicable = new Set<ReviewItemRecord['application']['status']>(['pending', 'awaitingConfirmation', 'failed']);
  const todo = all.filter((item) => item.decision?.decision === 'revoke' && applicable.has(item.application.status));
  if (todo.length === 0) return summary;

  // Rail: revokes that would empty a group of more than N members wait for confirmation.
  const emptying = new Set<string>();
  if (!options.confirm) {
    const perGroup = new Map<string, Set<string>>();
    for (const item of todo) {
      const groupId = revokedGroupId(item.entitlement);
      if (groupId) perGroup.set(groupId, (perGroup.get(groupId) ?? new Set()).add(item.userId));
    }
    for (const [groupId, revoked] of perGroup) {
      const members = await groups.membersOf(organizationId, groupId);
      const left = members.filter((membership) => !revoked.has(membership.userId)).length;
      if (left === 0 && members.length > campaign.safety.emptyGroupMinMembers) emptying.add(groupId);
    }
  }
  // Rail: automatic revokes (non-responses) above the threshold wait for confirmation.
  const automatic = all.filter((item) => item.decision?.decision === 'revoke' && item.decision.automatic && item.application.status !== 'applied').length;
  const holdAutomatic = !options.confirm && automatic > campaign.safety.autoRevokeThreshold;
  // Rail: a reviewer keeps their access while they still have items to decide in this campaign.
  const activeReviewers = new Set(campaign.status === 'active' ? all.filter((item) => !item.decision && item.reviewerId).map((item) => item.reviewerId as string) : []);
  const owners = await ownerSources(organizationId);

  for (const item of todo) {
    const now = new Date().toISOString();
    const groupId = revokedGroupId(item.entitlement);
    let hold: ReviewItemRecord['application'] | undefined;
    if (groupId && emptying.has(groupId)) hold = { status: 'awaitingConfirmation', reason: 'would_empty_group', at: now };
    else if (holdAutomatic && item.decision?.automatic) hold = { status: 'awaitingConfirmation', reason: 'automatic_revokes_above_threshold', at: now };
    else if (removesLastOwner(owners, item)) hold = { status: 'blocked', reason: 'last_owner', at: now };
    else if (item.entitlement.kind === 'account' && activeReviewers.has(item.userId)) hold = { status: 'blocked', reason: 'reviewer_access', at: now };
    try {
      if (hold) {
        if (hold.status !== item.application.status || hold.reason !== item.application.reason) await transact([itemStep(item, withApplication(item, hold, now))]);
        if (hold.status === 'blocked') summary.blocked += 1;
        else summary.awaitingConfirmation += 1;
        continue;
      }
      const steps = await revokeSteps(context, item, now);
      const application = { status: 'applied' as const, ...(steps ? {} : { reason: 'already_absent' }), at: now };
      await transact([...(steps ? [...steps, ...anotherOwnerSteps(organizationId, owners, item)] : []), itemStep(item, withApplication(item, application, now))]);
      forgetOwnerSource(owners, item);
      if (steps) summary.applied += 1;
      else summary.alreadyAbsent += 1;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      // A concurrent change (or a group deleted meanwhile) fails this item only; a later apply retries it.
      logger.warn('access review revoke not applied', { organizationId, campaignId: campaign.id, itemId: item.id, error: error.message });
      summary.failed += 1;
      if (!(error instanceof ItemChangedError)) {
        const fresh = await reviews.itemById(organizationId, campaign.id, item.id);
        if (fresh && fresh.application.status !== 'applied') await transact([itemStep(fresh, withApplication(fresh, { status: 'failed', reason: error.code, at: now }, now))]).catch(() => undefined);
      }
    }
  }
  return summary;
}
