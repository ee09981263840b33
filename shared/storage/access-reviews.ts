/**
 * The access reviews repository: review campaigns (Directory API seed, "Access Reviews"), their
 * review items — one per (user, entitlement) — and each item's decision.
 *
 * Access patterns (README, "Storage"):
 * - accessReviews.campaignById / campaigns — the organization partition (`REVIEWCAMPAIGN#<id>`);
 * - accessReviews.dueCampaigns — gsi1 `PLATFORM#REVIEWS#DUE` / `<dueAt>#<org>#<id>`: active campaigns
 *   whose due date has not been handled yet, across organizations (the scheduled sweep's read);
 * - accessReviews.recurrencesDue — gsi2 `PLATFORM#REVIEWS#RECUR` / `<nextOccurrenceAt>#<org>#<id>`:
 *   the latest occurrence of each recurring series, by when its successor starts;
 * - accessReviews.items / itemById / itemPutStep — `ORG#<org>#REVIEWCAMPAIGN#<id>` / `ITEM#<item>`;
 * - accessReviews.itemsOfReviewer — gsi1 `ORG#<org>#REVIEWER#<user>` / `<campaign>#<item>`: what one
 *   reviewer has to decide (reviewers list only their own items);
 * - accessReviews.decisions / decisionPutStep — same partition, `DECISION#<item>`: written once
 *   (a decision is final) in the transaction that records it on the item, with its audit entry.
 */
import type { DomainError } from '../errors/domain-errors.ts';
import { EntityType, isUuid } from './keys.ts';
import * as keys from './keys.ts';
import { getItem, queryAll, queryPrefix } from './queries.ts';
import { put, putNew, type TransactionStep } from './transactions.ts';

type Item = Record<string, unknown>;

export type CampaignStatus = 'draft' | 'active' | 'closed';

/** Who is in a campaign: members of groups, users of a connection or a department, or holders of a role. */
export type CampaignScope =
  | { kind: 'groups'; groupIds: string[] }
  | { kind: 'connection'; connectionId: string }
  | { kind: 'department'; department: string }
  | { kind: 'role'; roleId: string };

/** Who reviews: each user's manager (else the fallback reviewer), or named reviewers. */
export type CampaignReviewers = { kind: 'manager'; fallbackReviewerId: string } | { kind: 'named'; reviewerIds: string[]; fallbackReviewerId?: string | undefined };

export type Recurrence = 'monthly' | 'quarterly' | 'semiannually' | 'annually';
export type UndecidedOutcome = 'keep' | 'revoke' | 'escalate';
export type ApplyMode = 'onClose' | 'manual';

/** One campaign as stored. Timestamps are ISO 8601 UTC. */
export interface CampaignRecord {
  id: string;
  organizationId: string;
  name: string;
  description?: string | undefined;
  status: CampaignStatus;
  scope: CampaignScope;
  reviewers: CampaignReviewers;
  /** When reviewers must have decided. */
  dueAt: string;
  recurrence?: Recurrence | undefined;
  onUndecided: UndecidedOutcome;
  /** Days added to the due date when undecided items are escalated to the fallback reviewer. */
  escalationDays: number;
  applyMode: ApplyMode;
  /** Recommend revoking when the user has not signed in for this many days. */
  dormantDays: number;
  /** Safety rails: see shared/governance/access-review-apply.ts. */
  safety: { emptyGroupMinMembers: number; autoRevokeThreshold: number };
  /** Recurring campaigns: the series (the first occurrence's id) and this occurrence's number (1-based). */
  seriesId: string;
  occurrence: number;
  /** When the next occurrence of a recurring series starts (set on the series' latest occurrence). */
  nextOccurrenceAt?: string | undefined;
  /** The next occurrence was created (its campaign id). */
  nextOccurrenceId?: string | undefined;
  /** The due date was handled by the sweep (undecided items kept, revoked or escalated). */
  dueHandledAt?: string | undefined;
  escalatedAt?: string | undefined;
  itemCount: number;
  startedAt?: string | undefined;
  closedAt?: string | undefined;
  createdBy: { actorType: string; actorId: string };
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** What a review item certifies, and so what a revoke removes. */
export type Entitlement =
  | { kind: 'groupMembership'; groupId: string; groupName: string; groupSource: string }
  /** A role held directly (`via: direct`: revoke unassigns it) or through a group (revoke removes that membership). */
  | { kind: 'role'; roleId: string; roleName: string; via: 'direct' }
  | { kind: 'role'; roleId: string; roleName: string; via: 'group'; groupId: string; groupName: string; groupSource: string }
  /** The account itself (connection and department campaigns): revoke disables it. */
  | { kind: 'account'; userSource: string; connectionId: string | null; department: string | null };

export type ReviewDecisionValue = 'approve' | 'revoke';

export interface ReviewDecisionRecord {
  itemId: string;
  campaignId: string;
  decision: ReviewDecisionValue;
  justification: string;
  decidedBy: { actorType: string; actorId: string };
  decidedAt: string;
  /** Made by the campaign's due-date rule, not by a person. */
  automatic: boolean;
}

/** Where applying a revoke stands. */
export type ApplicationStatus = 'notApplicable' | 'pending' | 'applied' | 'awaitingConfirmation' | 'blocked' | 'failed';

export interface ReviewItemRecord {
  id: string;
  organizationId: string;
  campaignId: string;
  userId: string;
  userName: string;
  displayName: string;
  entitlement: Entitlement;
  /** null: nobody could be assigned (the only candidates were the user themself); admins decide. */
  reviewerId: string | null;
  escalated: boolean;
  recommendation: ReviewDecisionValue;
  recommendationReason: string;
  lastSignInAt: string | null;
  /** The access comes from an IdP or directory that will provision it back after a revoke. */
  reprovisionRisk: boolean;
  decision?: ReviewDecisionRecord | undefined;
  application: { status: ApplicationStatus; reason?: string | undefined; at?: string | undefined };
  version: number;
  createdAt: string;
  updatedAt: string;
}

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'type'] as const;

function strip<T>(item: Item): T {
  const record: Item = { ...item };
  for (const name of KEY_ATTRIBUTES) delete record[name];
  return record as T;
}

/** accessReviews.campaignById — undefined when absent or when `campaignId` is not a UUID (strongly consistent). */
export async function campaignById(organizationId: string, campaignId: string): Promise<CampaignRecord | undefined> {
  if (!isUuid(campaignId)) return undefined;
  const item = await getItem(keys.reviewCampaign(organizationId, campaignId));
  return item ? strip<CampaignRecord>(item) : undefined;
}

/** accessReviews.campaigns — every campaign of an organization (eventually consistent), in no particular order. */
export async function campaigns(organizationId: string): Promise<CampaignRecord[]> {
  const prefix = keys.reviewCampaignPrefix(organizationId);
  return (await queryPrefix(prefix.pk, prefix.skPrefix, 100_000)).map((item) => strip<CampaignRecord>(item));
}

/** A campaign (organization and id) found through a platform-wide index. */
export interface CampaignRef {
  organizationId: string;
  campaignId: string;
}

function refOf(sortKey: string): CampaignRef {
  const parts = sortKey.split('#');
  return { organizationId: parts[parts.length - 2] as string, campaignId: parts[parts.length - 1] as string };
}

/** accessReviews.dueCampaigns — active campaigns due at or before `until` whose due date was not handled yet (gsi1, eventually consistent). */
export async function dueCampaigns(until: string, maxItems = 1000): Promise<CampaignRef[]> {
  const items = await queryAll(
    { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :until', ExpressionAttributeValues: { ':pk': keys.reviewDuePartition(), ':until': `${until}#~` } },
    maxItems,
  );
  return items.map((item) => refOf(item.gsi1sk as string));
}

/** accessReviews.recurrencesDue — recurring series whose next occurrence starts at or before `until` (gsi2). */
export async function recurrencesDue(until: string, maxItems = 1000): Promise<CampaignRef[]> {
  const items = await queryAll(
    { IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk <= :until', ExpressionAttributeValues: { ':pk': keys.reviewRecurrencePartition(), ':until': `${until}#~` } },
    maxItems,
  );
  return items.map((item) => refOf(item.gsi2sk as string));
}

/**
 * accessReviews.campaignPutStep — writes a whole campaign, indexed as due while it is active and its
 * due date unhandled, and as a pending recurrence while its successor is not created. Without
 * `expectedVersion` it must not exist yet; with it, the stored version must still be that one.
 */
export function campaignPutStep(record: CampaignRecord, options: { expectedVersion: number | undefined; onConflict: () => DomainError }): TransactionStep {
  const item: Item = {
    ...keys.reviewCampaign(record.organizationId, record.id),
    ...(record.status === 'active' && !record.dueHandledAt ? keys.reviewDueIndex(record.dueAt, record.organizationId, record.id) : {}),
    ...(record.nextOccurrenceAt && !record.nextOccurrenceId ? keys.reviewRecurrenceIndex(record.nextOccurrenceAt, record.organizationId, record.id) : {}),
    type: EntityType.ReviewCampaign,
    ...record,
  };
  if (options.expectedVersion === undefined) return putNew(item, options.onConflict);
  return put(item, { expression: 'version = :seen', values: { ':seen': options.expectedVersion } }, options.onConflict);
}

// --- items and decisions ---------------------------------------------------------------------------

/** accessReviews.items — every item of a campaign (strongly consistent: read right after a decision). */
export async function items(organizationId: string, campaignId: string): Promise<ReviewItemRecord[]> {
  if (!isUuid(campaignId)) return [];
  const prefix = keys.reviewItemPrefix(organizationId, campaignId);
  return (
    await queryAll(
      { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': prefix.pk, ':prefix': prefix.skPrefix }, ConsistentRead: true },
      1_000_000,
    )
  ).map((item) => strip<ReviewItemRecord>(item));
}

/** accessReviews.itemById — one item, or undefined (also for ids that are not UUIDs). */
export async function itemById(organizationId: string, campaignId: string, itemId: string): Promise<ReviewItemRecord | undefined> {
  if (!isUuid(campaignId) || !isUuid(itemId)) return undefined;
  const item = await getItem(keys.reviewItem(organizationId, campaignId, itemId));
  return item ? strip<ReviewItemRecord>(item) : undefined;
}

/** accessReviews.itemsOfReviewer — a reviewer's items, of one campaign or of all (gsi1, eventually consistent). */
export async function itemsOfReviewer(organizationId: string, reviewerId: string, campaignId?: string): Promise<ReviewItemRecord[]> {
  if (!isUuid(reviewerId) || (campaignId !== undefined && !isUuid(campaignId))) return [];
  const partition = keys.reviewerPartition(organizationId, reviewerId);
  const found = await queryAll(
    campaignId === undefined
      ? { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': partition } }
      : { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :campaign)', ExpressionAttributeValues: { ':pk': partition, ':campaign': `${campaignId}#` } },
    1_000_000,
  );
  return found.map((item) => strip<ReviewItemRecord>(item));
}

/**
 * accessReviews.itemPutStep — writes a whole item, indexed under its reviewer. Without
 * `expectedVersion` it must not exist yet; with it, the stored version must still be that one.
 */
export function itemPutStep(record: ReviewItemRecord, options: { expectedVersion: number | undefined; onConflict: () => DomainError }): TransactionStep {
  const item: Item = {
    ...keys.reviewItem(record.organizationId, record.campaignId, record.id),
    ...(record.reviewerId ? keys.reviewerItemIndex(record.organizationId, record.reviewerId, record.campaignId, record.id) : {}),
    type: EntityType.ReviewItem,
    ...record,
  };
  if (options.expectedVersion === undefined) return putNew(item, options.onConflict);
  return put(item, { expression: 'version = :seen', values: { ':seen': options.expectedVersion } }, options.onConflict);
}

/** accessReviews.decisionPutStep — records an item's decision; fails with `onDecided` when it already has one (decisions are final). */
export function decisionPutStep(organizationId: string, record: ReviewDecisionRecord, onDecided: () => DomainError): TransactionStep {
  return putNew({ ...keys.reviewDecision(organizationId, record.campaignId, record.itemId), type: EntityType.ReviewDecision, organizationId, ...record }, onDecided);
}

/** accessReviews.decisions — every decision of a campaign (the history; strongly consistent). */
export async function decisions(organizationId: string, campaignId: string): Promise<ReviewDecisionRecord[]> {
  if (!isUuid(campaignId)) return [];
  const prefix = keys.reviewDecisionPrefix(organizationId, campaignId);
  return (await queryPrefix(prefix.pk, prefix.skPrefix, 1_000_000)).map((item) => {
    const record = strip<ReviewDecisionRecord & { organizationId?: string }>(item);
    delete record.organizationId;
    return record;
  });
}
