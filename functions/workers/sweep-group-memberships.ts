import { workerPayloads } from '#shared/workers/payloads.ts';
import { createQueueWorker } from '#shared/workers/queue-handler.ts';
import { sweepGroupMemberships } from '#shared/workers/sweep-group-memberships.ts';

export const handler = createQueueWorker('sweep-group-memberships', workerPayloads['sweep-group-memberships'], (payload, context) =>
  sweepGroupMemberships(payload, () => context.getRemainingTimeInMillis()),
);
