import { AsyncLocalStorage } from 'node:async_hooks';
import { Metrics, MetricResolution } from '@aws-lambda-powertools/metrics';
import { logger } from './logger.ts';
import { METRICS_NAMESPACE, type MetricDefinition, type MetricDimension, type MetricKey, type metricsCatalog } from './metrics-catalog.ts';

/*
 * The one way platform code publishes a metric: by catalogued definition (shared/observability/metrics-catalog.ts,
 * `addMetric(metric.requests, …)`), with exactly the dimensions the catalogue names for it, so
 * nothing can emit an uncatalogued name, unit or dimension. Metrics are buffered per invocation (an
 * AsyncLocalStorage scope, so the local runtime's concurrent requests stay apart) and written once,
 * at the end of the invocation, as CloudWatch embedded-metric-format lines through Powertools'
 * `Metrics` — one line per distinct set of dimension values, since an EMF object shares its
 * dimensions across its metrics.
 */

/** A catalogued metric definition (one of the definitions metrics-catalog.ts exports and lists in metricsCatalog). */
export type CatalogMetric = (typeof metricsCatalog)[MetricKey];

/** The dimension names a catalogued definition is published with (the union of its dimension sets). */
export type DimensionsOfMetric<Metric extends CatalogMetric> = Metric['dimensionSets'][number][number];

/** The dimension values of one data point of a definition: every dimension it names, each a low-cardinality string. */
export type DimensionValuesOf<Metric extends CatalogMetric> = { readonly [Name in DimensionsOfMetric<Metric>]: string };

interface BufferedGroup {
  readonly dimensionSets: readonly (readonly MetricDimension[])[];
  readonly values: Readonly<Record<string, string>>;
  /** Metric name → its unit and values (Count values are summed, others kept as samples). */
  readonly metrics: Map<string, { unit: string; values: number[] }>;
}

/** What one invocation has recorded so far, grouped by dimension sets and values. */
export interface MetricsBuffer {
  readonly groups: Map<string, BufferedGroup>;
}

const scopes = new AsyncLocalStorage<MetricsBuffer>();

let publisher: Metrics | undefined;

/**
 * Where Powertools' own warnings go: the platform logger, except the one about a key shared by two
 * dimension sets — the catalogue's sets nest by design ([family] and [family, route] carry the same
 * family value), which Powertools warns about on every line.
 */
const publisherLogger = {
  debug: (...args: unknown[]) => logger.debug(String(args[0])),
  info: (...args: unknown[]) => logger.info(String(args[0])),
  warn: (...args: unknown[]) => {
    const message = String(args[0]);
    if (!/is defined as both a dimension set and dimension set/.test(message)) logger.warn(message);
  },
  error: (...args: unknown[]) => logger.error(String(args[0])),
};

/**
 * The Powertools publisher, made on first flush (config read from the environment then:
 * POWERTOOLS_METRICS_DISABLED / POWERTOOLS_DEV silence it). Its default `service` dimension is
 * removed: the catalogue's dimension sets are exactly what the alarms and dashboards query.
 */
function emf(): Metrics {
  if (!publisher) {
    publisher = new Metrics({ namespace: METRICS_NAMESPACE, logger: publisherLogger });
    publisher.clearDefaultDimensions();
  }
  return publisher;
}

function emptyBuffer(): MetricsBuffer {
  return { groups: new Map() };
}

function add(buffer: MetricsBuffer, definition: MetricDefinition, value: number, dimensions: Readonly<Record<string, string>>): void {
  const names = [...new Set(definition.dimensionSets.flat())].sort();
  const values: Record<string, string> = {};
  for (const name of names) {
    const dimension = dimensions[name];
    if (typeof dimension !== 'string' || dimension === '') throw new Error(`Metric ${definition.name}: dimension ${name} needs a value`);
    values[name] = dimension;
  }
  const groupKey = JSON.stringify([definition.dimensionSets, names.map((name) => values[name])]);
  let group = buffer.groups.get(groupKey);
  if (!group) {
    group = { dimensionSets: definition.dimensionSets, values, metrics: new Map() };
    buffer.groups.set(groupKey, group);
  }
  const stored = group.metrics.get(definition.name) ?? { unit: definition.unit, values: [] };
  if (definition.unit === 'Count' && stored.values.length > 0) stored.values[0] = (stored.values[0] as number) + value;
  else stored.values.push(value);
  group.metrics.set(definition.name, stored);
}

/** Writes a buffer's metrics as EMF lines (one per group) and empties it. Synchronous: no other work interleaves. */
function flush(buffer: MetricsBuffer): void {
  const publish = emf();
  for (const group of buffer.groups.values()) {
    for (const set of group.dimensionSets) publish.addDimensions(Object.fromEntries(set.map((name) => [name, group.values[name] as string])));
    for (const [name, { unit, values }] of group.metrics) {
      for (const value of values) publish.addMetric(name, unit as Parameters<Metrics['addMetric']>[1], value, MetricResolution.Standard);
    }
    publish.publishStoredMetrics();
  }
  buffer.groups.clear();
}

/**
 * Records one data point of a catalogued metric in the current invocation's buffer (written when the
 * invocation ends, see {@link withMetrics}); outside any invocation it is written at once. A bundle
 * carries only the definitions its code passes here.
 *
 * @param metric the catalogued definition (`metric.requests`, `metric.scimOperations`… with
 *   `import * as metric from './metrics-catalog.ts'`)
 * @param value the data point, in the definition's unit (Count, Milliseconds…)
 * @param dimensions a value for every dimension the definition names — never an organization,
 *   user or client id.
 * @throws Error when a dimension value is missing or empty (a programming error).
 */
export function addMetric<Metric extends CatalogMetric>(metric: Metric, value: number, dimensions: DimensionValuesOf<Metric>): void {
  const scoped = scopes.getStore();
  if (scoped) return add(scoped, metric, value, dimensions as Readonly<Record<string, string>>);
  const once = emptyBuffer();
  add(once, metric, value, dimensions as Readonly<Record<string, string>>);
  flush(once);
}

/**
 * Runs one invocation (a request, a worker batch) with its own metrics buffer, and writes the
 * buffer once `work` settles — whether it resolved or threw. `beforeFlush` adds the invocation's
 * own metrics (status, latency…) to the same buffer first. Nested calls get their own buffer.
 */
export async function withMetrics<T>(work: () => Promise<T>, beforeFlush?: (outcome: { result?: T; error?: unknown }) => void): Promise<T> {
  const buffer = emptyBuffer();
  let outcome: { result?: T; error?: unknown } = {};
  try {
    const result = await scopes.run(buffer, work);
    outcome = { result };
    return result;
  } catch (error) {
    outcome = { error };
    throw error;
  } finally {
    try {
      if (beforeFlush) scopes.run(buffer, () => beforeFlush(outcome));
    } finally {
      flush(buffer);
    }
  }
}
