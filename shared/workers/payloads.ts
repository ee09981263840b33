import * as z from '../zod-mini.ts';
import { lazily } from '../lazy.ts';

/**
 * The payload each startable worker accepts, validated when work is started and again at the
 * worker's boundary (a message may have been written by an older version, or by hand). Each entry
 * builds its schema on first call (the same schema every time), so importing this module builds none.
 */
export const workerPayloads = {
  'sweep-group-memberships': lazily(() => z.strictObject({
    organizationId: z.string().check(z.minLength(1), z.maxLength(100)),
    groupId: z.uuid(),
  })),
  'sync-run': lazily(() => z.strictObject({
    organizationId: z.uuid(),
    projectId: z.uuid(),
    runId: z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'must be a ULID' })),
    /** A follow-up invocation: continue the run's stored plan from this change record's sequence (its checkpoint). */
    continueFrom: z.optional(z.int().check(z.gte(1))),
  })),
  'policy-sweep': lazily(() => z.strictObject({
    organizationId: z.uuid(),
    policyId: z.uuid(),
  })),
  'audit-export': lazily(() => z.strictObject({
    organizationId: z.string().check(z.minLength(1), z.maxLength(100)),
    jobId: z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'must be a ULID' })),
  })),
} as const;

export type StartableWorkerId = keyof typeof workerPayloads;
export type WorkerPayload<Id extends StartableWorkerId> = z.infer<ReturnType<(typeof workerPayloads)[Id]>>;

/**
 * The event a `managedSchedules` worker receives from each firing of one of its schedules: the
 * schedule's payload plus `scheduledTime` (ISO 8601; EventBridge Scheduler's scheduled time).
 * Built on first call, like {@link workerPayloads}.
 */
export const scheduledWorkerEvents = {
  'sync-schedule': lazily(() => z.strictObject({
    organizationId: z.uuid(),
    projectId: z.uuid(),
    scheduledTime: z.iso.datetime({ offset: true }),
  })),
} as const;
