import * as rateCounters from '../storage/rate-counters.ts';
import { RateLimitError } from '../errors/domain-errors.ts';

export interface RateLimit {
  perMinute: number;
  perHour: number;
}

/**
 * Where a caller stands after a request was counted, in the window that binds it: the one with
 * the fewest requests left (on a tie, the hour, whose wait is longer). This is what the directory
 * API publishes as `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`.
 */
export interface RateLimitState {
  /** Requests allowed in the binding window (e.g. 60 per minute). */
  limit: number;
  /** Requests left in that window after this one; 0 once exceeded. */
  remaining: number;
  /** When that window ends, in whole epoch seconds (UTC). */
  resetAt: number;
  /** Set when this request went over a limit: the seconds until every exceeded window has ended. */
  retryAfterSeconds?: number;
  /** Set with `retryAfterSeconds`: which limit was exceeded, for the error message. */
  exceeded?: string;
}

/** One fixed window as counted: its limit, the requests counted in it (this one included), when it ends (epoch ms). */
export interface CountedWindow {
  limit: number;
  count: number;
  endsAt: number;
  name: string;
}

/**
 * Fixed-window counters shared by every Lambda instance: one item per subject and hour holding
 * the hour's count and one attribute per minute, bumped with a single UpdateItem (ADD), so a
 * request costs one write whichever limit it is checked against. Items expire with TTL.
 *
 * Counts the request and reports the caller's state; it never throws for an exceeded limit (see
 * {@link assertWithinRateLimit}), so callers can publish the state on the refusal too.
 */
export async function countRequest(subject: string, limit: RateLimit, now = Date.now()): Promise<RateLimitState> {
  const hourStart = Math.floor(now / 3_600_000) * 3_600_000;
  const minute = Math.floor((now - hourStart) / 60_000);
  const { minuteCount, hourCount } = await rateCounters.addRequest(subject, hourStart, minute);
  return windowsState(
    [
      { limit: limit.perMinute, count: minuteCount, endsAt: hourStart + (minute + 1) * 60_000, name: `${limit.perMinute} requests per minute` },
      { limit: limit.perHour, count: hourCount, endsAt: hourStart + 3_600_000, name: `${limit.perHour} requests per hour` },
    ],
    now,
  );
}

/**
 * The caller's state from the minute and the hour window (in that order) as counted at `now`
 * (epoch ms): the binding window's limit, remaining and reset, and — when a count is over its
 * limit — the seconds until the last exceeded window ends.
 */
export function windowsState(windows: readonly [CountedWindow, CountedWindow], now: number): RateLimitState {
  const [minute, hour] = windows;
  const left = (window: CountedWindow) => Math.max(0, window.limit - window.count);
  const binding = left(minute) < left(hour) ? minute : hour;
  const state: RateLimitState = { limit: binding.limit, remaining: left(binding), resetAt: Math.ceil(binding.endsAt / 1000) };
  const exceeded = windows.filter((window) => window.count > window.limit);
  if (exceeded.length > 0) {
    // Waiting out the minute is useless while the hour is exhausted too: wait for the last one.
    const last = exceeded.reduce((a, b) => (b.endsAt > a.endsAt ? b : a));
    state.retryAfterSeconds = (last.endsAt - now) / 1000;
    state.exceeded = last.name;
  }
  return state;
}

/** @throws RateLimitError when the counted request went over a limit (429 with Retry-After). */
export function assertWithinRateLimit(state: RateLimitState): void {
  if (state.retryAfterSeconds !== undefined) {
    throw new RateLimitError(`Rate limit of ${state.exceeded ?? 'requests'} exceeded.`, state.retryAfterSeconds);
  }
}

/** Counts a request and refuses it when over a limit. */
export async function consumeRateLimit(subject: string, limit: RateLimit, now = Date.now()): Promise<RateLimitState> {
  const state = await countRequest(subject, limit, now);
  assertWithinRateLimit(state);
  return state;
}
