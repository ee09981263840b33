/**
 * The sync projects repository: directory sync projects (Directory API seed, "Synchronization"),
 * their run claims and delta watermarks, their runs (the sync history) and each run's per-object
 * change records.
 *
 * Access patterns (README, "Storage"):
 * - syncProjects.byId / list — the organization partition (`SYNCPROJECT#<id>`), tens per organization;
 * - syncProjects.byConnection — gsi1 `ORG#<org>#CONNECTION#<conn>#SYNCPROJECTS`: the projects
 *   reading from one connection (DELETE /api/connections/{id} refuses while there are any);
 * - syncProjects.claimOf / claimRunStep / releaseClaimStep — `ORG#<org>#SYNCPROJECT#<id>` / `RUNNING`:
 *   at most one run per project, taken in the same transaction that queues the run;
 * - syncProjects.stateOf / putStateStep — same partition, `STATE`: the delta watermark;
 * - syncProjects.runById / history — `ORG#<org>#SYNCRUNS` / run id (a ULID, so time-ordered);
 * - syncProjects.changes / changePutStep — `ORG#<org>#SYNCRUN#<run>` / `CHANGE#<sequence>`.
 */
import type { DomainError } from '../errors/domain-errors.ts';
import { EntityType, isUuid, keys } from './keys.ts';
import { getItem, queryAll, queryPrefix } from './queries.ts';
import { put, putNew, remove, type TransactionStep } from './transactions.ts';

type Item = Record<string, unknown>;

export type SyncObjectClass = 'user' | 'group' | 'computer';
export type SyncMode = 'full' | 'delta';
export type SyncOnDisappear = 'deactivate' | 'delete';
export type SyncRunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'partial';

/** One sync project as stored. Timestamps are ISO 8601. */
export interface SyncProjectRecord {
  id: string;
  organizationId: string;
  name: string;
  connectionId: string;
  /** The connection's type when the project was written (decides default mappings and id attributes). */
  connectionType: 'ldap' | 'activeDirectory';
  /** DNs searched (subtree); empty: the connection's baseDn. */
  searchBases: string[];
  /** An extra LDAP filter (RFC 4515) ANDed with each object class's own filter; absent: none. */
  filter?: string | undefined;
  objectClasses: SyncObjectClass[];
  /** User field → source attribute (the connection type's defaults merged with the operator's). */
  attributeMappings: Record<string, string>;
  /** Person correlation rule: ordered correlation attributes (shared/directory/person-correlation.ts); absent: the default. */
  correlation?: string[] | undefined;
  mode: SyncMode;
  onDisappear: SyncOnDisappear;
  /** A run that would deactivate or delete more than `count` objects or `percent` % of the synchronised ones fails. */
  deletionThreshold: { count: number; percent: number };
  /** Entries per LDAP page; absent: the connection's page size. */
  pageSize?: number | undefined;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The claim a queued or running run holds on its project. */
export interface SyncRunClaim {
  runId: string;
  claimedAt: string;
  /** After this instant (ISO 8601) a new run may take the claim over: its holder is presumed dead. */
  staleAfter: string;
}

/** A project's delta state: the watermark the next delta run reads changes after. */
export interface SyncProjectState {
  /** OpenLDAP: the highest entryCSN seen; Active Directory: highestCommittedUSN at the start of the last run. */
  watermark?: string | undefined;
  lastRunId?: string | undefined;
}

export interface SyncRunCounts {
  processed: number;
  created: number;
  updated: number;
  unchanged: number;
  deactivated: number;
  deleted: number;
  errors: number;
}

/** One run of a project (the sync history). */
export interface SyncRunRecord {
  id: string;
  organizationId: string;
  projectId: string;
  projectName: string;
  connectionId: string;
  mode: SyncMode;
  status: SyncRunStatus;
  /** Why a run failed: `deletion_threshold`, `empty_result`, `directory_error`, `connection_disabled`, `internal_error`. */
  reason?: string | undefined;
  message?: string | undefined;
  queuedAt: string;
  startedAt?: string | undefined;
  finishedAt?: string | undefined;
  counts: SyncRunCounts;
  /** Deactivations and deletions the run would have made (filled when the threshold stops it). */
  wouldRemove?: number | undefined;
  requestedBy: { actorType: string; actorId: string };
}

/** What happened to one directory object in a run. */
export interface SyncChangeRecord {
  sequence: number;
  dn: string;
  objectClass: SyncObjectClass;
  action: 'created' | 'updated' | 'unchanged' | 'deactivated' | 'deleted' | 'error';
  /** The user or group id in the platform, when there is one. */
  objectId?: string | undefined;
  /** Changed attributes with their values before and after. */
  changes?: Record<string, { before: unknown; after: unknown }> | undefined;
  error?: string | undefined;
}

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'type', 'runState'] as const;

function strip<T>(item: Item): T {
  const record: Item = { ...item };
  for (const name of KEY_ATTRIBUTES) delete record[name];
  return record as T;
}

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** syncProjects.byId — undefined when absent or when `projectId` is not a UUID. Strongly consistent by default. */
export async function byId(organizationId: string, projectId: string, options: { consistent?: boolean } = {}): Promise<SyncProjectRecord | undefined> {
  if (!isUuid(projectId)) return undefined;
  const item = await getItem(keys.syncProject(organizationId, projectId), options.consistent ?? true);
  return item ? strip<SyncProjectRecord>(item) : undefined;
}

/** syncProjects.list — every sync project of an organization (eventually consistent), in no particular order. */
export async function list(organizationId: string): Promise<SyncProjectRecord[]> {
  const prefix = keys.syncProjectPrefix(organizationId);
  return (await queryPrefix(prefix.pk, prefix.skPrefix)).map((item) => strip<SyncProjectRecord>(item));
}

/** syncProjects.byConnection — the projects that read from `connectionId` (gsi1; eventually consistent). */
export async function byConnection(organizationId: string, connectionId: string): Promise<SyncProjectRecord[]> {
  const partition = keys.syncProjectConnectionIndex(organizationId, connectionId, '').gsi1pk;
  return (await queryAll({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': partition } })).map((item) => strip<SyncProjectRecord>(item));
}

/**
 * syncProjects.putStep — writes a whole project. Without `expectedVersion` it must not exist yet;
 * with it, the stored version must still be that one (`onConflict` otherwise).
 */
export function putStep(record: SyncProjectRecord, options: { expectedVersion: number | undefined; onConflict: () => DomainError }): TransactionStep {
  const item = {
    ...keys.syncProject(record.organizationId, record.id),
    ...keys.syncProjectConnectionIndex(record.organizationId, record.connectionId, record.id),
    type: EntityType.SyncProject,
    ...record,
  };
  if (options.expectedVersion === undefined) return putNew(item, options.onConflict);
  return put(item, { expression: 'version = :seen', values: { ':seen': options.expectedVersion } }, options.onConflict);
}

/** syncProjects.deleteStep — deletes a project whose stored version is still `expectedVersion`. */
export function deleteStep(organizationId: string, projectId: string, options: { expectedVersion: number; onConflict: () => DomainError }): TransactionStep {
  return remove(keys.syncProject(organizationId, projectId), { expression: 'version = :seen', values: { ':seen': options.expectedVersion } }, options.onConflict);
}

// --- run claims and delta state -----------------------------------------------------------------

/** syncProjects.claimOf — the claim of the run in progress, if any (strongly consistent). */
export async function claimOf(organizationId: string, projectId: string): Promise<SyncRunClaim | undefined> {
  const item = await getItem(keys.syncRunClaim(organizationId, projectId));
  return item ? { runId: item.runId as string, claimedAt: item.claimedAt as string, staleAfter: item.staleAfter as string } : undefined;
}

/**
 * syncProjects.claimRunStep — takes the project's run claim for `claim.runId`. Fails with `onHeld`
 * while another run holds it, unless that claim is stale (its `staleAfter` is before `now`).
 */
export function claimRunStep(organizationId: string, projectId: string, claim: SyncRunClaim, now: string, onHeld: () => DomainError): TransactionStep {
  return put(
    { ...keys.syncRunClaim(organizationId, projectId), type: EntityType.SyncRunClaim, ...claim },
    { expression: 'attribute_not_exists(pk) OR staleAfter < :now', values: { ':now': now } },
    onHeld,
  );
}

/** syncProjects.releaseClaimStep — frees the claim if `runId` still holds it (`onLost` otherwise). */
export function releaseClaimStep(organizationId: string, projectId: string, runId: string, onLost: () => DomainError): TransactionStep {
  return remove(keys.syncRunClaim(organizationId, projectId), { expression: 'runId = :run', values: { ':run': runId } }, onLost);
}

/**
 * syncProjects.removeRunItemsSteps — for a deleted project: removes its claim, on condition that no
 * run holds it (or only a stale one; `onHeld` otherwise), and its delta state.
 */
export function removeRunItemsSteps(organizationId: string, projectId: string, now: string, onHeld: () => DomainError): TransactionStep[] {
  return [
    remove(keys.syncRunClaim(organizationId, projectId), { expression: 'attribute_not_exists(pk) OR staleAfter < :now', values: { ':now': now } }, onHeld),
    remove(keys.syncProjectState(organizationId, projectId)),
  ];
}

/** syncProjects.stateOf — the project's delta state (empty before its first successful run). */
export async function stateOf(organizationId: string, projectId: string): Promise<SyncProjectState> {
  const item = await getItem(keys.syncProjectState(organizationId, projectId));
  return item ? { watermark: item.watermark as string | undefined, lastRunId: item.lastRunId as string | undefined } : {};
}

/** syncProjects.putStateStep — replaces the project's delta state. */
export function putStateStep(organizationId: string, projectId: string, state: SyncProjectState): TransactionStep {
  return put({ ...keys.syncProjectState(organizationId, projectId), type: EntityType.SyncProjectState, ...state });
}

// --- runs -----------------------------------------------------------------------------------------

/** syncProjects.runById — undefined when absent or when `runId` is not a ULID (strongly consistent). */
export async function runById(organizationId: string, runId: string): Promise<SyncRunRecord | undefined> {
  if (!ULID.test(runId)) return undefined;
  const item = await getItem(keys.syncRun(organizationId, runId));
  return item ? strip<SyncRunRecord>(item) : undefined;
}

/**
 * syncProjects.history — the organization's runs, newest first, whose id is at or after
 * `fromRunId` (a ULID lower bound built from a time), up to `maxItems` (10,000 by default).
 */
export async function history(organizationId: string, options: { fromRunId?: string | undefined; maxItems?: number } = {}): Promise<SyncRunRecord[]> {
  const partition = keys.syncRunPartition(organizationId);
  const items = await queryAll(
    {
      KeyConditionExpression: options.fromRunId ? 'pk = :pk AND sk >= :from' : 'pk = :pk',
      ExpressionAttributeValues: { ':pk': partition, ...(options.fromRunId ? { ':from': options.fromRunId } : {}) },
      ScanIndexForward: false,
      ConsistentRead: true,
    },
    options.maxItems ?? 10_000,
  );
  return items.map((item) => strip<SyncRunRecord>(item));
}

/**
 * syncProjects.runPutStep — writes a run. Without `expectedStatus` it must not exist yet; with it,
 * the stored status must still be that one (`onConflict` otherwise).
 */
export function runPutStep(record: SyncRunRecord, options: { expectedStatus: SyncRunStatus | undefined; onConflict: () => DomainError }): TransactionStep {
  // `status` is a DynamoDB reserved word: the condition reads a copy of it, `runState`.
  const item = { ...keys.syncRun(record.organizationId, record.id), type: EntityType.SyncRun, ...record, runState: record.status };
  if (options.expectedStatus === undefined) return putNew(item, options.onConflict);
  return put(item, { expression: 'runState = :seen', values: { ':seen': options.expectedStatus } }, options.onConflict);
}

/** syncProjects.changes — every change record of a run, in processing order (strongly consistent). */
export async function changes(organizationId: string, runId: string, maxItems = 1_000_000): Promise<SyncChangeRecord[]> {
  const items = await queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.syncChangePartition(organizationId, runId) }, ConsistentRead: true }, maxItems);
  return items.map((item) => strip<SyncChangeRecord>(item));
}

/** syncProjects.changePutStep — writes one change record of a run (a record's sequence is written once). */
export function changePutStep(organizationId: string, runId: string, change: SyncChangeRecord): TransactionStep {
  return put({ ...keys.syncChange(organizationId, runId, change.sequence), type: EntityType.SyncChange, ...change });
}
