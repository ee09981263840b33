import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routes } from '../../shared/routes.ts';
import { scheduleRateMs, validateWorkerTable, workerEnvironmentName, workers, type WorkerDefinition } from '../../shared/workers.ts';

const valid: WorkerDefinition = {
  id: 'tidy-things',
  handler: 'functions/workers/tidy-things.ts',
  trigger: { kind: 'queue', batchSize: 5, maxReceiveCount: 3 },
  memoryMb: 256,
  timeoutSeconds: 30,
  access: { table: 'readWrite' },
  summary: 'test row',
};
const row = (changes: Record<string, unknown>): WorkerDefinition => ({ ...valid, ...changes }) as WorkerDefinition;

describe('the worker table', () => {
  it('is valid: unique ids, handler modules that exist, trigger shapes, and every declared start names a startable worker', () => {
    expect(workers.length).toBeGreaterThan(0);
    expect(() => validateWorkerTable(workers, routes, existsSync)).not.toThrow();
    expect(workers.find((worker) => worker.id === 'sweep-group-memberships')?.trigger.kind).toBe('queue');
  });

  it('refuses duplicate ids, missing handler files and handlers outside functions/workers', () => {
    expect(() => validateWorkerTable([valid, { ...valid }])).toThrow('appears twice');
    expect(() => validateWorkerTable([valid], [], () => false)).toThrow('does not exist');
    expect(() => validateWorkerTable([row({ handler: 'functions/scim/bulk.ts' })])).toThrow('under functions/workers/');
    expect(() => validateWorkerTable([row({ id: 'Tidy_Things' })])).toThrow('kebab-case');
  });

  it('refuses trigger shapes the infrastructure cannot build', () => {
    expect(() => validateWorkerTable([row({ trigger: { kind: 'queue', batchSize: 0, maxReceiveCount: 3 } })])).toThrow('batchSize');
    expect(() => validateWorkerTable([row({ trigger: { kind: 'queue', batchSize: 11, maxReceiveCount: 3 } })])).toThrow('batchSize');
    expect(() => validateWorkerTable([row({ trigger: { kind: 'queue', batchSize: 1, maxReceiveCount: 0 } })])).toThrow('maxReceiveCount');
    expect(() => validateWorkerTable([row({ trigger: { kind: 'schedule', expression: 'cron(0 3 * * ? *)' } })])).toThrow('rate(');
    expect(() => validateWorkerTable([row({ trigger: { kind: 'schedule', expression: 'rate(1 hours)' } })])).toThrow('rate(');
    expect(() => validateWorkerTable([row({ trigger: { kind: 'email' } })])).toThrow('unknown trigger');
    expect(() => validateWorkerTable([row({ memoryMb: 64 })])).toThrow('memoryMb');
    expect(() => validateWorkerTable([row({ timeoutSeconds: 901 })])).toThrow('timeoutSeconds');
    expect(() => validateWorkerTable([row({ access: { table: 'write' } })])).toThrow('read or readWrite');
  });

  it('refuses starts of unknown workers, of schedule workers, and async self-starts', () => {
    const scheduled = row({ id: 'nightly', trigger: { kind: 'schedule', expression: 'rate(1 day)' } });
    const asyncWorker = row({ id: 'later', trigger: { kind: 'async' } });
    expect(() => validateWorkerTable([valid], [{ id: 'some-route', starts: ['missing'] }])).toThrow('some-route starts unknown worker missing');
    expect(() => validateWorkerTable([valid, scheduled], [{ id: 'some-route', starts: ['nightly'] }])).toThrow('only runs on its schedule');
    expect(() => validateWorkerTable([{ ...asyncWorker, starts: ['later'] }])).toThrow('cannot start itself');
    expect(() => validateWorkerTable([{ ...valid, starts: ['tidy-things'] }, asyncWorker], [{ id: 'some-route', starts: ['later'] }])).not.toThrow();
  });

  it('reads rate expressions as EventBridge Scheduler does and names the starter variables', () => {
    expect(scheduleRateMs('rate(1 minute)')).toBe(60_000);
    expect(scheduleRateMs('rate(15 minutes)')).toBe(900_000);
    expect(scheduleRateMs('rate(2 days)')).toBe(172_800_000);
    expect(scheduleRateMs('rate(2 day)')).toBeUndefined();
    expect(scheduleRateMs('rate(0 minutes)')).toBeUndefined();
    expect(workerEnvironmentName('sweep-group-memberships', 'queue')).toBe('WORKER_SWEEP_GROUP_MEMBERSHIPS_QUEUE_URL');
    expect(workerEnvironmentName('send-welcome', 'async')).toBe('WORKER_SEND_WELCOME_FUNCTION_NAME');
  });
});
