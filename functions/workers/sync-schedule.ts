import { runScheduledSync } from '#shared/directory/sync-schedules.ts';
import { logger } from '#shared/observability/logger.ts';
import { syncScheduleEvent } from '#shared/workers/payloads.ts';
import { observeWorker } from '#shared/workers/observe-worker.ts';

/**
 * One firing of a sync project's schedule (EventBridge Scheduler in AWS, a timer locally): queues a
 * run like POST …/run, or records it as skipped. An invalid event is thrown (Lambda's async retries,
 * then the dead-letter queue keep it as evidence).
 */
export const handler = observeWorker('sync-schedule', async (event: unknown): Promise<unknown> => {
  const payload = syncScheduleEvent().parse(event);
  logger.appendKeys({ workerId: 'sync-schedule', projectId: payload.projectId });
  const result = await runScheduledSync(payload);
  logger.info('scheduled sync firing done', { scheduledTime: payload.scheduledTime, ...result });
  return result;
});
