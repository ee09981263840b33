import { platformConfig } from '../config.ts';
import { workerById, type WorkerDefinition } from '../workers.ts';
import { awsWorkerTransport } from './aws-transport.ts';
import { workerPayloads, type StartableWorkerId, type WorkerPayload } from './payloads.ts';

/**
 * How started work reaches a worker: in AWS an SQS message or an asynchronous Lambda invoke, in
 * the local runtime an in-process queue or a deferred call. `body` is the payload as JSON.
 */
export interface WorkerTransport {
  /** Sends one message to a queue worker's queue. */
  enqueue(worker: WorkerDefinition, body: string): Promise<void>;
  /** Invokes an async worker without waiting for it to run. */
  invoke(worker: WorkerDefinition, body: string): Promise<void>;
  /** Messages waiting in each worker queue and dead-letter queue this process can see (absent: not reported). */
  backlog?(): Promise<WorkerQueueBacklog[]>;
}

/**
 * One worker's backlog: `messages` waiting on its queue (queue workers), `inFlight` received but
 * not yet deleted, and `deadLetters` kept in its dead-letter queue (queue, async and stream
 * workers). In AWS these are SQS's approximate counts.
 */
export interface WorkerQueueBacklog {
  worker: string;
  messages?: number;
  inFlight?: number;
  deadLetters?: number;
}

// Kept on globalThis: the local runtime installs its transport once, and every copy of this module
// loaded into the process (handlers import it through #shared/*, the runtime by relative path)
// must see the same one.
const TRANSPORT = Symbol.for('identity-platform.worker-transport');
type TransportHolder = { [TRANSPORT]?: WorkerTransport | undefined };

/** The local runtime installs its in-process transport here (undefined removes it on stop). */
export function setWorkerTransport(transport: WorkerTransport | undefined): void {
  (globalThis as TransportHolder)[TRANSPORT] = transport;
}

function transport(): WorkerTransport {
  const installed = (globalThis as TransportHolder)[TRANSPORT];
  if (installed) return installed;
  if (platformConfig().local) throw new Error('No local worker runtime is running in this process to start work on');
  return awsWorkerTransport;
}

/**
 * Starts background work: validates `payload` against the worker's schema (shared/workers/payloads.ts)
 * and hands it to the worker's trigger — a message on its queue, or an asynchronous invoke. Returns
 * once the work is accepted (queued or invoked), not when it has run.
 *
 * In AWS the calling function must declare the worker in its route-table or worker-table row
 * (`starts`), which grants it the send/invoke permission and sets the `WORKER_<ID>_…` variable.
 *
 * @throws ZodError when the payload does not match the worker's schema (a programming error).
 * @throws Error when the worker is not in the worker table or cannot be started on demand.
 */
export async function startWorker<Id extends StartableWorkerId>(workerId: Id, payload: WorkerPayload<Id>): Promise<void> {
  const worker = workerById(workerId);
  if (!worker) throw new Error(`Unknown worker ${workerId}`);
  const body = JSON.stringify(workerPayloads[workerId]().parse(payload));
  if (worker.trigger.kind === 'queue') return transport().enqueue(worker, body);
  if (worker.trigger.kind === 'async') return transport().invoke(worker, body);
  throw new Error(`Worker ${workerId} runs on a schedule and cannot be started`);
}

/**
 * The worker queues' backlog (GET /api/health): SQS attributes in AWS (only the queues whose URLs
 * CDK gave this function), the in-process queues locally.
 *
 * @throws Error when SQS cannot be read, or locally when no worker runtime runs in this process
 *   (or its transport reports no backlog).
 */
export async function workerQueueBacklog(): Promise<WorkerQueueBacklog[]> {
  const source = transport();
  if (!source.backlog) throw new Error('This worker transport reports no backlog');
  return source.backlog();
}
