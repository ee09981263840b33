import { createRequire } from 'node:module';
import { deadLetterEnvironmentName, workerEnvironmentName, workers, type WorkerDefinition } from '../workers.ts';
import type { WorkerQueueBacklog, WorkerTransport } from './start-worker.ts';
import { traceAwsClient } from '../observability/tracing.ts';

/*
 * The AWS side of startWorker: SQS SendMessage for queue workers, Lambda Invoke (Event) for async
 * ones. The SDK clients (@aws-sdk/client-sqs, @aws-sdk/client-lambda, declared in package.json) are
 * typed here by the little this module uses and loaded on first use with `require`, which in Lambda
 * also finds the runtime's own SDK (NODE_PATH, which ESM imports ignore). Loading them lazily keeps
 * them out of every route bundle that never starts work.
 */

interface SdkClient {
  send(command: unknown): Promise<unknown>;
}
interface SqsSdk {
  SQSClient: new (config: { region?: string }) => SdkClient;
  SendMessageCommand: new (input: { QueueUrl: string; MessageBody: string }) => unknown;
  GetQueueAttributesCommand: new (input: { QueueUrl: string; AttributeNames: string[] }) => unknown;
}
interface LambdaSdk {
  LambdaClient: new (config: { region?: string }) => SdkClient;
  InvokeCommand: new (input: { FunctionName: string; InvocationType: 'Event'; Payload: Uint8Array }) => unknown;
}

const load = createRequire(import.meta.url);
const sqsModule = '@aws-sdk/client-sqs';
const lambdaModule = '@aws-sdk/client-lambda';

let sqs: { sdk: SqsSdk; client: SdkClient } | undefined;
let lambda: { sdk: LambdaSdk; client: SdkClient } | undefined;

function sqsClient(): { sdk: SqsSdk; client: SdkClient } {
  if (!sqs) {
    const sdk = load(sqsModule) as SqsSdk;
    sqs = { sdk, client: traceAwsClient(new sdk.SQSClient({ region: process.env.AWS_REGION })) };
  }
  return sqs;
}

function lambdaClient(): { sdk: LambdaSdk; client: SdkClient } {
  if (!lambda) {
    const sdk = load(lambdaModule) as LambdaSdk;
    lambda = { sdk, client: traceAwsClient(new sdk.LambdaClient({ region: process.env.AWS_REGION })) };
  }
  return lambda;
}

/** Where the declared worker lives, from the variable CDK sets on the functions that start it. */
function workerAddress(worker: WorkerDefinition, kind: 'queue' | 'async'): string {
  const name = workerEnvironmentName(worker.id, kind);
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: declare "${worker.id}" in the starting row's \`starts\``);
  return value;
}

/** SQS's approximate visible and in-flight message counts of one queue. */
async function queueDepth(queueUrl: string): Promise<{ messages: number; inFlight: number }> {
  const { sdk, client } = sqsClient();
  const result = (await client.send(
    new sdk.GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
  )) as { Attributes?: Record<string, string> };
  return { messages: Number(result.Attributes?.ApproximateNumberOfMessages ?? 0), inFlight: Number(result.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0) };
}

export const awsWorkerTransport: WorkerTransport = {
  async backlog(): Promise<WorkerQueueBacklog[]> {
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
  },
  async enqueue(worker: WorkerDefinition, body: string): Promise<void> {
    const { sdk, client } = sqsClient();
    await client.send(new sdk.SendMessageCommand({ QueueUrl: workerAddress(worker, 'queue'), MessageBody: body }));
  },
  async invoke(worker: WorkerDefinition, body: string): Promise<void> {
    const { sdk, client } = lambdaClient();
    await client.send(new sdk.InvokeCommand({ FunctionName: workerAddress(worker, 'async'), InvocationType: 'Event', Payload: new TextEncoder().encode(body) }));
  },
};
