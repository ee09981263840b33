/**
 * Leased rate limiting (shared/rate-limits/leased-rate-limiter.ts, issue 17 item 3), measured two ways:
 *
 * 1. Rate-limit writes per SCIM request at steady load: a read-only SCIM request
 *    (`GET /Users?filter=userName eq "…"`, whose only write is the rate limit) sent by the load
 *    generator at concurrency 8 and 32 for an organization at the default SCIM limits (6,000 per
 *    minute), below the limit; the UpdateItem calls of the server process divided by the requests.
 * 2. The limit holding under 32-way concurrency: (a) over HTTP against the local runtime (one
 *    process, so K = 1 instance), more requests than a small SCIM limit, counting 200s, 429s and
 *    their Retry-After; (b) in process, K limiter instances (as K warm Lambdas) on one counter in
 *    DynamoDB Local with a fixed clock, for K = 4 and K = 32. Each is checked against the README's
 *    bound: limit − (K − 1)·(slice − 1) ≤ admitted ≤ limit.
 *
 * Bounded in requests (at most 2,500 per load run, 1,500 per burst) and time (`deadline`).
 */
import { randomUUID } from 'node:crypto';
import { defaultRateLimits } from '../../shared/rate-limits/policy.ts';
import { maxLeaseSlice } from '../../shared/rate-limits/lease.ts';
import { LeasedRateLimiter } from '../../shared/rate-limits/leased-rate-limiter.ts';
import type { RateLimit } from '../../shared/rate-limits/rate-limiter.ts';
import { createTenant, SCIM } from './fixtures.ts';
import type { LoadGenerator } from './load-client.ts';
import type { DynamoUsage } from './dynamo-usage.ts';
import { round } from './stats.ts';

export const RATE_LIMIT_WRITES_TARGET = 0.2;
const BURST_CONCURRENCY = 32;

export interface RateLimitLeaseOptions {
  baseUrl: string;
  operatorApiKey: string;
  load: LoadGenerator;
  usage: () => DynamoUsage | undefined;
  delta: (before: DynamoUsage | undefined, after: DynamoUsage | undefined) => DynamoUsage;
  /** Epoch ms; the phase stops starting new measurements after it. */
  deadline: number;
}

interface BoundCheck {
  where: string;
  instances: number;
  limit: RateLimit;
  window: 'minute' | 'hour';
  slice: number;
  sent: number;
  admitted: number;
  refused: number;
  /** Refusals that carried a valid integer Retry-After (over HTTP) or retryAfterSeconds (in process). */
  refusedWithRetryAfter: number;
  other: number;
  /** In process: requests admitted when the first refusal was answered (the bound's minimum applies to it). */
  admittedAtFirstRefusal?: number;
  bound: { min: number; max: number };
  holds: boolean;
  rateLimitWrites: number;
  seconds: number;
}

/** Runs `total` tasks with `concurrency` workers, stopping new ones at `deadline`. */
async function inParallel<T>(total: number, concurrency: number, deadline: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total && Date.now() < deadline) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results.filter((result) => result !== undefined);
}

const updateItems = (usage: DynamoUsage) => usage.calls.UpdateItemCommand ?? 0;

export async function measureRateLimitLeasing(options: RateLimitLeaseOptions) {
  const { baseUrl, operatorApiKey, load } = options;
  const scimLimit = defaultRateLimits.scim;
  const lookup = (token: string) => ({ method: 'GET', path: `${SCIM}/Users?filter=${encodeURIComponent('userName eq "rate-limit-probe@bench.example"')}`, headers: { Authorization: `Bearer ${token}` } });

  // 1. Steady load at the default SCIM limits, one organization per run so each starts afresh.
  const steady = [];
  for (const concurrency of [8, 32]) {
    if (Date.now() > options.deadline - 30_000) break;
    const tenant = await createTenant(baseUrl, operatorApiKey, `Bench rate limit c=${concurrency}`, { scim: scimLimit });
    const before = options.usage();
    const result = await load.http({ baseUrl, concurrency, maxRequests: 2500, maxSeconds: 8, warmup: 0, requests: [lookup(tenant.token)], seqPrefix: `rl${concurrency}x` });
    const usage = options.delta(before, options.usage());
    const served = Math.max(1, result.requests + result.warmupSent);
    steady.push({
      concurrency,
      requests: served,
      seconds: round(result.seconds),
      throughput: round(result.throughput),
      statuses: result.statuses,
      rateLimitWrites: updateItems(usage),
      writesPerRequest: Math.round((updateItems(usage) / served) * 10_000) / 10_000,
    });
  }

  // 2a. Over HTTP: one instance, a small hourly limit (the minute lifted, so the burst cannot
  // straddle a window unless it starts in an hour's last minute: then wait for the next hour).
  const bounds: BoundCheck[] = [];
  const httpLimit = { perMinute: 1_000_000, perHour: 1000 };
  if (Date.now() < options.deadline - 90_000) {
    const msIntoHour = Date.now() % 3_600_000;
    if (msIntoHour > 3_540_000) await new Promise((done) => setTimeout(done, 3_600_000 - msIntoHour + 1000));
    const tenant = await createTenant(baseUrl, operatorApiKey, 'Bench rate limit bound', { scim: httpLimit });
    const request = lookup(tenant.token);
    const before = options.usage();
    const began = performance.now();
    const answers = await inParallel(1500, BURST_CONCURRENCY, options.deadline, async () => {
      const response = await fetch(`${baseUrl}${request.path}`, { headers: request.headers, signal: AbortSignal.timeout(30_000) }).catch(() => undefined);
      if (!response) return { status: 0, retryAfter: null };
      await response.arrayBuffer();
      return { status: response.status, retryAfter: response.headers.get('retry-after') };
    });
    const seconds = (performance.now() - began) / 1000;
    const usage = options.delta(before, options.usage());
    const admitted = answers.filter((answer) => answer.status === 200).length;
    const refused = answers.filter((answer) => answer.status === 429);
    const slice = maxLeaseSlice(httpLimit);
    const bound = { min: httpLimit.perHour, max: httpLimit.perHour };
    const refusedWithRetryAfter = refused.filter((answer) => /^\d+$/.test(answer.retryAfter ?? '') && Number(answer.retryAfter) >= 1 && Number(answer.retryAfter) <= 3600).length;
    bounds.push({
      where: 'HTTP, local runtime (one process)',
      instances: 1,
      limit: httpLimit,
      window: 'hour',
      slice,
      sent: answers.length,
      admitted,
      refused: refused.length,
      refusedWithRetryAfter,
      other: answers.length - admitted - refused.length,
      bound,
      holds: admitted >= bound.min && admitted <= bound.max && refusedWithRetryAfter === refused.length && answers.length - admitted - refused.length === 0,
      rateLimitWrites: updateItems(usage),
      seconds: round(seconds),
    });
  }

  // 2b. In process: K instances on one counter, a fixed clock inside one minute.
  const minuteLimit = { perMinute: 1000, perHour: 100_000 };
  for (const instances of [4, 32]) {
    if (Date.now() > options.deadline - 20_000) break;
    const subject = `bench#rate-lease#${randomUUID()}`;
    const now = Math.floor(Date.now() / 60_000) * 60_000 + 20_000;
    const limiters = Array.from({ length: instances }, () => new LeasedRateLimiter(() => now));
    const before = options.usage();
    const began = performance.now();
    let admittedSoFar = 0;
    let admittedAtFirstRefusal: number | undefined;
    const states = await inParallel(1500, BURST_CONCURRENCY, options.deadline, async (index) => {
      const state = await (limiters[index % instances] as LeasedRateLimiter).admit(subject, minuteLimit);
      if (state.retryAfterSeconds === undefined) admittedSoFar++;
      else admittedAtFirstRefusal ??= admittedSoFar;
      return state;
    });
    const seconds = (performance.now() - began) / 1000;
    const usage = options.delta(before, options.usage());
    const admitted = states.filter((state) => state.retryAfterSeconds === undefined).length;
    const refused = states.filter((state) => state.retryAfterSeconds !== undefined);
    const slice = maxLeaseSlice(minuteLimit);
    const bound = { min: minuteLimit.perMinute - (instances - 1) * (slice - 1), max: minuteLimit.perMinute };
    bounds.push({
      where: `in process, ${instances} limiter instances on one DynamoDB Local counter`,
      instances,
      limit: minuteLimit,
      window: 'minute',
      slice,
      sent: states.length,
      admitted,
      refused: refused.length,
      refusedWithRetryAfter: refused.filter((state) => (state.retryAfterSeconds ?? 0) > 0).length,
      other: 0,
      ...(admittedAtFirstRefusal !== undefined ? { admittedAtFirstRefusal } : {}),
      bound,
      holds: admitted <= bound.max && (admittedAtFirstRefusal ?? admitted) >= bound.min && refused.every((state) => (state.retryAfterSeconds ?? 0) > 0),
      rateLimitWrites: updateItems(usage),
      seconds: round(seconds),
    });
  }

  const worst = Math.max(0, ...steady.map((run) => run.writesPerRequest));
  return {
    scimLimit,
    slice: maxLeaseSlice(scimLimit),
    target: RATE_LIMIT_WRITES_TARGET,
    steady,
    meetsTarget: steady.length > 0 && worst <= RATE_LIMIT_WRITES_TARGET && steady.every((run) => Object.keys(run.statuses).every((status) => status === '200')),
    bounds,
    boundsHold: bounds.length > 0 && bounds.every((check) => check.holds),
    note:
      'Steady: a read-only SCIM request (userName eq lookup; its only write is the rate limit) from the load generator, below the default SCIM limit of 6,000/minute, one fresh organization per run; rateLimitWrites = UpdateItem calls in the server process (before leasing: 1 per request). Bounds: 32-way concurrency; over HTTP the local runtime is one instance (K = 1, so the bound is exact); in process, K LeasedRateLimiter instances (as K warm Lambdas) share one counter item with a fixed clock. Bound (README, "Rate limits"): limit − (K − 1)·(slice − 1) ≤ admitted ≤ limit; every refusal carries Retry-After.',
  };
}
