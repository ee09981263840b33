import type { APIGatewayProxyResult } from 'aws-lambda';
import type { RouteDefinition } from '../routes.ts';
import type { RateLimitState } from '../rate-limits/rate-limiter.ts';

/**
 * The families whose answers publish the caller's rate-limit state. The directory API and its
 * governance routes do (the reference publishes its limits and integrations pace themselves by them); SCIM IdPs and the
 * Identity Management API get only `Retry-After` on a 429.
 */
export function publishesRateLimitHeaders(route: RouteDefinition): boolean {
  return route.family === 'directory' || route.family === 'governance';
}

/**
 * `X-RateLimit-Limit` (requests allowed in the binding window), `X-RateLimit-Remaining` (left in
 * it) and `X-RateLimit-Reset` (when it ends, in epoch seconds, as GitHub and most REST APIs send
 * it); `Retry-After` on a 429 stays delta-seconds (RFC 9110 §10.2.3).
 */
export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(state.limit),
    'X-RateLimit-Remaining': String(state.remaining),
    'X-RateLimit-Reset': String(state.resetAt),
  };
}

/**
 * The response with the rate-limit headers added, when the route publishes them and the caller was
 * counted. In a Lambda bundle the family is its route's, fixed at build time
 * (`globalThis.__PLATFORM_API_FAMILY__`, shared/http/route-source.ts): the switch tests it directly,
 * so esbuild keeps the headers code only in the bundles of the families that publish them — the
 * families of {@link publishesRateLimitHeaders} (test/unit/rate-limit-headers.test.ts holds the two together).
 */
export function withRateLimitHeaders(route: RouteDefinition, state: RateLimitState | undefined, response: APIGatewayProxyResult): APIGatewayProxyResult {
  switch (globalThis.__PLATFORM_API_FAMILY__ ?? route.family) {
    case 'directory':
    case 'governance':
      return state ? { ...response, headers: { ...response.headers, ...rateLimitHeaders(state) } } : response;
    default:
      return response;
  }
}
