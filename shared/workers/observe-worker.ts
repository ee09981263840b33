import type { Context } from 'aws-lambda';
import { addMetric, withMetrics } from '../observability/metrics.ts';
import * as metric from '../observability/metrics-catalog.ts';
import { traceInvocation } from '../observability/tracing.ts';

/** A worker's Lambda handler, whatever its trigger (queue, stream, schedule, async invoke). */
export type WorkerHandler<Event, Result> = (event: Event, context: Context) => Promise<Result>;

/** True for a batch response (SQS, DynamoDB Streams) that reports failed items. */
function reportsFailures(result: unknown): boolean {
  const failures = (result as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures;
  return Array.isArray(failures) && failures.length > 0;
}

/**
 * Wraps a worker's handler as an observed invocation: traced as `## <worker id>`, and its metrics
 * written once when it ends — WorkerInvocations 1 and WorkerFailures 1 when it threw or reported
 * failed batch items (else 0), both by `worker`, plus the domain metrics the work recorded (sync
 * runs, export jobs, violations…). Every worker factory (queue, audit stream) and every schedule
 * or async worker handler goes through it.
 *
 * @param workerId the worker table row's id (the `worker` dimension)
 */
export function observeWorker<Event, Result>(workerId: string, handler: WorkerHandler<Event, Result>): WorkerHandler<Event, Result> {
  return (event, context) =>
    traceInvocation(workerId, { worker: workerId }, () =>
      withMetrics(
        () => handler(event, context),
        ({ result, error }) => {
          addMetric(metric.workerInvocations, 1, { worker: workerId });
          addMetric(metric.workerFailures, error !== undefined || reportsFailures(result) ? 1 : 0, { worker: workerId });
        },
      ),
    );
}
