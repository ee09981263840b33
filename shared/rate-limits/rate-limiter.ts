import * as rateCounters from '../storage/rate-counters.ts';
import { RateLimitError } from '../errors/domain-errors.ts';

export interface RateLimit {
  perMinute: number;
  perHour: number;
}

/**
 * Fixed-window counters shared by every Lambda instance: one item per subject and hour holding
 * the hour's count and one attribute per minute, bumped with a single UpdateItem (ADD), so a
 * request costs one write whichever limit it is checked against. Items expire with TTL.
 */
export async function consumeRateLimit(subject: string, limit: RateLimit, now = Date.now()): Promise<void> {
  const hourStart = Math.floor(now / 3_600_000) * 3_600_000;
  const minute = Math.floor((now - hourStart) / 60_000);
  const { minuteCount, hourCount } = await rateCounters.addRequest(subject, hourStart, minute);
  if (minuteCount > limit.perMinute) {
    throw new RateLimitError(`Rate limit of ${limit.perMinute} requests per minute exceeded.`, (60_000 - (now % 60_000)) / 1000);
  }
  if (hourCount > limit.perHour) {
    throw new RateLimitError(`Rate limit of ${limit.perHour} requests per hour exceeded.`, (hourStart + 3_600_000 - now) / 1000);
  }
}
