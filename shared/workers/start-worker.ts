import { platformConfig } from '../config.ts';
import type * as z from '../zod-mini.ts';
import { awsWorkerTransport } from './aws-transport.ts';
import { declaredWorker, type DeclaredWorker } from './declared-workers.ts';
import type { StartableWorker } from './payloads.ts';

/**
 * How started work reaches a worker: in AWS an SQS message or an asynchronous Lambda invoke, in
 * the local runtime an in-process queue or a deferred call. `body` is the payload as JSON. The
 * worker is given by its id and trigger ({@link DeclaredWorker}): a Lambda bundle knows no more of
 * the workers it declares.
 */
export interface WorkerTransport {
  /** Sends one message to a queue worker's queue. */
  enqueue(worker: DeclaredWorker, body: string): Promise<void>;
  /** Invokes an async worker without waiting for it to run. */
  invoke(worker: DeclaredWorker, body: string): Promise<void>;
  /**
   * Messages waiting in each worker queue and dead-letter queue this process can see (absent: not
   * reported). The local runtime's transport reports its in-process queues here; in AWS the
   * backlog is read by shared/workers/worker-backlog.ts, apart from the start path.
   */
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

/** The transport the local runtime installed in this process, if any. */
export function installedWorkerTransport(): WorkerTransport | undefined {
  return (globalThis as TransportHolder)[TRANSPORT];
}

function transport(): WorkerTransport {
  const installed = installedWorkerTransport();
  if (installed) return installed;
  if (platformConfig().local) throw new Error('No local worker runtime is running in this process to start work on');
  return awsWorkerTransport;
}

/**
 * Starts background work: validates `payload` against the worker's schema (`worker.payload()`, one
 * export per worker in shared/workers/payloads.ts) and hands it to the worker's trigger — a message
 * on its queue, or an asynchronous invoke. Returns once the work is accepted (queued or invoked),
 * not when it has run.
 *
 * In AWS the calling function must declare the worker in its route-table or worker-table row
 * (`starts`), which grants it the send/invoke permission, sets the `WORKER_<ID>_…` variable and
 * injects the worker's id and trigger into its bundle (shared/workers/declared-workers.ts).
 *
 * @example await startWorker(sweepGroupMembershipsWorker, { organizationId, groupId });
 * @throws ZodError when the payload does not match the worker's schema (a programming error).
 * @throws Error when the worker is not declared by this function (in a bundle) or not in the worker
 *   table (unbundled), or cannot be started on demand.
 */
export async function startWorker<Schema extends z.ZodMiniType>(worker: StartableWorker<string, Schema>, payload: z.infer<Schema>): Promise<void> {
  const row = declaredWorker(worker.id);
  if (!row) throw new Error(`Worker ${worker.id} is unknown or not declared by this function: declare it in \`starts\``);
  const body = JSON.stringify(worker.payload().parse(payload));
  if (row.trigger.kind === 'queue') return transport().enqueue(row, body);
  if (row.trigger.kind === 'async') return transport().invoke(row, body);
  throw new Error(`Worker ${worker.id} runs on a schedule and cannot be started`);
}
