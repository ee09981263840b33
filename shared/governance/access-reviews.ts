/**
 * Access review campaigns (Directory API seed, "Access Reviews"; issue 14): create, start (items
 * generated from the identity store), decide item by item (final, kept as history, audited),
 * close (undecided items settled as the campaign says), apply revokes, and the scheduled due-date
 * and recurrence handling the `access-reviews-due` worker runs.
 *
 * Who sees what: callers with `governance:read` see every campaign and item; any other signed-in
 * user sees only the campaigns they review and only their own items in them.
 */
import { randomUUID } from 'node:crypto';
import { auditStep, type AuditEvent, type RequestOrigin } from '../audit/audit-entry.ts';
import { ConcurrentChangeError, ConflictError, NotFoundError, PermissionError, ValidationError } from '../errors/domain-errors.ts';
import type { TenantPrincipal } from '../http/request-context.ts';
import { pageOf, type DirectoryPage } from '../directory/pages.ts';
import * as reviews from '../storage/access-reviews.ts';
import type { CampaignRecord, Recurrence, ReviewDecisionRecord, ReviewItemRecord } from '../storage/access-reviews.ts';
import { logger } from '../observability/logger.ts';
import { MAX_TRANSACTION_ITEMS, transact, type TransactionStep } from '../storage/transactions.ts';
import { applyRevokes, ownerSources, removesLastOwner, withDecidedRevokes, type ApplySummary } from './access-review-apply.ts';
import { assertCampaignReferences, generateItems } from './access-review-items.ts';
import type { CampaignCreateInput, DecisionInput } from './access-review-schemas.ts';

const DAY_MS = 86_400_000;
/** Item writes per transaction when a campaign starts or settles (with room for the campaign and its audit entry). */
const ITEM_CHUNK = 96;
/** Settled or escalated items per transaction: each writes the item and its decision. */
const SETTLE_CHUNK = 45;

export interface Caller {
  organizationId: string;
  principal: TenantPrincipal;
  actor: AuditEvent['actor'];
  origin: RequestOrigin;
}

/** Progress of a campaign (or of one reviewer's share of it). */
export interface CampaignProgress {
  total: number;
  pending: number;
  approved: number;
  revoked: number;
  /** Decided items in percent of all items (100 for a campaign without items), one decimal. */
  percentComplete: number;
  /** Revokes applied, waiting for confirmation, and blocked by a safety rail. */
  applied: number;
  awaitingConfirmation: number;
  blocked: number;
  /** After the due date: reviewers with undecided items, most undecided first. */
  overdueReviewers: { reviewerId: string | null; pending: number }[];
}

export type CampaignView = Omit<
  CampaignRecord,
  'organizationId' | 'version' | 'nextOccurrenceId' | 'dueHandledAt' | 'createdBy' | 'description' | 'recurrence' | 'nextOccurrenceAt' | 'startedAt' | 'closedAt' | 'escalatedAt'
> & {
  description: string | null;
  recurrence: Recurrence | null;
  nextOccurrenceAt: string | null;
  startedAt: string | null;
  closedAt: string | null;
  escalatedAt: string | null;
  progress: CampaignProgress;
};

export interface ReviewItemView {
  id: string;
  campaignId: string;
  userId: string;
  userName: string;
  displayName: string;
  entitlement: ReviewItemRecord['entitlement'];
  reviewerId: string | null;
  escalated: boolean;
  recommendation: 'approve' | 'revoke';
  recommendationReason: string;
  lastSignInAt: string | null;
  reprovisionRisk: boolean;
  status: 'pending' | 'approved' | 'revoked';
  decision: (Omit<ReviewDecisionRecord, 'itemId' | 'campaignId' | 'decidedBy'> & { decidedBy: { type: string; id: string } }) | null;
  application: { status: ReviewItemRecord['application']['status']; reason: string | null; at: string | null };
}

function itemStatus(item: ReviewItemRecord): ReviewItemView['status'] {
  if (!item.decision) return 'pending';
  return item.decision.decision === 'approve' ? 'approved' : 'revoked';
}

/** Counts, percentage and overdue reviewers of a set of items, as of `now` (epoch ms). Pure. */
export function progressOf(items: readonly ReviewItemRecord[], dueAt: string, now: number): CampaignProgress {
  const count = (predicate: (item: ReviewItemRecord) => boolean) => items.filter(predicate).length;
  const pending = count((item) => !item.decision);
  const overdue = new Map<string | null, number>();
  if (now > Date.parse(dueAt)) for (const item of items) if (!item.decision) overdue.set(item.reviewerId, (overdue.get(item.reviewerId) ?? 0) + 1);
  return {
    total: items.length,
    pending,
    approved: count((item) => item.decision?.decision === 'approve'),
    revoked: count((item) => item.decision?.decision === 'revoke'),
    percentComplete: items.length === 0 ? 100 : Math.round(((items.length - pending) / items.length) * 1000) / 10,
    applied: count((item) => item.application.status === 'applied'),
    awaitingConfirmation: count((item) => item.application.status === 'awaitingConfirmation'),
    blocked: count((item) => item.application.status === 'blocked'),
    overdueReviewers: [...overdue.entries()].map(([reviewerId, open]) => ({ reviewerId, pending: open })).sort((a, b) => b.pending - a.pending),
  };
}

function campaignView(record: CampaignRecord, items: readonly ReviewItemRecord[], now = Date.now()): CampaignView {
  const { organizationId: _organization, version: _version, nextOccurrenceId: _next, dueHandledAt: _handled, createdBy: _by, ...rest } = record;
  return {
    ...rest,
    description: record.description ?? null,
    recurrence: record.recurrence ?? null,
    nextOccurrenceAt: record.nextOccurrenceAt ?? null,
    startedAt: record.startedAt ?? null,
    closedAt: record.closedAt ?? null,
    escalatedAt: record.escalatedAt ?? null,
    progress: progressOf(items, record.dueAt, now),
  };
}

/** The Directory API view of one item. */
export function itemView(item: ReviewItemRecord): ReviewItemView {
  const decision = item.decision
    ? { decision: item.decision.decision, justification: item.decision.justification, decidedBy: { type: item.decision.decidedBy.actorType, id: item.decision.decidedBy.actorId }, decidedAt: item.decision.decidedAt, automatic: item.decision.automatic }
    : null;
  return {
    id: item.id,
    campaignId: item.campaignId,
    userId: item.userId,
    userName: item.userName,
    displayName: item.displayName,
    entitlement: item.entitlement,
    reviewerId: item.reviewerId,
    escalated: item.escalated,
    recommendation: item.recommendation,
    recommendationReason: item.recommendationReason,
    lastSignInAt: item.lastSignInAt,
    reprovisionRisk: item.reprovisionRisk,
    status: itemStatus(item),
    decision,
    application: { status: item.application.status, reason: item.application.reason ?? null, at: item.application.at ?? null },
  };
}

function campaignNotFound(campaignId: string): NotFoundError {
  return new NotFoundError(`Campaign with ID '${campaignId}' was not found`);
}

function itemNotFound(itemId: string): NotFoundError {
  return new NotFoundError(`Review item with ID '${itemId}' was not found`);
}

function changedConcurrently(campaignId: string): ConcurrentChangeError {
  return new ConcurrentChangeError(`Campaign ${campaignId} was changed concurrently; retry.`);
}

const seesAll = (principal: TenantPrincipal) => principal.scopes.has('governance:read');

/** The items a caller may see in a campaign: all with governance:read, else the user's own. */
async function visibleItems(caller: Caller, campaign: CampaignRecord): Promise<ReviewItemRecord[]> {
  if (seesAll(caller.principal)) return reviews.items(caller.organizationId, campaign.id);
  if (caller.principal.kind !== 'user') return [];
  return reviews.itemsOfReviewer(caller.organizationId, caller.principal.userId, campaign.id);
}

/**
 * A campaign the caller may see: any with governance:read; a reviewer's own campaigns otherwise
 * (others answer 404, as if they did not exist). Clients need governance:read.
 *
 * @throws NotFoundError, PermissionError.
 */
async function visibleCampaign(caller: Caller, campaignId: string): Promise<{ campaign: CampaignRecord; items: ReviewItemRecord[] }> {
  if (!seesAll(caller.principal) && caller.principal.kind !== 'user') throw new PermissionError("This operation requires the 'governance:read' scope.");
  const campaign = await reviews.campaignById(caller.organizationId, campaignId);
  if (!campaign) throw campaignNotFound(campaignId);
  const items = await visibleItems(caller, campaign);
  if (!seesAll(caller.principal) && items.length === 0) throw campaignNotFound(campaignId);
  return { campaign, items };
}

/** GET /api/reviews/campaigns — campaigns by creation time, newest first, each with its progress (a reviewer's: their share). */
export async function listCampaigns(caller: Caller, query: { page: number; pageSize: number; status?: CampaignRecord['status'] | undefined }): Promise<DirectoryPage<CampaignView>> {
  let visible: CampaignRecord[];
  let own: Map<string, ReviewItemRecord[]> | undefined;
  if (seesAll(caller.principal)) visible = await reviews.campaigns(caller.organizationId);
  else if (caller.principal.kind === 'user') {
    own = new Map();
    for (const item of await reviews.itemsOfReviewer(caller.organizationId, caller.principal.userId)) own.set(item.campaignId, [...(own.get(item.campaignId) ?? []), item]);
    visible = (await Promise.all([...own.keys()].map((id) => reviews.campaignById(caller.organizationId, id)))).filter((campaign): campaign is CampaignRecord => campaign !== undefined);
  } else throw new PermissionError("This operation requires the 'governance:read' scope.");
  const filtered = visible.filter((campaign) => query.status === undefined || campaign.status === query.status).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
  const page = pageOf(filtered, query.page, query.pageSize);
  const data = await Promise.all(page.data.map(async (campaign) => campaignView(campaign, own?.get(campaign.id) ?? (await reviews.items(caller.organizationId, campaign.id)))));
  return { ...page, data };
}

/** GET /api/reviews/campaigns/{id} — the campaign with its progress. */
export async function getCampaign(caller: Caller, campaignId: string): Promise<CampaignView> {
  const { campaign, items } = await visibleCampaign(caller, campaignId);
  return campaignView(campaign, items);
}

/** GET /api/reviews/campaigns/{id}/items — the caller's visible items, by user name, filtered. */
export async function listItems(
  caller: Caller,
  campaignId: string,
  query: { page: number; pageSize: number; status?: ReviewItemView['status'] | undefined; reviewerId?: string | undefined; userId?: string | undefined },
): Promise<DirectoryPage<ReviewItemView>> {
  const { items } = await visibleCampaign(caller, campaignId);
  const matching = items
    .filter((item) => (query.status === undefined || itemStatus(item) === query.status) && (query.reviewerId === undefined || item.reviewerId === query.reviewerId) && (query.userId === undefined || item.userId === query.userId))
    .sort((a, b) => a.userName.localeCompare(b.userName) || a.entitlement.kind.localeCompare(b.entitlement.kind) || a.id.localeCompare(b.id));
  const page = pageOf(matching, query.page, query.pageSize);
  return { ...page, data: page.data.map(itemView) };
}

const RECURRENCE_MONTHS: Record<Recurrence, number> = { monthly: 1, quarterly: 3, semiannually: 6, annually: 12 };

/** `from` plus one recurrence period, in calendar months (UTC), on the same day or the month's last (Nov 30 + a quarter = Feb 28). */
export function nextOccurrence(from: string, recurrence: Recurrence): string {
  const date = new Date(from);
  const day = date.getUTCDate();
  date.setUTCDate(1);
  date.setUTCMonth(date.getUTCMonth() + RECURRENCE_MONTHS[recurrence]);
  const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
  date.setUTCDate(Math.min(day, lastDay));
  return date.toISOString();
}

/**
 * POST /api/reviews/campaigns — a draft campaign; items are generated when it starts.
 *
 * @throws ValidationError when the due date has passed or a group, connection, role or reviewer does not exist.
 */
export async function createCampaign(caller: Caller, input: CampaignCreateInput): Promise<CampaignView> {
  const { organizationId } = caller;
  if (Date.parse(input.dueAt) <= Date.now()) throw new ValidationError('dueAt must be in the future.', { field: 'dueAt' });
  await assertCampaignReferences(organizationId, input.scope, input.reviewers);
  const id = randomUUID();
  const now = new Date().toISOString();
  const record: CampaignRecord = {
    id,
    organizationId,
    name: input.name,
    ...(input.description !== undefined ? { description: input.description } : {}),
    status: 'draft',
    scope: input.scope,
    reviewers: input.reviewers,
    dueAt: input.dueAt,
    ...(input.recurrence ? { recurrence: input.recurrence } : {}),
    onUndecided: input.onUndecided,
    escalationDays: input.escalationDays,
    applyMode: input.applyMode,
    dormantDays: input.dormantDays,
    safety: input.safety,
    seriesId: id,
    occurrence: 1,
    itemCount: 0,
    createdBy: caller.actor,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await transact([
    reviews.campaignPutStep(record, { expectedVersion: undefined, onConflict: () => new ConflictError('Campaign id collision; retry.') }),
    auditStep({ organizationId, action: 'review.campaign.created', actor: caller.actor, origin: caller.origin, target: { type: 'reviewCampaign', id }, details: { name: record.name, scope: record.scope.kind } }),
  ]);
  return campaignView(record, []);
}

function chunks<T>(list: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < list.length; i += size) result.push(list.slice(i, i + size));
  return result;
}

/**
 * Starts a draft campaign: generates its items from the identity store as it is now and makes it
 * active (one `review.campaign.started` entry with the counts). A campaign of up to ~96 items is
 * one transaction; a larger one first claims the campaign (so a second start answers 409), writes
 * its items in chunks, then activates it.
 */
async function startDraft(caller: Omit<Caller, 'principal'>, campaign: CampaignRecord): Promise<CampaignView> {
  const { organizationId } = caller;
  const now = Date.now();
  if (campaign.status !== 'draft' || campaign.startedAt) throw new ConflictError(`Campaign ${campaign.id} has already been started.`);
  if (Date.parse(campaign.dueAt) <= now) throw new ValidationError('The campaign is past its due date; create a new one.', { field: 'dueAt' });
  const items = await generateItems(campaign, now);
  const startedAt = new Date(now).toISOString();
  const active: CampaignRecord = {
    ...campaign,
    status: 'active',
    startedAt,
    itemCount: items.length,
    ...(campaign.recurrence ? { nextOccurrenceAt: nextOccurrence(startedAt, campaign.recurrence) } : {}),
    updatedAt: startedAt,
  };
  const started = auditStep({
    organizationId,
    action: 'review.campaign.started',
    actor: caller.actor,
    origin: caller.origin,
    target: { type: 'reviewCampaign', id: campaign.id },
    details: { itemCount: items.length, revokeRecommended: items.filter((item) => item.recommendation === 'revoke').length, occurrence: campaign.occurrence },
  });
  const itemSteps = items.map((item) => reviews.itemPutStep(item, { expectedVersion: undefined, onConflict: () => new ConflictError('Review item id collision; retry.') }));
  if (itemSteps.length + 3 <= MAX_TRANSACTION_ITEMS - 1) {
    await transact([...itemSteps, reviews.campaignPutStep({ ...active, version: campaign.version + 1 }, { expectedVersion: campaign.version, onConflict: () => changedConcurrently(campaign.id) }), started]);
    return campaignView({ ...active, version: campaign.version + 1 }, items);
  }
  const claimed: CampaignRecord = { ...campaign, startedAt, version: campaign.version + 1, updatedAt: startedAt };
  await transact([reviews.campaignPutStep(claimed, { expectedVersion: campaign.version, onConflict: () => changedConcurrently(campaign.id) })]);
  for (const chunk of chunks(itemSteps, ITEM_CHUNK)) await transact(chunk);
  await transact([reviews.campaignPutStep({ ...active, version: claimed.version + 1 }, { expectedVersion: claimed.version, onConflict: () => changedConcurrently(campaign.id) }), started]);
  return campaignView({ ...active, version: claimed.version + 1 }, items);
}

/** POST /api/reviews/campaigns/{id}/start. @throws NotFoundError, ConflictError (not a draft), ValidationError (past due). */
export async function startCampaign(caller: Caller, campaignId: string): Promise<CampaignView> {
  const campaign = await reviews.campaignById(caller.organizationId, campaignId);
  if (!campaign) throw campaignNotFound(campaignId);
  return startDraft(caller, campaign);
}

/**
 * POST /api/reviews/campaigns/{id}/items/{itemId}/decision — approve or revoke, with a
 * justification. Final: a second decision is a 409; the decision is kept (its own record and on
 * the item) and audited as `review.item.decided`. The item's reviewer decides, or a caller with
 * governance:write; nobody decides an item about themself, and a revoke that would remove the
 * organization's last Owner is refused (409). Revokes are applied at close or by …/apply.
 */
export async function decideItem(caller: Caller, campaignId: string, itemId: string, input: DecisionInput): Promise<ReviewItemView> {
  const { organizationId, principal } = caller;
  const campaign = await reviews.campaignById(organizationId, campaignId);
  const item = campaign ? await reviews.itemById(organizationId, campaignId, itemId) : undefined;
  const isReviewer = principal.kind === 'user' && item !== undefined && item.reviewerId === principal.userId;
  const mayDecideAny = principal.scopes.has('governance:write');
  if (!campaign) throw campaignNotFound(campaignId);
  if (!isReviewer && !seesAll(principal)) {
    // A reviewer sees the campaigns they review (GET answers 200): there, an item that is not theirs
    // is an unknown item; a campaign they do not review stays hidden, as GET hides it.
    const reviewsIt = principal.kind === 'user' && (await reviews.itemsOfReviewer(organizationId, principal.userId, campaignId)).length > 0;
    if (!reviewsIt) throw campaignNotFound(campaignId);
    throw itemNotFound(itemId);
  }
  if (!item) throw itemNotFound(itemId);
  if (!isReviewer && !mayDecideAny) throw new PermissionError('Only the item’s reviewer, or a caller with governance:write, can decide it.');
  if (principal.kind === 'user' && principal.userId === item.userId) throw new PermissionError('Nobody reviews their own access: ask another reviewer or an administrator.');
  if (campaign.status !== 'active') throw new ConflictError(`Campaign ${campaignId} is ${campaign.status}; decisions are taken while it is active.`);
  if (item.decision) throw new ConflictError(`Review item ${itemId} was already decided (${item.decision.decision}); decisions are final.`);
  if (input.decision === 'revoke' && removesLastOwner(withDecidedRevokes(await ownerSources(organizationId), await reviews.items(organizationId, campaignId)), item)) {
    throw new ConflictError(`Revoking this access would leave the organization without an Owner; approve it, or make someone else an Owner first.`);
  }
  const decidedAt = new Date().toISOString();
  const decision: ReviewDecisionRecord = { itemId, campaignId, decision: input.decision, justification: input.justification, decidedBy: caller.actor, decidedAt, automatic: false };
  const after: ReviewItemRecord = {
    ...item,
    decision,
    application: input.decision === 'revoke' ? { status: 'pending' } : { status: 'notApplicable' },
    version: item.version + 1,
    updatedAt: decidedAt,
  };
  const decided = () => new ConflictError(`Review item ${itemId} was already decided; decisions are final.`);
  await transact([
    reviews.decisionPutStep(organizationId, decision, decided),
    reviews.itemPutStep(after, { expectedVersion: item.version, onConflict: decided }),
    auditStep({
      organizationId,
      action: 'review.item.decided',
      actor: caller.actor,
      origin: caller.origin,
      target: { type: 'reviewItem', id: itemId },
      details: { campaignId, decision: input.decision, justification: input.justification, userId: item.userId, entitlement: item.entitlement.kind, recommendation: item.recommendation },
    }),
  ]);
  return itemView(after);
}

/**
 * Decides every undecided item automatically, as the campaign says (`keep` → approve, `revoke` →
 * revoke; `escalate` has nothing left to escalate to here and keeps), in chunks, each with one
 * `review.items.settled` audit entry. Returns how many items were settled.
 */
async function settleUndecided(caller: Omit<Caller, 'principal'>, campaign: CampaignRecord, reason: string): Promise<number> {
  const { organizationId } = caller;
  const pending = (await reviews.items(organizationId, campaign.id)).filter((item) => !item.decision);
  const outcome = campaign.onUndecided === 'revoke' ? 'revoke' : 'approve';
  const decidedAt = new Date().toISOString();
  for (const chunk of chunks(pending, SETTLE_CHUNK)) {
    const steps: TransactionStep[] = chunk.flatMap((item) => {
      const decision: ReviewDecisionRecord = { itemId: item.id, campaignId: campaign.id, decision: outcome, justification: reason, decidedBy: caller.actor, decidedAt, automatic: true };
      const decided = () => new ConflictError(`Review item ${item.id} was decided meanwhile.`);
      return [
        reviews.decisionPutStep(organizationId, decision, decided),
        reviews.itemPutStep({ ...item, decision, application: outcome === 'revoke' ? { status: 'pending' } : { status: 'notApplicable' }, version: item.version + 1, updatedAt: decidedAt }, { expectedVersion: item.version, onConflict: decided }),
      ];
    });
    steps.push(auditStep({ organizationId, action: 'review.items.settled', actor: caller.actor, origin: caller.origin, target: { type: 'reviewCampaign', id: campaign.id }, details: { decision: outcome, count: chunk.length, itemIds: chunk.map((item) => item.id), reason } }));
    await transact(steps);
  }
  return pending.length;
}

/**
 * Closes an active campaign: settles undecided items (`onUndecided`), records the campaign closed
 * (`review.campaign.closed`), and with `applyMode: onClose` applies its revokes (each audited by
 * its own write path). Returns the closed campaign and what applying did.
 */
async function closeActive(caller: Omit<Caller, 'principal'>, campaign: CampaignRecord, reason: string): Promise<{ campaign: CampaignRecord; settled: number; applied: ApplySummary | null }> {
  if (campaign.status !== 'active') throw new ConflictError(`Campaign ${campaign.id} is ${campaign.status}; only an active campaign can be closed.`);
  const settled = await settleUndecided(caller, campaign, reason);
  const closedAt = new Date().toISOString();
  const closed: CampaignRecord = { ...campaign, status: 'closed', closedAt, dueHandledAt: campaign.dueHandledAt ?? closedAt, version: campaign.version + 1, updatedAt: closedAt };
  await transact([
    reviews.campaignPutStep(closed, { expectedVersion: campaign.version, onConflict: () => changedConcurrently(campaign.id) }),
    auditStep({ organizationId: caller.organizationId, action: 'review.campaign.closed', actor: caller.actor, origin: caller.origin, target: { type: 'reviewCampaign', id: campaign.id }, details: { settled, onUndecided: campaign.onUndecided, applyMode: campaign.applyMode } }),
  ]);
  const applied = campaign.applyMode === 'onClose' ? await applyRevokes(caller, closed, { confirm: false }) : null;
  return { campaign: closed, settled, applied };
}

/** POST /api/reviews/campaigns/{id}/close. @throws NotFoundError, ConflictError (not active). */
export async function closeCampaign(caller: Caller, campaignId: string): Promise<CampaignView & { applied: ApplySummary | null }> {
  const campaign = await reviews.campaignById(caller.organizationId, campaignId);
  if (!campaign) throw campaignNotFound(campaignId);
  const reason = campaign.onUndecided === 'revoke' ? 'Not decided before the campaign was closed; revoked by the campaign setting onUndecided: revoke.' : 'Not decided before the campaign was closed; access kept.';
  const result = await closeActive(caller, campaign, reason);
  return { ...campaignView(result.campaign, await reviews.items(caller.organizationId, campaignId)), applied: result.applied };
}

/**
 * POST /api/reviews/campaigns/{id}/apply — applies decided revokes now (an active or closed
 * campaign); `confirm` also applies those waiting for confirmation. One `review.campaign.applied`
 * entry with the summary, plus one entry per revoke from its write path.
 */
export async function applyCampaign(caller: Caller, campaignId: string, options: { confirm: boolean }): Promise<ApplySummary> {
  const campaign = await reviews.campaignById(caller.organizationId, campaignId);
  if (!campaign) throw campaignNotFound(campaignId);
  if (campaign.status === 'draft') throw new ConflictError(`Campaign ${campaignId} has not started; there is nothing to apply.`);
  const summary = await applyRevokes(caller, campaign, options);
  await transact([
    auditStep({ organizationId: caller.organizationId, action: 'review.campaign.applied', actor: caller.actor, origin: caller.origin, target: { type: 'reviewCampaign', id: campaignId }, details: { confirm: options.confirm, ...summary } }),
  ]);
  return summary;
}

// --- the due-date and recurrence sweep (access-reviews-due worker) ---------------------------------

const SWEEPER: AuditEvent['actor'] = { actorType: 'system', actorId: 'access-reviews-due' };
const SWEEP_ORIGIN: RequestOrigin = { ipAddress: '', userAgent: 'identity-platform worker access-reviews-due' };

/**
 * Escalates a campaign's undecided items to its fallback reviewer (items about the fallback
 * reviewer stay with their reviewer) and moves the due date `escalationDays` later.
 */
async function escalate(campaign: CampaignRecord, now: number): Promise<number> {
  const { organizationId } = campaign;
  const fallback = campaign.reviewers.fallbackReviewerId as string;
  const pending = (await reviews.items(organizationId, campaign.id)).filter((item) => !item.decision && item.userId !== fallback);
  const at = new Date(now).toISOString();
  for (const chunk of chunks(pending, ITEM_CHUNK - 2)) {
    await transact([
      ...chunk.map((item) => reviews.itemPutStep({ ...item, reviewerId: fallback, escalated: true, version: item.version + 1, updatedAt: at }, { expectedVersion: item.version, onConflict: () => new ConcurrentChangeError(`Review item ${item.id} changed concurrently.`) })),
      auditStep({ organizationId, action: 'review.items.escalated', actor: SWEEPER, origin: SWEEP_ORIGIN, target: { type: 'reviewCampaign', id: campaign.id }, details: { to: fallback, count: chunk.length, itemIds: chunk.map((item) => item.id) } }),
    ]);
  }
  const dueAt = new Date(now + campaign.escalationDays * DAY_MS).toISOString();
  await transact([reviews.campaignPutStep({ ...campaign, dueAt, escalatedAt: at, version: campaign.version + 1, updatedAt: at }, { expectedVersion: campaign.version, onConflict: () => changedConcurrently(campaign.id) })]);
  return pending.length;
}

export interface SweepResult {
  /** Campaigns whose due date was handled: closed (keep/revoke) or escalated. */
  closed: string[];
  escalated: string[];
  /** New occurrences of recurring campaigns, started. */
  occurrences: string[];
  failed: string[];
}

/** Creates and starts the next occurrence of a recurring series whose time has come. */
async function startNextOccurrence(previous: CampaignRecord): Promise<string> {
  const startAt = previous.nextOccurrenceAt as string;
  const id = randomUUID();
  const at = new Date().toISOString();
  const window = Date.parse(previous.dueAt) - Date.parse(previous.startedAt ?? previous.createdAt);
  const { startedAt: _s, closedAt: _c, escalatedAt: _e, dueHandledAt: _d, nextOccurrenceAt: _n, nextOccurrenceId: _i, ...definition } = previous;
  const next: CampaignRecord = {
    ...definition,
    id,
    status: 'draft',
    dueAt: new Date(Math.max(Date.parse(startAt), Date.now()) + window).toISOString(),
    occurrence: previous.occurrence + 1,
    itemCount: 0,
    createdBy: SWEEPER,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
  await transact([
    reviews.campaignPutStep(next, { expectedVersion: undefined, onConflict: () => new ConflictError('Campaign id collision; retry.') }),
    reviews.campaignPutStep({ ...previous, nextOccurrenceId: id, version: previous.version + 1, updatedAt: at }, { expectedVersion: previous.version, onConflict: () => changedConcurrently(previous.id) }),
    auditStep({ organizationId: previous.organizationId, action: 'review.campaign.created', actor: SWEEPER, origin: SWEEP_ORIGIN, target: { type: 'reviewCampaign', id }, details: { name: next.name, scope: next.scope.kind, seriesId: next.seriesId, occurrence: next.occurrence, previousId: previous.id } }),
  ]);
  await startDraft({ organizationId: previous.organizationId, actor: SWEEPER, origin: SWEEP_ORIGIN }, next);
  return id;
}

/**
 * The scheduled sweep: handles every active campaign whose due date is at or before `now` —
 * escalation to the fallback reviewer once (onUndecided: escalate), otherwise closing it with its
 * undecided items kept or revoked (and its revokes applied with applyMode onClose, behind the
 * safety rails) — then starts the next occurrence of every recurring series that is due. Each
 * campaign is handled on its own: a failure is logged, counted, and retried by the next run.
 *
 * @param now epoch milliseconds (the schedule's time).
 */
export async function sweepAccessReviews(now: number): Promise<SweepResult> {
  const result: SweepResult = { closed: [], escalated: [], occurrences: [], failed: [] };
  const until = new Date(now).toISOString();
  for (const ref of await reviews.dueCampaigns(until)) {
    try {
      const campaign = await reviews.campaignById(ref.organizationId, ref.campaignId);
      if (!campaign || campaign.status !== 'active' || campaign.dueHandledAt || Date.parse(campaign.dueAt) > now) continue;
      if (campaign.onUndecided === 'escalate' && !campaign.escalatedAt && campaign.reviewers.fallbackReviewerId) {
        await escalate(campaign, now);
        result.escalated.push(campaign.id);
        continue;
      }
      const reason =
        campaign.onUndecided === 'revoke'
          ? 'No decision by the due date; revoked by the campaign setting onUndecided: revoke.'
          : campaign.onUndecided === 'escalate'
            ? 'No decision by the due date, also after escalation; access kept.'
            : 'No decision by the due date; access kept by the campaign setting onUndecided: keep.';
      await closeActive({ organizationId: campaign.organizationId, actor: SWEEPER, origin: SWEEP_ORIGIN }, campaign, reason);
      result.closed.push(campaign.id);
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      logger.error('access review sweep failed for a campaign', { ...ref, error: error.message });
      result.failed.push(ref.campaignId);
    }
  }
  for (const ref of await reviews.recurrencesDue(until)) {
    try {
      const campaign = await reviews.campaignById(ref.organizationId, ref.campaignId);
      if (!campaign?.nextOccurrenceAt || campaign.nextOccurrenceId || Date.parse(campaign.nextOccurrenceAt) > now) continue;
      result.occurrences.push(await startNextOccurrence(campaign));
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      logger.error('access review sweep failed for a campaign', { ...ref, error: error.message });
      result.failed.push(ref.campaignId);
    }
  }
  return result;
}
