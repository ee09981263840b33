import { sweepPolicy } from '#shared/governance/policy-evaluation.ts';
import { policySweepWorker } from '#shared/workers/payloads.ts';
import { createQueueWorker } from '#shared/workers/queue-handler.ts';

/** The `policy-sweep` queue worker: one policy over its whole organization (or its violations resolved when disabled or deleted). */
export const handler = createQueueWorker(policySweepWorker.id, policySweepWorker.payload, (payload) => sweepPolicy(payload.organizationId, payload.policyId, Date.now()));
