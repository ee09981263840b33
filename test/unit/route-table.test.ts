import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundlingFor } from '../../lib/platform-function.ts';
import { validateRouteTable } from '../../lib/route-table.ts';
import { routes } from '../../shared/routes.ts';
import { workers } from '../../shared/workers.ts';

const root = join(import.meta.dirname, '..', '..');

function handlerFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? handlerFiles(full) : name.endsWith('.ts') ? [relative(root, full)] : [];
  });
}

describe('the route table', () => {
  it('has unique ids and unique method + path pairs', () => {
    expect(new Set(routes.map((route) => route.id)).size).toBe(routes.length);
    expect(new Set(routes.map((route) => `${route.method} ${route.path}`)).size).toBe(routes.length);
  });

  it('points every row at a handler module that wires exactly that route id', () => {
    for (const route of routes) {
      const file = join(root, route.handler);
      expect(existsSync(file), route.handler).toBe(true);
      expect(readFileSync(file, 'utf8'), route.handler).toContain(`createHandler('${route.id}'`);
    }
  });

  it('has a row for every handler module under functions/ (no orphan endpoints; workers are rows of the worker table)', () => {
    const listed = new Set([...routes.map((route) => route.handler), ...workers.map((worker) => worker.handler)]);
    for (const file of handlerFiles(join(root, 'functions'))) expect(listed.has(file), file).toBe(true);
  });

  it('gives every mutating route write access and every body-taking route a body kind', () => {
    for (const route of routes.filter((candidate) => candidate.mutating)) expect(route.access.table, route.id).toBe('write');
    for (const route of routes.filter((candidate) => ['POST', 'PUT', 'PATCH'].includes(candidate.method) && candidate.body === undefined)) {
      // Body-less POSTs are actions (rotate a secret, run a sync): they must not read a body.
      expect(readFileSync(join(root, route.handler), 'utf8'), route.id).not.toContain('request.body');
    }
  });

  it('uses the id form CDK accepts for construct ids and Lambda names', () => {
    for (const route of routes) expect(route.id).toMatch(/^[a-z][a-z0-9-]{2,60}$/);
  });

  it("injects each route's family and body as literals into its bundle, next to its row", () => {
    for (const route of routes) {
      const define = bundlingFor(route).define ?? {};
      expect(JSON.parse(define['globalThis.__PLATFORM_ROUTE__'] ?? '""'), route.id).toBe(JSON.stringify(route));
      expect(define['globalThis.__PLATFORM_API_FAMILY__'], route.id).toBe(JSON.stringify(route.family));
      expect(define['globalThis.__PLATFORM_ROUTE_BODY__'], route.id).toBe(JSON.stringify(route.body ?? 'none'));
    }
  });

  it('allows RFC 6749 error bodies on identity routes only (other families\' bundles do not carry them)', () => {
    const token = routes.find((route) => route.errorFormat === 'oauth');
    expect(token?.family).toBe('identity');
    expect(() => validateRouteTable(routes)).not.toThrow();
    const scim = { ...token, id: 'scim-token', path: '/api/scim/v2/token', family: 'scim' } as (typeof routes)[number];
    expect(() => validateRouteTable([...routes, scim])).toThrow(/errorFormat 'oauth' is for identity routes only/);
  });
});
