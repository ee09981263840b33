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
import type { DirectoryPage } from './connections.ts';
import { DEFAULT_CORRELATION } from './person-correlation.ts';
import { DEFAULT_MAPPINGS, type SyncProjectCreateInput, type SyncProjectUpdateInput } from './sync-schemas.ts';

/** A run's claim is presumed dead (its worker crashed) after this long, and a new run may take over. */
export const RUN_CLAIM_STALE_MS = 6 * 60 * 60 * 1000;

export type SyncProjectView = Omit<SyncProjectRecord, 'organizationId' | 'filter' | 'pageSize' | 'correlation'> & { filter: string | null; pageSize: number | null; correlation: string[] };
export type SyncRunView = Omit<SyncRunRecord, 'organizationId' | 'requestedBy' | 'reason' | 'startedAt' | 'finishedAt'> & { reason: string | null; startedAt: string | null; finishedAt: string | null };

function present(record: SyncProjectRecord): SyncProjectView {
  const { organizationId: _organizationId, filter, pageSize, ...rest } = record;
  // Projects written before correlation existed use the default rule.
  return { ...rest, filter: filter ?? null, pageSize: pageSize ?? null, correlation: record.correlation ?? [...DEFAULT_CORRELATION] };
}

/** The API view of a run. */
export function presentRun(record: SyncRunRecord): SyncRunView {
  const { organizationId: _organizationId, requestedBy: _requestedBy, reason, startedAt, finishedAt, ...rest } = record;
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
    ...(input.pageSize !== undefined ? { pageSize: input.pageSize } : {}),
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await transact([
    syncProjects.putStep(record, { expectedVersion: undefined, onConflict: () => new ConflictError('Sync project id collision; retry.') }),
    // The connection must still exist when the project lands (a concurrent delete loses).
    connections.mustExistStep(organizationId, connection.id, () => new ConcurrentChangeError(`Connection ${connection.id} was deleted concurrently.`)),
    auditStep({ organizationId, action: 'sync.project.created', actor, origin, target: { type: 'syncProject', id: record.id }, details: { name: record.name, connectionId: record.connectionId, mode: record.mode } }),
  ]);
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
  return retryOnConflict(async () => {
    const current = await load(organizationId, projectId);
    const next: SyncProjectRecord = { ...current };
    const changed: string[] = [];
    for (const [field, value] of Object.entries(changes) as [keyof SyncProjectUpdateInput, unknown][]) {
      if (value === undefined) continue;
      if (field === 'attributeMappings') {
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
    if (changed.length === 0) return present(current);
    const updated = { ...next, version: current.version + 1, updatedAt: new Date().toISOString() };
    await transact([
      syncProjects.putStep(updated, { expectedVersion: current.version, onConflict: () => new ConcurrentChangeError(`Sync project ${projectId} was changed or deleted concurrently; retry.`) }),
      auditStep({ organizationId, action: 'sync.project.updated', actor, origin, target: { type: 'syncProject', id: projectId }, details: { changedAttributes: changed } }),
    ]);
    return present(updated);
  });
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
  });
}

const ZERO_COUNTS = { processed: 0, created: 0, updated: 0, unchanged: 0, deactivated: 0, deleted: 0, errors: 0 } as const;

/**
 * Queues a run of a project: takes the project's run claim and writes the queued run in one
 * transaction (audited as `sync.run.queued`), then starts the `sync-run` worker. 409 while another
 * run of the project is queued or running.
 */
export async function queueSyncRun(organizationId: string, projectId: string, actor: AuditEvent['actor'], origin: RequestOrigin): Promise<{ runId: string; status: 'queued' }> {
  const project = await load(organizationId, projectId);
  const connection = await connections.byId(organizationId, project.connectionId);
  if (!connection) throw new ConflictError(`The connection of sync project ${projectId} no longer exists.`);
  if (connection.status === 'disabled') throw new ConflictError(`Connection ${connection.id} is disabled: enable it before running sync project ${projectId}.`);
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
  };
  await transact([
    syncProjects.claimRunStep(organizationId, projectId, { runId, claimedAt: queuedAt, staleAfter: new Date(now + RUN_CLAIM_STALE_MS).toISOString() }, queuedAt, () =>
      new ConflictError(`Sync project ${projectId} already has a run queued or running; wait for it to finish.`),
    ),
    syncProjects.runPutStep(run, { expectedStatus: undefined, onConflict: () => new ConflictError('Sync run id collision; retry.') }),
    auditStep({ organizationId, action: 'sync.run.queued', actor, origin, target: { type: 'syncProject', id: projectId }, details: { runId, mode: project.mode } }),
  ]);
  try {
    await startWorker('sync-run', { organizationId, projectId, runId });
  } catch (error) {
    // The work never reached the worker: end the run and free the project rather than leave both waiting.
    await transact([
      syncProjects.runPutStep({ ...run, status: 'failed', reason: 'internal_error', message: 'The run could not be handed to the sync worker.', finishedAt: new Date().toISOString() }, { expectedStatus: 'queued', onConflict: () => new ConcurrentChangeError(`Sync run ${runId} is no longer queued.`) }),
      syncProjects.releaseClaimStep(organizationId, projectId, runId, () => new ConcurrentChangeError(`Sync run ${runId} lost its claim.`)),
    ]).catch(() => undefined);
    throw error;
  }
  return { runId, status: 'queued' };
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
  const records = await syncProjects.changes(organizationId, runId);
  return { ...presentRun(run), changes: paged(records, query) };
}
