/**
 * The benchmark chart: one hand-written SVG (no chart library) with a panel per question —
 * cost per operation against its minimum, latency and throughput against the engine's ceiling,
 * growth with data, cold start per bundle, audit export memory.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- the report is plain JSON, read defensively here */

const WIDTH = 1280;
const LEFT = 330;
const RIGHT = 60;
const PLOT = WIDTH - LEFT - RIGHT;
const COLORS = { measured: '#2f6fb2', minimum: '#9ccf6a', c1: '#4e79a7', c8: '#f28e2b', c32: '#e15759', grid: '#dddddd', text: '#222222', muted: '#666666', limit: '#c0392b', l1: '#76b7b2', l2: '#59a14f', l3: '#b07aa1' };

const escape = (value: unknown) => String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
const fmt = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));

class Svg {
  parts: string[] = [];
  y = 0;
  text(x: number, y: number, content: unknown, options: { size?: number; anchor?: string; color?: string; weight?: string } = {}): void {
    this.parts.push(
      `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="${options.size ?? 11}" text-anchor="${options.anchor ?? 'start'}" fill="${options.color ?? COLORS.text}"${options.weight ? ` font-weight="${options.weight}"` : ''}>${escape(content)}</text>`,
    );
  }
  rect(x: number, y: number, width: number, height: number, fill: string, options: { stroke?: string; title?: string } = {}): void {
    this.parts.push(
      `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(0, width).toFixed(1)}" height="${height.toFixed(1)}" fill="${fill}"${options.stroke ? ` stroke="${options.stroke}"` : ''}>${options.title ? `<title>${escape(options.title)}</title>` : ''}</rect>`,
    );
  }
  line(x1: number, y1: number, x2: number, y2: number, stroke: string, options: { dash?: string; width?: number } = {}): void {
    this.parts.push(
      `<line x1="${x1.toFixed(1)}" y1="${y1.toFixed(1)}" x2="${x2.toFixed(1)}" y2="${y2.toFixed(1)}" stroke="${stroke}" stroke-width="${options.width ?? 1}"${options.dash ? ` stroke-dasharray="${options.dash}"` : ''}/>`,
    );
  }
  title(content: string, subtitle?: string): void {
    this.y += 34;
    this.text(20, this.y, content, { size: 16, weight: 'bold' });
    if (subtitle) {
      this.y += 17;
      this.text(20, this.y, subtitle, { size: 11, color: COLORS.muted });
    }
    this.y += 12;
  }
  legend(entries: [string, string][]): void {
    let x = LEFT;
    for (const [label, color] of entries) {
      this.rect(x, this.y, 12, 10, color);
      this.text(x + 16, this.y + 9, label, { size: 11 });
      x += 24 + label.length * 6.5;
    }
    this.y += 20;
  }
  /** An x axis with ticks at `ticks`, scaled by `scale`, across the plot width. */
  axis(ticks: number[], scale: (value: number) => number, top: number, bottom: number, unit: string): void {
    for (const tick of ticks) {
      const x = LEFT + scale(tick);
      this.line(x, top, x, bottom, COLORS.grid);
      this.text(x, bottom + 12, `${fmt(tick)}${unit}`, { size: 10, anchor: 'middle', color: COLORS.muted });
    }
  }
}

function linearTicks(max: number): number[] {
  if (max <= 0) return [0];
  const step = 10 ** Math.floor(Math.log10(max));
  const nice = max / step > 5 ? step * 2 : max / step > 2 ? step : step / 2;
  const ticks: number[] = [];
  for (let value = 0; value <= max * 1.0001; value += nice) ticks.push(value);
  return ticks;
}

function logScale(min: number, max: number): { scale: (value: number) => number; ticks: number[] } {
  const low = Math.log10(Math.max(min, 1e-3));
  const high = Math.log10(Math.max(max, min * 10));
  const scale = (value: number) => ((Math.log10(Math.max(value, min)) - low) / (high - low)) * PLOT;
  const ticks: number[] = [];
  for (let exponent = Math.floor(low); exponent <= Math.ceil(high); exponent++) {
    for (const factor of [1, 2, 5]) {
      const value = factor * 10 ** exponent;
      if (value >= min && value <= max) ticks.push(value);
    }
  }
  return { scale, ticks };
}

function costPanel(svg: Svg, report: any): void {
  const operations: any[] = (report.perOperation ?? []).filter((operation: any) => operation.measured);
  if (operations.length === 0) return;
  svg.title(
    `1. Cost per operation at ${operations[0]?.measuredAt ?? ''}: DynamoDB round trips and capacity units, measured vs minimum`,
    'Instrumented client (ReturnConsumedCapacity), median of the in-process runs. Minimum = the items the operation must touch (see the report).',
  );
  svg.legend([
    ['measured round trips', COLORS.measured],
    ['minimum round trips', COLORS.minimum],
  ]);
  const maxTrips = Math.max(...operations.map((operation) => Math.max(num(operation.measured.roundTrips), num(operation.minimum?.roundTrips))));
  const { scale, ticks } = logScale(1, Math.max(10, maxTrips * 6));
  const top = svg.y;
  for (const operation of operations) {
    svg.text(LEFT - 8, svg.y + 11, operation.label, { anchor: 'end' });
    svg.rect(LEFT, svg.y, scale(num(operation.measured.roundTrips)), 8, COLORS.measured, { title: `${operation.measured.roundTrips} round trips` });
    svg.rect(LEFT, svg.y + 9, scale(num(operation.minimum?.roundTrips)), 6, COLORS.minimum, { title: `minimum ${operation.minimum?.roundTrips}` });
    svg.text(
      LEFT + scale(num(operation.measured.roundTrips)) + 6,
      svg.y + 10,
      `${operation.measured.roundTrips} (min ${operation.minimum?.roundTrips}) · ${operation.measured.readCapacityUnits} RCU (min ${operation.minimum?.readUnits}) · ${operation.measured.writeCapacityUnits} WCU (min ${operation.minimum?.writeUnits}) · CPU ${operation.measured.cpuMsMedian} ms`,
      { size: 10, color: COLORS.muted },
    );
    svg.y += 20;
  }
  svg.axis(ticks, scale, top - 2, svg.y, '');
  svg.y += 16;
  const missing = (report.perOperation ?? []).filter((operation: any) => !operation.measured);
  for (const operation of missing) {
    svg.text(LEFT - 8, svg.y + 10, operation.label, { anchor: 'end' });
    svg.text(LEFT, svg.y + 10, operation.explanation ?? 'not measured', { color: COLORS.limit });
    svg.y += 18;
  }
}

function latencyPanel(svg: Svg, report: any): void {
  const operations: any[] = report.load?.operations ?? [];
  if (operations.length === 0) return;
  svg.title('2. Latency through HTTP at concurrency 1, 8 and 32 (bar p50, whisker to p99), with throughput and share of the engine\'s ceiling', 'Load generator in its own process; ceiling = DynamoDB Local alone for the same round trips, measured in this run.');
  svg.legend([
    ['c=1', COLORS.c1],
    ['c=8', COLORS.c8],
    ['c=32', COLORS.c32],
  ]);
  const all = operations.flatMap((operation) => operation.results.map((result: any) => num(result.latencyMs?.p99)));
  const { scale, ticks } = logScale(0.5, Math.max(10, ...all) * 6);
  const top = svg.y;
  for (const operation of operations) {
    svg.text(LEFT - 8, svg.y + 16, operation.label, { anchor: 'end' });
    for (const result of operation.results) {
      if (!result.requests) {
        svg.text(LEFT + 4, svg.y + 7, `c=${result.concurrency}: no requests (${result.sampleError ?? 'pool exhausted or skipped'})`, { size: 9, color: COLORS.limit });
        svg.y += 9;
        continue;
      }
      const color = result.concurrency === 1 ? COLORS.c1 : result.concurrency === 8 ? COLORS.c8 : COLORS.c32;
      const p50 = scale(num(result.latencyMs?.p50));
      const p99 = scale(num(result.latencyMs?.p99));
      svg.rect(LEFT, svg.y, p50, 7, color, { title: `c=${result.concurrency}: p50 ${result.latencyMs?.p50} ms, p95 ${result.latencyMs?.p95} ms, p99 ${result.latencyMs?.p99} ms` });
      svg.line(LEFT + p50, svg.y + 3.5, LEFT + p99, svg.y + 3.5, color);
      svg.line(LEFT + p99, svg.y + 1, LEFT + p99, svg.y + 6, color);
      svg.text(
        LEFT + p99 + 5,
        svg.y + 7,
        `${result.latencyMs?.p50}/${result.latencyMs?.p95}/${result.latencyMs?.p99} ms · ${result.throughput} req/s${result.engineCeiling ? ` · ${Math.round(num(result.engineCeiling.ratio) * 100)}% of engine` : ''}`,
        { size: 9, color: COLORS.muted },
      );
      svg.y += 9;
    }
    svg.y += 7;
  }
  svg.axis(ticks, scale, top - 2, svg.y, ' ms');
  svg.y += 16;
}

function scalePanel(svg: Svg, report: any): void {
  const operations: any[] = report.scale?.operations ?? [];
  if (operations.length === 0) return;
  const levels: number[] = report.scale.levels ?? [];
  svg.title(
    `3. Growth with data: the same indexed operations at ${levels.map((level) => level.toLocaleString('en')).join(' / ')} users (c=1 p50 latency; round trips and capacity units)`,
    'Flat = same round trips and capacity units at every size; latency should stay within the machine\'s noise.',
  );
  const colors = [COLORS.l1, COLORS.l2, COLORS.l3];
  svg.legend(levels.map((level, index) => [`${level.toLocaleString('en')} users`, colors[index % colors.length] as string]));
  const all = operations.flatMap((operation) => operation.points.map((point: any) => num(point.p50Ms)));
  const { scale, ticks } = logScale(0.5, Math.max(10, ...all) * 6);
  const top = svg.y;
  for (const operation of operations) {
    const rowTop = svg.y;
    operation.points.forEach((point: any, index: number) => {
      svg.rect(LEFT, svg.y, scale(num(point.p50Ms)), 8, colors[index % colors.length] as string, { title: `${point.users} users: p50 ${point.p50Ms} ms` });
      svg.text(LEFT + scale(num(point.p50Ms)) + 5, svg.y + 8, `${point.p50Ms} ms p50 (${point.inProcessWallMs} ms in process) · ${point.roundTrips} RT · ${point.readCapacityUnits} RCU · ${point.writeCapacityUnits} WCU`, { size: 9, color: COLORS.muted });
      svg.y += 11;
    });
    svg.text(LEFT - 8, rowTop + 10, operation.label, { anchor: 'end' });
    svg.text(LEFT - 8, rowTop + 23, operation.flat?.verdict ?? '', { anchor: 'end', size: 10, color: operation.flat?.verdict === 'grows' ? COLORS.limit : COLORS.l2, weight: 'bold' });
    svg.y = Math.max(svg.y, rowTop + 28) + 8;
  }
  svg.axis(ticks, scale, top - 2, svg.y, ' ms');
  svg.y += 16;

  const walk = report.scale?.deepPaging?.walk;
  if (walk?.latencyByTenthMs?.length) {
    svg.title(
      `List paging deep into ${num(report.scale.deepPaging.users).toLocaleString('en')} users: p50 latency per tenth of the walk (${walk.requests} pages of ${walk.pageSize ?? 100}, c=1)`,
      `Per page: ${walk.server?.roundTrips} round trips, ${walk.server?.readCapacityUnits} RCU, ${walk.server?.writeCapacityUnits} WCU on average. A cold jump to startIndex ${report.scale.deepPaging.coldJump?.startIndex}: ${report.scale.deepPaging.coldJump?.roundTrips} round trips, ${report.scale.deepPaging.coldJump?.readCapacityUnits} RCU, ${report.scale.deepPaging.coldJump?.wallMsMedian} ms.`,
    );
    const tenths: number[] = walk.latencyByTenthMs;
    const max = Math.max(...tenths) * 1.2;
    const barWidth = PLOT / tenths.length;
    const height = 70;
    const base = svg.y + height;
    tenths.forEach((value, index) => {
      const barHeight = (value / max) * height;
      svg.rect(LEFT + index * barWidth + 4, base - barHeight, barWidth - 8, barHeight, COLORS.measured, { title: `${value} ms` });
      svg.text(LEFT + index * barWidth + barWidth / 2, base - barHeight - 3, `${value} ms`, { size: 9, anchor: 'middle' });
      svg.text(LEFT + index * barWidth + barWidth / 2, base + 12, `${index * 10}–${(index + 1) * 10}%`, { size: 9, anchor: 'middle', color: COLORS.muted });
    });
    svg.text(LEFT - 8, svg.y + height / 2, 'page p50 by depth', { anchor: 'end' });
    svg.y = base + 24;
  }
}

function coldStartPanel(svg: Svg, report: any): void {
  const bundles: any[] = report.coldStart?.bundles ?? [];
  if (bundles.length === 0) return;
  const targets = report.coldStart.targets;
  svg.title(
    `4. Cold start: ${bundles.length} function bundles, size and median module init (largest first)`,
    `Targets: ≤ ${fmt(num(targets?.maxBundleBytes) / 1024)} KB and ≤ ${targets?.maxMedianInitMs} ms (red names miss one). zod: ${report.coldStart.summary?.zodKbPerBundle} KB per bundle. ${report.coldStart.sdkDecision ?? ''}`,
  );
  svg.legend([
    ['bundle size (KB, left half)', COLORS.measured],
    ['median init (ms, right half)', COLORS.c8],
    ['target', COLORS.limit],
  ]);
  const half = PLOT / 2 - 20;
  const maxKb = Math.max(num(targets?.maxBundleBytes) / 1024, ...bundles.map((bundle) => num(bundle.kb))) * 1.05;
  const maxMs = Math.max(num(targets?.maxMedianInitMs), ...bundles.map((bundle) => num(bundle.initMsMedian))) * 1.05;
  const top = svg.y;
  for (const bundle of bundles) {
    const name = String(bundle.handler).replace(/^functions\//, '').replace(/\.ts$/, '');
    svg.text(LEFT - 8, svg.y + 8, name, { anchor: 'end', size: 9, color: bundle.overSizeTarget || bundle.overInitTarget ? COLORS.limit : COLORS.text });
    svg.rect(LEFT, svg.y, (num(bundle.kb) / maxKb) * half, 8, COLORS.measured, { title: `${bundle.kb} KB` });
    svg.text(LEFT + (num(bundle.kb) / maxKb) * half + 3, svg.y + 8, `${bundle.kb}`, { size: 8, color: COLORS.muted });
    const x0 = LEFT + half + 40;
    svg.rect(x0, svg.y, (num(bundle.initMsMedian) / maxMs) * half, 8, COLORS.c8, { title: `${bundle.initMsMedian} ms (min ${bundle.initMsMin}, max ${bundle.initMsMax})` });
    svg.text(x0 + (num(bundle.initMsMedian) / maxMs) * half + 3, svg.y + 8, `${bundle.initMsMedian}`, { size: 8, color: COLORS.muted });
    svg.y += 11;
  }
  const sizeX = LEFT + ((num(targets?.maxBundleBytes) / 1024) / maxKb) * half;
  const initX = LEFT + half + 40 + (num(targets?.maxMedianInitMs) / maxMs) * half;
  svg.line(sizeX, top - 4, sizeX, svg.y, COLORS.limit, { dash: '4 3', width: 1.5 });
  svg.line(initX, top - 4, initX, svg.y, COLORS.limit, { dash: '4 3', width: 1.5 });
  svg.y += 8;
  const comparison: any[] = report.coldStart.comparison ?? [];
  if (comparison.length > 0) {
    const withZod = comparison.some((entry) => entry.zodNamespaceImport);
    svg.text(20, svg.y + 10, `Same functions ${withZod ? 'three' : 'two'} ways (KB / median init ms): as deployed · AWS SDK from the runtime${withZod ? ' · zod namespace import (proposal)' : ''}`, { weight: 'bold' });
    svg.y += 16;
    for (const entry of comparison) {
      svg.text(
        LEFT - 8,
        svg.y + 10,
        String(entry.handler).replace(/^functions\//, '').replace(/\.ts$/, ''),
        { anchor: 'end', size: 10 },
      );
      svg.text(
        LEFT,
        svg.y + 10,
        `${entry.deployed.kb} KB / ${entry.deployed.initMsMedian} ms  ·  ${entry.sdkFromRuntime.kb} KB / ${entry.sdkFromRuntime.initMsMedian} ms${entry.zodNamespaceImport ? `  ·  ${entry.zodNamespaceImport.kb} KB / ${entry.zodNamespaceImport.initMsMedian} ms` : ''}`,
        { size: 10 },
      );
      svg.y += 14;
    }
  }
}

function exportPanel(svg: Svg, report: any): void {
  const exports: any[] = report.audit?.exports ?? [];
  if (exports.length === 0) return;
  svg.title(
    `5. Audit export (bundled function, fresh process): peak RSS by entries exported, against a 512 MB Lambda`,
    `${num(report.audit.entries).toLocaleString('en')} entries seeded. Flat memory = the same peak whatever the number of entries.`,
  );
  const max = 560;
  const top = svg.y;
  for (const entry of exports) {
    svg.text(LEFT - 8, svg.y + 11, `${entry.requested === 'all' ? 'all' : num(entry.requested).toLocaleString('en')} requested → ${num(entry.entries).toLocaleString('en')} entries`, { anchor: 'end' });
    svg.rect(LEFT, svg.y, (num(entry.peakRssMb) / max) * PLOT, 12, COLORS.measured, { title: `${entry.peakRssMb} MB` });
    svg.text(LEFT + (num(entry.peakRssMb) / max) * PLOT + 6, svg.y + 10, `${entry.peakRssMb} MB peak RSS · ${entry.seconds} s · ${fmt(num(entry.bytes) / 1048576)} MB CSV · ${entry.delivered}`, { size: 10, color: COLORS.muted });
    svg.y += 18;
  }
  const limitX = LEFT + (512 / max) * PLOT;
  svg.line(limitX, top - 4, limitX, svg.y, COLORS.limit, { dash: '4 3', width: 1.5 });
  svg.text(limitX - 4, top - 6, '512 MB', { anchor: 'end', size: 10, color: COLORS.limit });
  svg.axis(linearTicks(500).filter((tick) => tick <= max), (value) => (value / max) * PLOT, top - 2, svg.y, ' MB');
  svg.y += 16;
}

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

function cpuPanel(svg: Svg, report: any): void {
  const operations: any[] = (report.cpu?.operations ?? []).filter((operation: any) => operation.inProcess);
  if (operations.length === 0) return;
  svg.title(
    '6. CPU per request in the handler (in process, I/O wait excluded), split by where the profiler found it',
    'Bar length = median CPU ms per invocation; segments = share of profiled self time by package/folder. Text: CPU per request of the server process under load (c=8 / c=32).',
  );
  const names = new Map<string, string>();
  for (const operation of operations) {
    for (const entry of operation.profile?.byPackage ?? []) if (!names.has(entry.name) && names.size < PALETTE.length) names.set(entry.name, PALETTE[names.size] as string);
  }
  const legend = [...names.entries()].map(([name, color]) => [name, color] as [string, string]);
  for (let i = 0; i < legend.length; i += 5) svg.legend(legend.slice(i, i + 5));
  const max = Math.max(...operations.map((operation) => num(operation.inProcess.cpuMsMedian))) * 1.45;
  const top = svg.y;
  for (const operation of operations) {
    const label = (report.perOperation ?? []).find((entry: any) => entry.id === operation.id)?.label ?? operation.id;
    svg.text(LEFT - 8, svg.y + 10, label, { anchor: 'end' });
    const total = (num(operation.inProcess.cpuMsMedian) / max) * PLOT;
    let x = LEFT;
    const parts: any[] = operation.profile?.byPackage ?? [];
    const shareSum = parts.reduce((sum, entry) => sum + num(entry.share), 0) || 1;
    for (const entry of parts) {
      const width = (num(entry.share) / shareSum) * total;
      svg.rect(x, svg.y, width, 12, names.get(entry.name) ?? '#cccccc', { title: `${entry.name}: ${Math.round(num(entry.share) * 100)}%` });
      x += width;
    }
    if (parts.length === 0) svg.rect(LEFT, svg.y, total, 12, COLORS.measured);
    const server = operation.serverCpuMsPerRequest ?? {};
    svg.text(LEFT + total + 6, svg.y + 10, `${operation.inProcess.cpuMsMedian} ms · under load ${server.c8 ?? '–'} / ${server.c32 ?? '–'} ms`, { size: 10, color: COLORS.muted });
    svg.y += 18;
  }
  svg.axis(linearTicks(max), (value) => (value / max) * PLOT, top - 2, svg.y, ' ms');
  svg.y += 16;
}

export function renderChart(report: Record<string, unknown>): string {
  const data = report as any;
  const svg = new Svg();
  svg.y = 10;
  const machine = data.machine ?? {};
  svg.text(20, (svg.y += 22), `Identity platform benchmarks — ${data.startedAt ?? ''}`, { size: 20, weight: 'bold' });
  svg.text(
    20,
    (svg.y += 18),
    `${machine.nproc} cores · ${machine.cpuModel} · Node ${machine.node} · ${machine.java} · ${data.durationSeconds} s run · load average at start ${(machine.loadAverageAtStart ?? []).join(' ')}`,
    { size: 11, color: COLORS.muted },
  );
  costPanel(svg, data);
  latencyPanel(svg, data);
  scalePanel(svg, data);
  coldStartPanel(svg, data);
  exportPanel(svg, data);
  cpuPanel(svg, data);
  const height = Math.ceil(svg.y + 30);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...svg.parts,
    '</svg>',
    '',
  ].join('\n');
}
