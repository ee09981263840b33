import { Aws, Duration, Fn, NestedStack, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { deadLetterEnvironmentName, scheduleEnvironmentNames, workerEnvironmentName, type WorkerDefinition } from '../shared/workers.ts';
import { auditStreamFilterPattern } from '../shared/storage/audit-stream-filter.ts';
import { grantProfile, type AccessProfile } from './access-profile.ts';
import type { SyncVpcSettings } from './config.ts';
import { acknowledgeAsyncWorkerDeadLetters, acknowledgeStreamWorkerDeadLetters, acknowledgeFunctionRoleWildcards, acknowledgeVpcAccessPolicy } from './nag-suppressions.ts';
import { ImportedPlatformData, type PlatformDataExports } from './platform-data.ts';
import { bundlingForWorker, createPlatformFunction } from './platform-function.ts';

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
  /** managedSchedules workers: the group their run-time schedules live in and the role those schedules invoke with. */
  readonly managedSchedules?: { readonly group: scheduler.ScheduleGroup; readonly role: iam.IRole };
}

/** The stack's schedule group: fixed, so the schedule ARNs granted to the API are known at synth (one deployment per region and account). */
export const scheduleGroupName = 'identity-platform';

/** Every schedule in that group, in the granting stack's own region and account. */
export const managedScheduleArns = `arn:${Aws.PARTITION}:scheduler:${Aws.REGION}:${Aws.ACCOUNT_ID}:schedule/${scheduleGroupName}/*`;

/**
 * Lets `grantee` keep `endpoint`'s run-time schedules and nothing more: scheduler:CreateSchedule,
 * UpdateSchedule and DeleteSchedule on schedules in the stack's schedule group, and iam:PassRole
 * on the one role those schedules invoke the worker with (only to EventBridge Scheduler). Returns
 * the variables that name the group, the role and the target function.
 */
export function grantManageSchedules(grantee: iam.IGrantable, endpoint: WorkerEndpoint): Record<string, string> {
  const managed = endpoint.managedSchedules;
  if (!managed) throw new Error(`Worker ${endpoint.worker.id} has no managed schedules (trigger ${endpoint.worker.trigger.kind})`);
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: ['scheduler:CreateSchedule', 'scheduler:UpdateSchedule', 'scheduler:DeleteSchedule'],
      resources: [managedScheduleArns],
    }),
  );
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({ actions: ['iam:PassRole'], resources: [managed.role.roleArn], conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } } }),
  );
  const names = scheduleEnvironmentNames(endpoint.worker.id);
  return { [names.group]: scheduleGroupName, [names.role]: managed.role.roleArn, [names.target]: endpoint.function.functionArn };
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

/**
 * Lets `grantee` read the depth of every worker queue and dead-letter queue (`sqs:GetQueueAttributes`
 * only: no receive, no delete) for the health report, and returns the variables naming them.
 */
export function grantReadWorkerQueues(grantee: iam.IGrantable, endpoints: readonly WorkerEndpoint[]): Record<string, string> {
  const environment: Record<string, string> = {};
  const arns: string[] = [];
  for (const endpoint of endpoints) {
    if (endpoint.queue) {
      environment[workerEnvironmentName(endpoint.worker.id, 'queue')] = endpoint.queue.queueUrl;
      arns.push(endpoint.queue.queueArn);
    }
    if (endpoint.deadLetterQueue) {
      environment[deadLetterEnvironmentName(endpoint.worker.id)] = endpoint.deadLetterQueue.queueUrl;
      arns.push(endpoint.deadLetterQueue.queueArn);
    }
  }
  if (arns.length > 0) grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['sqs:GetQueueAttributes'], resources: arns }));
  return environment;
}

export interface WorkersStackProps {
  readonly workers: readonly WorkerDefinition[];
  readonly dataExports: PlatformDataExports;
  /** Environment shared by all functions of the region; WORKER_ID is added per worker. */
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetentionDays: number;
  readonly skipBundling: boolean;
  /** The region's sync VPC, for workers with `network: 'syncVpc'`; absent: they run outside any VPC. */
  readonly syncVpc?: SyncVpcSettings;
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
 * - auditStream: an event source mapping on the table's stream (new entries, filtered to the
 *   worker's audit actions, batch failures reported, failing batches split), with a dead-letter
 *   queue receiving the records of a batch after its last retry.
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
      exportBucket: worker.access.exportBucket ?? 'none',
      secretsKey: worker.access.secretsKey ?? 'none',
      signingKey: 'none',
      operatorKey: 'none',
    };
    const role = new iam.Role(this, `${name}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Identity platform worker ${worker.id} (table ${worker.access.table})`,
    });
    grantProfile(role, profile, data);
    acknowledgeFunctionRoleWildcards(role, profile, props.dataExports);

    const network = worker.network === 'syncVpc' && props.syncVpc ? this.syncNetwork(props.syncVpc) : undefined;
    if (network) {
      // Lambda's network interfaces in the VPC: the AWS-managed policy made for exactly that.
      role.addManagedPolicy(iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaVPCAccessExecutionRole'));
      acknowledgeVpcAccessPolicy(role);
    }

    const fn = createPlatformFunction(this, name, {
      description: `Worker ${worker.id} (${worker.trigger.kind}): ${worker.summary}`,
      handler: worker.handler,
      memoryMb: worker.memoryMb,
      timeoutSeconds: worker.timeoutSeconds,
      role,
      environment: { ...props.environment, WORKER_ID: worker.id },
      logRetentionDays: props.logRetentionDays,
      skipBundling: props.skipBundling,
      bundling: bundlingForWorker(worker, props.workers),
      ...(network ? { network } : {}),
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
    if (trigger.kind === 'async' || trigger.kind === 'managedSchedules') {
      // EventBridge Scheduler invokes Lambda targets asynchronously too: the same retries and dead letters.
      const deadLetterQueue = this.queue(`${name}DeadLetters`, { retentionPeriod: deadLetterRetention });
      acknowledgeAsyncWorkerDeadLetters(deadLetterQueue);
      fn.configureAsyncInvoke({ retryAttempts: 2, onFailure: new SqsDestination(deadLetterQueue) });
      if (trigger.kind === 'async') return { worker, function: fn, role, deadLetterQueue };
      return { worker, function: fn, role, deadLetterQueue, managedSchedules: { group: this.group(), role: this.schedulerRole(worker, name, fn) } };
    }
    if (trigger.kind === 'auditStream') {
      const deadLetterQueue = this.queue(`${name}DeadLetters`, { retentionPeriod: deadLetterRetention });
      acknowledgeStreamWorkerDeadLetters(deadLetterQueue);
      fn.addEventSource(
        new DynamoEventSource(data.table, {
          // New entries only: a new worker does not replay the table's past 24 hours.
          startingPosition: lambda.StartingPosition.LATEST,
          batchSize: trigger.batchSize,
          maxBatchingWindow: Duration.seconds(trigger.maxBatchingWindowSeconds),
          retryAttempts: trigger.retryAttempts,
          bisectBatchOnError: true,
          reportBatchItemFailures: true,
          onFailure: new SqsDlq(deadLetterQueue),
          filters: [lambda.FilterCriteria.filter(auditStreamFilterPattern(trigger.actions))],
        }),
      );
      return { worker, function: fn, role, deadLetterQueue };
    }
    if (trigger.kind !== 'schedule') throw new Error(`Worker ${worker.id}: unknown trigger`);
    return { worker, function: fn, role, schedule: this.addSchedule(worker, name, trigger.expression, fn) };
  }

  private queue(id: string, props: sqs.QueueProps): sqs.Queue {
    return new sqs.Queue(this, id, { ...props, encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true });
  }

  private network: { vpc: ec2.IVpc; subnets: ec2.ISubnet[]; securityGroups: ec2.ISecurityGroup[] } | undefined;

  /** The sync VPC, its subnets and security groups imported by id (no lookup: synth stays offline); one import per stack. */
  private syncNetwork(settings: SyncVpcSettings): { vpc: ec2.IVpc; subnets: ec2.ISubnet[]; securityGroups: ec2.ISecurityGroup[] } {
    this.network ??= {
      // The subnets are given explicitly, so the VPC needs no subnet groups; its zones are the region's (no lookup).
      vpc: ec2.Vpc.fromVpcAttributes(this, 'SyncVpc', { vpcId: settings.vpcId, availabilityZones: Fn.getAzs() }),
      subnets: settings.subnetIds.map((id) => ec2.Subnet.fromSubnetId(this, `SyncSubnet-${id}`, id)),
      // Not mutable: the operator owns these groups' rules (egress to the directories' LDAP ports).
      securityGroups: settings.securityGroupIds.map((id) => ec2.SecurityGroup.fromSecurityGroupId(this, `SyncSecurityGroup-${id}`, id, { mutable: false })),
    };
    return this.network;
  }

  private group(): scheduler.ScheduleGroup {
    this.scheduleGroup ??= new scheduler.ScheduleGroup(this, 'ScheduleGroup', { scheduleGroupName });
    return this.scheduleGroup;
  }

  /** The role EventBridge Scheduler assumes (for schedules in this stack's group only) to invoke `fn`, and nothing else. */
  private schedulerRole(worker: WorkerDefinition, name: string, fn: lambda.IFunction): iam.Role {
    const group = this.group();
    const role = new iam.Role(this, `${name}ScheduleRole`, {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account, 'aws:SourceArn': group.scheduleGroupArn } },
      }),
      description: `EventBridge Scheduler: invokes worker ${worker.id}`,
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }));
    return role;
  }

  private addSchedule(worker: WorkerDefinition, name: string, expression: string, fn: lambda.IFunction): scheduler.Schedule {
    const group = this.group();
    const role = this.schedulerRole(worker, name, fn);
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
