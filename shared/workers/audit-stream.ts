import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { auditChangesOf, type AuditChange } from '../storage/audit-stream.ts';
import { logger } from '../observability/logger.ts';
import { observeWorker } from './observe-worker.ts';

export type { AuditChange } from '../storage/audit-stream.ts';

export type AuditStreamWorkerHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse>;

/**
 * The Lambda handler of an `auditStream` worker (shared/workers.ts): turns the stream records into
 * audit changes and runs `work` on the whole batch (workers group the changes, e.g. per
 * organization, so one batch costs one pass). When `work` throws, the batch is reported failed
 * from its first record (ReportBatchItemFailures), so Lambda splits and retries it and, after the
 * row's retryAttempts, records it in the dead-letter queue; `work` must therefore be idempotent.
 * Only ids, counts and error messages are logged. Observed like every worker (shared/workers/observe-worker.ts).
 *
 * @param workerId the worker table row's id (a log key)
 * @param work the worker's logic over the batch's changes (never empty)
 */
export function createAuditStreamWorker(workerId: string, work: (changes: AuditChange[], context: Context) => Promise<unknown>): AuditStreamWorkerHandler {
  return observeWorker(workerId, async (event, context) => {
    logger.appendKeys({ workerId, requestId: context.awsRequestId });
    const changes = auditChangesOf(event.Records);
    if (changes.length === 0) return { batchItemFailures: [] };
    try {
      const result = await work(changes, context);
      logger.info('audit stream batch done', { records: event.Records.length, changes: changes.length, result });
      return { batchItemFailures: [] };
    } catch (error) {
      const first = event.Records.find((record) => record.dynamodb?.SequenceNumber)?.dynamodb?.SequenceNumber;
      logger.error('audit stream batch failed', { records: event.Records.length, error: error instanceof Error ? error.message : String(error) });
      if (first === undefined) throw error;
      return { batchItemFailures: [{ itemIdentifier: first }] };
    }
  });
}
