import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type * as z from 'zod/mini';
import { logger } from '../observability/logger.ts';
import { observeWorker } from './observe-worker.ts';

export type QueueWorkerHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * The Lambda handler of a queue worker: parses each record's body as JSON, validates it with the
 * worker's zod schema (`schema()`, called per record, not at import: pass a `lazily` builder, as
 * shared/workers/payloads.ts has) and runs `work` on it, one record after another. Records that fail (a body
 * that is not valid, or `work` throwing) are reported in `batchItemFailures`, so only they are
 * delivered again — and after the worker's maxReceiveCount they land in its dead-letter queue,
 * where a malformed message is kept as evidence rather than dropped. Nothing but ids, counts and
 * error messages is logged. Observed (shared/workers/observe-worker.ts): traced, WorkerInvocations and
 * WorkerFailures published.
 */
export function createQueueWorker<Schema extends z.ZodMiniType>(
  workerId: string,
  schema: () => Schema,
  work: (payload: z.infer<Schema>, context: Context) => Promise<unknown>,
): QueueWorkerHandler {
  return observeWorker(workerId, async (event, context) => {
    logger.appendKeys({ workerId, requestId: context.awsRequestId });
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      const receiveCount = Number(record.attributes.ApproximateReceiveCount);
      try {
        const parsed = schema().safeParse(JSON.parse(record.body) as unknown);
        if (!parsed.success) throw new Error(`Invalid ${workerId} payload: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
        const result = await work(parsed.data, context);
        logger.info('worker message done', { messageId: record.messageId, receiveCount, result });
      } catch (error) {
        logger.error('worker message failed', { messageId: record.messageId, receiveCount, error: error instanceof Error ? error.message : String(error) });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  });
}
