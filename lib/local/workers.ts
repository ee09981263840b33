import { createHash, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { scheduleRateMs, type WorkerDefinition } from '../../shared/workers.ts';
import { nextFireTime } from '../../shared/workers/schedule-expressions.ts';
import { setWorkerTransport, type WorkerQueueBacklog, type WorkerTransport } from '../../shared/workers/start-worker.ts';
import { setScheduleTransport, type ManagedSchedule, type ScheduleTransport } from '../../shared/workers/worker-schedules.ts';
import { matchesAuditStreamFilter } from '../../shared/storage/audit-stream-filter.ts';
import { followLocalTableStream, type LocalTableStream } from '../../shared/storage/local-table-stream.ts';
import { lambdaContext } from './lambda-adapter.ts';

type WorkerHandler = (event: unknown, context: Context) => Promise<unknown>;

const repoRoot = resolve(import.meta.dirname, '..', '..');

/** How long a failed message stays invisible before its next delivery, per receive (local stand-in for the visibility timeout). */
const RETRY_DELAY_MS = 100;
/** How long `stop` waits for running invocations before giving up on them. */
const STOP_GRACE_MS = 15_000;
/** setTimeout's longest delay (about 24.8 days): a later fire time is reached in several waits. */
const MAX_TIMER_MS = 2_147_483_647;

/** A managed schedule's timer: armed for its next fire time, re-armed after each firing. */
interface ManagedTimer {
  worker: WorkerDefinition;
  schedule: ManagedSchedule;
  timer: NodeJS.Timeout | undefined;
  nextAt: number | undefined;
}

interface QueuedMessage {
  messageId: string;
  body: string;
  receiveCount: number;
  sentAt: number;
  firstReceivedAt: number | undefined;
}

/**
 * A message that exhausted maxReceiveCount, or a stream batch that exhausted retryAttempts: what
 * AWS would have moved to the dead-letter queue (for a stream batch, `messageId` is the first
 * record's sequence number and `body` lists the batch's sequence numbers).
 */
export interface DeadLetter {
  workerId: string;
  messageId: string;
  body: string;
  receiveCount: number;
  error: string;
}

type StreamWorker = WorkerDefinition & { trigger: { kind: 'auditStream' } };

interface LocalQueue {
  worker: WorkerDefinition & { trigger: { kind: 'queue' } };
  ready: QueuedMessage[];
  draining: boolean;
}

/**
 * The local stand-in for SQS, EventBridge Scheduler and asynchronous Lambda invokes: runs the
 * worker table's handler modules in this process with the events they receive in AWS.
 *
 * - queue workers: one in-process FIFO per worker, drained one batch (≤ batchSize) at a time with
 *   SQS-shaped events (body, messageId, attributes with ApproximateReceiveCount, …). A record the
 *   handler reports in `batchItemFailures` — or every record, when it throws — is delivered again
 *   after a short delay, until it has been received maxReceiveCount times; then it is logged and
 *   kept in {@link LocalWorkers.deadLetters}, as the dead-letter queue would keep it.
 * - schedule workers: an unref'd interval timer per `rate(...)` expression, with the payload the
 *   CDK schedule sends (`{ workerId, scheduledTime }`).
 * - async workers: a deferred call with the JSON payload, errors logged (Lambda retries async
 *   invokes twice; locally a failure is only logged).
 * - auditStream workers: {@link LocalWorkers.followTableStream} polls DynamoDB Local's stream of
 *   the table (every 100 ms when idle) and hands each worker the inserted audit entries its
 *   actions match, in stream order, in batches of at most batchSize (no batching window: a batch
 *   is whatever one poll found). A batch the handler reports failed is retried from the failed
 *   record, up to retryAttempts times, then dead-lettered; the stream waits meanwhile, as a
 *   shard does in AWS.
 * - managedSchedules workers: one unref'd timer per schedule the routes put (`schedules`), armed
 *   for the expression's next fire time in its time zone (the same computation as `nextRunAt`) and
 *   re-armed after each firing; a firing invokes the worker with the schedule's payload plus
 *   `scheduledTime`, as EventBridge Scheduler does. Disabled schedules keep no timer.
 *
 * `start` installs the in-process transport for `startWorker`; `stop` removes it, clears every
 * timer and waits for running invocations.
 */
export class LocalWorkers {
  readonly deadLetters: DeadLetter[] = [];
  /** What `start` installs for startWorker: enqueue into the local FIFOs, invoke deferred. */
  readonly transport: WorkerTransport = {
    enqueue: async (worker, body) => this.enqueue(worker.id, body),
    invoke: async (worker, body) => this.invokeLater(this.row(worker.id), body),
    backlog: async () => this.backlog(),
  };
  /** What `start` installs for the managed schedules: a timer per schedule. */
  readonly schedules: ScheduleTransport = {
    put: async (worker, schedule) => this.putSchedule(this.row(worker.id), schedule),
    remove: async (_worker, name) => this.removeSchedule(name),
  };
  private readonly managedTimers = new Map<string, ManagedTimer>();
  private readonly queues = new Map<string, LocalQueue>();
  private readonly scheduleTimers = new Set<NodeJS.Timeout>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<unknown>>();
  /** Per queue worker: messages handed to the handler and not yet settled, and messages waiting out a retry delay. */
  private readonly inFlight = new Map<string, number>();
  private readonly retrying = new Map<string, number>();
  private readonly modules = new Map<string, Promise<WorkerHandler>>();
  private tableStream: LocalTableStream | undefined;
  private stopped = false;

  /**
   * @param options.catchUpSchedulesAfterMs when set, every schedule worker also fires once this long
   *   after `start`: a local runtime that was stopped missed its schedules' firings (EventBridge
   *   Scheduler keeps firing while nothing else runs in AWS) and lost its in-memory queues — e.g. a
   *   policy sweep queued just before the stop — and the schedule workers are the ones that catch
   *   up (they are idempotent). `npm start` and the test runtime use it; unset, only the timers fire.
   */
  constructor(
    private readonly workers: readonly WorkerDefinition[],
    private readonly options: { catchUpSchedulesAfterMs?: number } = {},
  ) {
    for (const worker of workers) {
      if (worker.trigger.kind === 'queue') this.queues.set(worker.id, { worker: worker as LocalQueue['worker'], ready: [], draining: false });
    }
  }

  start(): void {
    setWorkerTransport(this.transport);
    setScheduleTransport(this.schedules);
    for (const worker of this.workers) {
      if (worker.trigger.kind !== 'schedule') continue;
      const period = scheduleRateMs(worker.trigger.expression);
      if (period === undefined) throw new Error(`Worker ${worker.id}: unsupported schedule ${worker.trigger.expression}`);
      const timer = setInterval(() => {
        this.track(this.invoke(worker, { workerId: worker.id, scheduledTime: new Date().toISOString() }));
      }, period);
      timer.unref();
      this.scheduleTimers.add(timer);
      if (this.options.catchUpSchedulesAfterMs !== undefined) {
        const catchUp = setTimeout(() => {
          this.retryTimers.delete(catchUp);
          if (!this.stopped) this.track(this.invoke(worker, { workerId: worker.id, scheduledTime: new Date().toISOString() }));
        }, this.options.catchUpSchedulesAfterMs);
        catchUp.unref();
        this.retryTimers.add(catchUp);
      }
    }
  }

  /**
   * Follows the table's stream and delivers audit entries to the auditStream workers (nothing to
   * do when the table has none). Records written before this call are not delivered.
   */
  async followTableStream(endpoint: string, tableName: string): Promise<void> {
    const streamWorkers = this.workers.filter((worker): worker is StreamWorker => worker.trigger.kind === 'auditStream');
    if (streamWorkers.length === 0 || this.stopped) return;
    this.tableStream = await followLocalTableStream({
      endpoint,
      tableName,
      onRecords: async (records) => {
        const delivery = Promise.all(streamWorkers.map((worker) => this.deliverStream(worker, records.filter((record) => matchesAuditStreamFilter(record, worker.trigger.actions)))));
        this.track(delivery);
        await delivery;
      },
      onError: (error) => {
        if (this.stopped) return;
        console.error(JSON.stringify({ level: 'ERROR', message: 'local table stream failed', error: error instanceof Error ? error.message : String(error) }));
      },
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const following = this.tableStream?.stop();
    setWorkerTransport(undefined);
    setScheduleTransport(undefined);
    for (const name of [...this.managedTimers.keys()]) this.removeSchedule(name);
    for (const timer of this.scheduleTimers) clearInterval(timer);
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.scheduleTimers.clear();
    this.retryTimers.clear();
    const grace = new Promise<void>((done) => setTimeout(done, STOP_GRACE_MS).unref());
    await Promise.race([Promise.allSettled([...this.running, ...(following ? [following] : [])]), grace]);
  }

  /** Resolves once no queue holds a message, no retry is pending and no invocation is running. */
  async idle(): Promise<void> {
    while (this.running.size > 0 || this.retryTimers.size > 0 || [...this.queues.values()].some((queue) => queue.ready.length > 0)) {
      // Always through a timer: a pending retry only fires if the event loop gets to run timers.
      const tick = new Promise((done) => setTimeout(done, 20));
      await (this.running.size > 0 ? Promise.race([Promise.allSettled([...this.running]), tick]) : tick);
    }
  }

  /**
   * Each worker's local backlog, as the SQS attributes report it in AWS: queue workers' messages
   * waiting (ready, or waiting out a retry delay) and being handled; every worker's dead letters.
   */
  backlog(): WorkerQueueBacklog[] {
    return this.workers.flatMap((worker): WorkerQueueBacklog[] => {
      const deadLetters = this.deadLetters.filter((letter) => letter.workerId === worker.id).length;
      const queue = this.queues.get(worker.id);
      if (queue) return [{ worker: worker.id, messages: queue.ready.length + (this.retrying.get(worker.id) ?? 0), inFlight: this.inFlight.get(worker.id) ?? 0, deadLetters }];
      return worker.trigger.kind === 'schedule' ? [] : [{ worker: worker.id, deadLetters }];
    });
  }

  /** The next fire time (epoch ms) of each armed managed schedule, by name. */
  scheduledFireTimes(): Map<string, number> {
    return new Map([...this.managedTimers].flatMap(([name, entry]) => (entry.nextAt === undefined ? [] : [[name, entry.nextAt] as [string, number]])));
  }

  /** This runtime's row of worker `id` (the transports are given the id and trigger only). */
  private row(id: string): WorkerDefinition {
    const worker = this.workers.find((candidate) => candidate.id === id);
    if (!worker) throw new Error(`Worker ${id} is not in this local runtime's worker table`);
    return worker;
  }

  private putSchedule(worker: WorkerDefinition, schedule: ManagedSchedule): void {
    if (this.stopped) throw new Error('The local worker runtime has stopped');
    if (worker.trigger.kind !== 'managedSchedules') throw new Error(`Worker ${worker.id} has no managed schedules`);
    this.removeSchedule(schedule.name);
    const entry: ManagedTimer = { worker, schedule, timer: undefined, nextAt: undefined };
    this.managedTimers.set(schedule.name, entry);
    if (schedule.enabled) this.arm(entry, Date.now());
  }

  private removeSchedule(name: string): void {
    const entry = this.managedTimers.get(name);
    if (entry?.timer) clearTimeout(entry.timer);
    this.managedTimers.delete(name);
  }

  /** Arms `entry` for its first fire time after `after`; a schedule that never fires again stays unarmed. */
  private arm(entry: ManagedTimer, after: number): void {
    const nextAt = nextFireTime(entry.schedule, after);
    entry.nextAt = nextAt;
    if (nextAt === undefined || this.stopped) return;
    const wait = () => {
      const remaining = nextAt - Date.now();
      entry.timer = setTimeout(() => {
        if (this.managedTimers.get(entry.schedule.name) !== entry || this.stopped) return;
        if (nextAt - Date.now() > 0) return wait();
        this.track(this.invoke(entry.worker, { ...entry.schedule.payload, scheduledTime: new Date(nextAt).toISOString() }));
        this.arm(entry, nextAt);
      }, Math.min(Math.max(0, remaining), MAX_TIMER_MS));
      entry.timer.unref();
    };
    wait();
  }

  private enqueue(workerId: string, body: string): void {
    const queue = this.queues.get(workerId);
    if (!queue) throw new Error(`Worker ${workerId} has no local queue`);
    if (this.stopped) throw new Error('The local worker runtime has stopped');
    queue.ready.push({ messageId: randomUUID(), body, receiveCount: 0, sentAt: Date.now(), firstReceivedAt: undefined });
    this.drainSoon(queue);
  }

  private invokeLater(worker: WorkerDefinition, body: string): void {
    if (this.stopped) throw new Error('The local worker runtime has stopped');
    const payload = JSON.parse(body) as unknown;
    this.track(new Promise((done) => setImmediate(done)).then(() => this.invoke(worker, payload)));
  }

  private drainSoon(queue: LocalQueue): void {
    if (queue.draining || this.stopped) return;
    queue.draining = true;
    this.track(
      new Promise((done) => setImmediate(done))
        .then(() => this.drain(queue))
        .finally(() => {
          queue.draining = false;
        }),
    );
  }

  private async drain(queue: LocalQueue): Promise<void> {
    const { worker } = queue;
    while (!this.stopped && queue.ready.length > 0) {
      const batch = queue.ready.splice(0, worker.trigger.batchSize);
      const now = Date.now();
      for (const message of batch) {
        message.receiveCount += 1;
        message.firstReceivedAt ??= now;
      }
      const event: SQSEvent = { Records: batch.map((message) => sqsRecord(worker, message)) };
      let failed: Set<string>;
      let error = 'reported as a batch item failure';
      this.inFlight.set(worker.id, (this.inFlight.get(worker.id) ?? 0) + batch.length);
      try {
        const result = (await this.invoke(worker, event, { rethrow: true })) as SQSBatchResponse | undefined;
        failed = new Set((result?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
      } catch (thrown) {
        failed = new Set(batch.map((message) => message.messageId));
        error = thrown instanceof Error ? thrown.message : String(thrown);
      } finally {
        this.inFlight.set(worker.id, (this.inFlight.get(worker.id) ?? 0) - batch.length);
      }
      for (const message of batch.filter((candidate) => failed.has(candidate.messageId))) this.retryOrDeadLetter(queue, message, error);
    }
  }

  /** One poll's matching records to one stream worker: batches in order, each retried from its failed record. */
  private async deliverStream(worker: StreamWorker, records: DynamoDBRecord[]): Promise<void> {
    for (let start = 0; start < records.length && !this.stopped; ) {
      let batch = records.slice(start, start + worker.trigger.batchSize);
      for (let attempt = 0; ; attempt += 1) {
        let failedFrom: number;
        let error = 'reported as a batch item failure';
        try {
          const result = (await this.invoke(worker, { Records: batch }, { rethrow: true })) as DynamoDBBatchResponse | undefined;
          const failure = result?.batchItemFailures?.[0]?.itemIdentifier;
          failedFrom = failure === undefined ? -1 : Math.max(0, batch.findIndex((record) => record.dynamodb?.SequenceNumber === failure));
        } catch (thrown) {
          failedFrom = 0;
          error = thrown instanceof Error ? thrown.message : String(thrown);
        }
        if (failedFrom < 0) break;
        batch = batch.slice(failedFrom);
        if (attempt >= worker.trigger.retryAttempts || this.stopped) {
          const sequenceNumbers = batch.map((record) => record.dynamodb?.SequenceNumber ?? '');
          const deadLetter = { workerId: worker.id, messageId: sequenceNumbers[0] ?? '', body: JSON.stringify(sequenceNumbers), receiveCount: attempt + 1, error };
          this.deadLetters.push(deadLetter);
          console.error(JSON.stringify({ level: 'ERROR', message: 'local stream batch dead-lettered', ...deadLetter }));
          break;
        }
        await new Promise((done) => setTimeout(done, RETRY_DELAY_MS * (attempt + 1)));
      }
      start += worker.trigger.batchSize;
    }
  }

  private retryOrDeadLetter(queue: LocalQueue, message: QueuedMessage, error: string): void {
    const { worker } = queue;
    if (message.receiveCount >= worker.trigger.maxReceiveCount) {
      const deadLetter = { workerId: worker.id, messageId: message.messageId, body: message.body, receiveCount: message.receiveCount, error };
      this.deadLetters.push(deadLetter);
      console.error(JSON.stringify({ level: 'ERROR', message: 'local worker message dead-lettered', ...deadLetter }));
      return;
    }
    this.retrying.set(worker.id, (this.retrying.get(worker.id) ?? 0) + 1);
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.retrying.set(worker.id, (this.retrying.get(worker.id) ?? 0) - 1);
      if (this.stopped) return;
      queue.ready.push(message);
      this.drainSoon(queue);
    }, RETRY_DELAY_MS * message.receiveCount);
    timer.unref();
    this.retryTimers.add(timer);
  }

  private async invoke(worker: WorkerDefinition, event: unknown, options: { rethrow?: boolean } = {}): Promise<unknown> {
    try {
      const handler = await this.load(worker);
      return await handler(event, lambdaContext(worker, randomUUID()));
    } catch (error) {
      if (options.rethrow) throw error;
      console.error(JSON.stringify({ level: 'ERROR', message: 'local worker invocation failed', workerId: worker.id, error: error instanceof Error ? error.message : String(error) }));
      return undefined;
    }
  }

  private load(worker: WorkerDefinition): Promise<WorkerHandler> {
    let loaded = this.modules.get(worker.handler);
    if (!loaded) {
      loaded = import(pathToFileURL(resolve(repoRoot, worker.handler)).href).then((module: { handler?: WorkerHandler }) => {
        if (typeof module.handler !== 'function') throw new Error(`${worker.handler} does not export a handler`);
        return module.handler;
      });
      this.modules.set(worker.handler, loaded);
    }
    return loaded;
  }

  private track(work: Promise<unknown>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }
}

/** One record as the SQS event source mapping delivers it to Lambda. */
function sqsRecord(worker: WorkerDefinition, message: QueuedMessage): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: `local-${message.messageId}-${message.receiveCount}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? Date.now()),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(message.body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:local:000000000000:${worker.id}`,
    awsRegion: 'local',
  };
}
