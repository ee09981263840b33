import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Server } from 'node:http';
import { startDynamoDbLocal, startS3Server, type RunningEngine } from './engines.ts';
import { ensureTable } from './provision.ts';
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
    const [dynamoDb, s3] = await Promise.all([
      startDynamoDbLocal(options.inMemory ? {} : { directory: join(dataDir, 'dynamodb') }),
      startS3Server({ directory: join(dataDir, 's3'), buckets: [LOCAL_EXPORT_BUCKET] }),
    ]);
    engines.push(dynamoDb, s3);
    await ensureTable(dynamoDb.endpoint, LOCAL_TABLE_NAME);

    const operatorKeyGenerated = !options.operatorApiKey;
    const operatorApiKey = options.operatorApiKey ?? randomBytes(24).toString('base64url');
    const baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${options.port}`;
    Object.assign(process.env, {
      TABLE_NAME: LOCAL_TABLE_NAME,
      EXPORT_BUCKET_NAME: LOCAL_EXPORT_BUCKET,
      PUBLIC_BASE_URL: options.publicBaseUrl ?? baseUrl,
      AWS_REGION: 'local',
      PLATFORM_VERSION: packageVersion(),
      DYNAMODB_ENDPOINT: dynamoDb.endpoint,
      S3_ENDPOINT: s3.endpoint,
      LOCAL_KEY_DIR: join(dataDir, 'keys'),
      OPERATOR_API_KEY: operatorApiKey,
      POWERTOOLS_LOG_LEVEL: options.logLevel ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO',
      AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
      ...options.environment,
    });

    // Imported only now: these modules read the environment set above.
    const { bootstrapOrganization } = await import('./bootstrap.ts');
    const bootstrap = await bootstrapOrganization({
      ownerEmail: options.bootstrapOwnerEmail ?? 'owner@example.com',
      ownerPassword: options.bootstrapOwnerPassword,
      keyDir: join(dataDir, 'keys'),
    });

    const [{ LocalWorkers: Workers }, { workers: workerTable, validateWorkerTable }, { routes }] = await Promise.all([
      import('./workers.ts'),
      import('../../shared/workers.ts'),
      import('../../shared/routes.ts'),
    ]);
    validateWorkerTable(workerTable, routes, (path) => existsSync(join(repoRoot, path)));
    workers = new Workers(workerTable);
    workers.start();

    server = createLocalServer();
    const listening = server;
    await new Promise<void>((done, fail) => {
      listening.once('error', fail);
      listening.listen(options.port, host, () => done());
    });
    return { baseUrl, operatorApiKey, operatorKeyGenerated, bootstrap, stop, dataDir, dynamodbEndpoint: dynamoDb.endpoint, s3Endpoint: s3.endpoint, workers };
  } catch (error) {
    await stop();
    throw error;
  }
}
