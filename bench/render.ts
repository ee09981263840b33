/**
 * Re-renders the chart and the Markdown digest of a stored report:
 *   npx tsx bench/render.ts bench/results/<timestamp>.json
 * (writes <timestamp>.svg and <timestamp>.md next to it).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { renderChart } from './lib/chart.ts';
import { renderMarkdown } from './lib/markdown.ts';

const file = process.argv[2];
if (!file || !file.endsWith('.json')) {
  console.error('usage: npx tsx bench/render.ts bench/results/<timestamp>.json');
  process.exit(2);
}
const report = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
writeFileSync(file.replace(/\.json$/, '.svg'), renderChart(report));
writeFileSync(file.replace(/\.json$/, '.md'), renderMarkdown(report));
console.warn(`wrote ${file.replace(/\.json$/, '.svg')} and ${file.replace(/\.json$/, '.md')}`);
