/**
 * The load generator: a separate Node process, so the requests it sends and times never share an
 * event loop with the platform that answers them. Driven over IPC by load-client.ts. Only ever
 * talks to loopback endpoints it is given; every loop is bounded by a request count and a time.
 */
import { Agent, request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EngineJob, EngineResult, HttpJob, HttpResult, WorkerRequest, WorkerResponse } from './load-protocol.ts';

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost' && host !== '[::1]') throw new Error(`Refusing to send load to ${host}: loopback only`);
}

function send(agent: Agent, base: URL, method: string, path: string, headers: Record<string, string>, body: string | undefined): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(body);
    const req = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        method,
        path,
        agent,
        headers: { ...headers, ...(payload ? { 'Content-Length': String(payload.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error('request timed out after 60 s')));
    req.on('error', reject);
    req.end(payload);
  });
}

async function runHttp(job: HttpJob): Promise<HttpResult> {
  assertLoopback(job.baseUrl);
  const base = new URL(job.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  let next = 0;
  let seq = 0;
  const take = () => {
    if (job.requests.length === 0) return undefined;
    if (job.once && next >= job.requests.length) return undefined;
    const spec = job.requests[next % job.requests.length];
    next++;
    return spec;
  };
  const statuses: Record<string, number> = {};
  let sampleError: string | undefined;
  const fire = async (measure: boolean): Promise<number | undefined> => {
    const spec = take();
    if (!spec) return undefined;
    const unique = `${job.seqPrefix}${seq++}`;
    const path = spec.path.replaceAll('{{seq}}', unique);
    const body = spec.body?.replaceAll('{{seq}}', unique);
    const started = performance.now();
    let status = 0;
    try {
      const response = await send(agent, base, spec.method, path, spec.headers ?? {}, body);
      status = response.status;
      if (status >= 400 && !sampleError) sampleError = `${spec.method} ${path} -> ${status} ${response.text.slice(0, 300)}`;
    } catch (error) {
      sampleError ??= `${spec.method} ${path} -> ${(error as Error).message}`;
    }
    const latency = performance.now() - started;
    if (measure) statuses[String(status)] = (statuses[String(status)] ?? 0) + 1;
    return latency;
  };

  // Warm-up at the same concurrency, not recorded.
  let warmed = 0;
  let warmupSent = 0;
  await Promise.all(
    Array.from({ length: Math.min(job.concurrency, Math.max(1, job.warmup)) }, async () => {
      while (warmed < job.warmup) {
        warmed++;
        if ((await fire(false)) === undefined) return;
        warmupSent++;
      }
    }),
  );

  const latencies: number[] = [];
  let issued = 0;
  const started = performance.now();
  const deadline = started + job.maxSeconds * 1000;
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (issued < job.maxRequests && performance.now() < deadline) {
        const index = issued++;
        const latency = await fire(true);
        if (latency === undefined) return;
        latencies[index] = latency;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  const done = latencies.filter((value) => value !== undefined);
  return { warmupSent, requests: done.length, seconds, throughput: done.length / seconds, latenciesMs: done, statuses, ...(sampleError ? { sampleError } : {}) };
}

async function runEngine(job: EngineJob): Promise<EngineResult> {
  assertLoopback(job.endpoint);
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: job.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 }),
  );
  const runId = randomUUID();
  let counter = 0;
  const operation = async (slot: number) => {
    const n = counter++;
    switch (job.operation) {
      case 'GetItem': {
        const key = job.getKeys[n % job.getKeys.length];
        await client.send(new GetCommand({ TableName: job.tableName, Key: key, ConsistentRead: true }));
        return;
      }
      case 'Query': {
        const key = job.queryKeys[n % job.queryKeys.length];
        await client.send(
          new QueryCommand({
            TableName: job.tableName,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk = :sk',
            ExpressionAttributeValues: { ':pk': key?.gsi1pk, ':sk': key?.gsi1sk },
          }),
        );
        return;
      }
      case 'UpdateItem':
        // The shape of a rate-limit bump: ADD to a small counter item.
        await client.send(
          new UpdateCommand({
            TableName: job.tableName,
            Key: { pk: `BENCH#ENGINE#${runId}`, sk: `COUNTER#${slot}` },
            UpdateExpression: 'ADD hourCount :one, m1 :one SET #type = :type',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: { ':one': 1, ':type': 'BenchCounter' },
            ReturnValues: 'UPDATED_NEW',
          }),
        );
        return;
      case 'TransactWriteItems': {
        // The shape of a change with its audit entry: an item with two index entries, a small
        // item, and a counter shard update, all-or-nothing.
        const id = `${runId}-${n}`;
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: job.tableName,
                  Item: {
                    pk: `BENCH#ENGINE#${runId}#AUDIT`,
                    sk: id,
                    gsi1pk: `BENCH#ENGINE#${runId}#ACTION`,
                    gsi1sk: id,
                    gsi2pk: `BENCH#ENGINE#${runId}#ACTOR`,
                    gsi2sk: id,
                    type: 'BenchEntry',
                    details: { ipAddress: '127.0.0.1', userAgent: 'bench', changedAttributes: ['title'] },
                    timestamp: new Date().toISOString(),
                  },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              { Put: { TableName: job.tableName, Item: { pk: `BENCH#ENGINE#${runId}#CLAIM`, sk: id, type: 'BenchClaim' }, ConditionExpression: 'attribute_not_exists(pk)' } },
              {
                Update: {
                  TableName: job.tableName,
                  Key: { pk: `BENCH#ENGINE#${runId}#COUNTERS`, sk: `c#${n % 16}` },
                  UpdateExpression: 'ADD #count :one',
                  ExpressionAttributeNames: { '#count': 'count' },
                  ExpressionAttributeValues: { ':one': 1 },
                },
              },
            ],
          }),
        );
        return;
      }
    }
  };
  let errors = 0;
  let warmed = 0;
  await Promise.all(
    Array.from({ length: Math.min(job.concurrency, Math.max(1, job.warmup)) }, async (_, slot) => {
      while (warmed++ < job.warmup) await operation(slot).catch(() => errors++);
    }),
  );
  errors = 0;
  const latencies: number[] = [];
  let issued = 0;
  const started = performance.now();
  const deadline = started + job.maxSeconds * 1000;
  await Promise.all(
    Array.from({ length: job.concurrency }, async (_, slot) => {
      while (issued < job.maxOps && performance.now() < deadline) {
        issued++;
        const begun = performance.now();
        try {
          await operation(slot);
          latencies.push(performance.now() - begun);
        } catch {
          errors++;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  client.destroy();
  return { operation: job.operation, concurrency: job.concurrency, ops: latencies.length, seconds, opsPerSecond: latencies.length / seconds, latenciesMs: latencies, errors };
}

process.on('message', (message: WorkerRequest) => {
  const reply = (response: WorkerResponse) => process.send?.(response);
  if (message.kind === 'exit') {
    reply({ id: message.id, ok: true, result: null });
    process.disconnect?.();
    return;
  }
  const work = message.kind === 'http' ? runHttp(message.job) : runEngine(message.job);
  work.then(
    (result) => reply({ id: message.id, ok: true, result }),
    (error: unknown) => reply({ id: message.id, ok: false, error: (error as Error).stack ?? String(error) }),
  );
});
