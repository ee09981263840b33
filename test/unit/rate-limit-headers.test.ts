import { describe, expect, it } from 'vitest';
import { apiFamilies } from '../../lib/route-table.ts';
import { publishesRateLimitHeaders, withRateLimitHeaders } from '../../shared/http/rate-limit-headers.ts';
import type { RouteDefinition } from '../../shared/routes.ts';

const state = { limit: 60, remaining: 59, resetAt: 1_700_000_060 };
const response = { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: '{}' };

describe('rate-limit headers', () => {
  it('are added for exactly the families that publish them (the switch esbuild folds per bundle and publishesRateLimitHeaders agree)', () => {
    for (const family of apiFamilies) {
      const route = { family } as RouteDefinition;
      const answered = withRateLimitHeaders(route, state, response);
      expect(answered.headers?.['X-RateLimit-Remaining'] === '59', family).toBe(publishesRateLimitHeaders(route));
      expect(answered.headers?.['Content-Type'], family).toBe('application/json');
    }
    expect(apiFamilies.filter((family) => publishesRateLimitHeaders({ family } as RouteDefinition))).toEqual(['directory', 'governance']);
  });

  it('are not added when the caller was not counted', () => {
    expect(withRateLimitHeaders({ family: 'directory' } as RouteDefinition, undefined, response)).toBe(response);
  });
});
