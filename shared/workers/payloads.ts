import * as z from 'zod';

/**
 * The payload each startable worker accepts, validated when work is started and again at the
 * worker's boundary (a message may have been written by an older version, or by hand).
 */
export const workerPayloads = {
  'sweep-group-memberships': z.strictObject({
    organizationId: z.string().min(1).max(100),
    groupId: z.uuid(),
  }),
} as const;

export type StartableWorkerId = keyof typeof workerPayloads;
export type WorkerPayload<Id extends StartableWorkerId> = z.infer<(typeof workerPayloads)[Id]>;
