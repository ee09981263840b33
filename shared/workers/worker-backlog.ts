import { platformConfig } from '../config.ts';
import { deadLetterEnvironmentName, workerEnvironmentName, workers } from '../workers.ts';
import { sqsClient } from './aws-transport.ts';
import { installedWorkerTransport, type WorkerQueueBacklog } from './start-worker.ts';

/*
 * The worker queues' backlog (GET /api/health), apart from startWorker: only the functions that
 * report it (route rows with `readsWorkerQueues`) carry the worker table and the queue-depth code.
 */

/** SQS's approximate visible and in-flight message counts of one queue. */
async function queueDepth(queueUrl: string): Promise<{ messages: number; inFlight: number }> {
  const { sdk, client } = sqsClient();
  const result = (await client.send(
    new sdk.GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  )) as { Attributes?: Record<string, string> };
  return { messages: Number(result.Attributes?.ApproximateNumberOfMessages ?? 0), inFlight: Number(result.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0) };
}

/** In AWS: each worker's queue and dead-letter queue whose URL CDK gave this function (lib/workers-stack.ts `grantReadWorkerQueues`). */
async function awsWorkerBacklog(): Promise<WorkerQueueBacklog[]> {
  const reports = await Promise.all(
    workers.map(async (worker): Promise<WorkerQueueBacklog | undefined> => {
      const queueUrl = process.env[workerEnvironmentName(worker.id, 'queue')];
      const deadLetterUrl = process.env[deadLetterEnvironmentName(worker.id)];
      if (!queueUrl && !deadLetterUrl) return undefined;
      const [queue, deadLetters] = await Promise.all([queueUrl ? queueDepth(queueUrl) : undefined, deadLetterUrl ? queueDepth(deadLetterUrl) : undefined]);
      return { worker: worker.id, ...(queue ? { messages: queue.messages, inFlight: queue.inFlight } : {}), ...(deadLetters ? { deadLetters: deadLetters.messages } : {}) };
    }),
  );
  return reports.filter((report): report is WorkerQueueBacklog => report !== undefined);
}

/**
 * The worker queues' backlog (GET /api/health): SQS attributes in AWS (only the queues whose URLs
 * CDK gave this function), locally what the in-process transport reports (lib/local/workers.ts,
 * through `WorkerTransport.backlog`).
 *
 * @throws Error when SQS cannot be read, or locally when no worker runtime runs in this process
 *   (or its transport reports no backlog).
 */
export async function workerQueueBacklog(): Promise<WorkerQueueBacklog[]> {
  const installed = installedWorkerTransport();
  if (installed) {
    if (!installed.backlog) throw new Error('This worker transport reports no backlog');
    return installed.backlog();
  }
  if (platformConfig().local) throw new Error('No local worker runtime is running in this process to report a backlog');
  return awsWorkerBacklog();
}
