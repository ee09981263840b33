import * as rateCounters from '../storage/rate-counters.ts';
import type { RateLimit, RateLimitState } from './rate-limiter.ts';
import { admittedState, applyGrant, applyRefusal, emptyLease, planLease, refusedState, rollover, spendOne, windowAt, type Lease } from './lease.ts';

/**
 * Lease writes in a row that were refused although the counter still showed room (other
 * instances took it meanwhile) before the queued requests are turned away for a second: only at
 * a window's very edge under heavy contention.
 */
const MAX_CONTENDED_WRITES = 16;
/** Subjects one instance keeps leases for; the least recently used idle one goes first. */
const MAX_SUBJECTS = 10_000;

interface Waiter {
  resolve: (state: RateLimitState) => void;
  reject: (error: unknown) => void;
}

interface Holding {
  lease: Lease;
  limit: RateLimit;
  /** Requests waiting for a lease write, served first come, first served. */
  queue: Waiter[];
  /** A lease write is in flight (at most one per subject and instance). */
  busy: boolean;
}

/**
 * Leased rate limiting for one function instance (a warm Lambda process; locally the one
 * process): per subject, a slice of the current minute's allowance leased from the shared counter
 * with one conditional UpdateItem (`rateCounters.leaseRequests`) and spent here request by
 * request, so a steady stream of requests costs one write per slice instead of one per request.
 * Requests arriving while a lease write is in flight queue behind it and size the next lease.
 * Unspent units go back with the instance's next lease write in the same hour (README, "Rate
 * limits", for the bound and what best effort means). Arithmetic: shared/rate-limits/lease.ts.
 */
export class LeasedRateLimiter {
  private readonly holdings = new Map<string, Holding>();

  /** @param clock epoch milliseconds (a fixed clock in tests). */
  constructor(private readonly clock: () => number = Date.now) {}

  /**
   * Admits or refuses one request of `subject` under `limit` and reports the caller's state; it
   * never throws for an exceeded limit (a refusal carries `retryAfterSeconds`, see
   * assertWithinRateLimit).
   * @throws the storage error when a lease write fails (every queued request gets it).
   */
  async admit(subject: string, limit: RateLimit): Promise<RateLimitState> {
    const holding = this.holdingFor(subject, limit);
    holding.limit = limit;
    if (!holding.busy && holding.queue.length === 0) {
      const now = this.clock();
      holding.lease = rollover(holding.lease, now);
      if (spendOne(holding.lease)) return admittedState(holding.lease, limit, now);
      if (holding.lease.exhausted) return refusedState(holding.lease, limit, now);
    }
    return new Promise<RateLimitState>((resolve, reject) => {
      holding.queue.push({ resolve, reject });
      void this.serve(subject, holding);
    });
  }

  /** Serves the subject's queue: spends what the lease holds, writes a new lease when it runs out. */
  private async serve(subject: string, holding: Holding): Promise<void> {
    if (holding.busy) return;
    holding.busy = true;
    let contended = 0;
    try {
      while (holding.queue.length > 0) {
        const now = this.clock();
        holding.lease = rollover(holding.lease, now);
        const lease = holding.lease;
        while (holding.queue.length > 0 && spendOne(lease)) holding.queue.shift()?.resolve(admittedState(lease, holding.limit, now));
        if (holding.queue.length === 0) break;
        const plan = lease.exhausted ? undefined : planLease(lease, holding.limit, holding.queue.length);
        if (!plan || contended >= MAX_CONTENDED_WRITES) {
          const state = plan ? contendedState(lease, holding.limit, now) : refusedState(lease, holding.limit, now);
          for (const waiter of holding.queue.splice(0)) waiter.resolve(state);
          break;
        }
        const outcome = await rateCounters.leaseRequests({
          subject,
          hourStart: plan.window.hourStart,
          minute: plan.window.minute,
          units: plan.units,
          maxMinuteBefore: plan.maxMinuteBefore,
          maxHourBefore: plan.maxHourBefore,
          giveBack: plan.giveBack,
        });
        if (outcome.granted) {
          applyGrant(lease, plan, outcome);
          contended = 0;
        } else if (!applyRefusal(lease, holding.limit, outcome)) {
          contended += 1;
        }
      }
    } catch (error) {
      for (const waiter of holding.queue.splice(0)) waiter.reject(error);
    } finally {
      holding.busy = false;
    }
  }

  private holdingFor(subject: string, limit: RateLimit): Holding {
    const existing = this.holdings.get(subject);
    if (existing) {
      // Most recently used last, so eviction finds the idle ones first.
      this.holdings.delete(subject);
      this.holdings.set(subject, existing);
      return existing;
    }
    for (const [key, holding] of this.holdings) {
      if (this.holdings.size < MAX_SUBJECTS) break;
      // Dropping a holding loses its unspent units for this window (best effort, as documented).
      if (!holding.busy && holding.queue.length === 0) this.holdings.delete(key);
    }
    const created: Holding = { lease: emptyLease(windowAt(this.clock())), limit, queue: [], busy: false };
    this.holdings.set(subject, created);
    return created;
  }
}

/** A refusal for contention at the window's edge: the counter had room, but others kept taking it. */
function contendedState(lease: Lease, limit: RateLimit, now: number): RateLimitState {
  const state = refusedState(lease, limit, now);
  return state.retryAfterSeconds !== undefined ? state : { ...state, retryAfterSeconds: 1, exceeded: `${limit.perMinute} requests per minute` };
}

// Pure: a bundle whose family counts exactly (shared/rate-limits/policy.ts `admitRequest`) drops it.
const instanceLimiter = /* @__PURE__ */ new LeasedRateLimiter();

/** Admits a request of `subject` through this instance's leases (see {@link LeasedRateLimiter.admit}). */
export function admitLeased(subject: string, limit: RateLimit): Promise<RateLimitState> {
  return instanceLimiter.admit(subject, limit);
}
