/**
 * Scheduled sync runs (issue 13, "Scheduled runs"): a sync project may carry a schedule — a rate or
 * an EventBridge Scheduler cron expression in an IANA time zone, on or off. The project routes keep
 * one managed schedule of the `sync-schedule` worker per scheduled project (an EventBridge Scheduler
 * schedule in AWS, a timer in the local runtime), created, changed and deleted with the project. Each
 * firing queues a run exactly like POST /api/sync/projects/{id}/run (claim, queued run, audit entry,
 * the `sync-run` worker) with the schedule as the actor; while another run is queued or running, or
 * the connection is disabled, the firing is recorded as skipped (audit `sync.run.skipped`) — never
 * an error that would be retried.
 *
 * The stored project is the source of truth: a firing for a project that no longer exists, or whose
 * schedule was removed or disabled, does nothing.
 */
import type { AuditEvent } from '../audit/audit-entry.ts';
import { auditStep } from '../audit/audit-entry.ts';
import { platformConfig } from '../config.ts';
import { ConflictError, ServiceUnavailableError, ValidationError } from '../errors/domain-errors.ts';
import { logger } from '../observability/logger.ts';
import * as syncProjects from '../storage/sync-projects.ts';
import type { SyncProjectRecord, SyncSchedule } from '../storage/sync-projects.ts';
import { transact } from '../storage/transactions.ts';
import { nextFireTime, rateMs, scheduleProblem } from '../workers/schedule-expressions.ts';
import { putWorkerSchedule, removeWorkerSchedule } from '../workers/worker-schedules.ts';
import type { SyncScheduleChange, SyncScheduleInput } from './sync-schemas.ts';
import { queueSyncRun } from './sync-projects.ts';

const WORKER = 'sync-schedule';

/** The managed schedule's name: unique in the deployment, since project ids are random UUIDs. */
export const syncScheduleName = (projectId: string): string => `sync-project-${projectId}`;

/** The audit actor of everything a project's schedule does. */
export const scheduleActor = (projectId: string): AuditEvent['actor'] => ({ actorType: 'system', actorId: `sync-schedule:${projectId}` });

/** The stored form of a validated schedule from a create request. */
export function scheduleOf(input: SyncScheduleInput): SyncSchedule {
  return { expression: input.expression, ...(input.timezone !== undefined ? { timezone: input.timezone } : {}), enabled: input.enabled };
}

/**
 * A PATCH's schedule change applied to the stored schedule: `null` removes it; sent fields replace
 * stored ones; a new rate expression drops a stored time zone (rates have none) unless one is sent.
 * @throws ValidationError when the result is not a valid schedule (or names no expression).
 */
export function mergeSchedule(current: SyncSchedule | undefined, change: SyncScheduleChange | null): SyncSchedule | undefined {
  if (change === null) return undefined;
  const expression = change.expression ?? current?.expression;
  if (expression === undefined) throw new ValidationError('schedule.expression: the project has no schedule yet; send an expression', { field: 'schedule.expression' });
  const keepsZone = change.timezone === undefined && !(change.expression !== undefined && rateMs(change.expression) !== undefined);
  const timezone = change.timezone === null ? undefined : (change.timezone ?? (keepsZone ? current?.timezone : undefined));
  const merged: SyncSchedule = { expression, ...(timezone !== undefined ? { timezone } : {}), enabled: change.enabled ?? current?.enabled ?? true };
  const problem = scheduleProblem(merged, platformConfig().syncScheduleMinIntervalMinutes);
  if (problem) throw new ValidationError(`schedule.${problem.startsWith('timezone') ? 'timezone' : 'expression'}: ${problem}`, { field: 'schedule' });
  return merged;
}

/** When the schedule fires next (ISO 8601), or null without a schedule, when it is disabled or never fires again. */
export function nextRunAt(schedule: SyncSchedule | undefined, now = Date.now()): string | null {
  if (!schedule?.enabled) return null;
  try {
    const next = nextFireTime(schedule, now);
    return next === undefined ? null : new Date(next).toISOString();
  } catch {
    return null;
  }
}

/**
 * Makes the project's managed schedule match its stored schedule: creates or replaces it, or
 * deletes it when the project has none. @throws ServiceUnavailableError when the scheduler refuses
 * (the project itself is saved; sending the schedule again repairs it).
 */
export async function applyProjectSchedule(project: Pick<SyncProjectRecord, 'id' | 'organizationId' | 'schedule'>): Promise<void> {
  const name = syncScheduleName(project.id);
  try {
    if (!project.schedule) await removeWorkerSchedule(WORKER, name);
    else await putWorkerSchedule(WORKER, { name, ...project.schedule, payload: { organizationId: project.organizationId, projectId: project.id } });
  } catch (error) {
    logger.error('sync schedule could not be applied', { projectId: project.id, error: error instanceof Error ? error.message : String(error) });
    throw new ServiceUnavailableError(`The schedule of sync project ${project.id} could not be applied; the project is saved: send its schedule again (PATCH) to retry.`);
  }
}

/** Deletes a deleted project's managed schedule; a failure is logged (its firings find no project and do nothing). */
export async function removeProjectSchedule(projectId: string): Promise<void> {
  try {
    await removeWorkerSchedule(WORKER, syncScheduleName(projectId));
  } catch (error) {
    logger.error('sync schedule could not be deleted', { projectId, error: error instanceof Error ? error.message : String(error) });
  }
}

/** The local runtime at start: arms a timer for every project that has a schedule. Returns how many. */
export async function restoreSyncSchedules(): Promise<number> {
  const projects = await syncProjects.scheduled();
  for (const project of projects) await applyProjectSchedule(project);
  return projects.length;
}

export type ScheduledRunOutcome =
  | { outcome: 'queued'; runId: string }
  | { outcome: 'skipped'; reason: 'run_in_progress' | 'connection_unavailable'; message: string }
  | { outcome: 'ignored'; reason: 'project_deleted' | 'schedule_removed' | 'schedule_disabled' };

/**
 * One firing of a project's schedule (the `sync-schedule` worker): queues a run exactly like
 * POST …/run with the schedule as the actor. A firing while a run is queued or running, or while
 * the connection is disabled or gone, is audited as `sync.run.skipped` (details: reason, message,
 * scheduledTime) and ends normally; a firing for a deleted project or a removed or disabled
 * schedule does nothing.
 */
export async function runScheduledSync(event: { organizationId: string; projectId: string; scheduledTime: string }): Promise<ScheduledRunOutcome> {
  const { organizationId, projectId, scheduledTime } = event;
  const project = await syncProjects.byId(organizationId, projectId);
  if (!project) return { outcome: 'ignored', reason: 'project_deleted' };
  if (!project.schedule) return { outcome: 'ignored', reason: 'schedule_removed' };
  if (!project.schedule.enabled) return { outcome: 'ignored', reason: 'schedule_disabled' };
  const actor = scheduleActor(projectId);
  const origin = { ipAddress: '', userAgent: 'identity-platform worker sync-schedule' };
  try {
    const queued = await queueSyncRun(organizationId, projectId, {}, actor, origin);
    return { outcome: 'queued', runId: queued.runId };
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const reason = /already has a run/.test(error.message) ? 'run_in_progress' : 'connection_unavailable';
    await transact([
      auditStep({ organizationId, action: 'sync.run.skipped', actor, origin, target: { type: 'syncProject', id: projectId }, details: { reason, message: error.message, scheduledTime, schedule: project.schedule.expression } }),
    ]);
    return { outcome: 'skipped', reason, message: error.message };
  }
}
