import { createHash } from 'node:crypto';
import type { ApiFamily, RouteDefinition } from '../shared/routes.ts';

const PACKAGE_NAME = /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-z0-9][a-z0-9._~-]*$/;
const PACKAGE_FILE = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

export const apiFamilies: readonly ApiFamily[] = ['platform', 'identity', 'scim', 'directory', 'governance'];

/**
 * Checks the invariants the infrastructure relies on, so that a bad row fails the synth with a
 * message that names it rather than as a CloudFormation error mid-deploy.
 */
export function validateRouteTable(routes: readonly RouteDefinition[]): void {
  const ids = new Set<string>();
  const endpoints = new Set<string>();
  for (const route of routes) {
    if (!/^[a-z][a-z0-9-]*$/.test(route.id)) throw new Error(`Route id "${route.id}" must be kebab-case`);
    if (ids.has(route.id)) throw new Error(`Route id ${route.id} appears twice`);
    ids.add(route.id);
    if (!apiFamilies.includes(route.family)) throw new Error(`Route ${route.id} has unknown family ${String(route.family)}`);
    if (!route.path.startsWith('/')) throw new Error(`Route ${route.id}: path must start with /`);
    const endpoint = `${route.method} ${route.path}`;
    if (endpoints.has(endpoint)) throw new Error(`Route ${route.id}: ${endpoint} is already routed`);
    endpoints.add(endpoint);
    if (route.handler.startsWith('/')) throw new Error(`Route ${route.id}: handler must be relative to the repository root`);
    // RFC 6749 error bodies are the identity family's: other families' bundles do not carry them
    // (shared/http/error-responses.ts `errorResponse`).
    if (route.errorFormat === 'oauth' && route.family !== 'identity') throw new Error(`Route ${route.id}: errorFormat 'oauth' is for identity routes only`);
    for (const entry of route.packageFiles ?? []) {
      if (!PACKAGE_NAME.test(entry.package)) throw new Error(`Route ${route.id}: packageFiles names an invalid npm package "${entry.package}"`);
      for (const file of entry.files) {
        if (!PACKAGE_FILE.test(file) || file.split('/').includes('..')) {
          throw new Error(`Route ${route.id}: packageFiles file "${file}" must be a relative path of letters, digits, '.', '_' and '-'`);
        }
      }
    }
  }
  if (!routes.some((route) => route.family === 'platform')) {
    // The platform family lives in the API stack itself; a REST API must own at least one method.
    throw new Error('The route table needs at least one platform route (the fallback route is one)');
  }
}

/** Routes grouped by family, in the route table's order. */
export function routesByFamily(routes: readonly RouteDefinition[]): Map<ApiFamily, RouteDefinition[]> {
  const grouped = new Map<ApiFamily, RouteDefinition[]>();
  for (const route of routes) {
    const list = grouped.get(route.family) ?? [];
    list.push(route);
    grouped.set(route.family, list);
  }
  return grouped;
}

/** Content hash of the route table; any change to a row gives the API deployment a new id. */
export function routeTableHash(routes: readonly RouteDefinition[]): string {
  return createHash('sha256').update(JSON.stringify(routes)).digest('hex');
}
