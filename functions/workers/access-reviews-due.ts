import type { Context } from 'aws-lambda';
import * as z from '#shared/zod-mini.ts';
import { lazily } from '#shared/lazy.ts';
import { sweepAccessReviews } from '#shared/governance/access-reviews.ts';
import { logger } from '#shared/observability/logger.ts';
import { observeWorker } from '#shared/workers/observe-worker.ts';

/** What the schedule sends (lib/workers-stack.ts): the worker id and the schedule's time. */
const scheduleEvent = /* @__PURE__ */ lazily(() => z.object({ workerId: z.literal('access-reviews-due'), scheduledTime: z.iso.datetime({ offset: true }) }));

/** The `access-reviews-due` schedule worker: handles due campaigns and recurring occurrences as of the schedule's time. */
export const handler = observeWorker('access-reviews-due', async (event: unknown, context: Context) => {
  logger.appendKeys({ workerId: 'access-reviews-due', requestId: context.awsRequestId });
  const { scheduledTime } = scheduleEvent().parse(event);
  const result = await sweepAccessReviews(Date.parse(scheduledTime));
  logger.info('access reviews sweep done', { scheduledTime, ...result });
  return result;
});
