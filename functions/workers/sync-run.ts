import { runSync } from '#shared/directory/sync-run.ts';
import { syncRunWorker } from '#shared/workers/payloads.ts';
import { createQueueWorker } from '#shared/workers/queue-handler.ts';

export const handler = createQueueWorker(syncRunWorker.id, syncRunWorker.payload, (payload, context) => runSync(payload, () => context.getRemainingTimeInMillis()));
