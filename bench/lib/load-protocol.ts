/** Messages between the benchmark and its load generator (a separate process, see load-worker.ts). */

export interface RequestSpec {
  method: string;
  /** Path and query; `{{seq}}` anywhere in path or body becomes a number unique within the run. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpJob {
  baseUrl: string;
  concurrency: number;
  /** Measured requests at most (warm-up requests come on top). */
  maxRequests: number;
  /** Measured time at most. */
  maxSeconds: number;
  warmup: number;
  /** Cycled in order; with `once`, each is sent at most once (pools of users to delete). */
  requests: RequestSpec[];
  once?: boolean;
  /** Unique prefix for `{{seq}}`. */
  seqPrefix: string;
}

export interface HttpResult {
  /** Warm-up requests actually sent before measuring (not in the figures). */
  warmupSent: number;
  requests: number;
  seconds: number;
  throughput: number;
  /** Milliseconds, in the order the requests were issued. */
  latenciesMs: number[];
  statuses: Record<string, number>;
  /** First unexpected answer (status >= 400), for the report. */
  sampleError?: string;
}

export type EngineOperation = 'GetItem' | 'Query' | 'UpdateItem' | 'TransactWriteItems';

export interface EngineJob {
  endpoint: string;
  tableName: string;
  operation: EngineOperation;
  concurrency: number;
  maxOps: number;
  maxSeconds: number;
  warmup: number;
  /** GetItem targets (real user items); Query targets (gsi1 partition and sort key values). */
  getKeys: { pk: string; sk: string }[];
  queryKeys: { gsi1pk: string; gsi1sk: string }[];
}

export interface EngineResult {
  operation: EngineOperation;
  concurrency: number;
  ops: number;
  seconds: number;
  opsPerSecond: number;
  latenciesMs: number[];
  errors: number;
}

export type WorkerRequest =
  | { id: number; kind: 'http'; job: HttpJob }
  | { id: number; kind: 'engine'; job: EngineJob }
  | { id: number; kind: 'exit' };

export type WorkerResponse = { id: number; ok: true; result: HttpResult | EngineResult | null } | { id: number; ok: false; error: string };
