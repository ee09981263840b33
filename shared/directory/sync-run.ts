/**
 * One sync run (the `sync-run` worker): brings the organization's users, groups and memberships in
 * line with a project's directory, in three steps kept apart —
 *
 * 1. Read (sync-read.ts, the connector): bind with the connection's stored credentials and read
 *    normalised objects — everything (full), what changed after the watermark plus deletion
 *    evidence (delta). A search that fails, or a full read that returns nothing, changes nothing:
 *    the run fails with reason `directory_error` or `empty_result`.
 * 2. Plan (sync-state.ts loads what is stored and needed; sync-plan.ts, pure, decides): the exact
 *    list of creates, updates, deactivations, deletions and membership changes. A plan that would
 *    deactivate or delete more than the project's threshold stops the run as `failed` with reason
 *    `deletion_threshold` before any change (unless the run overrides the threshold).
 * 3. Apply (sync-apply.ts): one transaction per object with its audit entry and change record
 *    (and its raw attribute snapshot and, for a user, its person steps: sync-objects.ts).
 *
 * Besides users and groups a project may synchronise computers (objectClasses `computer`): read,
 * planned and applied as directory objects through the same steps and rules.
 *
 * 4. Finish: the run's status and counts (tallied from exactly the records written), the release of
 *    the project's run claim and the project's new state (watermark, listing counts, object count)
 *    land in one transaction. The run's outcome is the run record; queuing it was audited.
 */
import { randomUUID } from 'node:crypto';
import { newerSignIns, recordSignIns, type DirectorySignIn } from './sync-sign-ins.ts';
import { decryptSecret } from '../crypto/envelope.ts';
import { ConcurrentChangeError, ConflictError } from '../errors/domain-errors.ts';
import { logger } from '../observability/logger.ts';
import * as connections from '../storage/connections.ts';
import * as syncProjects from '../storage/sync-projects.ts';
import type { SyncChangeRecord, SyncProjectRecord, SyncProjectState, SyncRunCounts, SyncRunRecord } from '../storage/sync-projects.ts';
import { transact } from '../storage/transactions.ts';
import { connectOptionsOf, passwordContext } from './connections.ts';
import { classifyLdapError, DirectoryConnection } from './ldap-client.ts';
import { startWorker } from '../workers/start-worker.ts';
import { syncRunWorker } from '../workers/payloads.ts';
import type { DirectoryLink } from '../storage/directory-links.ts';
import { applyChanges, plannedFromRecords, repairLinks, storePlan, type ApplyContext } from './sync-apply.ts';
import { exceedsThreshold, planRun, type Plan, type PlannedChange } from './sync-plan.ts';
import { verifyPlanApplies } from './sync-projects.ts';
import * as directoryLinks from '../storage/directory-links.ts';
import * as directoryObjects from '../storage/directory-objects.ts';
import * as groups from '../storage/groups.ts';
import * as users from '../storage/users.ts';
import { dnKey, readOne, readProject, withinBase, type DirectoryRead, type ProjectReader } from './sync-read.ts';
import { loadForDeltaRun, loadForFullRun, type StoredState } from './sync-state.ts';
import { addMetric } from '../observability/metrics.ts';
import * as metric from '../observability/metrics-catalog.ts';
import type { SyncRunOutcome } from '../observability/metrics-catalog.ts';

/** The sync-run worker's timeout (shared/worker-table/directory.ts): a run running longer has died. */
const WORKER_TIMEOUT_MS = 900_000;

export interface SyncRunPayload {
  organizationId: string;
  projectId: string;
  runId: string;
}

/** Why a run stopped without finishing its work; recorded on the run as `reason` and `message`. */
export class RunFailure extends Error {
  constructor(
    readonly reason: string,
    message: string,
    readonly wouldRemove?: number,
  ) {
    super(message);
  }
}

/** Opens and binds a connection to the project's directory; the caller closes it. */
export async function openReader(project: SyncProjectRecord, connection: connections.ConnectionRecord): Promise<ProjectReader> {
  const settings = connection.directory;
  if (!settings) throw new RunFailure('directory_error', 'The connection has no directory settings.');
  const password = await decryptSecret(settings.sealedPassword, passwordContext(project.organizationId, connection.id));
  const directory = await DirectoryConnection.open(connectOptionsOf(settings));
  try {
    await directory.bind(settings.bindDn, password);
  } catch (error) {
    await directory.close();
    throw error;
  }
  const bases = project.searchBases.length > 0 ? project.searchBases : [settings.baseDn];
  return { directory, project, bases, pageSize: project.pageSize ?? settings.pageSize, connectionBaseDn: settings.baseDn };
}

/** Runs `work` with a reader over the project's directory; any directory failure becomes `directory_error` with classifyLdapError's message. */
export async function withDirectory<T>(project: SyncProjectRecord, connection: connections.ConnectionRecord, work: (reader: ProjectReader) => Promise<T>): Promise<T> {
  let reader: ProjectReader | undefined;
  try {
    reader = await openReader(project, connection);
    return await work(reader);
  } catch (error) {
    if (error instanceof RunFailure) throw error;
    // The classified text (a wrong password reads "Invalid credentials…", not ldapts' "Code: 0x31").
    const failure = classifyLdapError(error);
    const code = failure.resultCode !== undefined && !/result code/i.test(failure.message) ? ` (LDAP result code ${failure.resultCode})` : '';
    throw new RunFailure('directory_error', `Reading the directory failed, nothing was changed: ${failure.message}${code}`);
  } finally {
    await reader?.directory.close();
  }
}

/** What a run computed: its plan and the project state to keep when it is applied. */
export interface ComputedPlan {
  plan: Plan;
  synchronised: number;
  nextState: SyncProjectState;
  /** DN links a full run found missing (written by a run that applies, not by a dry run). */
  unlinked?: DirectoryLink[] | undefined;
  /** Stored users whose directory sign-in is later than their lastSignInAt (recorded by a run that applies). */
  signIns?: DirectorySignIn[] | undefined;
}

/** Read and plan (no write): the plan of a full or delta run of the project. */
export async function computePlan(organizationId: string, project: SyncProjectRecord, connection: connections.ConnectionRecord, state: SyncProjectState, runId: string): Promise<ComputedPlan> {
  const mode = project.mode === 'delta' && state.watermark !== undefined ? 'delta' : 'full';
  const { read, bases } = await withDirectory(project, connection, async (reader) => ({ read: await readProject(reader, state, mode), bases: reader.bases }));
  if (mode === 'full' && read.users.length + read.groups.length + (read.others?.length ?? 0) + read.unreadable.length === 0) {
    throw new RunFailure('empty_result', 'The directory returned no objects: nothing was changed (an empty read is never taken as every object having disappeared).');
  }
  const now = new Date();
  const stored = mode === 'full' ? await loadForFullRun(organizationId, project, read, bases, now) : await loadForDeltaRun(organizationId, project, read, bases, state, now);
  const plan = planRun({ organizationId, project, read, stored, now, newId: randomUUID });
  return { plan, synchronised: stored.synchronised, nextState: nextStateOf(state, read, stored, plan, mode, runId), unlinked: stored.unlinked, signIns: newerSignIns(read.users, stored.users) };
}

/**
 * The project's state after the plan is applied: watermark, OpenLDAP listing counts, synchronised
 * objects in scope (counting every planned create; `landed` takes off those that fail when applied).
 */
function nextStateOf(state: SyncProjectState, read: DirectoryRead, stored: StoredState, plan: Plan, mode: 'full' | 'delta', runId: string): SyncProjectState {
  const created = plan.changes.filter((change) => change.record.action === 'created').length;
  const deleted = plan.changes.filter((change) => change.record.action === 'deleted').length;
  const listed =
    mode === 'full'
      ? {
          user: read.users.length + read.unreadable.filter((entry) => entry.objectClass === 'user').length,
          group: read.groups.length + read.unreadable.filter((entry) => entry.objectClass === 'group').length,
          ...(read.others !== undefined ? { computer: read.others.filter((other) => other.objectClass === 'computer').length + read.unreadable.filter((entry) => entry.objectClass === 'computer').length } : {}),
        }
      : (stored.listed ?? state.listed);
  return { watermark: read.watermark, lastRunId: runId, ...(listed ? { listed } : {}), objectCount: Math.max(0, stored.synchronised + created - deleted) };
}

/** Stops the run when the plan removes more than the project's threshold allows. */
export function checkThreshold(project: SyncProjectRecord, computed: ComputedPlan): void {
  const { count, percent } = project.deletionThreshold;
  const { wouldRemove } = computed.plan;
  if (exceedsThreshold(project.deletionThreshold, wouldRemove, computed.synchronised)) {
    throw new RunFailure(
      'deletion_threshold',
      `The run would deactivate or delete ${wouldRemove} of ${computed.synchronised} synchronised objects, more than the project's threshold (${count} objects or ${percent} %): nothing was changed. Rerun with overrideDeletionThreshold to proceed.`,
      wouldRemove,
    );
  }
}

/** Time kept back from Lambda's deadline for storing a checkpoint and sending the follow-up message. */
const CHECKPOINT_RESERVE_MS = 60_000;
/** Pending change records read per page when a run continues from its checkpoint. */
const CONTINUE_PAGE = 100;

/**
 * When this invocation must stop applying changes (epoch ms): Lambda's remaining time less
 * CHECKPOINT_RESERVE_MS, or sooner when SYNC_RUN_TIME_BUDGET_MS (milliseconds per invocation;
 * operators and tests use it to force checkpoints) is set.
 */
export function invocationDeadline(remainingMs: () => number, now = Date.now()): number {
  const configured = process.env.SYNC_RUN_TIME_BUDGET_MS;
  const budget = configured !== undefined && configured.trim() !== '' && Number.isFinite(Number(configured)) ? Math.max(0, Number(configured)) : Number.POSITIVE_INFINITY;
  return now + Math.min(remainingMs() - CHECKPOINT_RESERVE_MS, budget);
}

/**
 * Runs one queued run — or, with `continueFrom`, continues one from its checkpoint — until it ends
 * or this invocation's time is up (`remainingMs`, Lambda's getRemainingTimeInMillis). A run whose
 * plan outlasts the invocation stores the rest of its plan as pending change records at the
 * sequences they will have, records the checkpoint on the run and sends itself a message to go on;
 * the follow-up applies the pending records in order. Idempotent: a message for a run that is no
 * longer queued, or for a checkpoint the run has left, is ignored.
 */
export async function runSync(payload: SyncRunPayload & { continueFrom?: number | undefined }, remainingMs: () => number = () => WORKER_TIMEOUT_MS): Promise<{ status: string; counts?: SyncRunCounts }> {
  const { organizationId, runId } = payload;
  const deadline = invocationDeadline(remainingMs);
  const shouldStop = () => Date.now() >= deadline;
  const run = await syncProjects.runById(organizationId, runId);
  if (payload.continueFrom !== undefined) {
    if (run?.status !== 'running' || run.checkpoint !== payload.continueFrom) return { status: run?.status ?? 'missing' };
    return continueRun(run, shouldStop);
  }
  if (run?.status === 'running') {
    // SQS may deliver a message twice at once: only a run quiet for longer than the worker's timeout is dead.
    const lastSeen = Date.parse(run.checkpointedAt ?? run.startedAt ?? run.queuedAt);
    return Date.now() - lastSeen > WORKER_TIMEOUT_MS ? interrupted(run) : { status: 'running' };
  }
  if (!run || run.status !== 'queued') return { status: run?.status ?? 'missing' };
  const running: SyncRunRecord = { ...run, status: 'running', startedAt: new Date().toISOString(), invocations: 1 };
  await transact([syncProjects.runPutStep(running, { expectedStatus: 'queued', onConflict: () => new ConcurrentChangeError(`Sync run ${runId} is no longer queued.`) })]);
  const written: SyncChangeRecord[] = [];
  const failed = { creates: 0 };
  let outcome: RunOutcome = {};
  let failure: RunFailure | undefined;
  try {
    outcome = await execute(running, written, shouldStop, failed);
    if (outcome.rest) return await checkpoint(running, written, landed(outcome, failed));
  } catch (error) {
    failure = asRunFailure(error, runId);
  }
  return finish(running, written, failure, landed(outcome, failed));
}

/**
 * The outcome with the project's next object count less the planned creates that failed (error
 * records): the count (the deletion threshold's base on delta runs) holds only objects that landed.
 */
function landed(outcome: RunOutcome, failed: { creates: number }): RunOutcome {
  const { nextState } = outcome;
  if (failed.creates === 0 || nextState?.objectCount === undefined) return outcome;
  return { ...outcome, nextState: { ...nextState, objectCount: Math.max(0, nextState.objectCount - failed.creates) } };
}

function asRunFailure(error: unknown, runId: string): RunFailure {
  if (error instanceof RunFailure) return error;
  const failure = new RunFailure('internal_error', error instanceof Error ? error.message : String(error));
  logger.error('sync run failed', { runId, error: failure.message });
  return failure;
}

/** Adds two tallies of change records. */
function addCounts(a: SyncRunCounts, b: SyncRunCounts): SyncRunCounts {
  return { processed: a.processed + b.processed, created: a.created + b.created, updated: a.updated + b.updated, unchanged: a.unchanged + b.unchanged, deactivated: a.deactivated + b.deactivated, deleted: a.deleted + b.deleted, errors: a.errors + b.errors };
}

/**
 * Ends this invocation of a run that has more to do: stores the changes not applied yet as pending
 * records (unless they are stored already), records the checkpoint, the counts so far and the state
 * to keep at the end on the run, and sends the follow-up message.
 */
async function checkpoint(running: SyncRunRecord, written: readonly SyncChangeRecord[], outcome: RunOutcome): Promise<{ status: string; counts: SyncRunCounts }> {
  const { organizationId, projectId, id: runId } = running;
  const sequence = outcome.nextSequence as number;
  if (outcome.rest && outcome.rest.length > 0 && !outcome.restStored) {
    const project = (await syncProjects.byId(organizationId, projectId)) as SyncProjectRecord;
    await storePlan({ organizationId, project, runId, actor: { actorType: 'system', actorId: `sync-project:${projectId}` }, nextSequence: sequence, written: [] }, outcome.rest, { pending: true });
  }
  const counts = addCounts(running.counts, countsOf(written));
  const next: SyncRunRecord = { ...running, counts, checkpoint: sequence, checkpointedAt: new Date().toISOString(), ...(outcome.nextState ? { plannedState: outcome.nextState } : {}) };
  await transact([syncProjects.runPutStep(next, { expectedStatus: 'running', onConflict: () => new ConcurrentChangeError(`Sync run ${runId} is no longer running.`) })]);
  await startWorker(syncRunWorker, { organizationId, projectId, runId, continueFrom: sequence });
  return { status: 'running', counts };
}

/** A follow-up invocation: applies the run's pending change records from its checkpoint on, in order. */
async function continueRun(run: SyncRunRecord, shouldStop: () => boolean): Promise<{ status: string; counts?: SyncRunCounts }> {
  const running: SyncRunRecord = { ...run, invocations: (run.invocations ?? 1) + 1 };
  const written: SyncChangeRecord[] = [];
  const failed = { creates: 0 };
  let failure: RunFailure | undefined;
  try {
    const project = await syncProjects.byId(run.organizationId, run.projectId);
    if (!project) throw new RunFailure('project_deleted', `Sync project ${run.projectId} no longer exists.`);
    const context: ApplyContext = { organizationId: run.organizationId, project, runId: run.id, actor: { actorType: 'system', actorId: `sync-project:${project.id}` }, nextSequence: run.checkpoint as number, written, failed };
    for (let pages = 0; pages < 1_000_000; pages++) {
      const page = await syncProjects.changesPage(run.organizationId, run.id, context.nextSequence, CONTINUE_PAGE);
      if (page.length === 0) break;
      const planned = plannedFromRecords(page);
      const done = await applyChanges(context, planned, { shouldStop });
      if (done < planned.length || (shouldStop() && page.length === CONTINUE_PAGE)) {
        return await checkpoint(running, written, landed({ nextState: run.plannedState, rest: planned.slice(done), restStored: true, nextSequence: context.nextSequence }, failed));
      }
    }
  } catch (error) {
    failure = asRunFailure(error, run.id);
  }
  return finish(running, written, failure, landed({ nextState: run.plannedState }, failed));
}

/** What a run leaves besides its change records: the project's next state and fields of the run record. */
interface RunOutcome {
  nextState?: SyncProjectState | undefined;
  run?: Partial<SyncRunRecord> | undefined;
  /** Changes this invocation did not get to (the run continues from a checkpoint), and where they start. */
  rest?: PlannedChange[] | undefined;
  restStored?: boolean | undefined;
  nextSequence?: number | undefined;
}

/** Loads the project and its connection, refusing a run whose project or connection is gone or disabled. */
async function projectAndConnection(organizationId: string, projectId: string): Promise<{ project: SyncProjectRecord; connection: connections.ConnectionRecord }> {
  const project = await syncProjects.byId(organizationId, projectId);
  if (!project) throw new RunFailure('project_deleted', `Sync project ${projectId} no longer exists.`);
  const connection = await connections.byId(organizationId, project.connectionId);
  if (!connection) throw new RunFailure('directory_error', `Connection ${project.connectionId} no longer exists.`);
  if (connection.status === 'disabled') throw new RunFailure('connection_disabled', `Connection ${connection.id} is disabled.`);
  return { project, connection };
}

/** The run's work by kind: apply a dry run's plan, plan only (dry run), or read, plan and apply. */
async function execute(run: SyncRunRecord, written: SyncChangeRecord[], shouldStop: () => boolean, failed: { creates: number }): Promise<RunOutcome> {
  const { organizationId, projectId, id: runId } = run;
  const { project, connection } = await projectAndConnection(organizationId, projectId);
  const context: ApplyContext = { organizationId, project, runId, actor: { actorType: 'system', actorId: `sync-project:${projectId}` }, nextSequence: 1, written, failed };
  if (run.appliesPlanOf !== undefined) return applyStoredPlan(run, project, context, shouldStop);
  if (run.object !== undefined) return syncOneObject(run, project, connection, context);
  const state = await syncProjects.stateOf(organizationId, projectId);
  const computed = await computePlan(organizationId, project, connection, state, runId);
  if (run.dryRun) return storeDryRun(project, state, computed, context, run);
  if (!run.overrideDeletionThreshold) checkThreshold(project, computed);
  if (computed.unlinked?.length) await repairLinks(organizationId, project.connectionId, computed.unlinked);
  const outcome = await applyWithin(context, computed.plan.changes, computed.nextState, shouldStop);
  if (computed.signIns?.length) await recordSignIns(context, computed.signIns);
  return outcome;
}

/** Applies `changes` until the invocation's time is up; what is left goes back as the outcome's `rest`. */
async function applyWithin(context: ApplyContext, changes: PlannedChange[], nextState: SyncProjectState | undefined, shouldStop: () => boolean): Promise<RunOutcome> {
  const done = await applyChanges(context, changes, { shouldStop });
  return { nextState, ...(done < changes.length ? { rest: changes.slice(done), nextSequence: context.nextSequence } : {}) };
}

/** What an on-demand run names: a DN, a stable directory id, and the stored object if there is one. */
interface ObjectTarget {
  dn?: string | undefined;
  directoryId?: string | undefined;
  stored?: { objectClass: 'user'; record: users.UserRecord } | { objectClass: 'group'; record: groups.GroupRecord } | { objectClass: 'computer'; record: directoryObjects.DirectoryObjectRecord } | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Resolves `object` ({dn} or {id}: a platform user or group id, or a directory id) against what the connection synchronised. */
async function resolveTarget(project: SyncProjectRecord, object: { dn?: string | undefined; id?: string | undefined }): Promise<ObjectTarget> {
  const { organizationId, connectionId } = project;
  const mine = <T extends { connectionId?: string | undefined }>(record: T | undefined) => (record?.connectionId === connectionId ? record : undefined);
  if (object.dn !== undefined) {
    const link = (await directoryLinks.byDns(organizationId, connectionId, [dnKey(object.dn)])).get(dnKey(object.dn));
    const user = link?.objectClass === 'user' ? mine(await users.byId(organizationId, link.objectId)) : undefined;
    const group = link?.objectClass === 'group' ? mine(await groups.byId(organizationId, link.objectId)) : undefined;
    return { dn: object.dn, ...(user ? { stored: { objectClass: 'user', record: user } } : group ? { stored: { objectClass: 'group', record: group } } : {}) };
  }
  const id = (object.id as string).toLowerCase();
  if (!UUID.test(id)) throw new RunFailure('object_not_found', `'${object.id}' is neither a user or group id nor a directory id (entryUUID, objectGUID).`);
  const user = mine(await users.byId(organizationId, id)) ?? (await users.byDirectoryIds(organizationId, connectionId, [id]))[0];
  if (user) return { dn: user.directoryDn, directoryId: user.directoryId, stored: { objectClass: 'user', record: user } };
  const group = mine(await groups.byId(organizationId, id)) ?? (await groups.byDirectoryIds(organizationId, connectionId, [id]))[0];
  if (group) return { dn: group.directoryDn, directoryId: group.directoryId, stored: { objectClass: 'group', record: group } };
  const other = mine(await directoryObjects.byId(organizationId, id)) ?? (await directoryObjects.byDirectoryIds(organizationId, connectionId, [id]))[0];
  if (other) return { dn: other.directoryDn, directoryId: other.directoryId, stored: { objectClass: 'computer', record: other } };
  return { directoryId: id };
}

/**
 * On-demand sync of one object: reads it (by stable id when known, so a moved entry is found, else
 * by DN with a base-scope search) and plans only it. It is taken for disappeared only when a DN
 * lookup answers noSuchObject and the object was synchronised; the project's watermark stays.
 */
async function syncOneObject(run: SyncRunRecord, project: SyncProjectRecord, connection: connections.ConnectionRecord, context: ApplyContext): Promise<RunOutcome> {
  const target = await resolveTarget(project, run.object ?? {});
  const { found, missing, bases } = await withDirectory(project, connection, async (reader) => {
    if (target.dn !== undefined && !reader.bases.some((base) => withinBase(target.dn as string, base))) throw new RunFailure('object_out_of_scope', `${target.dn} is outside the project's search bases.`);
    let single = target.directoryId !== undefined ? await readOne(reader, { directoryId: target.directoryId }) : { read: undefined, missing: false };
    if (!single.read || single.read.users.length + single.read.groups.length + (single.read.others?.length ?? 0) + single.read.unreadable.length === 0) single = target.dn !== undefined ? await readOne(reader, { dn: target.dn }) : single;
    return { found: single.read, missing: single.missing, bases: reader.bases };
  });
  const read = found ?? { users: [], groups: [], unreadable: [], watermark: undefined };
  const name = run.object?.dn ?? run.object?.id;
  if (missing && !target.stored) throw new RunFailure('object_not_found', `The directory has no object ${name}, and the project never synchronised it.`);
  if (!missing && read.users.length + read.groups.length + (read.others?.length ?? 0) + read.unreadable.length === 0) throw new RunFailure('object_not_found', `The directory has no object ${name} that the project's bases and filter select: nothing was changed.`);
  const state = await syncProjects.stateOf(context.organizationId, project.id);
  const now = new Date();
  const stored = await loadForDeltaRun(context.organizationId, project, read, bases, state, now, { dueDeletions: false });
  if (missing && target.stored) {
    if (target.stored.objectClass === 'user') stored.vanished.users = [target.stored.record];
    else if (target.stored.objectClass === 'group') stored.vanished.groups = [target.stored.record];
    else stored.vanished.others = [target.stored.record];
  }
  const plan = planRun({ organizationId: context.organizationId, project, read, stored, now, newId: randomUUID });
  if (!run.overrideDeletionThreshold) checkThreshold(project, { plan, synchronised: stored.synchronised, nextState: {} });
  await applyChanges(context, plan.changes);
  return {};
}

/** A dry run: the plan becomes the run's change records, with what applying it later needs. */
async function storeDryRun(project: SyncProjectRecord, state: SyncProjectState, computed: ComputedPlan, context: ApplyContext, run: SyncRunRecord): Promise<RunOutcome> {
  await storePlan(context, computed.plan.changes);
  const exceeds = !run.overrideDeletionThreshold && exceedsThreshold(project.deletionThreshold, computed.plan.wouldRemove, computed.synchronised);
  return {
    run: {
      basedOn: { projectVersion: project.version, lastRunId: state.lastRunId },
      plannedState: computed.nextState,
      synchronised: computed.synchronised,
      wouldRemove: computed.plan.wouldRemove,
      message: exceeds
        ? `Dry run: nothing was changed. The plan deactivates or deletes ${computed.plan.wouldRemove} objects, more than the project's threshold: applying it needs overrideDeletionThreshold.`
        : 'Dry run: nothing was changed; the change records are the plan.',
    },
  };
}

/** Applies a dry run's stored plan unchanged (re-verified: 409-worthy drift fails the run with reason plan_outdated). */
async function applyStoredPlan(run: SyncRunRecord, project: SyncProjectRecord, context: ApplyContext, shouldStop: () => boolean): Promise<RunOutcome> {
  const dryRunId = run.appliesPlanOf as string;
  let records: SyncChangeRecord[];
  try {
    records = await verifyPlanApplies(run.organizationId, project, dryRunId);
  } catch (error) {
    if (error instanceof ConflictError) throw new RunFailure('plan_outdated', error.message);
    throw error;
  }
  const dryRun = (await syncProjects.runById(run.organizationId, dryRunId)) as SyncRunRecord;
  const changes = plannedFromRecords(records);
  const wouldRemove = changes.filter((change) => change.record.action === 'deactivated' || change.record.action === 'deleted').length;
  if (!run.overrideDeletionThreshold) checkThreshold(project, { plan: { changes, wouldRemove }, synchronised: dryRun.synchronised ?? 0, nextState: {} });
  return applyWithin(context, changes, { ...dryRun.plannedState, lastRunId: run.id }, shouldStop);
}

/** Records the run's end, releases the project's claim and keeps the project's next state, in one transaction. */
async function finish(running: SyncRunRecord, written: readonly SyncChangeRecord[], failure: RunFailure | undefined, outcome: RunOutcome): Promise<{ status: string; counts: SyncRunCounts }> {
  const { organizationId, projectId, id: runId } = running;
  const { nextState } = outcome;
  const counts = addCounts(running.counts, countsOf(written));
  const { status, outcome: published } = endOfRun(failure, counts);
  const finished: SyncRunRecord = {
    ...running,
    ...(failure ? {} : outcome.run),
    status,
    finishedAt: new Date().toISOString(),
    counts,
    ...(failure ? { reason: failure.reason, message: failure.message, ...(failure.wouldRemove !== undefined ? { wouldRemove: failure.wouldRemove } : {}) } : {}),
  };
  const lost = () => new ConflictError(`Sync run ${runId} lost its claim on project ${projectId}.`);
  await transact([
    syncProjects.runPutStep(finished, { expectedStatus: 'running', onConflict: () => new ConcurrentChangeError(`Sync run ${runId} is no longer running.`) }),
    syncProjects.releaseClaimStep(organizationId, projectId, runId, lost),
    ...(failure || nextState === undefined ? [] : [syncProjects.putStateStep(organizationId, projectId, nextState)]),
  ]).catch(async (error: unknown) => {
    // The project was deleted meanwhile (its claim went with it): record the outcome without the claim.
    if (!(error instanceof ConflictError)) throw error;
    await transact([syncProjects.runPutStep(finished, { expectedStatus: 'running', onConflict: lost })]);
  });
  recordRunMetrics(published, counts);
  return { status, counts };
}

/**
 * How a run ends: its stored status (`failed` with a failure, `partial` when a change record is an
 * error, else `succeeded`) and the outcome published as SyncRuns' dimension — the status, except a
 * run refused by the deletion threshold, which is `stoppedByDeletionThreshold`.
 *
 * @param failure the run's failure (its `reason` code), if it failed
 * @param counts the whole run's change-record counts
 */
export function endOfRun(failure: { reason: string } | undefined, counts: SyncRunCounts): { status: 'failed' | 'partial' | 'succeeded'; outcome: SyncRunOutcome } {
  const status = failure ? 'failed' : counts.errors > 0 ? 'partial' : 'succeeded';
  return { status, outcome: failure?.reason === 'deletion_threshold' ? 'stoppedByDeletionThreshold' : status };
}

/**
 * Publishes a finished run: SyncRuns (1, dimension `outcome`) and SyncObjectsProcessed by kind
 * (created, updated, unchanged, deactivated, deleted, errors; the whole run's counts, kinds with
 * none left out).
 */
export function recordRunMetrics(outcome: SyncRunOutcome, counts: SyncRunCounts): void {
  addMetric(metric.syncRuns, 1, { outcome });
  for (const kind of ['created', 'updated', 'unchanged', 'deactivated', 'deleted', 'errors'] as const) {
    if (counts[kind] > 0) addMetric(metric.syncObjectsProcessed, counts[kind], { kind });
  }
}

/** The counts of a run: exactly its change records, tallied. */
export function countsOf(records: readonly SyncChangeRecord[]): SyncRunCounts {
  const counts: SyncRunCounts = { processed: 0, created: 0, updated: 0, unchanged: 0, deactivated: 0, deleted: 0, errors: 0 };
  for (const record of records) {
    // A pending record is a change not made yet (a run that died between invocations).
    if (record.pending) continue;
    counts.processed += 1;
    counts[record.action === 'error' ? 'errors' : record.action] += 1;
  }
  return counts;
}

/**
 * A message delivered again for a run that is still `running`: the invocation that ran it died
 * (a crash or its timeout; a queue redelivers only after the visibility timeout, six times the
 * worker's). The run ends as `failed` with reason `interrupted`, its counts from the change records
 * it did write (each of those changes landed with its record), and the project's claim is released.
 */
async function interrupted(run: SyncRunRecord): Promise<{ status: string; counts: SyncRunCounts }> {
  const counts = countsOf(await syncProjects.changes(run.organizationId, run.id));
  const finished: SyncRunRecord = { ...run, status: 'failed', reason: 'interrupted', message: 'The worker running this run stopped before it finished; the changes recorded were made.', finishedAt: new Date().toISOString(), counts };
  await transact([
    syncProjects.runPutStep(finished, { expectedStatus: 'running', onConflict: () => new ConcurrentChangeError(`Sync run ${run.id} is no longer running.`) }),
    syncProjects.releaseClaimStep(run.organizationId, run.projectId, run.id, () => new ConflictError(`Sync run ${run.id} lost its claim.`)),
  ]).catch(async (error: unknown) => {
    if (!(error instanceof ConflictError)) throw error;
    await transact([syncProjects.runPutStep(finished, { expectedStatus: 'running', onConflict: () => new ConcurrentChangeError(`Sync run ${run.id} is no longer running.`) })]);
  });
  recordRunMetrics('failed', counts);
  return { status: 'failed', counts };
}

