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
 * - syncProjects.scheduled — gsi2 `PLATFORM#SYNCSCHEDULES` (sparse): the projects that have a
 *   schedule, in every organization (the local runtime's timers are armed from it at start);
 * - syncProjects.runById / history — `ORG#<org>#SYNCRUNS` / run id (a ULID, so time-ordered);
 * - syncProjects.changes / changesPage / changePutStep — `ORG#<org>#SYNCRUN#<run>` / `CHANGE#<sequence>`;
 * - syncProjects.disappearedBefore / disappearedPutStep / disappearedRemoveStep —
 *   `ORG#<org>#SYNCPROJECT#<id>#DISAPPEARED` / `<disappearedAt>#<class>#<id>`: objects the project
 *   found gone, in time order, so a run finds those due for deletion without reading the others.
 */
import type { DomainError } from '../errors/domain-errors.ts';
import { EntityType, isUuid } from './keys.ts';
import * as keys from './keys.ts';
import { getItem, queryAll, queryPage, queryPrefix } from './queries.ts';
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
  /** When runs are queued without a POST …/run (shared/directory/sync-schedules.ts); absent: only on demand. */
  schedule?: SyncSchedule | undefined;
  /**
   * With onDisappear `delete`: days a disappeared object stays deactivated before a run deletes it
   * (0: at once). Absent on projects stored before it existed: DEFAULT_DELETE_AFTER_DAYS.
   */
  deleteAfterDays?: number | undefined;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** A project's schedule: a rate or cron expression (EventBridge Scheduler syntax), its time zone, on or off. */
export interface SyncSchedule {
  expression: string;
  /** IANA time zone of a cron expression; absent: UTC. */
  timezone?: string | undefined;
  enabled: boolean;
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
  /** OpenLDAP: how many entries of each object class the project's searches listed at the end of the last run. */
  listed?: { user?: number | undefined; group?: number | undefined; computer?: number | undefined } | undefined;
  /** The synchronised objects inside the project's search bases after the last run (the threshold's base on delta runs). */
  objectCount?: number | undefined;
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
  /** Why a run failed: `deletion_threshold`, `empty_result`, `directory_error`, `connection_disabled`, `project_deleted`, `plan_outdated`, `object_not_found`, `object_out_of_scope`, `interrupted`, `internal_error`. */
  reason?: string | undefined;
  message?: string | undefined;
  queuedAt: string;
  startedAt?: string | undefined;
  finishedAt?: string | undefined;
  counts: SyncRunCounts;
  /** Deactivations and deletions the run would have made (filled when the threshold stops it). */
  wouldRemove?: number | undefined;
  /** A dry run: its change records are the plan, nothing was changed. */
  dryRun?: boolean | undefined;
  /** A run that applies the stored plan of this dry run. */
  appliesPlanOf?: string | undefined;
  /** The run was started with the deletion threshold overridden. */
  overrideDeletionThreshold?: boolean | undefined;
  /** A run of one object (on-demand sync): its DN or id as asked. */
  object?: { dn?: string | undefined; id?: string | undefined } | undefined;
  /** How many invocations of the worker this run has taken (more than 1: it continued from a checkpoint). */
  invocations?: number | undefined;
  /** Internal, while a run continues over invocations: the sequence of its first change not yet applied, and when it was stored. */
  checkpoint?: number | undefined;
  checkpointedAt?: string | undefined;
  /** Internal, dry runs: what the plan was computed from, and the project state applying it leaves. */
  basedOn?: { projectVersion: number; lastRunId?: string | undefined } | undefined;
  plannedState?: SyncProjectState | undefined;
  /** Internal: the synchronised objects in scope when the plan was computed (the threshold's base). */
  synchronised?: number | undefined;
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
  /** A group's membership changes: user ids added and removed. */
  members?: { added: string[]; removed: string[] } | undefined;
  /** A planned change not applied yet: the rest of a run that continues in a follow-up invocation. */
  pending?: boolean | undefined;
  error?: string | undefined;
  /**
   * Internal (never shown): what applying this change writes — the object's next record and the
   * version it was planned against. Kept on a dry run's records so its plan can be applied unchanged.
   */
  operation?: Record<string, unknown> | undefined;
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

/** syncProjects.scheduled — every project that has a schedule, in every organization (gsi2, sparse; eventually consistent). */
export async function scheduled(): Promise<SyncProjectRecord[]> {
  const items = await queryAll({ IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': keys.syncProjectSchedulePartition() } }, 100_000);
  return items.map((item) => strip<SyncProjectRecord>(item));
}

/**
 * syncProjects.putStep — writes a whole project. Without `expectedVersion` it must not exist yet;
 * with it, the stored version must still be that one (`onConflict` otherwise).
 */
export function putStep(record: SyncProjectRecord, options: { expectedVersion: number | undefined; onConflict: () => DomainError }): TransactionStep {
  const item = {
    ...keys.syncProject(record.organizationId, record.id),
    ...keys.syncProjectConnectionIndex(record.organizationId, record.connectionId, record.id),
    ...(record.schedule ? keys.syncProjectScheduleIndex(record.organizationId, record.id) : {}),
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
  return item ? strip<SyncProjectState>(item) : {};
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

/** syncProjects.changesPage — up to `limit` change records of a run from sequence `fromSequence` on (strongly consistent). */
export async function changesPage(organizationId: string, runId: string, fromSequence: number, limit: number): Promise<SyncChangeRecord[]> {
  const page = await queryPage({
    KeyConditionExpression: 'pk = :pk AND sk >= :from',
    ExpressionAttributeValues: { ':pk': keys.syncChangePartition(organizationId, runId), ':from': keys.syncChange(organizationId, runId, fromSequence).sk },
    ConsistentRead: true,
    Limit: limit,
  });
  return page.items.map((item) => strip<SyncChangeRecord>(item));
}

/** syncProjects.changePutStep — writes one change record of a run (a record's sequence is written once). */
export function changePutStep(organizationId: string, runId: string, change: SyncChangeRecord): TransactionStep {
  return put({ ...keys.syncChange(organizationId, runId, change.sequence), type: EntityType.SyncChange, ...change });
}

// --- disappeared objects ----------------------------------------------------------------------------

/** An object a project found gone from its directory, waiting for its deletion delay. */
export interface DisappearedObject {
  objectClass: SyncObjectClass;
  objectId: string;
  disappearedAt: string;
}

/** syncProjects.disappearedBefore — the project's disappeared objects that disappeared at or before `cutoff` (ISO 8601), oldest first. */
export async function disappearedBefore(organizationId: string, projectId: string, cutoff: string, maxItems = 100_000): Promise<DisappearedObject[]> {
  const items = await queryAll(
    { KeyConditionExpression: 'pk = :pk AND sk <= :cutoff', ExpressionAttributeValues: { ':pk': keys.syncDisappearedPartition(organizationId, projectId), ':cutoff': `${cutoff}#~` }, ConsistentRead: true },
    maxItems,
  );
  return items.map((item) => ({ objectClass: item.objectClass as SyncObjectClass, objectId: item.objectId as string, disappearedAt: item.disappearedAt as string }));
}

/** syncProjects.disappearedPutStep — notes that the project found an object gone at `disappearedAt`. */
export function disappearedPutStep(organizationId: string, projectId: string, object: DisappearedObject): TransactionStep {
  return put({ ...keys.syncDisappeared(organizationId, projectId, object.disappearedAt, object.objectClass, object.objectId), type: EntityType.SyncDisappeared, ...object });
}

/** syncProjects.disappearedRemoveStep — forgets a disappeared object (deleted, or back in the directory). */
export function disappearedRemoveStep(organizationId: string, projectId: string, object: DisappearedObject): TransactionStep {
  return remove(keys.syncDisappeared(organizationId, projectId, object.disappearedAt, object.objectClass, object.objectId));
}
