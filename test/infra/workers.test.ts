import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiStack } from '../../lib/api-stack.ts';
import { contextKeys } from '../../lib/config.ts';
import { routes as realRoutes, type RouteDefinition } from '../../shared/routes.ts';
import { workerEnvironmentName, workers as realWorkers, type WorkerDefinition } from '../../shared/workers.ts';
import { apiTemplates, resourcesOfType, synthPlatform, type CfnTemplate, type SynthResult } from './support/synth.ts';

/**
 * The worker table's rows become functions with their triggers. The real table has one queue
 * worker today; a schedule worker, an async worker and a route that starts the async one are added
 * here so every trigger kind is synthesized (placeholder code, cdk-nag on).
 */
const scheduled: WorkerDefinition = {
  id: 'test-nightly-report',
  handler: 'functions/workers/test-nightly-report.ts',
  trigger: { kind: 'schedule', expression: 'rate(1 day)' },
  memoryMb: 256,
  timeoutSeconds: 60,
  access: { table: 'read' },
  summary: 'synthesized only',
};
const asyncWorker: WorkerDefinition = {
  id: 'test-send-welcome',
  handler: 'functions/workers/test-send-welcome.ts',
  trigger: { kind: 'async' },
  memoryMb: 256,
  timeoutSeconds: 30,
  access: { table: 'readWrite' },
  summary: 'synthesized only',
};
const asyncStarter: RouteDefinition = {
  id: 'identity-test-start-welcome',
  method: 'POST',
  path: '/api/identity/v1/test-welcome',
  handler: 'functions/identity/test-start-welcome.ts',
  family: 'identity',
  permission: 'identity:admin',
  mutating: true,
  access: { table: 'write' },
  starts: [asyncWorker.id],
  summary: 'synthesized only',
};
const streamWorker: WorkerDefinition = {
  id: 'test-audit-follower',
  handler: 'functions/workers/test-audit-follower.ts',
  trigger: { kind: 'auditStream', actions: ['user.', 'group.member.'], batchSize: 50, maxBatchingWindowSeconds: 2, retryAttempts: 4 },
  memoryMb: 256,
  timeoutSeconds: 60,
  access: { table: 'read' },
  summary: 'synthesized only',
};
const workerTable = [...realWorkers, scheduled, asyncWorker, streamWorker];
const routeTable = [...realRoutes, asyncStarter];

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
}
const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

let synth: SynthResult;
let api: ApiStack;
let workersJson: CfnTemplate & { Outputs?: Record<string, { Value: unknown }> };
let parentJson: CfnTemplate;

beforeAll(() => {
  synth = synthPlatform({ routes: routeTable, workers: workerTable, context: { [contextKeys.regions]: 'eu-central-1' } });
  const stacks = synth.stacks.get('eu-central-1');
  if (!stacks?.api.workersStack) throw new Error('no workers stack');
  api = stacks.api;
  workersJson = Template.fromStack(stacks.api.workersStack).toJSON() as typeof workersJson;
  parentJson = Template.fromStack(api).toJSON() as CfnTemplate;
});
afterAll(() => synth.dispose());

/** Worker id → its function's logical id, properties and the statements of its role. */
function workerFunctions(): Map<string, { logicalId: string; properties: Record<string, unknown>; statements: Statement[]; roleId: string }> {
  const result = new Map<string, { logicalId: string; properties: Record<string, unknown>; statements: Statement[]; roleId: string }>();
  for (const [logicalId, fn] of resourcesOfType(workersJson, 'AWS::Lambda::Function')) {
    const properties = fn.Properties ?? {};
    const variables = (properties.Environment as { Variables: Record<string, unknown> }).Variables;
    const roleId = (properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const workerId = String(variables.WORKER_ID);
    expect(result.has(workerId), workerId).toBe(false);
    result.set(workerId, { logicalId, properties, statements: statementsOf(workersJson, roleId), roleId });
  }
  return result;
}

function statementsOf(json: CfnTemplate, roleId: string): Statement[] {
  return resourcesOfType(json, 'AWS::IAM::Policy')
    .filter(([, policy]) => asArray(policy.Properties?.Roles as { Ref: string }[]).some((role) => role.Ref === roleId))
    .flatMap(([, policy]) => (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement)
    .filter((statement) => statement.Effect === 'Allow');
}

const actionsOf = (statements: Statement[]): string[] => statements.flatMap((statement) => asArray(statement.Action));
const getAttOf = (value: unknown): string | undefined => (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];

/**
 * A value in a family stack that came from the workers stack arrives as a parameter: follow it to
 * the parent's nested-stack resource, then to the workers stack output, and return what that
 * output names (e.g. `{ "Fn::GetAtt": ["<queue>", "Arn"] }`).
 */
function traceIntoWorkers(familyTemplate: string, value: unknown): unknown {
  const parameter = (value as { Ref?: string }).Ref;
  if (!parameter) return value;
  const family = familyTemplate.split('/').at(-1) ?? '';
  const prefix = `${family[0]?.toUpperCase() ?? ''}${family.slice(1)}RoutesNestedStack`;
  const [, stackResource] = Object.entries(parentJson.Resources).find(([logicalId, resource]) => resource.Type === 'AWS::CloudFormation::Stack' && logicalId.startsWith(prefix)) ?? [];
  const passed = (stackResource?.Properties?.Parameters as Record<string, unknown> | undefined)?.[parameter];
  const output = /Outputs\.([A-Za-z0-9]+)/.exec(JSON.stringify(passed))?.[1];
  return output ? workersJson.Outputs?.[output]?.Value : passed;
}

describe('workers in CDK', () => {
  it('creates exactly one Lambda per worker, configured from the worker table', () => {
    const functions = workerFunctions();
    expect([...functions.keys()].sort()).toEqual(workerTable.map((worker) => worker.id).sort());
    for (const worker of workerTable) {
      const fn = functions.get(worker.id)?.properties ?? {};
      expect(fn.Architectures, worker.id).toEqual(['arm64']);
      expect(String(fn.Runtime)).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
      expect(fn.MemorySize).toBe(worker.memoryMb);
      expect(fn.Timeout).toBe(worker.timeoutSeconds);
      expect(fn.TracingConfig).toEqual({ Mode: 'Active' });
      expect((fn.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({ TABLE_NAME: expect.anything() as unknown, WORKER_ID: worker.id });
    }
    // Route templates keep exactly one function per route.
    expect(apiTemplates(api).flatMap(({ json }) => resourcesOfType(json, 'AWS::Lambda::Function'))).toHaveLength(routeTable.length);
  });

  it('triggers a queue worker from its own encrypted, TLS-only queue that dead-letters after maxReceiveCount', () => {
    const functions = workerFunctions();
    const queues = resourcesOfType(workersJson, 'AWS::SQS::Queue');
    const policies = resourcesOfType(workersJson, 'AWS::SQS::QueuePolicy');
    for (const worker of workerTable) {
      const trigger = worker.trigger;
      const fn = functions.get(worker.id);
      const mappings = resourcesOfType(workersJson, 'AWS::Lambda::EventSourceMapping').filter(([, mapping]) => mapping.Properties?.FunctionName !== undefined && JSON.stringify(mapping.Properties.FunctionName).includes(fn?.logicalId ?? '?'));
      if (trigger.kind !== 'queue') {
        expect(mappings, worker.id).toHaveLength(trigger.kind === 'auditStream' ? 1 : 0);
        continue;
      }
      expect(mappings, worker.id).toHaveLength(1);
      const mapping = mappings[0]?.[1].Properties ?? {};
      expect(mapping).toMatchObject({ BatchSize: trigger.batchSize, FunctionResponseTypes: ['ReportBatchItemFailures'] });
      const queueId = getAttOf(mapping.EventSourceArn) ?? '';
      const queue = workersJson.Resources[queueId]?.Properties ?? {};
      expect(queue.SqsManagedSseEnabled).toBe(true);
      expect(queue.VisibilityTimeout).toBe(worker.timeoutSeconds * 6);
      const redrive = queue.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number };
      expect(redrive.maxReceiveCount).toBe(trigger.maxReceiveCount);
      const deadLetterId = getAttOf(redrive.deadLetterTargetArn) ?? '';
      expect(workersJson.Resources[deadLetterId]?.Properties?.SqsManagedSseEnabled).toBe(true);
      for (const id of [queueId, deadLetterId]) {
        const policy = policies.find(([, candidate]) => JSON.stringify(candidate.Properties?.Queues).includes(`"Ref":"${id}"`));
        expect(JSON.stringify(policy?.[1].Properties?.PolicyDocument), id).toContain('"aws:SecureTransport":"false"');
      }
      expect(queues.length).toBeGreaterThanOrEqual(2);
      // It consumes its own queue only.
      const sqsStatements = (fn?.statements ?? []).filter((statement) => actionsOf([statement]).some((action) => action.startsWith('sqs:')));
      for (const statement of sqsStatements) expect(getAttOf(statement.Resource), worker.id).toBe(queueId);
      expect(actionsOf(sqsStatements)).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage']));
    }
  });

  it('feeds an auditStream worker from the table stream: new audit entries of its actions only, failures split and retried, then dead-lettered', () => {
    const fn = workerFunctions().get(streamWorker.id);
    const mappings = resourcesOfType(workersJson, 'AWS::Lambda::EventSourceMapping').filter(([, mapping]) => JSON.stringify(mapping.Properties?.FunctionName).includes(fn?.logicalId ?? '?'));
    expect(mappings).toHaveLength(1);
    const mapping = mappings[0]?.[1].Properties ?? {};
    expect(mapping).toMatchObject({
      BatchSize: 50,
      MaximumBatchingWindowInSeconds: 2,
      MaximumRetryAttempts: 4,
      BisectBatchOnFunctionError: true,
      StartingPosition: 'LATEST',
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(JSON.stringify(mapping.EventSourceArn)).toContain('TableStreamArn');
    const pattern = JSON.parse((mapping.FilterCriteria as { Filters: { Pattern: string }[] }).Filters[0]?.Pattern ?? '{}') as Record<string, unknown>;
    expect(pattern).toEqual({
      eventName: ['INSERT'],
      dynamodb: { NewImage: { type: { S: ['AuditEntry'] }, organizationId: { S: [{ exists: true }] }, action: { S: [{ prefix: 'user.' }, { prefix: 'group.member.' }] } } },
    });
    const deadLetterId = getAttOf((mapping.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure.Destination) ?? '';
    expect(workersJson.Resources[deadLetterId]?.Type).toBe('AWS::SQS::Queue');
    expect(workersJson.Resources[deadLetterId]?.Properties?.SqsManagedSseEnabled).toBe(true);
    // Reads the stream, sends failures to its dead-letter queue, and nothing on the stream it does not need.
    const actions = actionsOf(fn?.statements ?? []);
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'sqs:SendMessage']));
  });

  it('runs a schedule worker from an EventBridge Scheduler schedule whose own role may invoke only that function', () => {
    const functions = workerFunctions();
    const schedules = resourcesOfType(workersJson, 'AWS::Scheduler::Schedule');
    expect(schedules).toHaveLength(workerTable.filter((worker) => worker.trigger.kind === 'schedule').length);
    const fn = functions.get(scheduled.id);
    // The table's own schedule workers (access-reviews-due) have schedules too: pick the added one's.
    const schedule = schedules.find(([, candidate]) => JSON.stringify(candidate.Properties?.Target).includes(`\\"workerId\\":\\"${scheduled.id}\\"`))?.[1].Properties ?? {};
    expect(schedule.ScheduleExpression).toBe('rate(1 day)');
    expect(schedule.GroupName).toBeDefined();
    const target = schedule.Target as { Arn: unknown; RoleArn: unknown; Input: string };
    expect(getAttOf(target.Arn)).toBe(fn?.logicalId);
    expect(target.Input).toContain(`"workerId":"${scheduled.id}"`);
    const roleId = getAttOf(target.RoleArn) ?? '';
    expect(roleId).not.toBe(fn?.roleId);
    const statements = statementsOf(workersJson, roleId);
    expect(actionsOf(statements)).toEqual(['lambda:InvokeFunction']);
    expect(getAttOf(statements[0]?.Resource)).toBe(fn?.logicalId);
    const trust = JSON.stringify(workersJson.Resources[roleId]?.Properties?.AssumeRolePolicyDocument);
    expect(trust).toContain('scheduler.amazonaws.com');
    expect(trust).toContain('aws:SourceArn');
  });

  it('grants each worker only its declared table access, and starting only what it declares', () => {
    const functions = workerFunctions();
    const tableWrites = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    for (const worker of workerTable) {
      const actions = actionsOf(functions.get(worker.id)?.statements ?? []);
      expect(actions, worker.id).toContain('dynamodb:Query');
      expect(actions.some((action) => tableWrites.includes(action)), worker.id).toBe(worker.access.table === 'readWrite');
      expect(actions.some((action) => /^(secretsmanager):|^kms:Sign$|:\*$/.test(action)), worker.id).toBe(false);
      // The export bucket only for workers that declare it (audit-export writes the files), and never s3:Delete*.
      expect(actions.some((action) => action.startsWith('s3:')), worker.id).toBe(worker.access.exportBucket === 'write');
      expect(actions.some((action) => action.startsWith('s3:Put')), worker.id).toBe(worker.access.exportBucket === 'write');
      expect(actions.some((action) => /^s3:Delete/.test(action)), worker.id).toBe(false);
      expect(actions.includes('lambda:InvokeFunction'), worker.id).toBe(false);
      // An async worker also sends its failed events to its own dead-letter queue (the invoke config's destination).
      const ownDeadLetters = resourcesOfType(workersJson, 'AWS::Lambda::EventInvokeConfig')
        .filter(([, config]) => JSON.stringify(config.Properties?.FunctionName).includes(functions.get(worker.id)?.logicalId ?? '?'))
        .map(([, config]) => getAttOf((config.Properties?.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure.Destination));
      expect(ownDeadLetters.length, worker.id).toBe(worker.trigger.kind === 'async' || worker.trigger.kind === 'managedSchedules' ? 1 : 0);
      // A stream worker's mapping sends a failed batch's records to its own dead-letter queue.
      ownDeadLetters.push(
        ...resourcesOfType(workersJson, 'AWS::Lambda::EventSourceMapping')
          .filter(([, mapping]) => JSON.stringify(mapping.Properties?.FunctionName).includes(functions.get(worker.id)?.logicalId ?? '?'))
          .flatMap(([, mapping]) => {
            const destination = (mapping.Properties?.DestinationConfig as { OnFailure?: { Destination: unknown } } | undefined)?.OnFailure?.Destination;
            return destination === undefined ? [] : [getAttOf(destination)];
          }),
      );
      const sends = (functions.get(worker.id)?.statements ?? []).filter(
        (statement) => actionsOf([statement]).includes('sqs:SendMessage') && !ownDeadLetters.includes(getAttOf(statement.Resource)),
      );
      const startsQueues = (worker.starts ?? []).filter((id) => workerTable.find((candidate) => candidate.id === id)?.trigger.kind === 'queue');
      expect(sends.length, worker.id).toBe(startsQueues.length);
    }
    // The secrets key only for workers that declare it (sync-run decrypts bind passwords): one more
    // kms:Decrypt statement than a worker with the same table access (whose table key grants its own).
    const decrypts = (id: string) => (functions.get(id)?.statements ?? []).filter((statement) => actionsOf([statement]).includes('kms:Decrypt')).length;
    expect(workerTable.find((worker) => worker.id === 'sync-run')?.access.secretsKey).toBe('decrypt');
    expect(decrypts('sync-run')).toBe(decrypts('sweep-group-memberships') + 1);
    // The sweep re-enqueues itself: send on its own queue, and the variable that names it.
    const sweep = functions.get('sweep-group-memberships');
    const variables = (sweep?.properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables[workerEnvironmentName('sweep-group-memberships', 'queue')]).toEqual({ Ref: expect.any(String) as string });
  });

  it('lets only the routes that declare a worker start it, through one grant and one variable', () => {
    for (const { name, json } of apiTemplates(api)) {
      for (const [, fn] of resourcesOfType(json, 'AWS::Lambda::Function')) {
        const variables = (fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
        const route = routeTable.find((candidate) => candidate.id === variables.ROUTE_ID);
        if (!route) throw new Error(`unknown route ${String(variables.ROUTE_ID)}`);
        const roleId = getAttOf(fn.Properties?.Role) ?? '';
        const statements = statementsOf(json, roleId);
        const startGrants = statements.filter((statement) => actionsOf([statement]).some((action) => (action.startsWith('sqs:') && action !== 'sqs:GetQueueAttributes') || action.startsWith('lambda:')));
        const queueReads = statements.filter((statement) => actionsOf([statement]).includes('sqs:GetQueueAttributes'));
        // The health route reads every worker queue's depth: GetQueueAttributes only, and the variables naming the queues.
        expect(queueReads.map((statement) => actionsOf([statement])), route.id).toEqual(route.readsWorkerQueues ? [['sqs:GetQueueAttributes']] : []);
        const queueVariables = route.readsWorkerQueues ? Object.keys(variables).filter((variable) => /^WORKER_.*(?<!_DEAD_LETTER)_QUEUE_URL$|_DEAD_LETTER_QUEUE_URL$/.test(variable)) : [];
        if (route.readsWorkerQueues) expect(queueVariables.filter((variable) => variable.endsWith('_DEAD_LETTER_QUEUE_URL')).length, route.id).toBe(workerTable.filter((worker) => worker.trigger.kind !== 'schedule').length);
        const workerVariables = Object.keys(variables).filter((variable) => variable.startsWith('WORKER_') && !queueVariables.includes(variable));
        const declared = route.starts ?? [];
        expect(startGrants.length, route.id).toBe(declared.length);
        expect(workerVariables.length, route.id).toBe(declared.length);
        for (const workerId of declared) {
          const worker = workerTable.find((candidate) => candidate.id === workerId);
          const kind = worker?.trigger.kind === 'queue' ? 'queue' : 'async';
          expect(workerVariables, route.id).toContain(workerEnvironmentName(workerId, kind));
          const grant = startGrants.find((statement) => actionsOf([statement]).includes(kind === 'queue' ? 'sqs:SendMessage' : 'lambda:InvokeFunction'));
          expect(actionsOf(grant ? [grant] : []), route.id).toEqual([kind === 'queue' ? 'sqs:SendMessage' : 'lambda:InvokeFunction']);
          // The resource is the worker's own queue or function in the workers stack.
          const target = getAttOf(traceIntoWorkers(name, grant?.Resource));
          const expected =
            kind === 'queue'
              ? getAttOf(resourcesOfType(workersJson, 'AWS::Lambda::EventSourceMapping').find(([, mapping]) => JSON.stringify(mapping.Properties?.FunctionName).includes(workerFunctions().get(workerId)?.logicalId ?? '?'))?.[1].Properties?.EventSourceArn)
              : workerFunctions().get(workerId)?.logicalId;
          expect(target, route.id).toBe(expected);
        }
      }
    }
    expect(routeTable.filter((route) => (route.starts ?? []).includes('sweep-group-memberships')).map((route) => route.id).sort()).toEqual(['scim-bulk', 'scim-groups-delete']);
  });

  it('keeps per-project sync schedules in the stack group, invoking only the sync-schedule worker, managed only by the project create/update/delete functions', () => {
    const functions = workerFunctions();
    const target = functions.get('sync-schedule');
    expect(workerTable.find((worker) => worker.id === 'sync-schedule')?.trigger.kind).toBe('managedSchedules');
    const groups = resourcesOfType(workersJson, 'AWS::Scheduler::ScheduleGroup');
    expect(groups).toHaveLength(1);
    expect(groups[0]?.[1].Properties?.Name).toBe('identity-platform');
    // The role EventBridge Scheduler assumes: trusted only for this account's schedules in that group, may invoke only the worker.
    const schedulerRoles = resourcesOfType(workersJson, 'AWS::IAM::Role').filter(([roleId, role]) => JSON.stringify(role.Properties?.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com') && statementsOf(workersJson, roleId).some((statement) => getAttOf(statement.Resource) === target?.logicalId));
    expect(schedulerRoles).toHaveLength(1);
    const [schedulerRoleId, schedulerRole] = schedulerRoles[0] ?? ['', { Type: '' }];
    expect(actionsOf(statementsOf(workersJson, schedulerRoleId))).toEqual(['lambda:InvokeFunction']);
    const trust = JSON.stringify(schedulerRole.Properties?.AssumeRolePolicyDocument);
    expect(trust).toContain('aws:SourceAccount');
    expect(trust).toContain(`"aws:SourceArn":{"Fn::GetAtt":["${groups[0]?.[0] ?? '?'}","Arn"]}`);
    // It queues runs: starts sync-run, and nothing schedules anything with its role.
    expect(actionsOf(target?.statements ?? [])).toContain('sqs:SendMessage');
    expect(actionsOf(target?.statements ?? []).some((action) => action.startsWith('scheduler:') || action === 'iam:PassRole')).toBe(false);

    const managers: string[] = [];
    for (const { name, json } of apiTemplates(api)) {
      for (const [, fn] of resourcesOfType(json, 'AWS::Lambda::Function')) {
        const variables = (fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
        const routeId = String(variables.ROUTE_ID);
        const statements = statementsOf(json, getAttOf(fn.Properties?.Role) ?? '');
        const scheduling = statements.filter((statement) => actionsOf([statement]).some((action) => action.startsWith('scheduler:')));
        const passing = statements.filter((statement) => actionsOf([statement]).includes('iam:PassRole'));
        if (scheduling.length === 0 && passing.length === 0) {
          expect(Object.keys(variables).filter((variable) => variable.startsWith('SCHEDULES_')), routeId).toEqual([]);
          continue;
        }
        managers.push(routeId);
        expect(scheduling, routeId).toHaveLength(1);
        expect(actionsOf(scheduling).sort()).toEqual(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:UpdateSchedule']);
        expect(JSON.stringify(scheduling[0]?.Resource)).toMatch(/:schedule\/identity-platform\/\*"/);
        expect(passing, routeId).toHaveLength(1);
        expect(actionsOf(passing)).toEqual(['iam:PassRole']);
        expect(getAttOf(traceIntoWorkers(name, passing[0]?.Resource))).toBe(schedulerRoleId);
        expect(JSON.stringify(passing[0])).toContain('"iam:PassedToService":"scheduler.amazonaws.com"');
        expect(variables).toMatchObject({ SCHEDULES_SYNC_SCHEDULE_GROUP: 'identity-platform', SCHEDULES_SYNC_SCHEDULE_ROLE_ARN: expect.anything() as unknown, SCHEDULES_SYNC_SCHEDULE_TARGET_ARN: expect.anything() as unknown });
      }
    }
    expect(managers.sort()).toEqual(['directory-sync-projects-create', 'directory-sync-projects-delete', 'directory-sync-projects-update']);
  });

  it('keeps the workers stack small and cdk-nag clean', () => {
    expect(Object.keys(workersJson.Resources).length).toBeLessThanOrEqual(450);
    const report = new AwsSolutionsChecks().validateScope(synth.app);
    expect(report.violations.map((violation) => `${violation.ruleName}: ${violation.violatingResources.map((resource) => resource.constructPath ?? '?').join(', ')}`)).toEqual([]);
  });
});
