/**
 * Cold start: every route's function bundle, built with esbuild exactly as CDK's NodejsFunction
 * builds it from lib/platform-function.ts `bundlingOptions`, its size, and its module
 * initialisation time in fresh Node processes (median of several), largest first.
 *
 * Variants, to measure rather than guess:
 * - `deployed`: the options as they are (AWS SDK bundled and tree-shaken);
 * - `sdkFromRuntime`: `@aws-sdk/*` external, resolved at run time from node_modules — how the
 *   Lambda runtime's own copy of the SDK would be loaded;
 * - `zodNamespaceImport`: while any source still has `import { z } from 'zod'`, the same bundle
 *   with `import * as z from 'zod'` (rewritten at bundling time only) — the fix the first runs
 *   proposed, since applied.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { bundlingFor, bundlingOptions, routeEntrySource } from '../../lib/platform-function.ts';
import { routes } from '../../shared/routes.ts';
import { median, round } from './stats.ts';
import { progress } from './log.ts';
import { observabilityCost, type ObservabilityCost } from './observability-cost.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const probe = resolve(import.meta.dirname, 'init-probe.mjs');
export const SIZE_TARGET_BYTES = 1024 * 1024;
export const INIT_TARGET_MS = 150;
/** Bound of issue 17: a route's bundle size and median init ≤ 1.15 × its reference's (same run). */
export const MAX_RATIO = 1.15;

/**
 * The esbuild options NodejsFunction derives from BundlingOptions (see aws-lambda-nodejs bundling):
 * the shared `bundlingOptions` by default, or one route's `bundlingFor(route)` (its own row defined,
 * its authenticator injected). Relative paths (alias, inject) are relative to the project root.
 */
export function esbuildOptionsFromCdk(options: BundlingOptions = bundlingOptions): BuildOptions {
  const alias: Record<string, string> = {};
  const aliasArgs = options.esbuildArgs?.['--alias'];
  for (const entry of Array.isArray(aliasArgs) ? aliasArgs : typeof aliasArgs === 'string' ? [aliasArgs] : []) {
    const at = String(entry).indexOf('=');
    alias[String(entry).slice(0, at)] = String(entry).slice(at + 1);
  }
  return {
    bundle: true,
    platform: 'node',
    format: options.format === 'esm' ? 'esm' : 'cjs',
    target: options.target ?? 'node22',
    minify: options.minify ?? false,
    sourcemap: options.sourceMap ?? false,
    sourcesContent: options.sourcesContent ?? true,
    mainFields: options.mainFields ?? ['module', 'main'],
    ...(options.banner ? { banner: { js: options.banner } } : {}),
    external: options.externalModules ?? ['@aws-sdk/*'],
    ...(Object.keys(alias).length > 0 ? { alias } : {}),
    ...(options.define ? { define: { ...options.define } } : {}),
    logLevel: 'warning',
  };
}

const NAMED_ZOD_IMPORT = /import\s*\{\s*z\s*\}\s*from\s*'zod';/;

/** Rewrites `import { z } from 'zod'` to `import * as z from 'zod'` in our sources while bundling. */
const zodNamespaceImport: Plugin = {
  name: 'zod-namespace-import',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\/(shared|functions)\/.*\.ts$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      return { contents: source.replace(new RegExp(NAMED_ZOD_IMPORT.source, 'g'), "import * as z from 'zod';"), loader: 'ts' };
    });
  },
};

export type Variant = 'deployed' | 'sdkFromRuntime' | 'zodNamespaceImport';

function sourcesWithNamedZodImport(): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && NAMED_ZOD_IMPORT.test(readFileSync(path, 'utf8'))) found.push(path.slice(repoRoot.length + 1));
    }
  };
  for (const top of ['shared', 'functions']) walk(resolve(repoRoot, top));
  return found;
}

interface BuiltBundle {
  handler: string;
  routeIds: string[];
  file: string;
  bytes: number;
  mapBytes: number;
  /** The largest contributors (npm package or our own folder), in bytes of output. */
  topContributors: { name: string; bytes: number }[];
  /** Bytes of output per npm package (esbuild metafile). */
  packageBytes: Record<string, number>;
}

function packageBytes(output: Metafile['outputs'][string]): Record<string, number> {
  const bytes: Record<string, number> = {};
  for (const [input, info] of Object.entries(output.inputs)) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
    if (name) bytes[name] = (bytes[name] ?? 0) + info.bytesInOutput;
  }
  return bytes;
}

function contributors(output: Metafile['outputs'][string]): { name: string; bytes: number }[] {
  const byName = new Map<string, number>();
  for (const [input, info] of Object.entries(output.inputs)) {
    const packageName = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input)?.[1];
    const name = packageName ?? `(ours) ${input.split('/').slice(0, 2).join('/')}`;
    byName.set(name, (byName.get(name) ?? 0) + info.bytesInOutput);
  }
  return [...byName.entries()].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([name, bytes]) => ({ name, bytes }));
}

/** The name of a handler's bundle file (the export benchmark finds its bundle by it). */
export function bundleName(handler: string): string {
  return handler.replace(/\.ts$/, '').replaceAll('/', '__');
}

function builtFrom(outDir: string, metafile: Metafile, handler: string, routeIds: string[]): BuiltBundle {
  const [file, output] = Object.entries(metafile.outputs).find(([name]) => name.endsWith('.mjs')) ?? [];
  if (!file || !output) throw new Error(`esbuild wrote no bundle for ${handler}`);
  const absolute = resolve(repoRoot, file);
  if (!absolute.startsWith(outDir)) throw new Error(`bundle of ${handler} written outside ${outDir}`);
  const mapBytes = existsSync(`${absolute}.map`) ? statSync(`${absolute}.map`).size : 0;
  return { handler, routeIds, file: absolute, bytes: statSync(absolute).size, mapBytes, topContributors: contributors(output), packageBytes: packageBytes(output) };
}

/** Builds one bundle per route, each with its own bundling (row, authenticator), a few at a time. */
async function buildAll(outDir: string, variant: Variant, handlers: string[]): Promise<BuiltBundle[]> {
  const chosen = routes.filter((route) => handlers.includes(route.handler));
  const bundles: BuiltBundle[] = [];
  let next = 0;
  const worker = async () => {
    while (next < chosen.length) {
      const route = chosen[next++] as (typeof chosen)[number];
      const base = esbuildOptionsFromCdk(bundlingFor(route));
      const result = await build({
        ...base,
        ...(variant === 'sdkFromRuntime' ? { external: ['@aws-sdk/*'] } : {}),
        ...(variant === 'zodNamespaceImport' ? { plugins: [zodNamespaceImport] } : {}),
        // The route's entry module as synth writes it (its authenticator, then its handler).
        stdin: { contents: routeEntrySource(route, repoRoot), resolveDir: repoRoot, sourcefile: `route-entry-${route.id}.ts`, loader: 'ts' },
        outfile: join(outDir, `${bundleName(route.handler)}.mjs`),
        metafile: true,
        absWorkingDir: repoRoot,
      });
      bundles.push(builtFrom(outDir, result.metafile, route.handler, [route.id]));
    }
  };
  await Promise.all(Array.from({ length: 3 }, worker));
  return bundles.sort((a, b) => b.bytes - a.bytes);
}

/**
 * Libraries a route may need for its own work, beyond the common pipeline, each with the snippet a
 * reference uses them by (the way the routes use them). A route is held to `dynamodb` plus the
 * groups whose packages contribute ≥ 1 KB to its bundle.
 */
const OWN_LIBRARIES = {
  'xml-crypto': {
    packages: ['xml-crypto', 'xpath'],
    imports: "import { SignedXml } from 'xml-crypto';",
    use: 'export const ownXmlCrypto = (xml: string, key: string) => { const signed = new SignedXml({ publicCert: key }); signed.loadSignature(xml); return signed.checkSignature(xml); };',
  },
  xmldom: {
    packages: ['@xmldom/xmldom'],
    imports: "import { DOMParser } from '@xmldom/xmldom';",
    use: "export const ownXmldom = (xml: string) => new DOMParser().parseFromString(xml, 'text/xml').documentElement?.nodeName;",
  },
  's3-upload-presign': {
    packages: ['@aws-sdk/lib-storage', '@aws-sdk/s3-request-presigner'],
    imports: "import { GetObjectCommand, S3Client as S3UploadClient } from '@aws-sdk/client-s3';\nimport { Upload } from '@aws-sdk/lib-storage';\nimport { getSignedUrl } from '@aws-sdk/s3-request-presigner';",
    use: "export const ownUpload = async (bucket: string, body: string) => { const s3 = new S3UploadClient({}); await new Upload({ client: s3, params: { Bucket: bucket, Key: 'k', Body: body } }).done(); return getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: 'k' }), { expiresIn: 60 }); };",
  },
  s3: {
    packages: ['@aws-sdk/client-s3'],
    imports: "import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';",
    use: 'export const ownS3 = (bucket: string) => new S3Client({}).send(new HeadBucketCommand({ Bucket: bucket }));',
  },
  kms: {
    packages: ['@aws-sdk/client-kms'],
    imports: "import { DecryptCommand, KMSClient } from '@aws-sdk/client-kms';",
    use: 'export const ownKms = (blob: Uint8Array) => new KMSClient({}).send(new DecryptCommand({ CiphertextBlob: blob }));',
  },
  'secrets-manager': {
    packages: ['@aws-sdk/client-secrets-manager'],
    imports: "import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';",
    use: 'export const ownSecret = (id: string) => new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: id }));',
  },
  ldapts: {
    packages: ['ldapts'],
    imports: "import { Client } from 'ldapts';",
    use: "export const ownLdap = async (url: string) => { const client = new Client({ url }); await client.bind('cn=a', 'b'); await client.unbind(); };",
  },
} as const;
type OwnLibrary = keyof typeof OWN_LIBRARIES;

/**
 * A reference's name: `dynamodb` (the bare handler: a DynamoDBClient and one GetItem, the SDK as
 * it comes), `dynamodb-sdk-aliases` (the same with our bundles' SDK aliases — environment
 * credentials, no event-stream codec, no endpoint cache — for information), or `dynamodb+<own libraries>`.
 */
export type ReferenceName = string;

export const REFERENCE_HANDLER =
  "import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';\n" +
  'const client = new DynamoDBClient({});\n' +
  'export const handler = async (event: { id?: string }) => {\n' +
  "  const result = await client.send(new GetItemCommand({ TableName: process.env.TABLE_NAME, Key: { pk: { S: event.id ?? 'x' } } }));\n" +
  '  return { statusCode: 200, body: JSON.stringify(result.Item ?? null) };\n' +
  '};\n';

/** The own-library groups whose packages contribute ≥ 1 KB to a bundle (package name → bytes). */
export function ownLibrariesOf(packageBytes: Readonly<Record<string, number>>): OwnLibrary[] {
  const found = (Object.keys(OWN_LIBRARIES) as OwnLibrary[]).filter((group) => OWN_LIBRARIES[group].packages.some((name) => (packageBytes[name] ?? 0) >= 1024));
  // The upload/presign group includes the S3 client.
  return found.includes('s3-upload-presign') ? found.filter((group) => group !== 's3') : found;
}

/** Which reference a bundle is held to. */
export function referenceFor(packageBytes: Readonly<Record<string, number>>): ReferenceName {
  const own = ownLibrariesOf(packageBytes);
  return own.length === 0 ? 'dynamodb' : `dynamodb+${own.join('+')}`;
}

/**
 * Builds the references of this run with the shared esbuild options: `dynamodb` and
 * `dynamodb-sdk-aliases`, and `dynamodb+<groups>` for every set of own libraries a route needs.
 * The own-library part is exported, so it is kept but never run: init measures loading it. The
 * references keep the SDK as it comes — default credential chain, event-stream codec, endpoint
 * cache — as a bare handler would (except `dynamodb-sdk-aliases`, which shows what the aliases save).
 */
async function buildReferences(root: string, names: readonly ReferenceName[]): Promise<Map<ReferenceName, BuiltBundle>> {
  const sourceDir = join(root, 'reference-src');
  const outDir = join(root, 'reference');
  mkdirSync(sourceDir, { recursive: true });
  mkdirSync(outDir, { recursive: true });
  const built = new Map<ReferenceName, BuiltBundle>();
  for (const name of ['dynamodb', 'dynamodb-sdk-aliases', ...names.filter((name) => name !== 'dynamodb')]) {
    const groups = name.startsWith('dynamodb+') ? (name.slice('dynamodb+'.length).split('+') as OwnLibrary[]) : [];
    const fileName = name.replaceAll('+', '_');
    const file = join(sourceDir, `${fileName}.ts`);
    writeFileSync(file, [...groups.map((group) => OWN_LIBRARIES[group].imports), REFERENCE_HANDLER, ...groups.map((group) => OWN_LIBRARIES[group].use), ''].join('\n'));
    const options = esbuildOptionsFromCdk(bundlingOptions);
    if (name !== 'dynamodb-sdk-aliases') delete options.alias;
    const result = await build({ ...options, entryPoints: { [fileName]: file }, outdir: outDir, outExtension: { '.js': '.mjs' }, metafile: true, absWorkingDir: repoRoot });
    built.set(name, builtFrom(outDir, result.metafile, `reference:${name}`, ['reference']));
  }
  return built;
}

/** Environment of a deployed function (lib/api-stack.ts), with placeholder values. */
function lambdaEnvironment(routeId: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    TABLE_NAME: 'identity-platform',
    EXPORT_BUCKET_NAME: 'identity-platform-audit-exports',
    PUBLIC_BASE_URL: 'https://identity.example.com',
    SECRETS_KEY_ID: 'arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000000',
    SIGNING_KEY_ID: 'arn:aws:kms:us-east-1:000000000000:key/00000000-0000-0000-0000-000000000001',
    AUDIT_RETENTION_DAYS: '400',
    POWERTOOLS_SERVICE_NAME: 'identity-platform',
    POWERTOOLS_LOG_LEVEL: 'INFO',
    PLATFORM_VERSION: '0.0.0',
    AWS_REGION: 'us-east-1',
    AWS_LAMBDA_FUNCTION_NAME: routeId,
    ROUTE_ID: routeId,
    // As deployed (lib/api-stack.ts): source maps are loaded at start.
    NODE_OPTIONS: '--enable-source-maps',
  };
}

export function initOnce(file: string, routeId: string): Promise<{ initMs: number; processMs: number; rssMb: number }> {
  return new Promise((resolvePromise, reject) => {
    execFile(process.execPath, [probe, pathToFileURL(file).href], { env: lambdaEnvironment(routeId), timeout: 30_000 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`init probe failed for ${file}: ${error.message} ${stderr.slice(0, 500)}`));
      try {
        resolvePromise(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}'));
      } catch {
        reject(new Error(`init probe printed no report for ${file}: ${stdout.slice(0, 300)} ${stderr.slice(0, 300)}`));
      }
    });
  });
}

export interface BundleMeasurement {
  handler: string;
  /** The reference this bundle is held to, its size and median init as ratios to it (routes only). */
  reference?: ReferenceName;
  sizeRatio?: number;
  /** Median init ÷ the median of the reference samples paired with this bundle's samples. */
  initRatio?: number;
  referenceInitMsMedian?: number;
  withinBounds?: boolean;
  routeIds: string[];
  bytes: number;
  kb: number;
  mapBytes: number;
  initMsMedian: number;
  initMsMin: number;
  initMsMax: number;
  runs: number;
  rssMbAfterInit: number;
  overSizeTarget: boolean;
  overInitTarget: boolean;
  topContributors: { name: string; kb: number }[];
}

/**
 * Init of a bundle in `runs` fresh processes (two more when the median is over a bound, so one
 * noisy sample cannot decide it). With `paired`, a reference sample is taken right before each of
 * the bundle's samples: both sides of the ratio then see the same moment of a busy machine.
 */
async function measureInit(
  bundle: BuiltBundle,
  runs: number,
  overBound?: (initMsMedian: number, pairedMedian: number | undefined) => boolean,
  paired?: () => Promise<number>,
): Promise<BundleMeasurement & { pairedInits: number[] }> {
  const samples: { initMs: number; rssMb: number }[] = [];
  const pairedInits: number[] = [];
  const sample = async () => {
    if (paired) pairedInits.push(await paired());
    samples.push(await initOnce(bundle.file, bundle.routeIds[0] ?? 'unknown'));
  };
  for (let i = 0; i < runs; i++) await sample();
  const over = overBound ?? ((initMs: number) => initMs > INIT_TARGET_MS);
  if (runs >= 3 && over(median(samples.map((entry) => entry.initMs)), pairedInits.length > 0 ? median(pairedInits) : undefined)) {
    for (let i = 0; i < 2; i++) await sample();
  }
  const inits = samples.map((sample) => sample.initMs);
  const initMsMedian = round(median(inits));
  return {
    handler: bundle.handler,
    routeIds: bundle.routeIds,
    bytes: bundle.bytes,
    kb: round(bundle.bytes / 1024),
    mapBytes: bundle.mapBytes,
    initMsMedian,
    initMsMin: round(Math.min(...inits)),
    initMsMax: round(Math.max(...inits)),
    runs: samples.length,
    rssMbAfterInit: round(median(samples.map((sample) => sample.rssMb))),
    overSizeTarget: bundle.bytes > SIZE_TARGET_BYTES,
    overInitTarget: initMsMedian > INIT_TARGET_MS,
    topContributors: bundle.topContributors.map((entry) => ({ name: entry.name, kb: round(entry.bytes / 1024) })),
    pairedInits,
  };
}

export interface ColdStartReport {
  method: string;
  targets: { maxBundleBytes: number; maxMedianInitMs: number };
  lambdaRuntime: string;
  localNode: string;
  bundles: BundleMeasurement[];
  summary: {
    bundles: number;
    largestKb: number;
    overSizeTarget: string[];
    slowestInitMs: number;
    overInitTarget: string[];
    medianInitMs: number;
    zodKbPerBundle: number;
  };
  /** Same handlers, three ways: as deployed, SDK from the runtime, zod namespace import. */
  comparison: {
    handler: string;
    deployed: { kb: number; initMsMedian: number };
    sdkFromRuntime: { kb: number; initMsMedian: number };
    zodNamespaceImport?: { kb: number; initMsMedian: number };
  }[];
  /** Sources that still import zod as `{ z }` (empty: the namespace import is in place). */
  namedZodImports: string[];
  zodNamespaceImportSizes: { handler: string; kb: number; deployedKb: number }[];
  sdkDecision: string;
  buildSeconds: number;
  /**
   * The references of this run (see REFERENCES) and the bound: every route's bundle size and
   * median init ≤ maxRatio × those of its reference (`dynamodb`, or `dynamodb+<libraries>` for a
   * route that needs libraries of its own).
   */
  references: { name: ReferenceName; libraries: string[]; kb: number; initMsMedian: number; initMsMin: number; initMsMax: number; runs: number; topContributors: { name: string; kb: number }[] }[];
  bounds: { maxRatio: number; withinBounds: number; outside: string[] };
  /** The five routes with the largest ratio (size or init) to their reference, with their largest contributors. */
  worstFive: { routeId: string; handler: string; reference: ReferenceName; sizeRatio: number; initRatio: number; kb: number; initMsMedian: number; referenceInitMsMedian: number; topContributors: { name: string; kb: number }[] }[];
  /** Where the `deployed` bundles were written (the export benchmark reuses one). */
  outDir: string;
  /** What Powertools Metrics and Tracer add to the reference's size and init, and observing a request costs (bench/lib/observability-cost.ts). */
  observability?: ObservabilityCost;
}

export async function coldStart(options: { runs: number; comparisonRuns: number; deadline: number }): Promise<ColdStartReport> {
  const handlers = [...new Set(routes.map((route) => route.handler))];
  const root = mkdtempSync(join(tmpdir(), 'identity-platform-bench-bundles-'));
  // Bundles with the SDK external resolve it from the repository's node_modules, as a runtime copy would be.
  symlinkSync(resolve(repoRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
  const dirs = { deployed: join(root, 'deployed'), sdkFromRuntime: join(root, 'sdk-from-runtime'), zodNamespaceImport: join(root, 'zod-namespace-import') };
  for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });

  const buildStarted = performance.now();
  const deployed = await buildAll(dirs.deployed, 'deployed', handlers);
  const buildSeconds = round((performance.now() - buildStarted) / 1000);
  // The measuring budget starts once the bundles are built (building 100 routes on a loaded machine takes minutes).
  const deadline = options.deadline + (performance.now() - buildStarted);
  progress(`cold start: ${deployed.length} bundles built in ${buildSeconds} s; measuring init (${options.runs} fresh processes each)`);

  // References: measured before, among (one `dynamodb` sample every ten routes) and after the
  // routes, so a machine that slows down during the run moves both sides of every ratio.
  const referenceBundles = await buildReferences(root, [...new Set(deployed.map((bundle) => referenceFor(bundle.packageBytes)))]);
  const referenceSamples = new Map<ReferenceName, number[]>();
  const sampleReference = async (name: ReferenceName, runs: number) => {
    const bundle = referenceBundles.get(name);
    if (!bundle) return;
    for (let i = 0; i < runs; i++) {
      const { initMs } = await initOnce(bundle.file, 'reference');
      referenceSamples.set(name, [...(referenceSamples.get(name) ?? []), initMs]);
    }
  };
  const referenceRuns = Math.max(3, options.runs);
  for (const name of referenceBundles.keys()) await sampleReference(name, referenceRuns);
  const referenceInit = (name: ReferenceName) => median(referenceSamples.get(name) ?? [Number.NaN]);

  // Each route's init is paired with its reference's: one reference sample right before each route
  // sample, and the init ratio is the ratio of those medians.
  const measured: BundleMeasurement[] = [];
  const pairedReferenceMedian = new Map<BundleMeasurement, number>();
  for (const bundle of deployed) {
    const runs = Date.now() < deadline ? options.runs : 1;
    const reference = referenceFor(bundle.packageBytes);
    const referenceBundle = referenceBundles.get(reference);
    const paired = referenceBundle
      ? async () => {
          const { initMs } = await initOnce(referenceBundle.file, 'reference');
          referenceSamples.set(reference, [...(referenceSamples.get(reference) ?? []), initMs]);
          return initMs;
        }
      : undefined;
    const { pairedInits, ...measurement } = await measureInit(bundle, runs, (initMs, pairedMedian) => initMs > MAX_RATIO * (pairedMedian ?? referenceInit(reference)), paired);
    const entry: BundleMeasurement = { ...measurement, reference };
    if (pairedInits.length > 0) pairedReferenceMedian.set(entry, median(pairedInits));
    measured.push(entry);
  }
  for (const name of referenceBundles.keys()) await sampleReference(name, referenceRuns);
  for (const entry of measured) {
    const reference = referenceBundles.get(entry.reference ?? 'dynamodb');
    if (!reference) continue;
    entry.sizeRatio = Math.round((entry.bytes / reference.bytes) * 1000) / 1000;
    entry.referenceInitMsMedian = round(pairedReferenceMedian.get(entry) ?? referenceInit(entry.reference ?? 'dynamodb'));
    entry.initRatio = Math.round((entry.initMsMedian / entry.referenceInitMsMedian) * 1000) / 1000;
    entry.withinBounds = entry.sizeRatio <= MAX_RATIO && entry.initRatio <= MAX_RATIO;
  }
  const references = [...referenceBundles.entries()].map(([name, bundle]) => {
    const samples = referenceSamples.get(name) ?? [];
    return {
      name,
      libraries: name.startsWith('dynamodb+') ? name.slice('dynamodb+'.length).split('+').flatMap((group) => OWN_LIBRARIES[group as OwnLibrary].packages) : [],
      kb: round(bundle.bytes / 1024),
      initMsMedian: round(median(samples)),
      initMsMin: round(Math.min(...samples)),
      initMsMax: round(Math.max(...samples)),
      runs: samples.length,
      topContributors: bundle.topContributors.map((entry) => ({ name: entry.name, kb: round(entry.bytes / 1024) })),
    };
  });
  const worst = (entry: BundleMeasurement) => Math.max(entry.sizeRatio ?? 0, entry.initRatio ?? 0);
  const worstFive = [...measured]
    .sort((a, b) => worst(b) - worst(a))
    .slice(0, 5)
    .map((entry) => ({
      routeId: entry.routeIds[0] ?? '',
      handler: entry.handler,
      reference: entry.reference ?? 'dynamodb',
      sizeRatio: entry.sizeRatio ?? 0,
      initRatio: entry.initRatio ?? 0,
      kb: entry.kb,
      initMsMedian: entry.initMsMedian,
      referenceInitMsMedian: entry.referenceInitMsMedian ?? 0,
      topContributors: entry.topContributors,
    }));

  // The comparison set: the three largest, the median one, and the two hottest paths.
  const pick = new Set<string>([
    ...deployed.slice(0, 3).map((bundle) => bundle.handler),
    deployed[Math.floor(deployed.length / 2)]?.handler ?? '',
    'functions/scim/users/get-user.ts',
    'functions/identity/oauth/issue-token.ts',
  ]);
  pick.delete('');
  const chosen = [...pick].filter((handler) => handlers.includes(handler));
  const external = await buildAll(dirs.sdkFromRuntime, 'sdkFromRuntime', chosen);
  // The zod variant only while some source still imports `{ z }` (the fix the first runs proposed).
  const namedZodImports = sourcesWithNamedZodImport();
  const zodVariant = namedZodImports.length > 0 ? await buildAll(dirs.zodNamespaceImport, 'zodNamespaceImport', chosen) : [];
  const comparison: ColdStartReport['comparison'] = [];
  for (const handler of chosen) {
    const base = measured.find((entry) => entry.handler === handler);
    const sdk = external.find((bundle) => bundle.handler === handler);
    const zod = zodVariant.find((bundle) => bundle.handler === handler);
    if (!base || !sdk) continue;
    const sdkInit = await measureInit(sdk, options.comparisonRuns);
    const zodInit = zod ? await measureInit(zod, options.comparisonRuns) : undefined;
    comparison.push({
      handler,
      deployed: { kb: base.kb, initMsMedian: base.initMsMedian },
      sdkFromRuntime: { kb: sdkInit.kb, initMsMedian: sdkInit.initMsMedian },
      ...(zodInit ? { zodNamespaceImport: { kb: zodInit.kb, initMsMedian: zodInit.initMsMedian } } : {}),
    });
  }
  rmSync(dirs.sdkFromRuntime, { recursive: true, force: true });
  rmSync(dirs.zodNamespaceImport, { recursive: true, force: true });

  const observability = Date.now() < deadline ? await observabilityCost(root, Math.max(3, options.runs)) : undefined;

  const zodKb = median(deployed.map((bundle) => bundle.topContributors.find((entry) => entry.name === 'zod')?.bytes ?? 0)) / 1024;
  const sdkFaster = comparison.filter((entry) => entry.sdkFromRuntime.initMsMedian < entry.deployed.initMsMedian).length;
  return {
    method:
      'esbuild with the options of lib/platform-function.ts (minify, ESM, node22 target, source maps without sources, AWS SDK bundled); ' +
      'each bundle imported by a fresh `node` process (no loader) with the environment of a deployed function, NODE_OPTIONS=--enable-source-maps as in lib/api-stack.ts; ' +
      'init = time of `await import(bundle)`, median of the runs',
    targets: { maxBundleBytes: SIZE_TARGET_BYTES, maxMedianInitMs: INIT_TARGET_MS },
    lambdaRuntime: 'nodejs24.x (lib/platform-function.ts); measured locally on this machine\'s Node',
    localNode: process.version,
    bundles: measured,
    summary: {
      bundles: measured.length,
      largestKb: measured[0]?.kb ?? 0,
      overSizeTarget: measured.filter((entry) => entry.overSizeTarget).map((entry) => `${entry.handler} (${entry.kb} KB)`),
      slowestInitMs: Math.max(...measured.map((entry) => entry.initMsMedian)),
      overInitTarget: measured.filter((entry) => entry.overInitTarget).map((entry) => `${entry.handler} (${entry.initMsMedian} ms)`),
      medianInitMs: round(median(measured.map((entry) => entry.initMsMedian))),
      zodKbPerBundle: round(zodKb),
    },
    comparison,
    namedZodImports,
    zodNamespaceImportSizes: zodVariant.map((bundle) => ({
      handler: bundle.handler,
      kb: round(bundle.bytes / 1024),
      deployedKb: round((deployed.find((entry) => entry.handler === bundle.handler)?.bytes ?? 0) / 1024),
    })),
    sdkDecision:
      sdkFaster === 0
        ? `Bundled (tree-shaken) SDK kept: it initialised faster than the runtime-style SDK in all ${comparison.length} compared functions.`
        : `The runtime-style SDK initialised faster in ${sdkFaster} of ${comparison.length} compared functions: consider externalModules ['@aws-sdk/*'].`,
    buildSeconds,
    references,
    bounds: {
      maxRatio: MAX_RATIO,
      withinBounds: measured.filter((entry) => entry.withinBounds).length,
      outside: measured
        .filter((entry) => !entry.withinBounds)
        .map((entry) => `${entry.routeIds[0]} (${entry.reference}: size ×${entry.sizeRatio}, init ×${entry.initRatio})`),
    },
    worstFive,
    outDir: dirs.deployed,
    ...(observability ? { observability } : {}),
  };
}

/** Removes the temporary bundle directory (after the export benchmark reused a bundle). */
export function removeBundles(report: ColdStartReport | undefined): void {
  if (!report) return;
  rmSync(resolve(report.outDir, '..'), { recursive: true, force: true });
}
