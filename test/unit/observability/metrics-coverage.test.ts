import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsCatalog } from '../../../shared/observability/metrics-catalog.ts';

/*
 * A static check over the source: every catalogued metric is recorded somewhere in shared/ or
 * functions/, so an alarm or dashboard widget (built from the catalogue) never watches a metric
 * nothing emits.
 */

const root = join(import.meta.dirname, '../../..');

function sources(directory: string): string[] {
  return readdirSync(join(root, directory), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'));
}

/** Catalogue keys named as the first argument of an addMetric call (`addMetric(metric.<key>`, the catalogue imported as `metric`), any spacing, comments left out. */
function recordedKeys(text: string): Set<string> {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  return new Set([...code.matchAll(/\baddMetric\(\s*metric\.([A-Za-z]+)\b/g)].map((match) => match[1] as string));
}

describe('metrics catalogue coverage', () => {
  it('finds addMetric calls by definition, and nothing in a call that names no catalogued definition or in a comment', () => {
    expect([...recordedKeys('addMetric(metric.syncRuns, 1, { outcome });\naddMetric( metric.exportJobs, 1, x); addMetric(definition, 1, x)')]).toEqual(['syncRuns', 'exportJobs']);
    expect([...recordedKeys("// addMetric(metric.requests, 1, x);\n/* addMetric(metric.latency, 1, x) */ const url = 'http://x'; addMetric(metric.responses, 1, x)")]).toEqual(['responses']);
  });

  it('has every catalogue entry recorded somewhere in shared/ or functions/', () => {
    const recorded = new Set([...sources('shared'), ...sources('functions')].flatMap((text) => [...recordedKeys(text)]));
    expect(recorded.size).toBeGreaterThan(0);
    const neverRecorded = Object.keys(metricsCatalog).filter((key) => !recorded.has(key));
    expect(neverRecorded).toEqual([]);
    // And nothing records a key the catalogue lacks (the types refuse it; this catches a cast).
    expect([...recorded].filter((key) => !(key in metricsCatalog))).toEqual([]);
  });
});
