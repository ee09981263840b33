import { describe, expect, it } from 'vitest';
import { createRouteMatcher } from '../../shared/http/route-matcher.ts';
import type { RouteDefinition } from '../../shared/routes.ts';

const route = (id: string, method: RouteDefinition['method'], path: string): RouteDefinition => ({
  id,
  method,
  path,
  handler: `functions/${id}.ts`,
  family: 'scim',
  permission: 'public',
  mutating: false,
  access: { table: 'none' },
  summary: id,
});

const match = createRouteMatcher([
  route('users-get', 'GET', '/api/scim/v2/Users/{id}'),
  route('users-patch', 'PATCH', '/api/scim/v2/Users/{id}'),
  route('users-search', 'POST', '/api/scim/v2/Users/.search'),
  route('fallback', 'ANY', '/{proxy+}'),
]);

describe('route matching as API Gateway does it', () => {
  it('extracts and decodes path parameters', () => {
    expect(match('GET', '/api/scim/v2/Users/a%20b')).toEqual({ kind: 'matched', route: expect.objectContaining({ id: 'users-get' }), pathParameters: { id: 'a b' } });
  });

  it('prefers a literal segment over a parameter', () => {
    expect(match('POST', '/api/scim/v2/Users/.search')).toMatchObject({ kind: 'matched', route: { id: 'users-search' } });
  });

  it('answers 405 for a known resource with another method and never falls back to a less specific template', () => {
    expect(match('GET', '/api/scim/v2/Users/.search')).toEqual({ kind: 'method-not-allowed', allow: ['POST'] });
    expect(match('DELETE', '/api/scim/v2/Users/1')).toEqual({ kind: 'method-not-allowed', allow: ['GET', 'PATCH'] });
  });

  it('sends unknown paths to the greedy fallback with the rest of the path', () => {
    expect(match('GET', '/api/scim/v2/Users/1/extra')).toMatchObject({ kind: 'matched', route: { id: 'fallback' }, pathParameters: { proxy: 'api/scim/v2/Users/1/extra' } });
  });

  it('treats a malformed percent-encoding as not found rather than throwing', () => {
    expect(match('GET', '/api/scim/v2/Users/%E0%A4%A')).toEqual({ kind: 'not-found' });
  });
});
