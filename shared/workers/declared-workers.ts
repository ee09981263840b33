import { workerById, type WorkerDefinition, type WorkerTrigger } from '../workers.ts';

declare global {
  /**
   * The workers this function declares in its row (`starts` and `managesSchedules`), as the JSON of
   * a {@link DeclaredWorker} array, replaced at build time by esbuild's `define` (lib/platform-function.ts
   * `bundlingFor` and `bundlingForWorker`); undefined when the sources run unbundled.
   */
  var __PLATFORM_STARTED_WORKERS__: string | undefined;
}

/** What starting a worker, or keeping its schedules, needs of its worker-table row (shared/workers.ts). */
export interface DeclaredWorker {
  readonly id: string;
  readonly trigger: { readonly kind: WorkerTrigger['kind'] };
}

/**
 * The rows a function built from `row` may start or keep schedules of: its `starts` and
 * `managesSchedules`, in that order without repeats, as the build injects them. Ids not in
 * `table` are left out (validateWorkerTable refuses them first).
 */
export function declaredWorkerRows(
  row: { readonly starts?: readonly string[] | undefined; readonly managesSchedules?: readonly string[] | undefined },
  table: readonly WorkerDefinition[],
): DeclaredWorker[] {
  const ids = [...new Set([...(row.starts ?? []), ...(row.managesSchedules ?? [])])];
  return ids.flatMap((id) => {
    const worker = table.find((candidate) => candidate.id === id);
    return worker ? [{ id: worker.id, trigger: { kind: worker.trigger.kind } }] : [];
  });
}

let injected: readonly DeclaredWorker[] | undefined;

/**
 * The row of worker `id` as this function knows it: in a Lambda bundle only the rows injected at
 * build time (the function's declared workers), unbundled (local runtime, tests, benchmark) the
 * whole worker table. esbuild folds the condition at build time, so the table lookup, and with it
 * the table (whose rows are side-effect free), is dropped from every bundle; keep the condition a
 * direct test of the global for that to hold (test/infra/route-bundles.test.ts checks it).
 *
 * @returns undefined when the worker is not declared (bundled) or not in the table (unbundled).
 */
export function declaredWorker(id: string): DeclaredWorker | undefined {
  return globalThis.__PLATFORM_STARTED_WORKERS__ !== undefined
    ? (injected ??= JSON.parse(globalThis.__PLATFORM_STARTED_WORKERS__) as DeclaredWorker[]).find((worker) => worker.id === id)
    : workerById(id);
}
