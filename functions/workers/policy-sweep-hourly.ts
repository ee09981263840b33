import type { Context } from 'aws-lambda';
import * as z from '#shared/zod-mini.ts';
import { lazily } from '#shared/lazy.ts';
import { sweepAll } from '#shared/governance/policy-evaluation.ts';
import { logger } from '#shared/observability/logger.ts';
import { observeWorker } from '#shared/workers/observe-worker.ts';

/** What the schedule sends (lib/workers-stack.ts): the worker id and the schedule's time. */
const scheduleEvent = /* @__PURE__ */ lazily(() => z.object({ workerId: z.literal('policy-sweep-hourly'), scheduledTime: z.iso.datetime({ offset: true }) }));

/** The `policy-sweep-hourly` schedule worker: lapsed exceptions and every enabled policy, as of the schedule's time. */
export const handler = observeWorker('policy-sweep-hourly', async (event: unknown, context: Context) => {
  logger.appendKeys({ workerId: 'policy-sweep-hourly', requestId: context.awsRequestId });
  const { scheduledTime } = scheduleEvent().parse(event);
  const result = await sweepAll(Date.parse(scheduledTime));
  logger.info('policy sweep done', { scheduledTime, ...result });
  return result;
});
