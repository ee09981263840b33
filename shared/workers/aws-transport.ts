import { createRequire } from 'node:module';
import { workerEnvironmentName } from '../workers.ts';
import type { DeclaredWorker } from './declared-workers.ts';
import type { WorkerTransport } from './start-worker.ts';
import { traceAwsClient } from '../observability/tracing.ts';

/*
 * The AWS side of startWorker: SQS SendMessage for queue workers, Lambda Invoke (Event) for async
 * ones. The SDK clients (@aws-sdk/client-sqs, @aws-sdk/client-lambda, declared in package.json) are
 * typed here by the little this module uses and loaded on first use with `require`, which in Lambda
 * also finds the runtime's own SDK (NODE_PATH, which ESM imports ignore). Loading them lazily keeps
 * them out of every route bundle that never starts work. The queues' backlog (GET /api/health) is
 * read by shared/workers/worker-backlog.ts, so starting work carries neither it nor the worker table.
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

/** `require` from this module (a function, not a module-level call, so a bundle that never loads an SDK drops it). */
function load(id: string): unknown {
  return createRequire(import.meta.url)(id);
}
const sqsModule = '@aws-sdk/client-sqs';
const lambdaModule = '@aws-sdk/client-lambda';

let sqs: { sdk: SqsSdk; client: SdkClient } | undefined;
let lambda: { sdk: LambdaSdk; client: SdkClient } | undefined;

/** The SQS SDK and this process's client, loaded on first use (shared with the backlog reader). */
export function sqsClient(): { sdk: SqsSdk; client: SdkClient } {
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
function workerAddress(worker: DeclaredWorker, kind: 'queue' | 'async'): string {
  const name = workerEnvironmentName(worker.id, kind);
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: declare "${worker.id}" in the starting row's \`starts\``);
  return value;
}

/** startWorker's transport in AWS: SQS SendMessage (queue workers), Lambda Invoke of type Event (async workers). */
export const awsWorkerTransport: WorkerTransport = {
  async enqueue(worker: DeclaredWorker, body: string): Promise<void> {
    const { sdk, client } = sqsClient();
    await client.send(new sdk.SendMessageCommand({ QueueUrl: workerAddress(worker, 'queue'), MessageBody: body }));
  },
  async invoke(worker: DeclaredWorker, body: string): Promise<void> {
    const { sdk, client } = lambdaClient();
    await client.send(new sdk.InvokeCommand({ FunctionName: workerAddress(worker, 'async'), InvocationType: 'Event', Payload: new TextEncoder().encode(body) }));
  },
};
