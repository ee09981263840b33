import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Server } from 'node:http';
import { freePort, startDynamoDbLocal, startS3Server, type RunningEngine } from './engines.ts';
import { createLocalServer } from './server.ts';
import type { LocalWorkers } from './workers.ts';

export const LOCAL_TABLE_NAME = 'identity-platform';
export const LOCAL_EXPORT_BUCKET = 'identity-platform-audit-exports';

export interface LocalPlatformOptions {
  port: number;
  host?: string;
  /** Where data survives restarts (default `.data/`); ignored when `inMemory`. */
  dataDir?: string;
  inMemory?: boolean;
  publicBaseUrl?: string;
  operatorApiKey?: string;
  bootstrapOwnerEmail?: string;
  bootstrapOwnerPassword?: string;
  logLevel?: string;
  /** Start DynamoDB Local's JVM for time to first request rather than peak speed (`npm start`; see lib/local/engines.ts). */
  fastStart?: boolean;
  /** Extra environment for the handlers (deployment settings such as RATE_LIMITS). */
  environment?: Record<string, string>;
}

export interface BootstrapResult {
  organizationId: string;
  ownerEmail: string;
  /** Only when this start generated it: it is printed once and never stored in clear. */
  generatedOwnerPassword: string | undefined;
  created: boolean;
}

export interface LocalPlatform {
  baseUrl: string;
  operatorApiKey: string;
  operatorKeyGenerated: boolean;
  bootstrap: BootstrapResult;
  dataDir: string;
  dynamodbEndpoint: string;
  s3Endpoint: string;
  /** Milliseconds each start-up phase took, in order (printed by `npm start` at debug level, read by the bench). */
  startupPhasesMs: Record<string, number>;
  /** The worker table's workers running in this process (queues, schedules, async invokes). */
  workers: LocalWorkers;
  stop(): Promise<void>;
}

const repoRoot = resolve(import.meta.dirname, '..', '..');

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/**
 * Starts the whole platform on this machine: DynamoDB Local, a local S3 server, the table and
 * bucket, signing keys, the bootstrap organization and the HTTP front door. The handlers run in
 * this process with the same environment contract they have in Lambda.
 */
export async function startLocalPlatform(options: LocalPlatformOptions): Promise<LocalPlatform> {
  const host = options.host ?? '127.0.0.1';
  const scratch = options.inMemory ? mkdtempSync(join(tmpdir(), 'identity-platform-')) : undefined;
  const dataDir = scratch ?? resolve(options.dataDir ?? '.data');
  const engines: RunningEngine[] = [];
  let server: Server | undefined;
  const startupPhasesMs: Record<string, number> = {};
  let phaseStarted = performance.now();
  const phaseDone = (name: string) => {
    const now = performance.now();
    startupPhasesMs[name] = Math.round(now - phaseStarted);
    phaseStarted = now;
  };
  let workers: LocalWorkers | undefined;

  const stop = async () => {
    if (server) await new Promise<void>((done) => server?.close(() => done()));
    server?.closeAllConnections();
    // After the server (no request can start work any more), before the engines the workers use.
    await workers?.stop();
    await Promise.allSettled(engines.map((engine) => engine.stop()));
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  };

  try {
    // Java's start-up is the longest phase (seconds of CPU, mostly on one core): it starts first, on
    // ports chosen up front, so the environment is known and the Node side can load its modules and
    // make sure the local keys exist on the other core meanwhile.
    const dynamoPort = await freePort();
    const s3Port = await freePort();
    const starting = [
      startDynamoDbLocal({ port: dynamoPort, fastStart: options.fastStart ?? false, ...(options.inMemory ? {} : { directory: join(dataDir, 'dynamodb') }) }),
      startS3Server({ directory: join(dataDir, 's3'), buckets: [LOCAL_EXPORT_BUCKET], port: s3Port }),
    ] as const;

    const operatorKeyGenerated = !options.operatorApiKey;
    const operatorApiKey = options.operatorApiKey ?? randomBytes(24).toString('base64url');
    const baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${options.port}`;
    Object.assign(process.env, {
      TABLE_NAME: LOCAL_TABLE_NAME,
      EXPORT_BUCKET_NAME: LOCAL_EXPORT_BUCKET,
      PUBLIC_BASE_URL: options.publicBaseUrl ?? baseUrl,
      AWS_REGION: 'local',
      PLATFORM_VERSION: packageVersion(),
      DYNAMODB_ENDPOINT: `http://127.0.0.1:${dynamoPort}`,
      S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
      LOCAL_KEY_DIR: join(dataDir, 'keys'),
      OPERATOR_API_KEY: operatorApiKey,
      POWERTOOLS_LOG_LEVEL: options.logLevel ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO',
      AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
      // Directories run beside the platform on this machine (tests, developers); in AWS loopback is
      // the function's own runtime API and is never dialled (shared/directory/destination-policy.ts).
      DIRECTORY_ALLOW_LOOPBACK: 'true',
      ...options.environment,
    });

    // Imported only now: these modules read the environment set above. The shared request pipeline
    // every handler uses is loaded too, so the first request only loads its own handler module.
    const preparing = (async () => {
      const began = performance.now();
      const [{ ensureTable }, { bootstrapOrganization }, { ensureLocalSigningKey }, { ensureLocalSecretsKey }] = await Promise.all([
        import('./provision.ts'),
        import('./bootstrap.ts'),
        import('../../shared/auth/signing-keys.ts'),
        import('../../shared/crypto/envelope.ts'),
        import('../../shared/http/create-handler.ts'),
        import('../../shared/http/in-process.ts'),
      ]);
      ensureLocalSigningKey(join(dataDir, 'keys'));
      ensureLocalSecretsKey(join(dataDir, 'keys'));
      startupPhasesMs['modules and keys (while the engines start)'] = Math.round(performance.now() - began);
      return { ensureTable, bootstrapOrganization };
    })();
    const [dynamoDbStarted, s3Started, prepared] = await Promise.allSettled([...starting, preparing]);
    for (const engine of [dynamoDbStarted, s3Started]) if (engine.status === 'fulfilled') engines.push(engine.value);
    for (const outcome of [dynamoDbStarted, s3Started, prepared]) if (outcome.status === 'rejected') throw outcome.reason;
    const [dynamoDb, s3] = engines as [RunningEngine, RunningEngine];
    const { ensureTable, bootstrapOrganization } = (prepared as PromiseFulfilledResult<Awaited<typeof preparing>>).value;
    phaseDone('engines');
    await ensureTable(dynamoDb.endpoint, LOCAL_TABLE_NAME);
    phaseDone('table');

    const bootstrap = await bootstrapOrganization({
      ownerEmail: options.bootstrapOwnerEmail ?? 'owner@example.com',
      ownerPassword: options.bootstrapOwnerPassword,
      keyDir: join(dataDir, 'keys'),
    });

    phaseDone('bootstrap organization');
    const [{ LocalWorkers: Workers }, { workers: workerTable, validateWorkerTable }, { routes }] = await Promise.all([
      import('./workers.ts'),
      import('../../shared/workers.ts'),
      import('../../shared/routes.ts'),
    ]);
    validateWorkerTable(workerTable, routes, (path) => existsSync(join(repoRoot, path)));
    // Schedule workers fire once soon after start too: what a stopped runtime missed (lapsed
    // exceptions, dormancy, due campaigns, a policy sweep lost with the in-memory queue) catches up.
    workers = new Workers(workerTable, { catchUpSchedulesAfterMs: 5_000 });
    workers.start();
    // The auditStream workers' feed: DynamoDB Local's stream of the table, as Lambda reads it in AWS.
    await workers.followTableStream(dynamoDb.endpoint, LOCAL_TABLE_NAME);
    // Schedules live in the table, timers in this process: arm one per scheduled sync project.
    const { restoreSyncSchedules } = await import('../../shared/directory/sync-schedules.ts');
    await restoreSyncSchedules();

    phaseDone('workers');
    server = createLocalServer();
    const listening = server;
    await new Promise<void>((done, fail) => {
      listening.once('error', fail);
      listening.listen(options.port, host, () => done());
    });
    phaseDone('listen');
    return { baseUrl, operatorApiKey, operatorKeyGenerated, bootstrap, stop, dataDir, dynamodbEndpoint: dynamoDb.endpoint, s3Endpoint: s3.endpoint, startupPhasesMs, workers };
  } catch (error) {
    await stop();
    throw error;
  }
}
