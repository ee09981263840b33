import * as z from '../zod-mini.ts';
import { lazily } from '../lazy.ts';

/**
 * A worker that can be started on demand (shared/workers/start-worker.ts), with the payload it
 * accepts: validated when work is started and again at the worker's boundary (a message may have
 * been written by an older version, or by hand). `payload()` builds the schema on first call (the
 * same schema every time), so importing this module builds none.
 *
 * One export per worker, each marked `/* @__PURE__ *\/`: a function bundle keeps only the payload
 * schemas of the workers it starts or runs (a map by id would keep every one).
 */
export interface StartableWorker<Id extends string = string, Schema extends z.ZodMiniType = z.ZodMiniType> {
  /** The worker's id in the worker table (shared/workers.ts). */
  readonly id: Id;
  readonly payload: () => Schema;
}

/** The payload (as validated) of a startable worker. */
export type WorkerPayload<Worker extends StartableWorker> = z.infer<ReturnType<Worker['payload']>>;

function startable<const Id extends string, Schema extends z.ZodMiniType>(id: Id, payload: () => Schema): StartableWorker<Id, Schema> {
  return { id, payload: lazily(payload) };
}

/** `sweep-group-memberships`: the deleted group whose memberships are removed. */
export const sweepGroupMembershipsWorker = /* @__PURE__ */ startable('sweep-group-memberships', () => z.strictObject({
  organizationId: z.string().check(z.minLength(1), z.maxLength(100)),
  groupId: z.uuid(),
}));

/** `sync-run`: the queued run of a sync project. */
export const syncRunWorker = /* @__PURE__ */ startable('sync-run', () => z.strictObject({
  organizationId: z.uuid(),
  projectId: z.uuid(),
  runId: z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'must be a ULID' })),
  /** A follow-up invocation: continue the run's stored plan from this change record's sequence (its checkpoint). */
  continueFrom: z.optional(z.int().check(z.gte(1))),
}));

/** `policy-sweep`: the policy to evaluate over its organization (or whose violations to resolve). */
export const policySweepWorker = /* @__PURE__ */ startable('policy-sweep', () => z.strictObject({
  organizationId: z.uuid(),
  policyId: z.uuid(),
}));

/** `audit-export`: the export job to run. */
export const auditExportWorker = /* @__PURE__ */ startable('audit-export', () => z.strictObject({
  organizationId: z.string().check(z.minLength(1), z.maxLength(100)),
  jobId: z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'must be a ULID' })),
}));

/**
 * The event the `sync-schedule` worker (a `managedSchedules` worker) receives from each firing of
 * one of its schedules: the schedule's payload plus `scheduledTime` (ISO 8601; EventBridge
 * Scheduler's scheduled time). Built on first call.
 */
export const syncScheduleEvent = /* @__PURE__ */ lazily(() => z.strictObject({
  organizationId: z.uuid(),
  projectId: z.uuid(),
  scheduledTime: z.iso.datetime({ offset: true }),
}));
