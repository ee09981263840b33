/**
 * The policies repository: governance policies (Directory API seed, "Policies & Violations"),
 * their violations, and the claim that keeps one condition from having two unresolved violations.
 *
 * Access patterns (README, "Storage"):
 * - policies.byId / list — the organization partition (`POLICY#<id>`);
 * - policies.organizationsWithEnabled — gsi2 `PLATFORM#POLICIES#ENABLED` / `<org>#<policy>` (sparse:
 *   enabled policies only): the organizations the hourly sweep evaluates, without a scan;
 * - violations.byId / list — `ORG#<org>#VIOLATIONS` / ULID (time-ordered, so `since` is a key condition);
 * - violations.ofPolicy — gsi1 `ORG#<org>#POLICY#<policy>#VIOLATIONS` / ULID;
 * - violations.unresolved — gsi2 `ORG#<org>#VIOLATIONS#UNRESOLVED` / ULID (sparse: open, acknowledged, ignored);
 * - violations.claims — `ORG#<org>#VCLAIM` / `<policy>#<user>`: put-if-absent in the transaction that
 *   opens a violation, deleted in the one that resolves it;
 * - violations.exceptionsLapsing — gsi1 on claims `PLATFORM#VIOLATIONS#EXPIRY` / `<expiresAt>#<org>#<violation>`
 *   (sparse: ignored violations with an expiry).
 */
import { ulidBounds } from '../audit/ulid.ts';
import type { DomainError } from '../errors/domain-errors.ts';
import { EntityType, isUuid } from './keys.ts';
import * as keys from './keys.ts';
import { batchGet, getItem, queryAll, queryPrefix } from './queries.ts';
import { put, putNew, remove, type TransactionStep } from './transactions.ts';

type Item = Record<string, unknown>;

export type Severity = 'critical' | 'high' | 'medium' | 'low';

/** What grants an entitlement a policy names: a group's membership, or a role (held directly or through a group). */
export type EntitlementRef = { kind: 'group'; groupId: string } | { kind: 'role'; roleId: string };

/** The built-in policy types and their parameters (shared/governance/policy-schemas.ts validates them). */
export type PolicyDefinition =
  | { type: 'separationOfDuties'; parameters: { a: EntitlementRef; b: EntitlementRef } }
  | { type: 'dormantAccount'; parameters: { days: number } }
  | { type: 'disabledWithAccess'; parameters: Record<string, never> }
  | { type: 'orphanedAccount'; parameters: { connectionIds?: string[] | undefined; authoritativeSources: string[] } }
  | { type: 'privilegedGroupOutsideApproved'; parameters: { groupIds: string[]; approvedUserIds: string[]; approvedGroupId?: string | undefined } }
  | { type: 'missingManager'; parameters: { connectionId?: string | undefined; department?: string | undefined } };

export type PolicyType = PolicyDefinition['type'];

/** One policy as stored. Timestamps ISO 8601 UTC. */
export type PolicyRecord = PolicyDefinition & {
  id: string;
  organizationId: string;
  name: string;
  description?: string | undefined;
  severity: Severity;
  enabled: boolean;
  createdBy: { actorType: string; actorId: string };
  version: number;
  createdAt: string;
  updatedAt: string;
};

export type ViolationStatus = 'open' | 'acknowledged' | 'ignored' | 'resolved';

/** A person's decision on a violation (acknowledge or ignore). */
export interface ViolationDecision {
  by: { actorType: string; actorId: string };
  at: string;
  reason: string;
  /** Ignore only: when the exception lapses (ISO 8601 UTC). */
  expiresAt?: string | undefined;
}

/** One violation: a (policy, user) condition that held from `openedAt` until `resolvedAt`. */
export interface ViolationRecord {
  /** ULID: time-ordered by when it opened. */
  id: string;
  organizationId: string;
  policyId: string;
  policyName: string;
  policyType: PolicyType;
  severity: Severity;
  userId: string;
  /** Snapshots taken when the violation opened. */
  userName: string;
  displayName: string;
  /** One sentence saying what holds. */
  summary: string;
  /** What grants the conflicting access, the last sign-in, … (per policy type; shared/governance/policy-rules.ts). */
  evidence: Record<string, unknown>;
  status: ViolationStatus;
  openedAt: string;
  acknowledgement?: ViolationDecision | undefined;
  exception?: ViolationDecision | undefined;
  /** When an exception lapsed and the violation opened again. */
  reopenedAt?: string | undefined;
  resolvedAt?: string | undefined;
  resolution?: string | undefined;
  version: number;
  updatedAt: string;
}

/** The claim of one unresolved (policy, user) condition. */
export interface ViolationClaimRecord {
  organizationId: string;
  policyId: string;
  userId: string;
  violationId: string;
  status: Exclude<ViolationStatus, 'resolved'>;
  /** The violation's version the claim was written with (the claim follows every violation write). */
  version: number;
  /** Ids of groups and roles the evidence names: events about them re-evaluate this user. */
  refs: string[];
  /** Ignored with an expiry: when the exception lapses. */
  expiresAt?: string | undefined;
}

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'type'] as const;
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

function strip<T>(item: Item): T {
  const record: Item = { ...item };
  for (const name of KEY_ATTRIBUTES) delete record[name];
  return record as T;
}

// --- policies ------------------------------------------------------------------------------------

/** A policy item keeps its policy type as `policyType`: `type` is every item's entity tag. */
function policyOf(item: Item): PolicyRecord {
  const record = strip<Item>(item);
  delete record.policyType;
  return { ...record, type: item.policyType } as PolicyRecord;
}

/** policies.byId — undefined when absent or when `policyId` is not a UUID (strongly consistent). */
export async function policyById(organizationId: string, policyId: string): Promise<PolicyRecord | undefined> {
  if (!isUuid(policyId)) return undefined;
  const item = await getItem(keys.policy(organizationId, policyId));
  return item ? policyOf(item) : undefined;
}

/** policies.list — every policy of an organization (strongly consistent; tens per organization), in no particular order. */
export async function policies(organizationId: string): Promise<PolicyRecord[]> {
  const prefix = keys.policyPrefix(organizationId);
  return (await queryPrefix(prefix.pk, prefix.skPrefix, 10_000)).map(policyOf);
}

/** policies.organizationsWithEnabled — organizations with at least one enabled policy (gsi2, eventually consistent). */
export async function organizationsWithEnabledPolicies(maxItems = 1_000_000): Promise<string[]> {
  const items = await queryAll({ IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': keys.policyEnabledPartition() }, ProjectionExpression: 'gsi2sk' }, maxItems);
  return [...new Set(items.map((item) => String(item.gsi2sk).split('#')[0] as string))];
}

/**
 * policies.putStep — writes a whole policy, indexed as enabled while it is. Without
 * `expectedVersion` it must not exist yet; with it, the stored version must still be that one.
 */
export function policyPutStep(record: PolicyRecord, options: { expectedVersion: number | undefined; onConflict: () => DomainError }): TransactionStep {
  const { type: policyType, ...rest } = record;
  const item: Item = { ...keys.policy(record.organizationId, record.id), ...(record.enabled ? keys.policyEnabledIndex(record.organizationId, record.id) : {}), ...rest, policyType, type: EntityType.Policy };
  if (options.expectedVersion === undefined) return putNew(item, options.onConflict);
  return put(item, { expression: 'version = :seen', values: { ':seen': options.expectedVersion } }, options.onConflict);
}

/** policies.deleteStep — removes a policy at the version that was read. */
export function policyDeleteStep(organizationId: string, policyId: string, options: { expectedVersion: number; onConflict: () => DomainError }): TransactionStep {
  return remove(keys.policy(organizationId, policyId), { expression: 'version = :seen', values: { ':seen': options.expectedVersion } }, options.onConflict);
}

// --- violations ----------------------------------------------------------------------------------

function violationItem(record: ViolationRecord): Item {
  return {
    ...keys.violation(record.organizationId, record.id),
    ...keys.violationPolicyIndex(record.organizationId, record.policyId, record.id),
    ...(record.status !== 'resolved' ? keys.violationUnresolvedIndex(record.organizationId, record.id) : {}),
    type: EntityType.Violation,
    ...record,
  };
}

/** violations.byId — undefined when absent or when `violationId` is not a ULID (strongly consistent). */
export async function violationById(organizationId: string, violationId: string): Promise<ViolationRecord | undefined> {
  if (!ULID.test(violationId)) return undefined;
  const item = await getItem(keys.violation(organizationId, violationId));
  return item ? strip<ViolationRecord>(item) : undefined;
}

/** violations.byIds — the violations among `ids` (BatchGetItem, strongly consistent). */
export async function violationsByIds(organizationId: string, ids: readonly string[]): Promise<ViolationRecord[]> {
  const valid = [...new Set(ids.filter((id) => ULID.test(id)))];
  if (valid.length === 0) return [];
  return (await batchGet(valid.map((id) => keys.violation(organizationId, id)), true)).map((item) => strip<ViolationRecord>(item));
}

/**
 * violations.list — an organization's violations, newest first, opened at or after `since`
 * (epoch ms; a key condition on the ULID). `unresolvedOnly` reads the sparse unresolved index
 * (open, acknowledged, ignored); `policyId` the policy's index. Up to `maxItems`.
 */
export async function violations(
  organizationId: string,
  options: { since?: number | undefined; unresolvedOnly?: boolean; policyId?: string | undefined; maxItems?: number },
): Promise<ViolationRecord[]> {
  if (options.policyId !== undefined && !isUuid(options.policyId)) return [];
  const lower = options.since !== undefined ? ulidBounds(Math.max(0, options.since)).lowest : undefined;
  const [index, pkName, skName, partition] =
    options.policyId !== undefined
      ? (['gsi1', 'gsi1pk', 'gsi1sk', keys.violationPolicyPartition(organizationId, options.policyId)] as const)
      : options.unresolvedOnly
        ? (['gsi2', 'gsi2pk', 'gsi2sk', keys.violationUnresolvedPartition(organizationId)] as const)
        : ([undefined, 'pk', 'sk', keys.violationPartition(organizationId)] as const);
  const items = await queryAll(
    {
      ...(index ? { IndexName: index } : { ConsistentRead: true }),
      KeyConditionExpression: `${pkName} = :pk${lower ? ` AND ${skName} >= :since` : ''}`,
      ExpressionAttributeValues: { ':pk': partition, ...(lower ? { ':since': lower } : {}) },
      ScanIndexForward: false,
    },
    options.maxItems ?? 100_000,
  );
  const records = items.map((item) => strip<ViolationRecord>(item));
  return options.unresolvedOnly ? records.filter((record) => record.status !== 'resolved') : records;
}

/**
 * violations.putStep — writes a whole violation. Without `expectedVersion` it must not exist yet;
 * with it, the stored version must still be that one.
 */
export function violationPutStep(record: ViolationRecord, options: { expectedVersion: number | undefined; onConflict: () => DomainError }): TransactionStep {
  const item = violationItem(record);
  if (options.expectedVersion === undefined) return putNew(item, options.onConflict);
  return put(item, { expression: 'version = :seen', values: { ':seen': options.expectedVersion } }, options.onConflict);
}

// --- claims --------------------------------------------------------------------------------------

function claimItem(record: ViolationClaimRecord): Item {
  return {
    ...keys.violationClaim(record.organizationId, record.policyId, record.userId),
    ...(record.status === 'ignored' && record.expiresAt ? keys.violationExpiryIndex(record.expiresAt, record.organizationId, record.violationId) : {}),
    type: EntityType.ViolationClaim,
    ...record,
  };
}

/** violations.claimsOf — the claims among (policy, user) pairs (BatchGetItem, strongly consistent). */
export async function claimsOf(organizationId: string, pairs: readonly { policyId: string; userId: string }[]): Promise<ViolationClaimRecord[]> {
  const valid = pairs.filter((pair) => isUuid(pair.policyId) && isUuid(pair.userId));
  if (valid.length === 0) return [];
  return (await batchGet(valid.map((pair) => keys.violationClaim(organizationId, pair.policyId, pair.userId)), true)).map((item) => strip<ViolationClaimRecord>(item));
}

/** violations.claims — every claim of an organization, or of one policy (strongly consistent). */
export async function claims(organizationId: string, policyId?: string): Promise<ViolationClaimRecord[]> {
  if (policyId !== undefined && !isUuid(policyId)) return [];
  const pk = keys.violationClaimPartition(organizationId);
  const items = await queryAll(
    policyId === undefined
      ? { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }
      : { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :policy)', ExpressionAttributeValues: { ':pk': pk, ':policy': `${policyId}#` }, ConsistentRead: true },
    1_000_000,
  );
  return items.map((item) => strip<ViolationClaimRecord>(item));
}

/** A violation found through the platform-wide expiry index. */
export interface LapsingException {
  organizationId: string;
  violationId: string;
}

/** violations.exceptionsLapsing — ignored violations whose exception lapses at or before `until` (gsi1, across organizations). */
export async function exceptionsLapsing(until: string, maxItems = 10_000): Promise<LapsingException[]> {
  const items = await queryAll(
    { IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk <= :until', ExpressionAttributeValues: { ':pk': keys.violationExpiryPartition(), ':until': `${until}#~` } },
    maxItems,
  );
  return items.map((item) => {
    const parts = String(item.gsi1sk).split('#');
    return { organizationId: parts[parts.length - 2] as string, violationId: parts[parts.length - 1] as string };
  });
}

/** violations.claimOpenStep — the claim of a new violation: fails with `onClaimed` when the condition already has one. */
export function claimOpenStep(record: ViolationClaimRecord, onClaimed: () => DomainError): TransactionStep {
  return putNew(claimItem(record), onClaimed);
}

/** violations.claimUpdateStep — rewrites the claim of a violation whose status changed; the claim must still name that violation. */
export function claimUpdateStep(record: ViolationClaimRecord, onConflict: () => DomainError): TransactionStep {
  return put(claimItem(record), { expression: 'violationId = :violation', values: { ':violation': record.violationId } }, onConflict);
}

/** violations.claimReleaseStep — removes the claim of a resolved violation; it must still name that violation. */
export function claimReleaseStep(organizationId: string, policyId: string, userId: string, violationId: string, onConflict: () => DomainError): TransactionStep {
  return remove(keys.violationClaim(organizationId, policyId, userId), { expression: 'violationId = :violation', values: { ':violation': violationId } }, onConflict);
}
