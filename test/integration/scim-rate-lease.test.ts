import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { call, createTenant, machineToken } from './support/platform-client.ts';
import { useLocalEngines } from './support/in-process.ts';
import type * as LeasedModule from '../../shared/rate-limits/leased-rate-limiter.ts';
import type * as LeaseModule from '../../shared/rate-limits/lease.ts';
import type * as ClientsModule from '../../shared/storage/clients.ts';
import type { RateLimit, RateLimitState } from '../../shared/rate-limits/rate-limiter.ts';

/**
 * Issue 17, item 3: SCIM requests are admitted through leases (shared/rate-limits/leased-rate-limiter.ts).
 * Over HTTP, the local runtime is one instance (K = 1), so the documented bound is exact: the
 * limit is admitted, not one request more, and every refusal is a 429 with Retry-After. In
 * process, several limiter instances (as several warm Lambdas) share one counter on DynamoDB
 * Local with a fixed clock: the bound limit − (K − 1)·(slice − 1) ≤ admitted ≤ limit, the writes
 * a steady stream costs, and the give-back of unspent units when the minute ends.
 */

const CONCURRENCY = 32;
const SCIM = '/api/scim/v2';

/** Runs `total` tasks with `concurrency` workers; bounded in count (and by the test's timeout). */
async function inParallel<T>(total: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(total);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results;
}

let documents: DynamoDBDocumentClient;
const counterItem = async (subject: string, hourStart: number) =>
  (await documents.send(new GetCommand({ TableName: 'identity-platform', Key: { pk: `RATE#${subject}`, sk: new Date(hourStart).toISOString().slice(0, 13) }, ConsistentRead: true }))).Item ?? {};

beforeAll(() => {
  documents = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: inject('dynamodbEndpoint'), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
});

describe('SCIM rate limit over HTTP at 32-way concurrency (one instance: exact)', () => {
  it('admits exactly the limit, then answers 429 with an integer Retry-After until the window ends', async () => {
    const tenant = await createTenant('SCIM leased rate limit');
    // A small hourly limit binds (the minute is lifted), so the burst cannot straddle a window
    // unless it starts in the last seconds of an hour: then wait for the next one (≤ 30 s).
    const limit = { perMinute: 100_000, perHour: 400 };
    const patched = await call('PATCH', `/api/identity/v1/organizations/${tenant.organizationId}`, { headers: { 'X-Operator-Key': inject('operatorApiKey') }, json: { rateLimits: { scim: limit } } });
    expect(patched.status).toBe(200);
    const { client, token } = await machineToken(tenant.ownerToken);
    const msIntoHour = Date.now() % 3_600_000;
    if (msIntoHour > 3_570_000) await new Promise((done) => setTimeout(done, 3_600_000 - msIntoHour + 500));
    const hourStart = Math.floor(Date.now() / 3_600_000) * 3_600_000;
    const startedAt = Date.now();

    const results = await inParallel(limit.perHour + 200, CONCURRENCY, () => call('GET', `${SCIM}/Users?filter=${encodeURIComponent('userName eq "nobody@example.com"')}`, { token }));
    const finishedAt = Date.now();

    const statuses = results.map((result) => result.status);
    expect(statuses.filter((status) => status !== 200 && status !== 429)).toEqual([]);
    expect(statuses.filter((status) => status === 200)).toHaveLength(limit.perHour);
    const refused = results.filter((result) => result.status === 429);
    expect(refused).toHaveLength(200);
    for (const result of refused) {
      const retryAfter = result.headers.get('retry-after') ?? '';
      expect(retryAfter).toMatch(/^\d+$/);
      // Until the hour (the exhausted window) ends, as seen when the refusal was answered.
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(Math.floor((hourStart + 3_600_000 - finishedAt) / 1000));
      expect(Number(retryAfter)).toBeLessThanOrEqual(Math.ceil((hourStart + 3_600_000 - startedAt) / 1000));
      expect(result.body).toMatchObject({ status: '429' });
    }
    // Refusals write nothing: the shared counter stopped at the limit, every leased unit spent.
    const item = await counterItem(`${tenant.organizationId}#client#${client.clientId}#scim`, hourStart);
    expect(item.hourCount).toBe(limit.perHour);
   }, 150_000);
});

describe('leased rate limiter with several instances on one counter (DynamoDB Local, fixed clock)', () => {
  let leased: typeof LeasedModule;
  let lease: typeof LeaseModule;
  let updateItems = 0;

  beforeAll(async () => {
    useLocalEngines();
    const clients: typeof ClientsModule = await import('../../shared/storage/clients.ts');
    clients.onDynamoClientCreated((client) => {
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === 'UpdateItemCommand') updateItems++;
          return next(args);
        },
        { step: 'initialize', name: 'testCountLeaseWrites' },
      );
    });
    leased = await import('../../shared/rate-limits/leased-rate-limiter.ts');
    lease = await import('../../shared/rate-limits/lease.ts');
  });

  /** K limiter instances at `clock`; `total` requests by 32 workers, request i served by instance i mod K. */
  async function burst(subject: string, limit: RateLimit, instances: LeasedModule.LeasedRateLimiter[], total: number): Promise<RateLimitState[]> {
    return inParallel(total, CONCURRENCY, (index) => (instances[index % instances.length] as LeasedModule.LeasedRateLimiter).admit(subject, limit));
  }

  it('admits at most the limit and at least limit − (K − 1)·(slice − 1), refusing the rest with Retry-After', async () => {
    const limit = { perMinute: 400, perHour: 100_000 };
    const slice = lease.maxLeaseSlice(limit);
    const now = Date.UTC(2026, 0, 5, 10, 17, 20);
    for (const k of [1, 4]) {
      const subject = `test#lease-bound#${randomUUID()}`;
      const instances = Array.from({ length: k }, () => new leased.LeasedRateLimiter(() => now));
      let admittedSoFar = 0;
      let admittedAtFirstRefusal: number | undefined;
      const states = await inParallel(600, CONCURRENCY, async (index) => {
        const state = await (instances[index % k] as LeasedModule.LeasedRateLimiter).admit(subject, limit);
        if (state.retryAfterSeconds === undefined) admittedSoFar++;
        else admittedAtFirstRefusal ??= admittedSoFar;
        return state;
      });
      const admitted = states.filter((state) => state.retryAfterSeconds === undefined);
      expect(admitted.length).toBeLessThanOrEqual(limit.perMinute);
      // The bound: when the first request is refused, at most (K − 1)·(slice − 1) units are held unspent elsewhere.
      expect(admittedAtFirstRefusal).toBeGreaterThanOrEqual(limit.perMinute - (k - 1) * (slice - 1));
      if (k === 1) expect(admitted).toHaveLength(limit.perMinute);
      for (const state of states.filter((candidate) => candidate.retryAfterSeconds !== undefined)) {
        expect(state).toMatchObject({ retryAfterSeconds: 40, remaining: 0, exceeded: '400 requests per minute' });
      }
      const item = await counterItem(subject, Date.UTC(2026, 0, 5, 10));
      expect(item.m17).toBeLessThanOrEqual(limit.perMinute);
    }
  });

  it('costs at most 0.2 writes per request at steady load under the SCIM limits', async () => {
    const limit = { perMinute: 6000, perHour: 300_000 };
    const now = Date.UTC(2026, 0, 5, 11, 3, 0);
    const subject = `test#lease-writes#${randomUUID()}`;
    const instances = Array.from({ length: 4 }, () => new leased.LeasedRateLimiter(() => now));
    const before = updateItems;
    const states = await burst(subject, limit, instances, 3000);
    expect(states.every((state) => state.retryAfterSeconds === undefined)).toBe(true);
    const writes = updateItems - before;
    expect(writes).toBeGreaterThan(0);
    expect(writes / states.length).toBeLessThanOrEqual(0.2);
    // Remaining never overstates: the last answers leave at most the limit less what was admitted.
    expect(Math.min(...states.map((state) => state.remaining))).toBeLessThanOrEqual(limit.perMinute - 3000 + 4 * lease.maxLeaseSlice(limit));
  });

  it('gives back unspent units with the next lease of the hour, so the ended minute holds exactly what was admitted', async () => {
    const limit = { perMinute: 6000, perHour: 300_000 };
    let now = Date.UTC(2026, 0, 5, 12, 8, 30);
    const subject = `test#lease-return#${randomUUID()}`;
    const instances = Array.from({ length: 3 }, () => new leased.LeasedRateLimiter(() => now));
    const states = await burst(subject, limit, instances, 250);
    expect(states.every((state) => state.retryAfterSeconds === undefined)).toBe(true);
    const hourStart = Date.UTC(2026, 0, 5, 12);
    const leasedInMinute = (await counterItem(subject, hourStart)).m8 as number;
    expect(leasedInMinute).toBeGreaterThan(250);

    now = Date.UTC(2026, 0, 5, 12, 9, 1);
    for (const instance of instances) expect((await instance.admit(subject, limit)).retryAfterSeconds).toBeUndefined();
    const item = await counterItem(subject, hourStart);
    expect(item.m8).toBe(250);
    expect(item.hourCount).toBe(250 + (item.m9 as number));
  });
});
