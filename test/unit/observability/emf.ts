import { vi } from 'vitest';

/** One metric data point read back from an EMF line. */
export interface EmfPoint {
  namespace: string;
  name: string;
  unit: string;
  /** The line's dimension sets (lists of dimension names). */
  dimensionSets: string[][];
  /** The dimension values the line carries. */
  dimensions: Record<string, string>;
  value: number | number[];
}

/** Parses the CloudWatch embedded-metric-format lines of `output` back into data points. */
export function parseEmf(output: string): EmfPoint[] {
  const points: EmfPoint[] = [];
  for (const line of output.split('\n')) {
    if (!line.startsWith('{"_aws"')) continue;
    const document = JSON.parse(line) as { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] } } & Record<string, unknown>;
    for (const directive of document._aws.CloudWatchMetrics) {
      const names = [...new Set(directive.Dimensions.flat())];
      const dimensions = Object.fromEntries(names.map((name) => [name, String(document[name])]));
      for (const metric of directive.Metrics) {
        points.push({ namespace: directive.Namespace, name: metric.Name, unit: metric.Unit, dimensionSets: directive.Dimensions, dimensions, value: document[metric.Name] as number });
      }
    }
  }
  return points;
}

/** Runs `work` with process.stdout captured (Powertools writes EMF there) and returns what it printed. */
export async function captureStdout(work: () => Promise<unknown>): Promise<string> {
  let captured = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    captured += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  });
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return captured;
}

/** The single data point named `name` (fails the test when there is not exactly one). */
export function onlyPoint(points: EmfPoint[], name: string, dimensions: Record<string, string> = {}): EmfPoint {
  const found = points.filter((point) => point.name === name && Object.entries(dimensions).every(([key, value]) => point.dimensions[key] === value));
  if (found.length !== 1) throw new Error(`expected one ${name} ${JSON.stringify(dimensions)}, found ${found.length}: ${JSON.stringify(points)}`);
  return found[0] as EmfPoint;
}
