/**
 * Directory sync projects (Directory API seed, "Synchronization"): what to read from an `ldap` or
 * `activeDirectory` connection and how to map it onto users and groups; runs (POST …/run queues
 * one for the `sync-run` worker, shared/directory/sync-run.ts) and the run history.
 *
 * Two runs of one project never overlap: queuing a run takes the project's run claim in the same
 * transaction that writes the queued run, and the claim is released in the transaction that
 * finishes it; a second POST while it is held answers 409.
 */
import { randomUUID } from 'node:crypto';
import { auditStep, type AuditEvent, type RequestOrigin } from '../audit/audit-entry.ts';
import { ulid, ulidBounds } from '../audit/ulid.ts';
import { retryOnConflict } from '../concurrency/optimistic-retry.ts';
import { ConcurrentChangeError, ConflictError, NotFoundError, ValidationError } from '../errors/domain-errors.ts';
import * as connections from '../storage/connections.ts';
import * as syncProjects from '../storage/sync-projects.ts';
import type { SyncChangeRecord, SyncProjectRecord, SyncRunRecord, SyncRunStatus } from '../storage/sync-projects.ts';
import { transact } from '../storage/transactions.ts';
import { startWorker } from '../workers/start-worker.ts';
import { syncRunWorker } from '../workers/payloads.ts';
import type { DirectoryPage } from './connections.ts';
import * as directoryObjects from '../storage/directory-objects.ts';
import * as groups from '../storage/groups.ts';
import * as users from '../storage/users.ts';
import { deleteAfterDaysOf, type Operation } from './sync-plan.ts';
import { DEFAULT_MAPPINGS, type SyncProjectCreateInput, type SyncProjectUpdateInput, type SyncRunOptions, type SyncScheduleChange } from './sync-schemas.ts';
import { applyProjectSchedule, mergeSchedule, nextRunAt, removeProjectSchedule, scheduleOf } from './sync-schedules.ts';
import { DEFAULT_CORRELATION } from './person-correlation.ts';
import { addMetric } from '../observability/metrics.ts';
import * as metric from '../observability/metrics-catalog.ts';

/** A run's claim is presumed dead (its worker crashed) after this long, and a new run may take over. */
export const RUN_CLAIM_STALE_MS = 6 * 60 * 60 * 1000;

export type SyncProjectView = Omit<SyncProjectRecord, 'organizationId' | 'filter' | 'pageSize' | 'schedule' | 'correlation'> & {
  filter: string | null;
  correlation: string[];
  pageSize: number | null;
  schedule: { expression: string; timezone: string | null; enabled: boolean } | null;
  /** When the schedule queues the next run (ISO 8601); null without an enabled schedule. */
  nextRunAt: string | null;
};
export type SyncRunView = Omit<SyncRunRecord, 'organizationId' | 'requestedBy' | 'basedOn' | 'plannedState' | 'synchronised' | 'checkpoint' | 'checkpointedAt' | 'reason' | 'startedAt' | 'finishedAt'> & { reason: string | null; startedAt: string | null; finishedAt: string | null };

function present(record: SyncProjectRecord): SyncProjectView {
  const { organizationId: _organizationId, filter, pageSize, schedule, ...rest } = record;
  return {
    ...rest,
    deleteAfterDays: deleteAfterDaysOf(record),
    filter: filter ?? null,
    pageSize: pageSize ?? null,
    // Projects written before correlation existed use the default rule.
    correlation: record.correlation ?? [...DEFAULT_CORRELATION],
    schedule: schedule ? { expression: schedule.expression, timezone: schedule.timezone ?? null, enabled: schedule.enabled } : null,
    nextRunAt: nextRunAt(schedule),
  };
}

/** The API view of a run. */
export function presentRun(record: SyncRunRecord): SyncRunView {
  const { organizationId: _organizationId, requestedBy: _requestedBy, basedOn: _basedOn, plannedState: _plannedState, synchronised: _synchronised, checkpoint: _checkpoint, checkpointedAt: _checkpointedAt, reason, startedAt, finishedAt, ...rest } = record;
  return { ...rest, reason: reason ?? null, startedAt: startedAt ?? null, finishedAt: finishedAt ?? null };
}

function notFound(projectId: string): NotFoundError {
  return new NotFoundError(`Sync project with ID '${projectId}' was not found`);
}

async function load(organizationId: string, projectId: string): Promise<SyncProjectRecord> {
  const record = await syncProjects.byId(organizationId, projectId);
  if (!record) throw notFound(projectId);
  return record;
}

/** The connection a project reads from: it must exist and be an ldap or activeDirectory one (400 otherwise). */
async function directoryConnection(organizationId: string, connectionId: string) {
  const connection = await connections.byId(organizationId, connectionId);
  if (!connection) throw new ValidationError(`Connection with ID '${connectionId}' was not found`, { field: 'connectionId' });
  if (connection.type === 'scim') throw new ValidationError('A sync project reads from an ldap or activeDirectory connection; the scim connection receives SCIM provisioning.', { field: 'connectionId' });
  return connection as typeof connection & { type: 'ldap' | 'activeDirectory' };
}

const paged = <T>(items: T[], query: { page: number; pageSize: number }): DirectoryPage<T> => {
  const start = (query.page - 1) * query.pageSize;
  return { data: items.slice(start, start + query.pageSize), totalCount: items.length, page: query.page, pageSize: query.pageSize };
};

/** One page of the organization's sync projects, by creation time. */
export async function listSyncProjects(organizationId: string, query: { page: number; pageSize: number }): Promise<DirectoryPage<SyncProjectView>> {
  const records = (await syncProjects.list(organizationId)).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  return paged(records.map(present), query);
}

/** One project (404 when absent or when the id is not a UUID). */
export async function getSyncProject(organizationId: string, projectId: string): Promise<SyncProjectView> {
  return present(await load(organizationId, projectId));
}

/**
 * Creates a project over an ldap or activeDirectory connection; attribute mappings not given keep
 * the connection type's defaults (sync-schemas.ts, DEFAULT_MAPPINGS). Audited as `sync.project.created`.
 */
export async function createSyncProject(organizationId: string, input: SyncProjectCreateInput, actor: AuditEvent['actor'], origin: RequestOrigin): Promise<SyncProjectView> {
  const connection = await directoryConnection(organizationId, input.connectionId);
  const now = new Date().toISOString();
  const record: SyncProjectRecord = {
    id: randomUUID(),
    organizationId,
    name: input.name,
    connectionId: connection.id,
    connectionType: connection.type,
    searchBases: input.searchBases,
    ...(input.filter !== undefined ? { filter: input.filter } : {}),
    objectClasses: input.objectClasses,
    attributeMappings: { ...DEFAULT_MAPPINGS[connection.type], ...input.attributeMappings },
    correlation: input.correlation,
    mode: input.mode,
    onDisappear: input.onDisappear,
    deletionThreshold: input.deletionThreshold,
    deleteAfterDays: input.deleteAfterDays,
    ...(input.pageSize !== undefined ? { pageSize: input.pageSize } : {}),
    ...(input.schedule !== undefined ? { schedule: scheduleOf(input.schedule) } : {}),
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  // The schedule first: a project is never saved with a schedule the scheduler refused; a schedule
  // left behind by a failed save finds no project when it fires and does nothing.
  if (record.schedule) await applyProjectSchedule(record);
  await transact([
    syncProjects.putStep(record, { expectedVersion: undefined, onConflict: () => new ConflictError('Sync project id collision; retry.') }),
    // The connection must still exist when the project lands (a concurrent delete loses).
    connections.mustExistStep(organizationId, connection.id, () => new ConcurrentChangeError(`Connection ${connection.id} was deleted concurrently.`)),
    auditStep({ organizationId, action: 'sync.project.created', actor, origin, target: { type: 'syncProject', id: record.id }, details: { name: record.name, connectionId: record.connectionId, mode: record.mode, ...(record.schedule ? { schedule: record.schedule.expression } : {}) } }),
  ]).catch(async (error: unknown) => {
    if (record.schedule) await removeProjectSchedule(record.id);
    throw error;
  });
  return present(record);
}

/** Changes a project (only the fields sent); audited as `sync.project.updated` with the changed field names. */
export async function updateSyncProject(
  organizationId: string,
  projectId: string,
  changes: SyncProjectUpdateInput,
  actor: AuditEvent['actor'],
  origin: RequestOrigin,
): Promise<SyncProjectView> {
  const updated = await retryOnConflict(async () => {
    const current = await load(organizationId, projectId);
    const next: SyncProjectRecord = { ...current };
    const changed: string[] = [];
    for (const [field, value] of Object.entries(changes) as [keyof SyncProjectUpdateInput, unknown][]) {
      if (value === undefined) continue;
      if (field === 'schedule') {
        const merged = mergeSchedule(current.schedule, value as SyncScheduleChange | null);
        if (JSON.stringify(merged ?? null) === JSON.stringify(current.schedule ?? null)) continue;
        if (merged) next.schedule = merged;
        else delete next.schedule;
      } else if (field === 'attributeMappings') {
        const merged = { ...current.attributeMappings, ...(value as Record<string, string>) };
        if (JSON.stringify(merged) === JSON.stringify(current.attributeMappings)) continue;
        next.attributeMappings = merged;
      } else {
        const stored = (current as unknown as Record<string, unknown>)[field] ?? null;
        if (JSON.stringify(stored) === JSON.stringify(value)) continue;
        if (value === null) delete (next as unknown as Record<string, unknown>)[field];
        else (next as unknown as Record<string, unknown>)[field] = value;
      }
      changed.push(field);
    }
    if (changed.length === 0) return current;
    const updated = { ...next, version: current.version + 1, updatedAt: new Date().toISOString() };
    await transact([
      syncProjects.putStep(updated, { expectedVersion: current.version, onConflict: () => new ConcurrentChangeError(`Sync project ${projectId} was changed or deleted concurrently; retry.`) }),
      auditStep({ organizationId, action: 'sync.project.updated', actor, origin, target: { type: 'syncProject', id: projectId }, details: { changedAttributes: changed } }),
    ]);
    return updated;
  });
  // Whenever a schedule is sent — also unchanged, so sending it again repairs a failed apply.
  if (changes.schedule !== undefined) await applyProjectSchedule(updated);
  return present(updated);
}

/** Deletes a project (409 while a run of it is queued or running); its history stays. Audited as `sync.project.deleted`. */
export async function deleteSyncProject(organizationId: string, projectId: string, actor: AuditEvent['actor'], origin: RequestOrigin): Promise<void> {
  await retryOnConflict(async () => {
    const current = await load(organizationId, projectId);
    const now = new Date().toISOString();
    await transact([
      syncProjects.deleteStep(organizationId, projectId, { expectedVersion: current.version, onConflict: () => new ConcurrentChangeError(`Sync project ${projectId} was changed concurrently; retry.`) }),
      ...syncProjects.removeRunItemsSteps(organizationId, projectId, now, () => new ConflictError(`Sync project ${projectId} has a run queued or running; delete it when the run has finished.`)),
      auditStep({ organizationId, action: 'sync.project.deleted', actor, origin, target: { type: 'syncProject', id: projectId }, details: { name: current.name, connectionId: current.connectionId } }),
    ]);
    if (current.schedule) await removeProjectSchedule(projectId);
  });
}

const ZERO_COUNTS = { processed: 0, created: 0, updated: 0, unchanged: 0, deactivated: 0, deleted: 0, errors: 0 } as const;

/**
 * Queues a run of a project: takes the project's run claim and writes the queued run in one
 * transaction (audited as `sync.run.queued`), then starts the `sync-run` worker. 409 while another
 * run of the project is queued or running.
 */
export async function queueSyncRun(organizationId: string, projectId: string, options: SyncRunOptions, actor: AuditEvent['actor'], origin: RequestOrigin): Promise<{ runId: string; status: 'queued' }> {
  const project = await load(organizationId, projectId);
  const connection = await connections.byId(organizationId, project.connectionId);
  if (!connection) throw new ConflictError(`The connection of sync project ${projectId} no longer exists.`);
  if (connection.status === 'disabled') throw new ConflictError(`Connection ${connection.id} is disabled: enable it before running sync project ${projectId}.`);
  if (options.applyPlanOf !== undefined) await verifyPlanApplies(organizationId, project, options.applyPlanOf);
  const now = Date.now();
  const runId = ulid(now);
  const queuedAt = new Date(now).toISOString();
  const run: SyncRunRecord = {
    id: runId,
    organizationId,
    projectId,
    projectName: project.name,
    connectionId: project.connectionId,
    mode: project.mode,
    status: 'queued',
    queuedAt,
    counts: { ...ZERO_COUNTS },
    requestedBy: actor,
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(options.applyPlanOf !== undefined ? { appliesPlanOf: options.applyPlanOf } : {}),
    ...(options.overrideDeletionThreshold ? { overrideDeletionThreshold: true } : {}),
    ...(options.object ? { object: options.object } : {}),
  };
  await transact([
    syncProjects.claimRunStep(organizationId, projectId, { runId, claimedAt: queuedAt, staleAfter: new Date(now + RUN_CLAIM_STALE_MS).toISOString() }, queuedAt, () =>
      new ConflictError(`Sync project ${projectId} already has a run queued or running; wait for it to finish.`),
    ),
    syncProjects.runPutStep(run, { expectedStatus: undefined, onConflict: () => new ConflictError('Sync run id collision; retry.') }),
    auditStep({
      organizationId,
      action: 'sync.run.queued',
      actor,
      origin,
      target: { type: 'syncProject', id: projectId },
      details: { runId, mode: project.mode, ...(options.dryRun ? { dryRun: true } : {}), ...(options.applyPlanOf ? { appliesPlanOf: options.applyPlanOf } : {}), ...(options.overrideDeletionThreshold ? { overrideDeletionThreshold: true } : {}), ...(options.object ? { object: options.object } : {}) },
    }),
  ]);
  try {
    await startWorker(syncRunWorker, { organizationId, projectId, runId });
  } catch (error) {
    // The work never reached the worker: end the run and free the project rather than leave both waiting.
    await transact([
      syncProjects.runPutStep({ ...run, status: 'failed', reason: 'internal_error', message: 'The run could not be handed to the sync worker.', finishedAt: new Date().toISOString() }, { expectedStatus: 'queued', onConflict: () => new ConcurrentChangeError(`Sync run ${runId} is no longer queued.`) }),
      syncProjects.releaseClaimStep(organizationId, projectId, runId, () => new ConcurrentChangeError(`Sync run ${runId} lost its claim.`)),
    ]).catch(() => undefined);
    // A run that ended failed like any other: the failed-runs alarm must see it.
    addMetric(metric.syncRuns, 1, { outcome: 'failed' });
    throw error;
  }
  return { runId, status: 'queued' };
}

/**
 * Refuses (409) to apply a dry run's plan that no longer fits: the run must be a succeeded dry run
 * of this project, the project unchanged since (same version, no run finished after it), and every
 * object the plan changes still at the version the plan was computed against (a new object: not
 * created meanwhile).
 */
export async function verifyPlanApplies(organizationId: string, project: SyncProjectRecord, dryRunId: string): Promise<SyncChangeRecord[]> {
  const dryRun = await syncProjects.runById(organizationId, dryRunId);
  if (!dryRun || dryRun.projectId !== project.id) throw new ConflictError(`Run ${dryRunId} is not a run of sync project ${project.id}.`);
  if (!dryRun.dryRun || dryRun.status !== 'succeeded' || !dryRun.basedOn) throw new ConflictError(`Run ${dryRunId} is not a succeeded dry run: only a dry run's plan can be applied.`);
  if (dryRun.basedOn.projectVersion !== project.version) throw new ConflictError(`Sync project ${project.id} changed after dry run ${dryRunId}: run a new dry run.`);
  const state = await syncProjects.stateOf(organizationId, project.id);
  if (state.lastRunId !== dryRun.basedOn.lastRunId) throw new ConflictError(`Another run of sync project ${project.id} finished after dry run ${dryRunId} (or its plan was applied already): run a new dry run.`);
  const records = await syncProjects.changes(organizationId, dryRunId);
  const stale = await staleObjects(organizationId, project.connectionId, records);
  if (stale > 0) throw new ConflictError(`${stale} object(s) of dry run ${dryRunId}'s plan changed since it was computed: run a new dry run.`);
  return records;
}

/** How many planned changes were computed against versions that are no longer stored. */
async function staleObjects(organizationId: string, connectionId: string, records: readonly SyncChangeRecord[]): Promise<number> {
  const operations = records.map((record) => record.operation as Operation | undefined).filter((operation): operation is Operation => operation !== undefined);
  const versionOf = new Map<string, number>();
  const isOther = (operation: Operation) => operation.objectClass !== 'user' && operation.objectClass !== 'group';
  const of = (objectClass: 'user' | 'group' | 'other') => operations.filter((operation) => (objectClass === 'other' ? isOther(operation) : operation.objectClass === objectClass));
  const ids = (objectClass: 'user' | 'group' | 'other') => of(objectClass).filter((operation) => operation.expectedVersion !== undefined).map((operation) => operation.objectId);
  const [storedUsers, storedGroups, storedOthers] = await Promise.all([users.byIds(organizationId, ids('user'), { consistent: true }), groups.byIds(organizationId, ids('group')), directoryObjects.byIds(organizationId, ids('other'))]);
  for (const record of [...storedUsers, ...storedGroups, ...storedOthers]) versionOf.set(record.id, record.version);
  const created = (objectClass: 'user' | 'group' | 'other') => of(objectClass).filter((operation) => operation.expectedVersion === undefined && operation.next?.directoryId).map((operation) => operation.next?.directoryId as string);
  const [newUsers, newGroups, newOthers] = await Promise.all([
    users.byDirectoryIds(organizationId, connectionId, created('user')),
    groups.byDirectoryIds(organizationId, connectionId, created('group')),
    directoryObjects.byDirectoryIds(organizationId, connectionId, created('other')),
  ]);
  const changed = operations.filter((operation) => operation.expectedVersion !== undefined && versionOf.get(operation.objectId) !== operation.expectedVersion).length;
  return changed + newUsers.length + newGroups.length + newOthers.length;
}

/** One page of the sync history, newest first, filtered by status, start time and project. */
export async function listSyncHistory(
  organizationId: string,
  query: { page: number; pageSize: number; status?: SyncRunStatus | undefined; since?: number | undefined; projectId?: string | undefined },
): Promise<DirectoryPage<SyncRunView>> {
  const runs = await syncProjects.history(organizationId, { fromRunId: query.since !== undefined ? ulidBounds(Math.max(0, query.since)).lowest : undefined });
  const selected = runs.filter((run) => (query.status === undefined || run.status === query.status) && (query.projectId === undefined || run.projectId === query.projectId));
  return paged(selected.map(presentRun), query);
}

/** A run with one page of its per-object change records (`changes`, in processing order). */
export async function getSyncRun(organizationId: string, runId: string, query: { page: number; pageSize: number }): Promise<SyncRunView & { changes: DirectoryPage<SyncChangeRecord> }> {
  const run = await syncProjects.runById(organizationId, runId);
  if (!run) throw new NotFoundError(`Sync run with ID '${runId}' was not found`);
  const records = (await syncProjects.changes(organizationId, runId)).map(({ operation: _operation, ...record }) => record);
  return { ...presentRun(run), changes: paged(records, query) };
}
