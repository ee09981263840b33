import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { METRICS_NAMESPACE, metricsCatalog, type MetricDimension, type MetricKey } from '../shared/observability/metrics-catalog.ts';

export interface CatalogMetricOptions {
  /** CloudWatch statistic (`Sum`, `Average`, `p99`…); default Sum. */
  readonly statistic?: string;
  readonly period?: Duration;
  readonly label?: string;
}

/**
 * A CloudWatch metric of the platform's catalogue (shared/observability/metrics-catalog.ts), with
 * exactly one of the dimension sets the catalogue says it is published with. CloudWatch treats
 * every dimension combination as a separate metric, so an alarm on a set nothing publishes would
 * watch an empty series forever; this throws at synth instead.
 *
 * @throws Error when the dimension names are not one of the metric's catalogued dimension sets.
 */
export function catalogMetric(
  key: MetricKey,
  dimensions: Partial<Record<MetricDimension, string>>,
  options: CatalogMetricOptions = {},
): cloudwatch.Metric {
  const definition = metricsCatalog[key];
  const names = Object.keys(dimensions).sort();
  const published = definition.dimensionSets.some((set) => set.length === names.length && [...set].sort().every((name, index) => name === names[index]));
  if (!published) {
    throw new Error(
      `${definition.name} is published with dimension sets ${JSON.stringify(definition.dimensionSets)}, not [${names.join(', ')}] (shared/observability/metrics-catalog.ts)`,
    );
  }
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName: definition.name,
    dimensionsMap: dimensions as Record<string, string>,
    statistic: options.statistic ?? 'Sum',
    period: options.period ?? Duration.minutes(5),
    ...(options.label ? { label: options.label } : {}),
  });
}
