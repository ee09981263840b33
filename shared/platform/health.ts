import * as platform from '../storage/platform.ts';
import * as signingKeys from '../storage/signing-keys.ts';
import { platformConfig } from '../config.ts';
import type { WorkerQueueBacklog } from '../workers/start-worker.ts';
import { workerQueueBacklog } from '../workers/worker-backlog.ts';

export interface DependencyHealth {
  status: 'ok' | 'unavailable';
  latencyMs: number;
}

/**
 * The token signing key as published to the JWKS: `missing` before the first token was signed,
 * `rotationDue` once it is older than the rotation period (SIGNING_KEY_ROTATION_DAYS). KMS cannot
 * rotate asymmetric keys, so this is the operator's reminder (README, "Signing keys").
 */
export interface SigningKeyHealth {
  status: 'ok' | 'missing' | 'rotationDue' | 'unavailable';
  kid?: string;
  /** When the current key was published (ISO 8601). */
  createdAt?: string;
  /** Whole days since it was published. */
  ageDays?: number;
  /** When its rotation falls due (ISO 8601): publication + rotationPeriodDays. */
  nextRotationAt?: string;
  rotationPeriodDays: number;
  /** Retired keys still published until the tokens they signed expire. */
  retiredKeysPublished?: number;
}

/** The worker queues: `deadLetters` when a dead-letter queue holds anything (the alarm's condition). */
export interface WorkerQueuesHealth {
  status: 'ok' | 'deadLetters' | 'unavailable';
  workers: WorkerQueueBacklog[];
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  region: string;
  checks: { table: DependencyHealth; exportBucket: DependencyHealth };
  signingKey: SigningKeyHealth;
  workerQueues: WorkerQueuesHealth;
}

const DAY_MS = 86_400_000;

async function probe(check: () => Promise<unknown>): Promise<DependencyHealth> {
  const started = performance.now();
  try {
    await check();
    return { status: 'ok', latencyMs: Math.round(performance.now() - started) };
  } catch {
    return { status: 'unavailable', latencyMs: Math.round(performance.now() - started) };
  }
}

/** The current (newest unretired) published signing key, its age and when it should be rotated. */
export async function signingKeyHealth(now: number, rotationPeriodDays: number): Promise<SigningKeyHealth> {
  let keys: signingKeys.SigningKeyRecord[];
  try {
    keys = await signingKeys.all();
  } catch {
    return { status: 'unavailable', rotationPeriodDays };
  }
  const nowSeconds = Math.floor(now / 1000);
  const current = keys.filter((key) => !key.retiredAt).sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  const retiredKeysPublished = keys.filter((key) => key.retiredAt && (key.expiresAt === undefined || key.expiresAt > nowSeconds)).length;
  if (!current) return { status: 'missing', rotationPeriodDays, retiredKeysPublished };
  const created = Date.parse(current.createdAt);
  const due = created + rotationPeriodDays * DAY_MS;
  return {
    status: now >= due ? 'rotationDue' : 'ok',
    kid: current.kid,
    createdAt: current.createdAt,
    ageDays: Math.floor((now - created) / DAY_MS),
    nextRotationAt: new Date(due).toISOString(),
    rotationPeriodDays,
    retiredKeysPublished,
  };
}

async function workerQueuesHealth(): Promise<WorkerQueuesHealth> {
  try {
    const workers = await workerQueueBacklog();
    return { status: workers.some((entry) => (entry.deadLetters ?? 0) > 0) ? 'deadLetters' : 'ok', workers };
  } catch {
    return { status: 'unavailable', workers: [] };
  }
}

/**
 * Probes the table (one eventually consistent GetItem) and the export bucket (HeadBucket), and
 * reports the signing key and the worker queues' backlog, in parallel. The overall status depends
 * on the table and the bucket only; the key and the queues are reported for operators.
 */
export async function checkHealth(): Promise<HealthReport> {
  const config = platformConfig();
  const [table, exportBucket, signingKey, workerQueues] = await Promise.all([
    probe(() => platform.ping()),
    probe(async () => {
      if (!config.exportBucketName) throw new Error('no export bucket configured');
      await platform.pingBucket(config.exportBucketName);
    }),
    signingKeyHealth(Date.now(), config.signingKeyRotationDays),
    workerQueuesHealth(),
  ]);
  const status = table.status === 'ok' && exportBucket.status === 'ok' ? 'ok' : 'degraded';
  return { status, version: config.version, region: config.region, checks: { table, exportBucket }, signingKey, workerQueues };
}
