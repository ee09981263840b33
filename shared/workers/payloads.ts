import * as z from '../zod-mini.ts';

/**
 * The payload each startable worker accepts, validated when work is started and again at the
 * worker's boundary (a message may have been written by an older version, or by hand).
 */
export const workerPayloads = {
  'sweep-group-memberships': z.strictObject({
    organizationId: z.string().check(z.minLength(1), z.maxLength(100)),
    groupId: z.uuid(),
  }),
  'sync-run': z.strictObject({
    organizationId: z.uuid(),
    projectId: z.uuid(),
    runId: z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'must be a ULID' })),
    /** A follow-up invocation: continue the run's stored plan from this change record's sequence (its checkpoint). */
    continueFrom: z.optional(z.int().check(z.gte(1))),
  }),
  'policy-sweep': z.strictObject({
    organizationId: z.uuid(),
    policyId: z.uuid(),
  }),
  'audit-export': z.strictObject({
    organizationId: z.string().check(z.minLength(1), z.maxLength(100)),
    jobId: z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, { message: 'must be a ULID' })),
  }),
} as const;

export type StartableWorkerId = keyof typeof workerPayloads;
export type WorkerPayload<Id extends StartableWorkerId> = z.infer<(typeof workerPayloads)[Id]>;

/**
 * The event a `managedSchedules` worker receives from each firing of one of its schedules: the
 * schedule's payload plus `scheduledTime` (ISO 8601; EventBridge Scheduler's scheduled time).
 */
export const scheduledWorkerEvents = {
  'sync-schedule': z.strictObject({
    organizationId: z.uuid(),
    projectId: z.uuid(),
    scheduledTime: z.iso.datetime({ offset: true }),
  }),
} as const;
