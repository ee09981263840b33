import { createRequire } from 'node:module';
import { platformConfig } from '../config.ts';
import { scheduleEnvironmentNames } from '../workers.ts';
import { declaredWorker, type DeclaredWorker } from './declared-workers.ts';
import { nextFireTime, rateMs, type ScheduleSpec } from './schedule-expressions.ts';
import { traceAwsClient } from '../observability/tracing.ts';

/**
 * Schedules created at run time for a `managedSchedules` worker (shared/workers.ts), one per
 * resource — e.g. one per sync project. In AWS each is an EventBridge Scheduler schedule in the
 * stack's schedule group that invokes the worker's function with `payload` (plus `scheduledTime`)
 * through the group's scheduler role; in the local runtime a timer (lib/local/workers.ts).
 */

/** One managed schedule: its unique name, when it fires, whether it is on, and what the worker receives. */
export interface ManagedSchedule extends ScheduleSpec {
  /** Unique in the deployment: `[0-9A-Za-z._-]{1,64}` (EventBridge Scheduler's schedule names). */
  name: string;
  enabled: boolean;
  /** The worker's event, to which each firing adds `scheduledTime` (ISO 8601). */
  payload: Record<string, unknown>;
}

/** How managed schedules are kept: EventBridge Scheduler in AWS, timers in the local runtime. */
export interface ScheduleTransport {
  /** Creates or replaces the schedule `schedule.name` of `worker`. */
  put(worker: DeclaredWorker, schedule: ManagedSchedule): Promise<void>;
  /** Deletes it; deleting one that does not exist is not an error. */
  remove(worker: DeclaredWorker, name: string): Promise<void>;
}

const TRANSPORT = Symbol.for('identity-platform.schedule-transport');
type TransportHolder = { [TRANSPORT]?: ScheduleTransport | undefined };

/** The local runtime installs its timers here (undefined removes them on stop). */
export function setScheduleTransport(transport: ScheduleTransport | undefined): void {
  (globalThis as TransportHolder)[TRANSPORT] = transport;
}

function transport(): ScheduleTransport {
  const installed = (globalThis as TransportHolder)[TRANSPORT];
  if (installed) return installed;
  if (platformConfig().local) throw new Error('No local worker runtime is running in this process to keep schedules');
  return awsScheduleTransport;
}

const NAME = /^[0-9A-Za-z._-]{1,64}$/;

/** The declared row of `workerId` (shared/workers/declared-workers.ts), which must have managed schedules. */
function managedWorker(workerId: string): DeclaredWorker {
  const worker = declaredWorker(workerId);
  if (!worker) throw new Error(`Worker ${workerId} is unknown or not declared by this function: declare it in \`managesSchedules\``);
  if (worker.trigger.kind !== 'managedSchedules') throw new Error(`Worker ${workerId} has no managed schedules`);
  return worker;
}

/**
 * Creates or replaces a managed schedule of `workerId`. The expression must already be valid
 * (shared/workers/schedule-expressions.ts). @throws Error when the worker is unknown, has no
 * managed schedules or (in a Lambda bundle) is not declared in the route's `managesSchedules`, or
 * the scheduler refuses.
 */
export async function putWorkerSchedule(workerId: string, schedule: ManagedSchedule): Promise<void> {
  if (!NAME.test(schedule.name)) throw new Error(`Invalid schedule name ${schedule.name}`);
  await transport().put(managedWorker(workerId), schedule);
}

/** Deletes a managed schedule of `workerId` (nothing happens when there is none). */
export async function removeWorkerSchedule(workerId: string, name: string): Promise<void> {
  if (!NAME.test(name)) throw new Error(`Invalid schedule name ${name}`);
  await transport().remove(managedWorker(workerId), name);
}

// --- AWS: EventBridge Scheduler ------------------------------------------------------------------

/*
 * @aws-sdk/client-scheduler (declared in package.json) is typed here by the little this module uses
 * and loaded on first use with `require`, which in Lambda also finds the runtime's own SDK; loading
 * it lazily keeps it out of every bundle that never manages schedules (see aws-transport.ts).
 */
interface SdkClient {
  send(command: unknown): Promise<unknown>;
}
interface ScheduleInput {
  Name: string;
  GroupName: string;
  ScheduleExpression: string;
  ScheduleExpressionTimezone?: string;
  StartDate?: Date;
  State: 'ENABLED' | 'DISABLED';
  FlexibleTimeWindow: { Mode: 'OFF' };
  ActionAfterCompletion: 'NONE';
  Description: string;
  Target: { Arn: string; RoleArn: string; Input: string; RetryPolicy: { MaximumRetryAttempts: number; MaximumEventAgeInSeconds: number } };
}
interface SchedulerSdk {
  SchedulerClient: new (config: { region?: string }) => SdkClient;
  CreateScheduleCommand: new (input: ScheduleInput) => unknown;
  UpdateScheduleCommand: new (input: ScheduleInput) => unknown;
  DeleteScheduleCommand: new (input: { Name: string; GroupName: string }) => unknown;
}

/** `require` from this module (a function, not a module-level call, so a bundle that never loads an SDK drops it). */
function load(id: string): unknown {
  return createRequire(import.meta.url)(id);
}
const schedulerModule = '@aws-sdk/client-scheduler';
let scheduler: { sdk: SchedulerSdk; client: SdkClient } | undefined;

function schedulerClient(): { sdk: SchedulerSdk; client: SdkClient } {
  if (!scheduler) {
    const sdk = load(schedulerModule) as SchedulerSdk;
    scheduler = { sdk, client: traceAwsClient(new sdk.SchedulerClient({ region: process.env.AWS_REGION })) };
  }
  return scheduler;
}

function required(name: string, workerId: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: declare "${workerId}" in the route's \`managesSchedules\``);
  return value;
}

const hasName = (error: unknown, name: string): boolean => typeof error === 'object' && error !== null && (error as { name?: unknown }).name === name;

export const awsScheduleTransport: ScheduleTransport = {
  async put(worker, schedule) {
    const names = scheduleEnvironmentNames(worker.id);
    const { sdk, client } = schedulerClient();
    const period = rateMs(schedule.expression);
    const input: ScheduleInput = {
      Name: schedule.name,
      GroupName: required(names.group, worker.id),
      ScheduleExpression: schedule.expression,
      ...(schedule.timezone ? { ScheduleExpressionTimezone: schedule.timezone } : {}),
      // A rate starts at its first anchored fire time, so AWS fires when nextRunAt says it will.
      ...(period !== undefined ? { StartDate: new Date(nextFireTime(schedule, Date.now()) ?? Date.now()) } : {}),
      State: schedule.enabled ? 'ENABLED' : 'DISABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'NONE',
      Description: `Identity platform: ${worker.id} ${schedule.name}`.slice(0, 512),
      Target: {
        Arn: required(names.target, worker.id),
        RoleArn: required(names.role, worker.id),
        // <aws.scheduler.scheduled-time> is replaced by EventBridge Scheduler at each firing.
        Input: JSON.stringify({ ...schedule.payload, scheduledTime: '<aws.scheduler.scheduled-time>' }),
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 },
      },
    };
    try {
      await client.send(new sdk.UpdateScheduleCommand(input));
    } catch (error) {
      if (!hasName(error, 'ResourceNotFoundException')) throw error;
      try {
        await client.send(new sdk.CreateScheduleCommand(input));
      } catch (createError) {
        // Created meanwhile by a concurrent request: this one's definition wins.
        if (!hasName(createError, 'ConflictException')) throw createError;
        await client.send(new sdk.UpdateScheduleCommand(input));
      }
    }
  },
  async remove(worker, name) {
    const { sdk, client } = schedulerClient();
    try {
      await client.send(new sdk.DeleteScheduleCommand({ Name: name, GroupName: required(scheduleEnvironmentNames(worker.id).group, worker.id) }));
    } catch (error) {
      if (!hasName(error, 'ResourceNotFoundException')) throw error;
    }
  },
};
