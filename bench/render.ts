/**
 * Re-renders the chart and the Markdown digest of a stored report:
 *   npx tsx bench/render.ts bench/results/<timestamp>.json
 * (recomputes its minimums, gaps and findings and writes <timestamp>.svg and <timestamp>.md next to it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderChart } from './lib/chart.ts';
import { renderMarkdown } from './lib/markdown.ts';
import { findings } from './lib/findings.ts';
import { explainGap, gapOf, minimumFor, type ItemSizes, type MeasuredCost } from './lib/minimums.ts';

const file = process.argv[2];
if (!file || !file.endsWith('.json')) {
  console.error('usage: npx tsx bench/render.ts bench/results/<timestamp>.json');
  process.exit(2);
}
const report = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
// Minimums, gaps and findings are recomputed from the stored measurements and item sizes, so a
// stored report can be re-read with the current key design's minimums and explanations.
const itemSizes = report.itemSizesBytes as ItemSizes | undefined;
if (itemSizes && Array.isArray(report.perOperation)) {
  for (const operation of report.perOperation as { id: string; measured?: MeasuredCost; minimum?: unknown; gap?: unknown; explanation?: string }[]) {
    const minimum = minimumFor(operation.id, itemSizes);
    if (!minimum) continue;
    operation.minimum = minimum;
    operation.gap = gapOf(operation.measured, minimum);
    operation.explanation = explainGap(operation.id, operation.measured, minimum);
  }
}
report.findings = findings(report);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(file.replace(/\.json$/, '.svg'), renderChart(report));
writeFileSync(file.replace(/\.json$/, '.md'), renderMarkdown(report));
console.warn(`wrote ${file.replace(/\.json$/, '.svg')} and ${file.replace(/\.json$/, '.md')}`);
