import { afterEach, describe, expect, it, vi } from 'vitest';
import { LocalWorkers } from '../../lib/local/workers.ts';
import type { WorkerDefinition } from '../../shared/workers.ts';
import { received } from './fixtures/flaky-worker.ts';
import { invocations } from './fixtures/recording-worker.ts';

/**
 * The local runtime's stand-in for SQS: a FIFO per queue worker, drained with SQS-shaped events,
 * failed records delivered again until maxReceiveCount, then dead-lettered. The fixture handler is
 * loaded by file path exactly as the runtime loads functions/workers/ modules.
 */
const flaky: WorkerDefinition = {
  id: 'flaky',
  handler: 'test/unit/fixtures/flaky-worker.ts',
  trigger: { kind: 'queue', batchSize: 2, maxReceiveCount: 3 },
  memoryMb: 128,
  timeoutSeconds: 5,
  access: { table: 'read' },
  summary: 'fixture',
};

let runtime: LocalWorkers | undefined;
afterEach(async () => {
  await runtime?.stop();
  received.length = 0;
  invocations.length = 0;
  vi.restoreAllMocks();
  vi.useRealTimers();
});

async function started(): Promise<{ runtime: LocalWorkers; start: (body: unknown) => Promise<void> }> {
  runtime = new LocalWorkers([flaky]);
  runtime.start();
  const workers = runtime;
  return { runtime: workers, start: (body) => workers.transport.enqueue(flaky, JSON.stringify(body)) };
}

describe('local queue workers', () => {
  it('delivers messages in order, in batches of at most batchSize, as SQS records', async () => {
    const { runtime: workers, start } = await started();
    for (let n = 1; n <= 5; n++) await start({ n });
    await workers.idle();
    expect(received.map((event) => event.Records.length)).toEqual([2, 2, 1]);
    const records = received.flatMap((event) => event.Records);
    expect(records.map((record) => (JSON.parse(record.body) as { n: number }).n)).toEqual([1, 2, 3, 4, 5]);
    expect(records[0]).toMatchObject({ eventSource: 'aws:sqs', attributes: { ApproximateReceiveCount: '1' }, messageId: expect.any(String) as string });
    expect(workers.deadLetters).toEqual([]);
  });

  it('delivers a failed record again with a higher receive count, then dead-letters it after maxReceiveCount', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { runtime: workers, start } = await started();
    await start({ fail: true });
    await start({ ok: true });
    await workers.idle();
    const failing = received.flatMap((event) => event.Records).filter((record) => record.body.includes('fail'));
    expect(failing.map((record) => record.attributes.ApproximateReceiveCount)).toEqual(['1', '2', '3']);
    expect(new Set(failing.map((record) => record.messageId)).size).toBe(1);
    // The record that succeeded in the same batch is not delivered again.
    expect(received.flatMap((event) => event.Records).filter((record) => record.body.includes('ok'))).toHaveLength(1);
    expect(workers.deadLetters).toEqual([expect.objectContaining({ workerId: 'flaky', receiveCount: 3, body: '{"fail":true}' })]);
    expect(errors.mock.calls.some(([line]) => String(line).includes('dead-lettered'))).toBe(true);
  });

  it('treats a thrown error as a failure of every record in the batch', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { runtime: workers, start } = await started();
    await start({ throw: true });
    await workers.idle();
    expect(received).toHaveLength(3);
    expect(workers.deadLetters).toEqual([expect.objectContaining({ error: 'thrown by the fixture' })]);
  });

  it('accepts no work after stop', async () => {
    const { runtime: workers, start } = await started();
    await workers.stop();
    await expect(start({ n: 1 })).rejects.toThrow('stopped');
  });
});

describe('local schedule and async workers', () => {
  const recording = { ...flaky, handler: 'test/unit/fixtures/recording-worker.ts', timeoutSeconds: 42 };

  it('invokes an async worker later, with the JSON payload and a context bounded by its timeout', async () => {
    const asyncWorker: WorkerDefinition = { ...recording, id: 'later', trigger: { kind: 'async' } };
    runtime = new LocalWorkers([asyncWorker]);
    runtime.start();
    await runtime.transport.invoke(asyncWorker, JSON.stringify({ organizationId: 'o-1' }));
    expect(invocations).toHaveLength(0); // not run inside the caller's request
    await runtime.idle();
    expect(invocations.map((invocation) => invocation.event)).toEqual([{ organizationId: 'o-1' }]);
    expect(invocations[0]?.context.functionName).toBe('later');
    expect(invocations[0]?.context.getRemainingTimeInMillis()).toBeGreaterThan(40_000);
    expect(invocations[0]?.context.getRemainingTimeInMillis()).toBeLessThanOrEqual(42_000);
  });

  it('fires each schedule worker once shortly after start when asked to catch up, then on its timer', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'] });
    const hourly: WorkerDefinition = { ...recording, id: 'every-hour', trigger: { kind: 'schedule', expression: 'rate(1 hour)' } };
    runtime = new LocalWorkers([hourly], { catchUpSchedulesAfterMs: 5_000 });
    runtime.start();
    vi.advanceTimersByTime(4_999);
    expect(invocations).toHaveLength(0);
    vi.advanceTimersByTime(1);
    vi.useRealTimers();
    await runtime.idle();
    expect(invocations.map((invocation) => invocation.event)).toEqual([{ workerId: 'every-hour', scheduledTime: expect.any(String) as string }]);
  });

  it('runs a schedule worker on a timer with the schedule payload, until stop', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const nightly: WorkerDefinition = { ...recording, id: 'every-minute', trigger: { kind: 'schedule', expression: 'rate(1 minute)' } };
    runtime = new LocalWorkers([nightly]);
    runtime.start();
    vi.advanceTimersByTime(59_000);
    await runtime.idle();
    expect(invocations).toHaveLength(0);
    vi.advanceTimersByTime(1_000);
    await runtime.idle();
    expect(invocations.map((invocation) => invocation.event)).toEqual([{ workerId: 'every-minute', scheduledTime: expect.any(String) as string }]);
    await runtime.stop();
    vi.advanceTimersByTime(120_000);
    await runtime.idle();
    expect(invocations).toHaveLength(1);
  });

  it('keeps a timer per managed schedule: armed for its next fire time in its time zone, re-armed after firing, none when disabled or removed', async () => {
    const managed: WorkerDefinition = { ...recording, id: 'per-project', trigger: { kind: 'managedSchedules' } };
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    vi.setSystemTime(new Date('2026-12-04T10:00:59.900Z'));
    runtime = new LocalWorkers([managed]);
    runtime.start();
    await runtime.schedules.put(managed, { name: 'sync-project-a', expression: 'rate(1 minute)', enabled: true, payload: { projectId: 'a' } });
    await runtime.schedules.put(managed, { name: 'sync-project-b', expression: 'cron(0 2 ? * MON-FRI *)', timezone: 'Europe/Berlin', enabled: true, payload: { projectId: 'b' } });
    await runtime.schedules.put(managed, { name: 'sync-project-c', expression: 'rate(1 minute)', enabled: false, payload: { projectId: 'c' } });
    const armed = () => Object.fromEntries([...(runtime?.scheduledFireTimes() ?? [])].map(([name, at]) => [name, new Date(at).toISOString()]));
    // Friday 10:00 UTC: the next weekday 02:00 in Berlin is Monday 01:00 UTC; the disabled one has no timer.
    expect(armed()).toEqual({ 'sync-project-a': '2026-12-04T10:01:00.000Z', 'sync-project-b': '2026-12-07T01:00:00.000Z' });
    await vi.advanceTimersByTimeAsync(100);
    vi.useRealTimers();
    await runtime.idle();
    expect(invocations.map((invocation) => invocation.event)).toEqual([{ projectId: 'a', scheduledTime: '2026-12-04T10:01:00.000Z' }]);
    expect(armed()['sync-project-a']).toBe('2026-12-04T10:02:00.000Z');
    await runtime.schedules.remove(managed, 'sync-project-a');
    expect(Object.keys(armed())).toEqual(['sync-project-b']);
    await runtime.stop();
    expect(armed()).toEqual({});
  });
});
