import type { RouteDefinition } from '../routes.ts';

declare global {
  /**
   * The function's own route-table row, replaced at build time by esbuild's `define`
   * (lib/platform-function.ts `bundlingFor`); undefined when the sources run unbundled.
   */
  var __PLATFORM_ROUTE__: string | undefined;
}

let table: readonly RouteDefinition[] | undefined;
let injected: RouteDefinition | undefined;

/**
 * Installs the whole route table for in-process use (the local runtime and the benchmark, through
 * shared/http/in-process.ts). A Lambda bundle never calls this: it carries only its own row.
 */
export function useRouteTable(rows: readonly RouteDefinition[]): void {
  table = rows;
}

/**
 * The row of route `id`: the row injected at build time in a Lambda bundle, else the row of the
 * installed in-process table. The pipeline does not import shared/routes.ts, so no bundle carries
 * the whole table.
 *
 * @throws Error when the injected row is another route's, or no row is available for `id`.
 */
export function routeRow(id: string): RouteDefinition {
  const row = globalThis.__PLATFORM_ROUTE__;
  if (row !== undefined) {
    injected ??= JSON.parse(row) as RouteDefinition;
    if (injected.id !== id) throw new Error(`This bundle was built for route ${injected.id}, not ${id}`);
    return injected;
  }
  if (!table) throw new Error(`Route ${id}: no row was injected at build time and no route table is installed in this process`);
  const route = table.find((candidate) => candidate.id === id);
  if (!route) throw new Error(`Route ${id} is not in the route table`);
  return route;
}
