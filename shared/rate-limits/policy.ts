import * as z from '../zod-mini.ts';
import { lazily } from '../lazy.ts';
import type { ApiFamily } from '../routes.ts';
import { TtlCache } from '../cache/ttl-cache.ts';
import * as organizations from '../storage/organizations.ts';
import { countRequest, type RateLimit, type RateLimitState } from './rate-limiter.ts';
import { admitLeased } from './leased-rate-limiter.ts';

/**
 * Default request limits per caller (user or client) and API family. The directory API follows its
 * published limits (60/minute, 1,000/hour). SCIM is sized so an IdP's sync is never throttled by
 * us: Entra sends about 25 requests/second per tenant and a first sync of 50,000 users means
 * ~150,000 requests, so 6,000/minute (100/s) and 300,000/hour leave ample headroom.
 */
export const defaultRateLimits: Record<Exclude<ApiFamily, 'platform'>, RateLimit> = {
  directory: { perMinute: 60, perHour: 1000 },
  scim: { perMinute: 6000, perHour: 300_000 },
  identity: { perMinute: 600, perHour: 10_000 },
  // Governance (access reviews, policies) is part of the same published REST API: the same limits.
  governance: { perMinute: 60, perHour: 1000 },
};

/**
 * Admits one request of `subject` (a caller of `family`) under `limit` through the family's limiter,
 * and reports the caller's state (a refusal carries `retryAfterSeconds`: assertWithinRateLimit).
 * SCIM is counted with leases (shared/rate-limits/leased-rate-limiter.ts): its limits are high
 * (6,000/minute) and its IdP traffic comes in long steady streams, so leasing saves a write on
 * nearly every request. The directory and governance APIs publish exact limits (the 61st request
 * in a minute is refused, `X-RateLimit-Remaining` counts down by one) and the Identity Management
 * API is low-volume: they keep one counted write per request (shared/rate-limits/rate-limiter.ts).
 *
 * In a Lambda bundle the family is its route's, fixed at build time (`globalThis.__PLATFORM_API_FAMILY__`,
 * shared/http/route-source.ts; the switch tests it directly, so esbuild folds it): a bundle carries
 * only its family's limiter.
 *
 * @throws the storage error when the counter or lease write fails.
 */
export function admitRequest(subject: string, family: Exclude<ApiFamily, 'platform'>, limit: RateLimit): Promise<RateLimitState> {
  switch (globalThis.__PLATFORM_API_FAMILY__ ?? family) {
    case 'scim':
      return admitLeased(subject, limit);
    default:
      return countRequest(subject, limit);
  }
}

const limitSchema = /* @__PURE__ */ lazily(() => z.object({ perMinute: z.int().check(z.positive()), perHour: z.int().check(z.positive()) }));
/** Per-family overrides of the default limits (organization setting or RATE_LIMITS); built on first use. */
export const rateLimitOverridesSchema = /* @__PURE__ */ lazily(() => z.strictObject({ directory: z.optional(limitSchema()), scim: z.optional(limitSchema()), identity: z.optional(limitSchema()), governance: z.optional(limitSchema()) }));
export type RateLimitOverrides = z.output<ReturnType<typeof rateLimitOverridesSchema>>;

// Validated at initialisation, as before; the schema is built only when RATE_LIMITS is set.
function deploymentOverrides(): RateLimitOverrides {
  const raw = process.env.RATE_LIMITS;
  if (!raw) return {};
  return rateLimitOverridesSchema().parse(JSON.parse(raw));
}

const deployment = deploymentOverrides();
const organizationLimits = new TtlCache<RateLimitOverrides>(60_000);

/** The limit for a caller of one family: organization setting, else deployment setting, else default. */
export async function rateLimitFor(organizationId: string, family: Exclude<ApiFamily, 'platform'>): Promise<RateLimit> {
  const overrides = await organizationLimits.getOrLoad(organizationId, async () => (await organizations.rateLimitsOf(organizationId)) as RateLimitOverrides);
  return overrides[family] ?? deployment[family] ?? defaultRateLimits[family];
}
