import { beforeAll, describe, expect, it } from 'vitest';
import type { SyncRunCounts } from '../../../shared/storage/sync-projects.ts';
import { captureStdout, onlyPoint, parseEmf } from './emf.ts';

/*
 * The end of a directory sync run: which outcome it is published under (SyncRuns) and which object
 * counts go with it (SyncObjectsProcessed), read back from the EMF lines the run's metrics print.
 */

beforeAll(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  delete process.env.POWERTOOLS_DEV;
});

const counts = (values: Partial<SyncRunCounts>): SyncRunCounts => ({ processed: 0, created: 0, updated: 0, unchanged: 0, deactivated: 0, deleted: 0, errors: 0, ...values });

async function published(failure: { reason: string } | undefined, runCounts: SyncRunCounts) {
  const { endOfRun, recordRunMetrics } = await import('../../../shared/directory/sync-run.ts');
  const { withMetrics } = await import('../../../shared/observability/metrics.ts');
  let status = '';
  const output = await captureStdout(() =>
    withMetrics(async () => {
      const end = endOfRun(failure, runCounts);
      status = end.status;
      recordRunMetrics(end.outcome, runCounts);
    }),
  );
  return { status, points: parseEmf(output) };
}

describe('sync run metrics', () => {
  it('publishes a clean run as succeeded with the objects it processed by kind, kinds with none left out', async () => {
    const { status, points } = await published(undefined, counts({ processed: 9, created: 3, updated: 2, unchanged: 4 }));
    expect(status).toBe('succeeded');
    expect(onlyPoint(points, 'SyncRuns')).toMatchObject({ unit: 'Count', value: 1, dimensions: { outcome: 'succeeded' }, dimensionSets: [['outcome']] });
    const processed = points.filter((point) => point.name === 'SyncObjectsProcessed');
    expect(Object.fromEntries(processed.map((point) => [point.dimensions.kind, point.value]))).toEqual({ created: 3, updated: 2, unchanged: 4 });
    expect(processed.every((point) => point.unit === 'Count' && JSON.stringify(point.dimensionSets) === '[["kind"]]')).toBe(true);
    expect(points.every((point) => point.namespace === 'IdentityPlatform')).toBe(true);
  });

  it('publishes a run with error records as partial, its errors counted', async () => {
    const { status, points } = await published(undefined, counts({ processed: 3, deactivated: 1, deleted: 1, errors: 1 }));
    expect(status).toBe('partial');
    expect(onlyPoint(points, 'SyncRuns').dimensions.outcome).toBe('partial');
    expect(onlyPoint(points, 'SyncObjectsProcessed', { kind: 'errors' }).value).toBe(1);
    expect(onlyPoint(points, 'SyncObjectsProcessed', { kind: 'deactivated' }).value).toBe(1);
    expect(onlyPoint(points, 'SyncObjectsProcessed', { kind: 'deleted' }).value).toBe(1);
  });

  it('publishes a run refused by the deletion threshold as stoppedByDeletionThreshold (stored as failed), other failures as failed', async () => {
    const stopped = await published({ reason: 'deletion_threshold' }, counts({}));
    expect(stopped.status).toBe('failed');
    expect(onlyPoint(stopped.points, 'SyncRuns').dimensions.outcome).toBe('stoppedByDeletionThreshold');
    expect(stopped.points.filter((point) => point.name === 'SyncObjectsProcessed')).toEqual([]);
    const failed = await published({ reason: 'directory_error' }, counts({ processed: 2, created: 2 }));
    expect(failed.status).toBe('failed');
    expect(onlyPoint(failed.points, 'SyncRuns').dimensions.outcome).toBe('failed');
    // What a failed run did write still counts.
    expect(onlyPoint(failed.points, 'SyncObjectsProcessed', { kind: 'created' }).value).toBe(2);
  });
});
