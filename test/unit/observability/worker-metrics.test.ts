import type { Context, SQSEvent } from 'aws-lambda';
import * as z from 'zod';
import { beforeAll, describe, expect, it } from 'vitest';
import { captureStdout, onlyPoint, parseEmf } from './emf.ts';

beforeAll(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  delete process.env.POWERTOOLS_DEV;
});

const context = { awsRequestId: 'worker-request', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

function sqsEvent(bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body, index) => ({ messageId: `m${index}`, body, attributes: { ApproximateReceiveCount: '1' } })),
  } as unknown as SQSEvent;
}

describe('worker metrics', () => {
  it('publishes one invocation and one failure for a queue batch with a failed record, with the domain metrics the work recorded', async () => {
    const { createQueueWorker } = await import('../../../shared/workers/queue-handler.ts');
    const { addMetric } = await import('../../../shared/observability/metrics.ts');
    const metric = await import('../../../shared/observability/metrics-catalog.ts');
    const handler = createQueueWorker('audit-export', () => z.object({ jobId: z.string() }), async () => {
      addMetric(metric.exportJobs, 1, { outcome: 'succeeded' });
      return 'done';
    });
    let failures: unknown;
    const output = await captureStdout(async () => {
      failures = (await handler(sqsEvent([JSON.stringify({ jobId: 'a' }), 'not json', JSON.stringify({ jobId: 'b' })]), context)).batchItemFailures;
    });
    expect(failures).toEqual([{ itemIdentifier: 'm1' }]);
    const points = parseEmf(output);
    expect(onlyPoint(points, 'WorkerInvocations')).toMatchObject({ value: 1, unit: 'Count', dimensions: { worker: 'audit-export' }, dimensionSets: [['worker']] });
    expect(onlyPoint(points, 'WorkerFailures').value).toBe(1);
    // Two records succeeded: two data points of the same metric, summed into one.
    expect(onlyPoint(points, 'ExportJobs')).toMatchObject({ value: 2, dimensions: { outcome: 'succeeded' }, dimensionSets: [['outcome']] });
  });

  it('publishes no failure for a batch that succeeded, and one for a handler that threw', async () => {
    const { observeWorker } = await import('../../../shared/workers/observe-worker.ts');
    const fine = observeWorker('policy-sweep-hourly', async () => ({ swept: 3 }));
    const broken = observeWorker('access-reviews-due', async () => {
      throw new Error('table unavailable');
    });
    const output = await captureStdout(async () => {
      await fine({}, context);
      await expect(broken({}, context)).rejects.toThrow('table unavailable');
    });
    const points = parseEmf(output);
    expect(onlyPoint(points, 'WorkerFailures', { worker: 'policy-sweep-hourly' }).value).toBe(0);
    expect(onlyPoint(points, 'WorkerFailures', { worker: 'access-reviews-due' }).value).toBe(1);
    expect(onlyPoint(points, 'WorkerInvocations', { worker: 'access-reviews-due' }).value).toBe(1);
  });

  it('writes a metric recorded outside any invocation at once', async () => {
    const { addMetric } = await import('../../../shared/observability/metrics.ts');
    const metric = await import('../../../shared/observability/metrics-catalog.ts');
    const output = await captureStdout(async () => {
      addMetric(metric.signInFailures, 1, { kind: 'saml' });
    });
    expect(onlyPoint(parseEmf(output), 'SignInFailures')).toMatchObject({ value: 1, dimensions: { kind: 'saml' } });
  });

  it('records a catalogued definition with addMetric, refusing a missing dimension', async () => {
    const { addMetric } = await import('../../../shared/observability/metrics.ts');
    const metric = await import('../../../shared/observability/metrics-catalog.ts');
    const output = await captureStdout(async () => {
      addMetric(metric.scimOperations, 1, { resourceType: 'Group', kind: 'patch' });
    });
    expect(onlyPoint(parseEmf(output), 'ScimOperations')).toMatchObject({ value: 1, unit: 'Count', dimensions: { resourceType: 'Group', kind: 'patch' }, dimensionSets: [['resourceType', 'kind']] });
    // @ts-expect-error: ScimOperations needs resourceType and kind.
    expect(() => addMetric(metric.scimOperations, 1, { kind: 'create' })).toThrow(/resourceType/);
    // A type check only (never run): an ad-hoc definition is not a catalogued one.
    // @ts-expect-error: only catalogued definitions can be published.
    const uncatalogued = () => addMetric({ name: 'Uncatalogued', unit: 'Count', dimensionSets: [['kind']], emittedBy: 'domain' }, 1, { kind: 'x' });
    expect(typeof uncatalogued).toBe('function');
  });
});
