import { sweepGroupMembershipsWorker } from '#shared/workers/payloads.ts';
import { createQueueWorker } from '#shared/workers/queue-handler.ts';
import { sweepGroupMemberships } from '#shared/workers/sweep-group-memberships.ts';

export const handler = createQueueWorker(sweepGroupMembershipsWorker.id, sweepGroupMembershipsWorker.payload, (payload, context) =>
  sweepGroupMemberships(payload, () => context.getRemainingTimeInMillis()),
);
