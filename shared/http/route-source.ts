import type { ApiFamily, RouteDefinition } from '../routes.ts';

declare global {
  /**
   * The function's own route-table row, replaced at build time by esbuild's `define`
   * (lib/platform-function.ts `bundlingFor`); undefined when the sources run unbundled.
   */
  var __PLATFORM_ROUTE__: string | undefined;
  /**
   * The `family` of the function's route, replaced at build time by esbuild's `define` with a
   * string literal (lib/platform-function.ts `routeConstantsDefine`); undefined when the sources
   * run unbundled (local runtime, tests, benchmark), where the pipeline reads the row instead.
   * The pipeline's family switches test it directly — `(globalThis.__PLATFORM_API_FAMILY__ ??
   * route.family) === 'scim'`, never through a variable or a function — so esbuild folds them and
   * a bundle keeps only its own family's branch (error body, rate limiter, rate-limit headers).
   */
  var __PLATFORM_API_FAMILY__: ApiFamily | undefined;
  /**
   * The `body` of the function's route (`none` when the row names none), replaced at build time
   * like {@link __PLATFORM_API_FAMILY__}, so a bundle carries only the body parser its route runs
   * (shared/http/body-parser.ts `parseBody`); undefined unbundled.
   */
  var __PLATFORM_ROUTE_BODY__: NonNullable<RouteDefinition['body']> | undefined;
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
  // A direct test of the global, which esbuild folds: a bundle carries no table lookup.
  if (globalThis.__PLATFORM_ROUTE__ !== undefined) {
    injected ??= JSON.parse(globalThis.__PLATFORM_ROUTE__) as RouteDefinition;
    if (injected.id !== id) throw new Error(`This bundle was built for route ${injected.id}, not ${id}`);
    return injected;
  }
  if (!table) throw new Error(`Route ${id}: no row was injected at build time and no route table is installed in this process`);
  const route = table.find((candidate) => candidate.id === id);
  if (!route) throw new Error(`Route ${id} is not in the route table`);
  return route;
}
