/**
 * The audit export, measured as a Lambda instance would run it: the bundled export function
 * (built with the deployment's esbuild options) in a fresh Node process, invoked once with the API
 * Gateway event of `GET /api/identity/v1/audit/log`, streaming from DynamoDB Local to the local S3
 * server. Peak memory is the child's own maxRSS (getrusage) and /proc/<pid>/status VmHWM, polled.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { routes, type RouteDefinition } from '../../shared/routes.ts';
import { bundlingFor, bundlingForWorker, routeEntrySource } from '../../lib/platform-function.ts';
import { workers } from '../../shared/workers.ts';
import { s3 } from '../../shared/storage/clients.ts';
import { toProxyEvent } from '../../lib/local/lambda-adapter.ts';
import { setWorkerTransport } from '../../shared/workers/start-worker.ts';
import { LOCAL_EXPORT_BUCKET, LOCAL_TABLE_NAME, type LocalPlatform } from '../../lib/local/platform.ts';
import { esbuildOptionsFromCdk } from './cold-start.ts';
import { round } from './stats.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const child = resolve(import.meta.dirname, 'export-child.mjs');
const HANDLER = 'functions/identity/audit/export-audit-log.ts';
const WORKER_HANDLER = 'functions/workers/audit-export.ts';

/** The export's route-table row: its bundle carries it (lib/platform-function.ts `bundlingFor`). */
function exportRoute(): RouteDefinition {
  const route = routes.find((candidate) => candidate.handler === HANDLER);
  if (!route) throw new Error(`${HANDLER} is not in the route table`);
  return route;
}

export interface ExportMeasurement {
  requested: number | 'all';
  /** The deadline the function saw, in seconds. */
  functionTimeoutSeconds: number;
  status: number;
  entries: number;
  bytes: number;
  seconds: number;
  entriesPerSecond: number;
  initMs: number;
  peakRssMb: number;
  vmHwmMb: number;
  rssAfterInitMb: number;
  heapUsedEndMb: number;
  delivered: 'inline' | 'presigned redirect' | 'error';
  error?: string;
}

async function bundleFile(bundleDir: string | undefined, scratch: string, handler = HANDLER): Promise<string> {
  const existing = bundleDir ? join(bundleDir, `${handler.replace(/\.ts$/, '').replaceAll('/', '__')}.mjs`) : undefined;
  if (existing && existsSync(existing)) return existing;
  const outfile = join(scratch, `${handler.split('/').pop()?.replace(/\.ts$/, '')}.mjs`);
  if (handler !== HANDLER) {
    // A worker: bundled from its handler module with its own settings, as lib/workers-stack.ts does.
    const worker = workers.find((candidate) => candidate.handler === handler);
    await build({ ...esbuildOptionsFromCdk(worker ? bundlingForWorker(worker) : undefined), entryPoints: [resolve(repoRoot, handler)], outfile, absWorkingDir: repoRoot });
    return outfile;
  }
  // The export route: its own row and authenticator, from the entry module synth generates.
  const route = exportRoute();
  await build({
    ...esbuildOptionsFromCdk(bundlingFor(route)),
    stdin: { contents: routeEntrySource(route, repoRoot), resolveDir: repoRoot, sourcefile: `route-entry-${route.id}.ts`, loader: 'ts' },
    outfile,
    absWorkingDir: repoRoot,
  });
  return outfile;
}

function vmHwmMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmHWM:\s+(\d+)\s+kB/.exec(status)?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `functionTimeoutMs` is the deadline the handler sees (the route's Lambda timeout, 300 s); the
 * bench lifts it for the largest export so the time to finish is measured even when it exceeds it.
 */
export async function runAuditExport(options: {
  platform: LocalPlatform;
  token: string;
  maxEntries: number | undefined;
  bundleDir: string | undefined;
  timeoutMs: number;
  functionTimeoutMs: number;
}): Promise<ExportMeasurement> {
  const scratch = mkdtempSync(join(tmpdir(), 'identity-platform-bench-export-'));
  try {
    const bundle = await bundleFile(options.bundleDir, scratch);
    const route = routes.find((candidate) => candidate.id === 'identity-audit-export');
    if (!route) throw new Error('identity-audit-export is not in the route table');
    const url = new URL(`/api/identity/v1/audit/log?exportType=csv${options.maxEntries ? `&pageSize=${options.maxEntries}` : ''}`, options.platform.baseUrl);
    const headers = { host: url.host, authorization: `Bearer ${options.token}`, 'user-agent': 'identity-platform-bench' };
    const request = { method: 'GET', httpVersion: '1.1', rawHeaders: Object.entries(headers).flat(), headers, socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage;
    const eventFile = join(scratch, 'event.json');
    writeFileSync(eventFile, JSON.stringify(toProxyEvent(request, url, Buffer.alloc(0), route, {}, 'local')));

    const started = performance.now();
    const processHandle = spawn(process.execPath, ['--enable-source-maps', child, pathToFileURL(bundle).href, eventFile, String(options.functionTimeoutMs)], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        TABLE_NAME: LOCAL_TABLE_NAME,
        EXPORT_BUCKET_NAME: LOCAL_EXPORT_BUCKET,
        PUBLIC_BASE_URL: options.platform.baseUrl,
        DYNAMODB_ENDPOINT: options.platform.dynamodbEndpoint,
        S3_ENDPOINT: options.platform.s3Endpoint,
        LOCAL_KEY_DIR: join(options.platform.dataDir, 'keys'),
        AWS_REGION: 'local',
        AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
        RATE_LIMITS: process.env.RATE_LIMITS ?? '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    processHandle.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    processHandle.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    let hwm = 0;
    const poll = setInterval(() => {
      if (processHandle.pid) hwm = Math.max(hwm, vmHwmMb(processHandle.pid) ?? 0);
    }, 50);
    const timer = setTimeout(() => processHandle.kill('SIGKILL'), options.timeoutMs);
    const code = await new Promise<number | null>((done) => processHandle.once('exit', (exitCode) => done(exitCode)));
    clearInterval(poll);
    clearTimeout(timer);
    const seconds = (performance.now() - started) / 1000;
    const requested = options.maxEntries ?? 'all';
    const functionTimeoutSeconds = round(options.functionTimeoutMs / 1000);
    const line = stdout.trim().split('\n').at(-1);
    if (code !== 0 || !line) {
      return { requested, functionTimeoutSeconds, status: 0, entries: 0, bytes: 0, seconds: round(seconds), entriesPerSecond: 0, initMs: 0, peakRssMb: 0, vmHwmMb: round(hwm), rssAfterInitMb: 0, heapUsedEndMb: 0, delivered: 'error', error: `exit ${code}: ${stderr.slice(-500)}` };
    }
    const result = JSON.parse(line) as {
      status: number;
      headers: Record<string, string>;
      initMs: number;
      handlerMs: number;
      maxRssMb: number;
      rssAfterInitMb: number;
      heapUsedEndMb: number;
    };
    const entries = Number(result.headers['X-Audit-Export-Entries'] ?? 0);
    let bytes = 0;
    const key = result.headers['X-Audit-Export-Key'];
    if (key) bytes = (await s3().send(new HeadObjectCommand({ Bucket: LOCAL_EXPORT_BUCKET, Key: key }))).ContentLength ?? 0;
    return {
      requested,
      functionTimeoutSeconds,
      status: result.status,
      entries,
      bytes,
      seconds: round(result.handlerMs / 1000),
      entriesPerSecond: round(entries / (result.handlerMs / 1000)),
      initMs: round(result.initMs),
      peakRssMb: round(result.maxRssMb),
      vmHwmMb: round(hwm),
      rssAfterInitMb: round(result.rssAfterInitMb),
      heapUsedEndMb: round(result.heapUsedEndMb),
      delivered: result.status === 302 ? 'presigned redirect' : result.status === 200 ? 'inline' : 'error',
      ...(result.status >= 400 ? { error: `status ${result.status}` } : {}),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface AsyncExportMeasurement {
  requested: number | 'all';
  /** 202 from GET …/audit/log, then the job's final status. */
  accepted: number;
  jobStatus: string;
  entries: number;
  bytes: number;
  /** The worker invocation alone (a fresh process, as a Lambda instance), in seconds. */
  seconds: number;
  entriesPerSecond: number;
  initMs: number;
  peakRssMb: number;
  vmHwmMb: number;
  rssAfterInitMb: number;
  heapUsedEndMb: number;
  error?: string;
}

/**
 * An export through the asynchronous job path, measured as AWS runs it: `GET …/audit/log` over
 * HTTP with `Prefer: respond-async` (202 and the job), the queue message the route sends captured
 * instead of run in process, then the bundled `audit-export` worker invoked with that message as
 * an SQS event in a fresh Node process (peak RSS as for the synchronous export), and the job's
 * status read back over HTTP. `functionTimeoutMs` is the deadline the worker sees (its 900 s,
 * lifted by the bench so a slow local engine still finishes).
 */
export async function runAsyncAuditExport(options: {
  platform: LocalPlatform;
  token: string;
  /** Issues a new token for the status read: a 1,000,000-entry job outlives the request's token. */
  freshToken: () => Promise<string>;
  maxEntries: number | undefined;
  bundleDir: string | undefined;
  timeoutMs: number;
  functionTimeoutMs: number;
}): Promise<AsyncExportMeasurement> {
  const requested = options.maxEntries ?? 'all';
  const failed = (error: string, accepted = 0): AsyncExportMeasurement => ({
    requested, accepted, jobStatus: 'error', entries: 0, bytes: 0, seconds: 0, entriesPerSecond: 0, initMs: 0, peakRssMb: 0, vmHwmMb: 0, rssAfterInitMb: 0, heapUsedEndMb: 0, error,
  });
  const scratch = mkdtempSync(join(tmpdir(), 'identity-platform-bench-async-export-'));
  const messages: string[] = [];
  // The platform's own transport would run the worker in this process: capture the message instead.
  setWorkerTransport({ enqueue: async (_worker, body) => void messages.push(body), invoke: async (_worker, body) => void messages.push(body) });
  let accepted: Response;
  try {
    const url = new URL(`/api/identity/v1/audit/log?exportType=csv${options.maxEntries ? `&pageSize=${options.maxEntries}` : ''}`, options.platform.baseUrl);
    accepted = await fetch(url, { headers: { authorization: `Bearer ${options.token}`, prefer: 'respond-async' }, redirect: 'manual' });
  } finally {
    setWorkerTransport(options.platform.workers.transport);
  }
  const job = (await accepted.json().catch(() => ({}))) as { jobId?: string };
  const body = messages[0];
  if (accepted.status !== 202 || !job.jobId || !body) return failed(`GET …/audit/log answered ${accepted.status}`, accepted.status);
  try {
    const bundle = await bundleFile(options.bundleDir, scratch, WORKER_HANDLER);
    const eventFile = join(scratch, 'sqs-event.json');
    const messageId = randomUUID();
    writeFileSync(
      eventFile,
      JSON.stringify({
        Records: [
          {
            messageId,
            receiptHandle: messageId,
            body,
            attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: 'bench', ApproximateFirstReceiveTimestamp: String(Date.now()) },
            messageAttributes: {},
            md5OfBody: '',
            eventSource: 'aws:sqs',
            eventSourceARN: 'arn:aws:sqs:local:000000000000:audit-export',
            awsRegion: 'local',
          },
        ],
      }),
    );
    const run = await runChild(options.platform, bundle, eventFile, options.functionTimeoutMs, options.timeoutMs);
    if (!run.report) return { ...failed(run.error ?? 'no report', 202), vmHwmMb: round(run.hwm) };
    const status = await fetch(new URL(accepted.headers.get('location') ?? '', options.platform.baseUrl), { headers: { authorization: `Bearer ${await options.freshToken()}` } });
    const final = (await status.json()) as { status: string; entries: number | null; bytes: number | null; error: string | null };
    const entries = final.entries ?? 0;
    return {
      requested,
      accepted: 202,
      jobStatus: final.status,
      entries,
      bytes: final.bytes ?? 0,
      seconds: round(run.report.handlerMs / 1000),
      entriesPerSecond: round(entries / (run.report.handlerMs / 1000)),
      initMs: round(run.report.initMs),
      peakRssMb: round(run.report.maxRssMb),
      vmHwmMb: round(run.hwm),
      rssAfterInitMb: round(run.report.rssAfterInitMb),
      heapUsedEndMb: round(run.report.heapUsedEndMb),
      ...(final.status !== 'succeeded' ? { error: final.error ?? `job ${final.status}` } : {}),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

interface ChildReport {
  status: number;
  initMs: number;
  handlerMs: number;
  maxRssMb: number;
  rssAfterInitMb: number;
  heapUsedEndMb: number;
}

/** Runs a bundle once in a fresh Node process with the local engines' environment; its report and polled VmHWM. */
async function runChild(platform: LocalPlatform, bundle: string, eventFile: string, functionTimeoutMs: number, timeoutMs: number): Promise<{ report?: ChildReport; hwm: number; error?: string }> {
  const processHandle = spawn(process.execPath, ['--enable-source-maps', child, pathToFileURL(bundle).href, eventFile, String(functionTimeoutMs)], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      TABLE_NAME: LOCAL_TABLE_NAME,
      EXPORT_BUCKET_NAME: LOCAL_EXPORT_BUCKET,
      PUBLIC_BASE_URL: platform.baseUrl,
      DYNAMODB_ENDPOINT: platform.dynamodbEndpoint,
      S3_ENDPOINT: platform.s3Endpoint,
      LOCAL_KEY_DIR: join(platform.dataDir, 'keys'),
      AWS_REGION: 'local',
      AWS_NODEJS_CONNECTION_REUSE_ENABLED: '1',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      WORKER_ID: 'audit-export',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  processHandle.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  processHandle.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  let hwm = 0;
  const poll = setInterval(() => {
    if (processHandle.pid) hwm = Math.max(hwm, vmHwmMb(processHandle.pid) ?? 0);
  }, 50);
  const timer = setTimeout(() => processHandle.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((done) => processHandle.once('exit', (exitCode) => done(exitCode)));
  clearInterval(poll);
  clearTimeout(timer);
  const line = stdout.trim().split('\n').at(-1);
  if (code !== 0 || !line) return { hwm, error: `exit ${code}: ${stderr.slice(-500)}` };
  const report = JSON.parse(line) as ChildReport;
  return report.status === 200 ? { report, hwm } : { report, hwm, error: `worker reported a failed record: ${stderr.slice(-500)}` };
}
