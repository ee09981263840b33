import { runSync } from '#shared/directory/sync-run.ts';
import { workerPayloads } from '#shared/workers/payloads.ts';
import { createQueueWorker } from '#shared/workers/queue-handler.ts';

export const handler = createQueueWorker('sync-run', workerPayloads['sync-run'], (payload, context) => runSync(payload, () => context.getRemainingTimeInMillis()));
