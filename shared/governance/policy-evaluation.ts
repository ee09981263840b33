/**
 * Policy evaluation (issue 14): turns the rules' conditions (policy-rules.ts) into violations that
 * open, resolve and reopen themselves, each write in one transaction with its audit entry (actor
 * `system`).
 *
 * - Incremental (`evaluateAuditChanges`, the `policy-evaluation` audit-stream worker): the audit
 *   entries of committed changes name the users they may affect (auditImpact); only those users
 *   are evaluated against the organization's enabled policies.
 * - One policy over the whole organization (`sweepPolicy`, the `policy-sweep` queue worker, started
 *   by policy create/update/enable/disable/delete): a disabled or deleted policy's violations resolve.
 * - Every organization with enabled policies (`sweepAll`, the hourly `policy-sweep-hourly` worker):
 *   time-based rules (dormancy), lapsed exceptions (found through their own index), and anything an
 *   event did not reach.
 *
 * One condition, one unresolved violation: opening writes the (policy, user) claim with
 * put-if-absent in the same transaction, so of two concurrent evaluations only one opens; resolving
 * removes the claim on the condition that it still names that violation.
 */
import { auditStep, type AuditEvent, type RequestOrigin } from '../audit/audit-entry.ts';
import { ulid } from '../audit/ulid.ts';
import { ConcurrentChangeError, ConflictError, DomainError } from '../errors/domain-errors.ts';
import { logger } from '../observability/logger.ts';
import * as groups from '../storage/groups.ts';
import * as persons from '../storage/persons.ts';
import * as store from '../storage/policies.ts';
import type { PolicyRecord, ViolationClaimRecord, ViolationRecord } from '../storage/policies.ts';
import { transact, type TransactionStep } from '../storage/transactions.ts';
import type { AuditChange } from '../storage/audit-stream.ts';
import { factsOfOrganization, factsOfUsers, needsOf } from './policy-facts.ts';
import { mapLimited } from '../concurrency/map-limited.ts';
import { auditImpact, clearedReason, evaluatePolicy, type Condition, type UserFacts } from './policy-rules.ts';
import { addMetric } from '../observability/metrics.ts';
import * as metric from '../observability/metrics-catalog.ts';

/** Violation writes in flight at once (each is one small transaction). */
const WRITE_PARALLELISM = 8;

export interface EvaluationActor {
  actor: AuditEvent['actor'];
  origin: RequestOrigin;
}

export function systemActor(workerId: string): EvaluationActor {
  return { actor: { actorType: 'system', actorId: workerId }, origin: { ipAddress: '', userAgent: `identity-platform worker ${workerId}` } };
}

/** What an evaluation did. */
export interface EvaluationCounts {
  users: number;
  opened: number;
  resolved: number;
  reopened: number;
  /** Writes another evaluation won (the claim was taken or changed first): nothing to do. */
  raced: number;
}

const emptyCounts = (): EvaluationCounts => ({ users: 0, opened: 0, resolved: 0, reopened: 0, raced: 0 });

function add(into: EvaluationCounts, from: EvaluationCounts): EvaluationCounts {
  into.users += from.users;
  into.opened += from.opened;
  into.resolved += from.resolved;
  into.reopened += from.reopened;
  into.raced += from.raced;
  return into;
}

const claimTaken = () => new ConflictError('The condition already has an unresolved violation.');
const changed = () => new ConcurrentChangeError('The violation changed concurrently.');

function violationAudit(who: EvaluationActor, violation: ViolationRecord, action: string, details: Record<string, unknown>): TransactionStep {
  return auditStep({
    organizationId: violation.organizationId,
    action,
    actor: who.actor,
    origin: who.origin,
    target: { type: 'violation', id: violation.id },
    details: { policyId: violation.policyId, policyType: violation.policyType, userId: violation.userId, severity: violation.severity, ...details },
  });
}

function claimOf(violation: ViolationRecord, refs: string[]): ViolationClaimRecord {
  return {
    organizationId: violation.organizationId,
    policyId: violation.policyId,
    userId: violation.userId,
    violationId: violation.id,
    status: violation.status === 'resolved' ? 'open' : violation.status,
    version: violation.version,
    refs,
    ...(violation.status === 'ignored' && violation.exception?.expiresAt ? { expiresAt: violation.exception.expiresAt } : {}),
  };
}

/** Opens a violation for a condition; false when another evaluation claimed the condition first. */
async function open(who: EvaluationActor, policy: PolicyRecord, facts: UserFacts, condition: Condition): Promise<boolean> {
  const at = new Date().toISOString();
  const violation: ViolationRecord = {
    id: ulid(),
    organizationId: policy.organizationId,
    policyId: policy.id,
    policyName: policy.name,
    policyType: policy.type,
    severity: policy.severity,
    userId: facts.id,
    userName: facts.userName,
    displayName: facts.displayName,
    summary: condition.summary,
    evidence: condition.evidence,
    status: 'open',
    openedAt: at,
    version: 1,
    updatedAt: at,
  };
  try {
    await transact([
      store.claimOpenStep(claimOf(violation, condition.refs), claimTaken),
      store.violationPutStep(violation, { expectedVersion: undefined, onConflict: claimTaken }),
      violationAudit(who, violation, 'violation.opened', { summary: condition.summary, evidence: condition.evidence }),
    ]);
    addMetric(metric.violationsOpened, 1, { severity: violation.severity });
    return true;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'conflict') return false;
    throw error;
  }
}

/**
 * Resolves an unresolved violation (`reason`: condition cleared: …, policy disabled, policy
 * deleted, user deleted). Re-reads once when it changed concurrently (an acknowledgement at the
 * same moment); false when it was resolved or changed by someone else meanwhile.
 */
export async function resolveViolation(who: EvaluationActor, organizationId: string, violationId: string, reason: string): Promise<boolean> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const violation = await store.violationById(organizationId, violationId);
    if (!violation || violation.status === 'resolved') return false;
    const at = new Date().toISOString();
    const resolved: ViolationRecord = { ...violation, status: 'resolved', resolvedAt: at, resolution: reason, version: violation.version + 1, updatedAt: at };
    try {
      await transact([
        store.violationPutStep(resolved, { expectedVersion: violation.version, onConflict: changed }),
        store.claimReleaseStep(organizationId, violation.policyId, violation.userId, violation.id, changed),
        violationAudit(who, resolved, 'violation.resolved', { resolution: reason, previousStatus: violation.status }),
      ]);
      addMetric(metric.violationsResolved, 1, { severity: violation.severity });
      return true;
    } catch (error) {
      if (!(error instanceof DomainError && error.code === 'conflict')) throw error;
    }
  }
  return false;
}

/** An ignored violation whose exception lapsed while the condition still holds: open again. */
async function reopen(who: EvaluationActor, claim: ViolationClaimRecord, condition: Condition, refs: string[]): Promise<boolean> {
  const violation = await store.violationById(claim.organizationId, claim.violationId);
  if (!violation || violation.status !== 'ignored') return false;
  const at = new Date().toISOString();
  const reopened: ViolationRecord = { ...violation, status: 'open', reopenedAt: at, summary: condition.summary, evidence: condition.evidence, version: violation.version + 1, updatedAt: at };
  try {
    await transact([
      store.violationPutStep(reopened, { expectedVersion: violation.version, onConflict: changed }),
      store.claimUpdateStep(claimOf(reopened, refs), changed),
      violationAudit(who, reopened, 'violation.reopened', { reason: 'exception lapsed', exceptionExpiredAt: violation.exception?.expiresAt ?? null, summary: condition.summary }),
    ]);
    // Open again: counted with the opened ones (the open-violation count rises either way).
    addMetric(metric.violationsOpened, 1, { severity: violation.severity });
    return true;
  } catch (error) {
    if (error instanceof DomainError && error.code === 'conflict') return false;
    throw error;
  }
}

/**
 * Brings one (policy, user) pair in line: opens a violation for a condition without one, resolves
 * the unresolved violation of a condition that cleared (or of a user that no longer exists),
 * reopens an ignored one whose exception lapsed at `now` while the condition holds.
 */
async function reconcile(who: EvaluationActor, policy: PolicyRecord, facts: UserFacts | undefined, claim: ViolationClaimRecord | undefined, now: number, counts: EvaluationCounts): Promise<void> {
  const tally = (done: boolean, outcome: 'opened' | 'resolved' | 'reopened') => {
    counts[done ? outcome : 'raced'] += 1;
  };
  if (!facts) {
    if (claim) tally(await resolveViolation(who, policy.organizationId, claim.violationId, 'user deleted'), 'resolved');
    return;
  }
  const condition = evaluatePolicy(policy, facts, now);
  if (condition && !claim) tally(await open(who, policy, facts, condition), 'opened');
  else if (!condition && claim) tally(await resolveViolation(who, policy.organizationId, claim.violationId, clearedReason(policy, facts)), 'resolved');
  else if (condition && claim?.status === 'ignored' && claim.expiresAt !== undefined && Date.parse(claim.expiresAt) <= now) tally(await reopen(who, claim, condition, condition.refs), 'reopened');
}

/** The organization's enabled policies. */
export async function enabledPolicies(organizationId: string): Promise<PolicyRecord[]> {
  return (await store.policies(organizationId)).filter((policy) => policy.enabled);
}

/**
 * Evaluates the given users against the given policies (default: the organization's enabled
 * ones) at `now` (epoch ms). Cost proportional to the users: their facts, one BatchGetItem of
 * claims per 100 (policy, user) pairs, and one transaction per violation opened, resolved or reopened.
 */
export async function evaluateUsers(organizationId: string, userIds: readonly string[], now: number, who: EvaluationActor, policies?: readonly PolicyRecord[]): Promise<EvaluationCounts> {
  const counts = emptyCounts();
  const active = policies ?? (await enabledPolicies(organizationId));
  const ids = [...new Set(userIds)];
  if (active.length === 0 || ids.length === 0) return counts;
  counts.users = ids.length;
  const facts = await factsOfUsers(organizationId, ids, needsOf(active));
  const pairs = active.flatMap((policy) => ids.map((userId) => ({ policyId: policy.id, userId })));
  const claimByPair = new Map((await store.claimsOf(organizationId, pairs)).map((claim) => [`${claim.policyId}#${claim.userId}`, claim]));
  await mapLimited(pairs, WRITE_PARALLELISM, async ({ policyId, userId }) => {
    const policy = active.find((candidate) => candidate.id === policyId) as PolicyRecord;
    await reconcile(who, policy, facts.get(userId), claimByPair.get(`${policyId}#${userId}`), now, counts);
  });
  return counts;
}

/**
 * Evaluates `policies` over every user of the organization (plus the users of unresolved
 * violations that no longer exist), at `now`: what the sweeps do for one organization.
 */
export async function evaluateOrganization(organizationId: string, policies: readonly PolicyRecord[], now: number, who: EvaluationActor): Promise<EvaluationCounts> {
  const counts = emptyCounts();
  if (policies.length === 0) return counts;
  const facts = await factsOfOrganization(organizationId, needsOf(policies));
  counts.users = facts.size;
  const wanted = new Set(policies.map((policy) => policy.id));
  const claimByPair = new Map((await store.claims(organizationId)).filter((claim) => wanted.has(claim.policyId)).map((claim) => [`${claim.policyId}#${claim.userId}`, claim]));
  const pairs = policies.flatMap((policy) => [...facts.keys()].map((userId) => ({ policy, userId })));
  for (const claim of claimByPair.values()) if (!facts.has(claim.userId)) pairs.push({ policy: policies.find((policy) => policy.id === claim.policyId) as PolicyRecord, userId: claim.userId });
  await mapLimited(pairs, WRITE_PARALLELISM, ({ policy, userId }) => reconcile(who, policy, facts.get(userId), claimByPair.get(`${policy.id}#${userId}`), now, counts));
  return counts;
}

/**
 * The `policy-sweep` worker: after a policy was created, changed, enabled, disabled or deleted,
 * evaluates it over the whole organization — or, when it is disabled or gone, resolves its
 * unresolved violations (`policy disabled`, `policy deleted`). Idempotent.
 */
export async function sweepPolicy(organizationId: string, policyId: string, now: number, who = systemActor('policy-sweep')): Promise<EvaluationCounts> {
  const policy = await store.policyById(organizationId, policyId);
  if (policy?.enabled) return evaluateOrganization(organizationId, [policy], now, who);
  const counts = emptyCounts();
  const reason = policy ? 'policy disabled' : 'policy deleted';
  await mapLimited(await store.claims(organizationId, policyId), WRITE_PARALLELISM, async (claim) => {
    counts[(await resolveViolation(who, organizationId, claim.violationId, reason)) ? 'resolved' : 'raced'] += 1;
  });
  return counts;
}

/** The users one organization's audit changes may affect (see auditImpact), read from groups, claims, persons and policies. */
export async function affectedUsers(organizationId: string, changes: readonly Pick<AuditChange, 'action' | 'targetType' | 'targetId' | 'details'>[], policies: readonly PolicyRecord[]): Promise<string[]> {
  const userIds = new Set<string>();
  const groupIds = new Set<string>();
  const roleIds = new Set<string>();
  const personIds = new Set<string>();
  for (const change of changes) {
    const impact = auditImpact(change);
    for (const id of impact.userIds) userIds.add(id);
    for (const id of impact.groupIds) groupIds.add(id);
    for (const id of impact.roleIds) roleIds.add(id);
    for (const id of impact.personIds) personIds.add(id);
  }
  if (groupIds.size > 0 || roleIds.size > 0) {
    // Users whose unresolved violations cite a changed group or role (their access may be gone, and
    // a synchronised group's entry does not list the members it removed).
    for (const claim of await store.claims(organizationId)) if (claim.refs.some((ref) => groupIds.has(ref) || roleIds.has(ref))) userIds.add(claim.userId);
  }
  if (groupIds.size > 0) {
    // The group's members, and — when a policy approves the group's members for privileged
    // groups — the members of those privileged groups (leaving the approved group makes them violate).
    const privileged = new Set<string>();
    for (const policy of policies) if (policy.type === 'privilegedGroupOutsideApproved' && policy.parameters.approvedGroupId && groupIds.has(policy.parameters.approvedGroupId)) for (const id of policy.parameters.groupIds) privileged.add(id);
    const memberLists = await mapLimited([...new Set([...groupIds, ...privileged])], 16, (groupId) => groups.membersOf(organizationId, groupId));
    for (const membership of memberLists.flat()) userIds.add(membership.userId);
  }
  const objectLists = await mapLimited([...personIds], 16, (personId) => persons.objectsOf(organizationId, personId));
  for (const link of objectLists.flat()) userIds.add(link.userId);
  return [...userIds];
}

/**
 * The `policy-evaluation` worker: for each organization in a batch of audit changes, evaluates
 * the users the changes may affect against its enabled policies, at `now`. Organizations without
 * enabled policies cost one query.
 */
export async function evaluateAuditChanges(changes: readonly AuditChange[], now: number, who = systemActor('policy-evaluation')): Promise<EvaluationCounts> {
  const byOrganization = new Map<string, AuditChange[]>();
  for (const change of changes) byOrganization.set(change.organizationId, [...(byOrganization.get(change.organizationId) ?? []), change]);
  const counts = emptyCounts();
  for (const [organizationId, batch] of byOrganization) {
    const policies = await enabledPolicies(organizationId);
    if (policies.length === 0) continue;
    const users = await affectedUsers(organizationId, batch, policies);
    add(counts, await evaluateUsers(organizationId, users, now, who, policies));
  }
  return counts;
}

export interface SweepAllResult extends EvaluationCounts {
  organizations: number;
  lapsedExceptions: number;
  failed: string[];
}

/**
 * The hourly sweep: first the exceptions that lapsed by `now` (platform-wide index) — their users
 * are evaluated against those policies —, then every enabled policy of every organization that has
 * one (platform-wide index of enabled policies, no scan). Each organization on its own: a failure is
 * logged, counted and retried by the next run.
 *
 * @param now epoch milliseconds (the schedule's time).
 */
export async function sweepAll(now: number, who = systemActor('policy-sweep-hourly')): Promise<SweepAllResult> {
  const result: SweepAllResult = { ...emptyCounts(), organizations: 0, lapsedExceptions: 0, failed: [] };
  const lapsed = await store.exceptionsLapsing(new Date(now).toISOString());
  result.lapsedExceptions = lapsed.length;
  const lapsedByOrganization = new Map<string, string[]>();
  for (const entry of lapsed) lapsedByOrganization.set(entry.organizationId, [...(lapsedByOrganization.get(entry.organizationId) ?? []), entry.violationId]);
  for (const [organizationId, violationIds] of lapsedByOrganization) {
    try {
      const policies = await enabledPolicies(organizationId);
      for (const violation of await store.violationsByIds(organizationId, violationIds)) {
        const policy = policies.find((candidate) => candidate.id === violation.policyId);
        if (policy) add(result, await evaluateUsers(organizationId, [violation.userId], now, who, [policy]));
      }
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      logger.error('policy sweep failed for lapsed exceptions', { organizationId, error: error.message });
      result.failed.push(organizationId);
    }
  }
  for (const organizationId of await store.organizationsWithEnabledPolicies()) {
    try {
      result.organizations++;
      add(result, await evaluateOrganization(organizationId, await enabledPolicies(organizationId), now, who));
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      logger.error('policy sweep failed for an organization', { organizationId, error: error.message });
      result.failed.push(organizationId);
    }
  }
  return result;
}
