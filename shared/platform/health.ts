import * as platform from '../storage/platform.ts';
import { platformConfig } from '../config.ts';

export interface DependencyHealth {
  status: 'ok' | 'unavailable';
  latencyMs: number;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  region: string;
  checks: { table: DependencyHealth; exportBucket: DependencyHealth };
}

async function probe(check: () => Promise<unknown>): Promise<DependencyHealth> {
  const started = performance.now();
  try {
    await check();
    return { status: 'ok', latencyMs: Math.round(performance.now() - started) };
  } catch {
    return { status: 'unavailable', latencyMs: Math.round(performance.now() - started) };
  }
}

/** Probes the table (one eventually consistent GetItem) and the export bucket (HeadBucket) in parallel. */
export async function checkHealth(): Promise<HealthReport> {
  const config = platformConfig();
  const [table, exportBucket] = await Promise.all([
    probe(() => platform.ping()),
    probe(async () => {
      if (!config.exportBucketName) throw new Error('no export bucket configured');
      await platform.pingBucket(config.exportBucketName);
    }),
  ]);
  const status = table.status === 'ok' && exportBucket.status === 'ok' ? 'ok' : 'degraded';
  return { status, version: config.version, region: config.region, checks: { table, exportBucket } };
}
