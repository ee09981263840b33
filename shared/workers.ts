/**
 * The worker table: every background worker of the platform, declared as plain data next to the
 * route table (shared/routes.ts) and read by the same code — the CDK stacks create one Lambda per
 * row with its trigger and least-privilege grants, the local runtime runs the same handler modules
 * in process, and `startWorker` (shared/workers/start-worker.ts) finds a worker's queue or function
 * from its row.
 *
 * Adding a worker = one handler module under functions/workers/ + one row in its family's file
 * under shared/worker-table/ (+ its payload schema in shared/workers/payloads.ts when something
 * starts it). Synthesizing the infrastructure must never load handler code, so rows hold only data.
 */

/**
 * What makes a worker run.
 * - `queue`: messages on its own SQS queue (SSE, TLS only) with a dead-letter queue; a message is
 *   delivered again until it succeeds or has been received `maxReceiveCount` times, then it moves
 *   to the dead-letter queue. Handlers receive SQS events of up to `batchSize` records and report
 *   failed records individually.
 * - `schedule`: an EventBridge Scheduler schedule; `expression` is `rate(<n> minute[s]|hour[s]|day[s])`.
 * - `async`: an asynchronous Lambda invoke by the routes (or workers) that declare they start it.
 * - `managedSchedules`: schedules created at run time, one per resource (e.g. per sync project), by
 *   the routes that declare the worker in `managesSchedules`: in AWS EventBridge Scheduler schedules
 *   in the stack's schedule group that invoke the function (asynchronously) through one role; in the
 *   local runtime a timer per schedule. See shared/workers/worker-schedules.ts.
 * - `auditStream`: audit entries as they are committed, read from the table's stream (DynamoDB
 *   Streams, new images): every change is written with its audit entry in one transaction, so the
 *   audit entries of an organization are its change feed, whatever route or worker wrote them. Only
 *   entries whose action starts with one of `actions` reach the worker (a Lambda event filter in
 *   AWS; the same match locally). Up to `batchSize` entries per invocation, gathered for at most
 *   `maxBatchingWindowSeconds`; a failed batch is split and retried `retryAttempts` times, then
 *   recorded in the worker's dead-letter queue. The worker must be idempotent (a batch may be
 *   delivered again). See shared/workers/audit-stream.ts; locally lib/local/audit-stream.ts polls
 *   DynamoDB Local's stream.
 */
export type WorkerTrigger =
  | { readonly kind: 'queue'; readonly batchSize: number; readonly maxReceiveCount: number }
  | { readonly kind: 'schedule'; readonly expression: string }
  | { readonly kind: 'async' }
  | { readonly kind: 'managedSchedules' }
  | {
      readonly kind: 'auditStream';
      /** Action prefixes (`user.`, `group.member.`) or whole actions; at most 10 (a Lambda filter pattern's limit is generous, kept small on purpose). */
      readonly actions: readonly string[];
      readonly batchSize: number;
      readonly maxBatchingWindowSeconds: number;
      readonly retryAttempts: number;
    };

export interface WorkerDefinition {
  /** Stable kebab-case identifier, also the logical name of the function in CDK. */
  readonly id: string;
  /** Handler module relative to the repository root, under functions/workers/; it exports `handler`. */
  readonly handler: string;
  readonly trigger: WorkerTrigger;
  /** Lambda memory in MB. */
  readonly memoryMb: number;
  /** Lambda timeout in seconds; a queue's visibility timeout is derived from it. */
  readonly timeoutSeconds: number;
  /**
   * Table grants: `read` (GetItem, Query, …) or `readWrite`; `secretsKey: 'decrypt'` to open
   * envelope-encrypted secrets (e.g. a connection's bind password); `exportBucket: 'write'` to
   * write (and read back) files in the export bucket. Nothing else is granted.
   */
  readonly access: { readonly table: 'read' | 'readWrite'; readonly secretsKey?: 'decrypt'; readonly exportBucket?: 'write' };
  /**
   * Workers this worker starts (for example itself, to continue where it stopped): it gets exactly
   * the send (queue) or invoke (async) grant for each and an environment variable naming it.
   */
  readonly starts?: readonly string[];
  /**
   * `syncVpc`: the worker reaches directories on premises, so in AWS it runs in the region's sync
   * VPC (subnets and security groups from CDK context, lib/config.ts) when one is configured — and
   * only then gets the VPC access policy. No other function is attached to that VPC.
   */
  readonly network?: 'syncVpc';
  readonly summary: string;
}

import { scimWorkers } from './worker-table/scim.ts';
import { directoryWorkers } from './worker-table/directory.ts';
import { governanceWorkers } from './worker-table/governance.ts';
import { auditWorkers } from './worker-table/audit.ts';

/**
 * Every row, in family order. `concat` marked `/* @__PURE__ *\/` (an array spread would count as a
 * side effect): a bundle that imports this module only for its helpers (the variable names) drops
 * the table. Lambda bundles know only their declared workers (shared/workers/declared-workers.ts);
 * the health function, which reports every queue's backlog, is the one that carries the table.
 */
export const workers: readonly WorkerDefinition[] = /* @__PURE__ */ scimWorkers.concat(directoryWorkers, governanceWorkers, auditWorkers);

/** The worker table row with this id, or undefined. */
export function workerById(id: string, table: readonly WorkerDefinition[] = workers): WorkerDefinition | undefined {
  return table.find((worker) => worker.id === id);
}

/**
 * The environment variable through which a function that starts worker `id` finds it:
 * `WORKER_<ID>_QUEUE_URL` for a queue worker, `WORKER_<ID>_FUNCTION_NAME` for an async one, with
 * the id upper-cased and `-` replaced by `_` (e.g. `WORKER_SWEEP_GROUP_MEMBERSHIPS_QUEUE_URL`).
 */
export function workerEnvironmentName(id: string, kind: 'queue' | 'async'): string {
  return `WORKER_${id.toUpperCase().replace(/-/g, '_')}_${kind === 'queue' ? 'QUEUE_URL' : 'FUNCTION_NAME'}`;
}

/** The variable naming a worker's dead-letter queue URL, set on the functions that report the backlog (GET /api/health). */
export function deadLetterEnvironmentName(id: string): string {
  return `WORKER_${id.toUpperCase().replace(/-/g, '_')}_DEAD_LETTER_QUEUE_URL`;
}

/**
 * The variables CDK sets on functions that manage a worker's schedules (lib/workers-stack.ts,
 * grantManageSchedules): the schedule group, the role schedules invoke with, the target function.
 */
export function scheduleEnvironmentNames(workerId: string): { group: string; role: string; target: string } {
  const prefix = `SCHEDULES_${workerId.toUpperCase().replace(/-/g, '_')}`;
  return { group: `${prefix}_GROUP`, role: `${prefix}_ROLE_ARN`, target: `${prefix}_TARGET_ARN` };
}

/** `rate(<n> <unit>)` as EventBridge Scheduler accepts it; the only schedule form the table allows. */
const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;

/** The period of a `rate(...)` schedule expression in milliseconds, or undefined when it is not one. */
export function scheduleRateMs(expression: string): number | undefined {
  const match = RATE.exec(expression);
  if (!match) return undefined;
  const count = Number(match[1]);
  const unit = (match[2] ?? '').replace(/s$/, '');
  // EventBridge wants the singular only for 1 and the plural otherwise.
  if (count < 1 || (count === 1) !== (unit === match[2])) return undefined;
  const unitMs = unit === 'minute' ? 60_000 : unit === 'hour' ? 3_600_000 : 86_400_000;
  return count * unitMs;
}

const KEBAB = /^[a-z][a-z0-9-]*[a-z0-9]$/;

/**
 * Checks the invariants the infrastructure and the local runtime rely on, so that a bad row fails
 * the synth (and the unit test) with a message naming it. `startedBy` lists, per route or worker,
 * the worker ids it declares it starts; each must name a worker that can be started (queue or async).
 * `fileExists` is injected so the check stays pure (the unit test passes `existsSync`).
 *
 * @throws Error naming the first offending row.
 */
export function validateWorkerTable(
  table: readonly WorkerDefinition[],
  startedBy: readonly { readonly id: string; readonly starts?: readonly string[] | undefined; readonly managesSchedules?: readonly string[] | undefined }[] = [],
  fileExists?: (path: string) => boolean,
): void {
  const ids = new Set<string>();
  for (const worker of table) {
    const label = `Worker ${worker.id}`;
    if (!KEBAB.test(worker.id) || worker.id.length > 48) throw new Error(`${label}: id must be kebab-case, at most 48 characters`);
    if (ids.has(worker.id)) throw new Error(`${label} appears twice`);
    ids.add(worker.id);
    if (!/^functions\/workers\/[a-z0-9/-]+\.ts$/.test(worker.handler)) throw new Error(`${label}: handler must be a .ts module under functions/workers/`);
    if (fileExists && !fileExists(worker.handler)) throw new Error(`${label}: handler ${worker.handler} does not exist`);
    if (!Number.isInteger(worker.memoryMb) || worker.memoryMb < 128 || worker.memoryMb > 10_240) throw new Error(`${label}: memoryMb must be an integer from 128 to 10240`);
    if (!Number.isInteger(worker.timeoutSeconds) || worker.timeoutSeconds < 1 || worker.timeoutSeconds > 900) throw new Error(`${label}: timeoutSeconds must be an integer from 1 to 900`);
    if (worker.access.table !== 'read' && worker.access.table !== 'readWrite') throw new Error(`${label}: access.table must be read or readWrite`);
    if (worker.access.secretsKey !== undefined && worker.access.secretsKey !== 'decrypt') throw new Error(`${label}: access.secretsKey must be decrypt when given`);
    if (worker.access.exportBucket !== undefined && worker.access.exportBucket !== 'write') throw new Error(`${label}: access.exportBucket must be write when given`);
    const trigger = worker.trigger;
    switch (trigger.kind) {
      case 'queue':
        if (!Number.isInteger(trigger.batchSize) || trigger.batchSize < 1 || trigger.batchSize > 10) throw new Error(`${label}: batchSize must be an integer from 1 to 10`);
        if (!Number.isInteger(trigger.maxReceiveCount) || trigger.maxReceiveCount < 1 || trigger.maxReceiveCount > 1000) throw new Error(`${label}: maxReceiveCount must be an integer from 1 to 1000`);
        // SQS moves the visibility timeout to at most 12 hours; six times the timeout is AWS's advice.
        if (worker.timeoutSeconds * 6 > 43_200) throw new Error(`${label}: timeoutSeconds too long for a queue's visibility timeout`);
        break;
      case 'schedule':
        if (scheduleRateMs(trigger.expression) === undefined) throw new Error(`${label}: schedule expression must be rate(<n> minute[s]|hour[s]|day[s]), got "${trigger.expression}"`);
        break;
      case 'async':
      case 'managedSchedules':
        break;
      case 'auditStream':
        if (!Array.isArray(trigger.actions) || trigger.actions.length < 1 || trigger.actions.length > 10 || trigger.actions.some((action) => !/^[a-z][a-z_.]*$/.test(action))) {
          throw new Error(`${label}: actions must list 1 to 10 action names or prefixes (lower-case, dotted)`);
        }
        if (!Number.isInteger(trigger.batchSize) || trigger.batchSize < 1 || trigger.batchSize > 1000) throw new Error(`${label}: batchSize must be an integer from 1 to 1000`);
        if (!Number.isInteger(trigger.maxBatchingWindowSeconds) || trigger.maxBatchingWindowSeconds < 0 || trigger.maxBatchingWindowSeconds > 300) throw new Error(`${label}: maxBatchingWindowSeconds must be an integer from 0 to 300`);
        if (!Number.isInteger(trigger.retryAttempts) || trigger.retryAttempts < 0 || trigger.retryAttempts > 10_000) throw new Error(`${label}: retryAttempts must be an integer from 0 to 10000`);
        break;
      default:
        throw new Error(`${label}: unknown trigger ${JSON.stringify(trigger)}`);
    }
  }
  for (const starter of [...table, ...startedBy]) {
    for (const id of starter.starts ?? []) {
      const target = workerById(id, table);
      if (!target) throw new Error(`${starter.id} starts unknown worker ${id}`);
      if (target.trigger.kind === 'schedule' || target.trigger.kind === 'managedSchedules') throw new Error(`${starter.id} starts ${id}, which only runs on its schedules`);
      if (target.trigger.kind === 'auditStream') throw new Error(`${starter.id} starts ${id}, which only runs on the audit stream`);
      if (target.trigger.kind === 'async' && starter.id === id) throw new Error(`${id} is async and cannot start itself (use a queue trigger)`);
    }
    for (const id of ('managesSchedules' in starter ? starter.managesSchedules : undefined) ?? []) {
      const target = workerById(id, table);
      if (!target) throw new Error(`${starter.id} manages schedules of unknown worker ${id}`);
      if (target.trigger.kind !== 'managedSchedules') throw new Error(`${starter.id} manages schedules of ${id}, whose trigger is not managedSchedules`);
    }
  }
}
