/**
 * What metrics and tracing cost a function (issue 16, within issue 17's bounds): the bare reference
 * handler of the cold-start part (a DynamoDBClient and one GetItem) built three ways with the
 * deployed esbuild options — as is, + Powertools Metrics (one EMF line per call), + Metrics and
 * Tracer (the DynamoDB client captured) — their size and init in fresh processes; and the
 * per-request cost of the platform's observation (shared/http/request-metrics.ts: async scopes,
 * DynamoDB usage counting, eight metrics, two EMF lines), in process. The tracer's per-request cost
 * needs Lambda's X-Ray daemon and is not measured here (Powertools disables it outside Lambda).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { bundlingOptions } from '../../lib/platform-function.ts';
import { esbuildOptionsFromCdk, initOnce, REFERENCE_HANDLER } from './cold-start.ts';
import { median, round } from './stats.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');

const VARIANTS = {
  reference: { imports: '', wrap: (body: string) => body },
  'reference+metrics': {
    imports: "import { Metrics } from '@aws-lambda-powertools/metrics';\nconst metrics = new Metrics({ namespace: 'IdentityPlatform' });\n",
    wrap: (body: string) => body.replace('  return {', "  metrics.addDimensions({ family: 'scim' });\n  metrics.addMetric('Requests', 'Count', 1);\n  metrics.publishStoredMetrics();\n  return {"),
  },
  'reference+metrics+tracer': {
    imports:
      "import { Metrics } from '@aws-lambda-powertools/metrics';\nimport { Tracer } from '@aws-lambda-powertools/tracer';\nconst metrics = new Metrics({ namespace: 'IdentityPlatform' });\nconst tracer = new Tracer();\n",
    wrap: (body: string) =>
      body
        .replace('const client = new DynamoDBClient({});', 'const client = tracer.captureAWSv3Client(new DynamoDBClient({}));')
        .replace('  return {', "  metrics.addDimensions({ family: 'scim' });\n  metrics.addMetric('Requests', 'Count', 1);\n  metrics.publishStoredMetrics();\n  return {"),
  },
} as const;

export interface ObservabilityCost {
  /** Bundle size and median init of each variant, and the difference to the bare reference. */
  variants: { name: string; kb: number; initMsMedian: number; addedKb: number; addedInitMs: number }[];
  /** Mean in-process cost of observing one request (no DynamoDB call), microseconds. */
  perRequestMicroseconds: { observed: number; bare: number; added: number };
  runs: number;
}

/** Builds and measures the three variants (`runs` fresh processes each, interleaved) and the per-request cost. */
export async function observabilityCost(scratch: string, runs: number): Promise<ObservabilityCost> {
  const dir = join(scratch, 'observability');
  mkdirSync(dir, { recursive: true });
  const built: { name: string; file: string; bytes: number }[] = [];
  for (const [name, variant] of Object.entries(VARIANTS)) {
    const fileName = name.replaceAll('+', '_');
    const source = join(dir, `${fileName}.ts`);
    writeFileSync(source, `${variant.imports}${variant.wrap(REFERENCE_HANDLER)}`);
    const options = esbuildOptionsFromCdk(bundlingOptions);
    delete options.alias;
    const result = await build({ ...options, entryPoints: { [fileName]: source }, outdir: dir, outExtension: { '.js': '.mjs' }, metafile: true, absWorkingDir: repoRoot });
    const [file, output] = Object.entries(result.metafile.outputs).find(([out]) => out.endsWith('.mjs')) ?? [];
    if (!file || !output) throw new Error(`esbuild wrote no bundle for ${name}`);
    built.push({ name, file: resolve(repoRoot, file), bytes: output.bytes });
  }
  const samples = new Map<string, number[]>(built.map((bundle) => [bundle.name, []]));
  for (let run = 0; run < runs; run++) {
    for (const bundle of built) samples.get(bundle.name)?.push((await initOnce(bundle.file, 'reference')).initMs);
  }
  const base = built[0] as (typeof built)[number];
  const baseInit = median(samples.get(base.name) ?? []);
  const variants = built.map((bundle) => {
    const init = median(samples.get(bundle.name) ?? []);
    return { name: bundle.name, kb: round(bundle.bytes / 1024), initMsMedian: round(init), addedKb: round((bundle.bytes - base.bytes) / 1024), addedInitMs: round(init - baseInit) };
  });
  return { variants, perRequestMicroseconds: await perRequestCost(), runs };
}

/** Mean time of observeRequest around a pipeline that answers at once, against calling the pipeline bare. */
async function perRequestCost(): Promise<{ observed: number; bare: number; added: number }> {
  const { observeRequest } = await import('../../shared/http/request-metrics.ts');
  const route = { id: 'scim-get-user', family: 'scim' } as Parameters<typeof observeRequest>[0];
  const pipeline = async () => ({ statusCode: 200, body: '{}' });
  const iterations = 2000;
  // EMF lines go to stdout: swallowed while measuring, as CloudWatch's agent would take them.
  const write = process.stdout.write.bind(process.stdout);
  const disabled = process.env.POWERTOOLS_METRICS_DISABLED;
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    const time = async (work: () => Promise<unknown>) => {
      for (let i = 0; i < 200; i++) await work();
      const started = performance.now();
      for (let i = 0; i < iterations; i++) await work();
      return ((performance.now() - started) * 1000) / iterations;
    };
    const bare = await time(pipeline);
    const observed = await time(() => observeRequest(route, pipeline));
    return { observed: round(observed), bare: round(bare), added: round(observed - bare) };
  } finally {
    process.stdout.write = write;
    if (disabled !== undefined) process.env.POWERTOOLS_METRICS_DISABLED = disabled;
  }
}
