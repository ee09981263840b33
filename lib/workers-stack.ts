import { Duration, NestedStack, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { workerEnvironmentName, type WorkerDefinition } from '../shared/workers.ts';
import { grantProfile, type AccessProfile } from './access-profile.ts';
import { acknowledgeAsyncWorkerDeadLetters, acknowledgeFunctionRoleWildcards } from './nag-suppressions.ts';
import { ImportedPlatformData, type PlatformDataExports } from './platform-data.ts';
import { createPlatformFunction } from './platform-function.ts';

/** A deployed worker: its function and, for a queue or async worker, where its work waits or fails. */
export interface WorkerEndpoint {
  readonly worker: WorkerDefinition;
  readonly function: lambda.IFunction;
  readonly role: iam.IRole;
  /** Queue workers: the queue `startWorker` sends to. */
  readonly queue?: sqs.IQueue;
  /** Queue and async workers: where messages or events land after their last failed attempt. */
  readonly deadLetterQueue?: sqs.IQueue;
  /** Schedule workers. */
  readonly schedule?: scheduler.Schedule;
}

/**
 * Lets `grantee` start `endpoint`'s worker and nothing more: `sqs:SendMessage` on its queue or
 * `lambda:InvokeFunction` on its function (the queues use SQS-managed encryption, so no KMS
 * grant is needed). Returns the environment variable the starter reads the address from.
 */
export function grantStartWorker(grantee: iam.IGrantable, endpoint: WorkerEndpoint): [name: string, value: string] {
  const { worker } = endpoint;
  if (worker.trigger.kind === 'queue' && endpoint.queue) {
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [endpoint.queue.queueArn] }));
    return [workerEnvironmentName(worker.id, 'queue'), endpoint.queue.queueUrl];
  }
  if (worker.trigger.kind === 'async') {
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [endpoint.function.functionArn] }));
    return [workerEnvironmentName(worker.id, 'async'), endpoint.function.functionName];
  }
  throw new Error(`Worker ${worker.id} cannot be started on demand (trigger ${worker.trigger.kind})`);
}

export interface WorkersStackProps {
  readonly workers: readonly WorkerDefinition[];
  readonly dataExports: PlatformDataExports;
  /** Environment shared by all functions of the region; WORKER_ID is added per worker. */
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetentionDays: number;
  readonly skipBundling: boolean;
}

const pascal = (id: string): string => id.split('-').map((part) => `${part[0]?.toUpperCase() ?? ''}${part.slice(1)}`).join('');

/** SQS keeps a message at most 14 days: the dead-letter queues keep failures that long for inspection. */
const deadLetterRetention = Duration.days(14);

/**
 * The region's background workers, one row of the worker table (shared/workers.ts) each: a
 * function with its own execution role (the table grant it declares, its log group, X-Ray, its
 * trigger's consume permissions and the start grants of the workers it declares), plus its trigger:
 * - queue: an SQS queue (SQS-managed SSE, TLS only, visibility timeout six times the function's
 *   timeout) with a dead-letter queue after maxReceiveCount receives, and an event source mapping
 *   that reports failed records individually;
 * - schedule: an EventBridge Scheduler schedule in the stack's schedule group, invoking the function
 *   through a role of its own that may invoke only that function;
 * - async: a dead-letter queue for events that failed Lambda's two retries; the routes that declare
 *   the worker get the invoke grant (see {@link grantStartWorker}).
 *
 * A nested stack of its own, so the family stacks' resource counts do not grow with it.
 */
export class WorkersStack extends NestedStack {
  readonly endpoints = new Map<string, WorkerEndpoint>();
  private scheduleGroup: scheduler.ScheduleGroup | undefined;

  constructor(scope: Construct, id: string, props: WorkersStackProps) {
    super(scope, id, { description: 'Identity platform: background workers' });
    const data = new ImportedPlatformData(this, 'Data', props.dataExports);

    for (const worker of props.workers) this.endpoints.set(worker.id, this.addWorker(worker, data, props));

    // Second pass, once every worker exists: a worker may start one defined after it (or itself).
    for (const worker of props.workers) {
      const endpoint = this.endpoints.get(worker.id);
      for (const target of worker.starts ?? []) {
        const started = this.endpoints.get(target);
        if (!endpoint || !started) throw new Error(`Worker ${worker.id} starts unknown worker ${target}`);
        const [name, value] = grantStartWorker(endpoint.role, started);
        (endpoint.function as lambda.Function).addEnvironment(name, value);
      }
    }
  }

  private addWorker(worker: WorkerDefinition, data: ImportedPlatformData, props: WorkersStackProps): WorkerEndpoint {
    const name = pascal(worker.id);
    const profile: AccessProfile = {
      table: worker.access.table === 'readWrite' ? 'write' : 'read',
      exportBucket: 'none',
      secretsKey: 'none',
      signingKey: 'none',
      operatorKey: 'none',
    };
    const role = new iam.Role(this, `${name}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Identity platform worker ${worker.id} (table ${worker.access.table})`,
    });
    grantProfile(role, profile, data);
    acknowledgeFunctionRoleWildcards(role, profile, props.dataExports);

    const fn = createPlatformFunction(this, name, {
      description: `Worker ${worker.id} (${worker.trigger.kind}): ${worker.summary}`,
      handler: worker.handler,
      memoryMb: worker.memoryMb,
      timeoutSeconds: worker.timeoutSeconds,
      role,
      environment: { ...props.environment, WORKER_ID: worker.id },
      logRetentionDays: props.logRetentionDays,
      skipBundling: props.skipBundling,
    });

    const trigger = worker.trigger;
    if (trigger.kind === 'queue') {
      const deadLetterQueue = this.queue(`${name}DeadLetters`, { retentionPeriod: deadLetterRetention });
      const queue = this.queue(`${name}Queue`, {
        visibilityTimeout: Duration.seconds(worker.timeoutSeconds * 6),
        deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: trigger.maxReceiveCount },
      });
      fn.addEventSource(new SqsEventSource(queue, { batchSize: trigger.batchSize, reportBatchItemFailures: true }));
      return { worker, function: fn, role, queue, deadLetterQueue };
    }
    if (trigger.kind === 'async') {
      const deadLetterQueue = this.queue(`${name}DeadLetters`, { retentionPeriod: deadLetterRetention });
      acknowledgeAsyncWorkerDeadLetters(deadLetterQueue);
      fn.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(deadLetterQueue) });
      return { worker, function: fn, role, deadLetterQueue };
    }
    return { worker, function: fn, role, schedule: this.addSchedule(worker, name, trigger.expression, fn) };
  }

  private queue(id: string, props: sqs.QueueProps): sqs.Queue {
    return new sqs.Queue(this, id, { ...props, encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true });
  }

  private addSchedule(worker: WorkerDefinition, name: string, expression: string, fn: lambda.IFunction): scheduler.Schedule {
    this.scheduleGroup ??= new scheduler.ScheduleGroup(this, 'ScheduleGroup', {});
    const group = this.scheduleGroup;
    const role = new iam.Role(this, `${name}ScheduleRole`, {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account, 'aws:SourceArn': group.scheduleGroupArn } },
      }),
      description: `EventBridge Scheduler: invokes worker ${worker.id}`,
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }));
    const target: scheduler.IScheduleTarget = {
      bind: () => ({
        arn: fn.functionArn,
        role,
        input: scheduler.ScheduleTargetInput.fromObject({ workerId: worker.id, scheduledTime: scheduler.ContextAttribute.scheduledTime }),
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
      }),
    };
    const schedule = new scheduler.Schedule(this, `${name}Schedule`, {
      schedule: scheduler.ScheduleExpression.expression(expression),
      target,
      scheduleGroup: group,
      description: `Runs worker ${worker.id}: ${worker.summary}`.slice(0, 512),
    });
    schedule.node.addDependency(role);
    return schedule;
  }
}
