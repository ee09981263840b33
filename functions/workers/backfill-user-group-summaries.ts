import type { Context } from 'aws-lambda';
import * as z from '#shared/zod-mini.ts';
import { lazily } from '#shared/lazy.ts';
import { backfillUserGroupSummaries } from '#shared/workers/backfill-user-group-summaries.ts';
import { logger } from '#shared/observability/logger.ts';
import { observeWorker } from '#shared/workers/observe-worker.ts';

/** What the schedule sends (lib/workers-stack.ts): the worker id and the schedule's time. */
const scheduleEvent = /* @__PURE__ */ lazily(() => z.object({ workerId: z.literal('backfill-user-group-summaries'), scheduledTime: z.iso.datetime({ offset: true }) }));

/** The `backfill-user-group-summaries` schedule worker: completes the group summaries of users written before they existed. */
export const handler = observeWorker('backfill-user-group-summaries', async (event: unknown, context: Context) => {
  logger.appendKeys({ workerId: 'backfill-user-group-summaries', requestId: context.awsRequestId });
  const { scheduledTime } = scheduleEvent().parse(event);
  const result = await backfillUserGroupSummaries(() => context.getRemainingTimeInMillis());
  logger.info('user group summary backfill done', { scheduledTime, ...result });
  return result;
});
