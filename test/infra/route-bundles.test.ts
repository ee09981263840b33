import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlingFor, routeEntrySource } from '../../lib/platform-function.ts';
import { esbuildOptionsFromCdk } from '../../bench/lib/cold-start.ts';
import { routes } from '../../shared/routes.ts';

/**
 * Guards what a route's bundle contains (issue 17, "bundles at the floor"), by esbuild's metafile
 * rather than by timing: representative routes — public, bearer, a SCIM write, operator, the OpenAPI
 * documents, one that starts a worker, the health report and a directory read — built with the
 * deployed options (lib/platform-function.ts `bundlingFor` + the generated entry module), as the
 * benchmark and CDK build them. Sizes and init times are the benchmark's job (bench/lib/cold-start.ts).
 */
const repoRoot = resolve(import.meta.dirname, '..', '..');
const chosen = {
  public: 'oauth-jwks',
  bearer: 'scim-users-get',
  write: 'scim-users-create',
  operator: 'identity-organizations-create',
  documents: 'platform-openapi-document',
  // Starts sweep-group-memberships (its row's `starts`).
  starter: 'scim-groups-delete',
  // Reports every worker queue's backlog (`readsWorkerQueues`).
  health: 'platform-health',
  // A bearer route of a family with exact rate limits and published rate-limit headers.
  directory: 'directory-users-list',
} as const;
const inputs = new Map<string, string[]>();
const files = new Map<string, string>();
let outDir: string;

function route(id: string) {
  const found = routes.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`route ${id} is not in the table`);
  return found;
}

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'route-bundles-'));
  for (const id of Object.values(chosen)) {
    const row = route(id);
    const outfile = join(outDir, `${id}.mjs`);
    const result = await build({
      ...esbuildOptionsFromCdk(bundlingFor(row)),
      sourcemap: false,
      stdin: { contents: routeEntrySource(row, repoRoot), resolveDir: repoRoot, sourcefile: `route-entry-${id}.ts`, loader: 'ts' },
      outfile,
      metafile: true,
      absWorkingDir: repoRoot,
      logLevel: 'error',
    });
    const output = Object.values(result.metafile.outputs).find((entry) => entry.entryPoint);
    // Only inputs that put code in the bundle count (a module tree-shaken to nothing is not carried).
    inputs.set(id, Object.entries(output?.inputs ?? {}).filter(([, info]) => info.bytesInOutput > 0).map(([input]) => input));
    files.set(id, outfile);
  }
}, 120_000);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const carries = (id: string, fragment: string) => (inputs.get(id) ?? []).some((input) => input.includes(fragment));

describe('route bundles', () => {
  it('carry no route table: only their own row, injected at build time', () => {
    for (const id of Object.values(chosen)) {
      expect(carries(id, 'shared/routes.ts'), id).toBe(false);
      expect(carries(id, 'shared/route-table/'), id).toBe(false);
      expect(carries(id, 'shared/http/route-source.ts'), id).toBe(true);
    }
  });

  it('serve the OpenAPI documents written at synth: no generator, no request schemas', () => {
    expect(carries(chosen.documents, 'shared/openapi/served-documents.ts')).toBe(true);
    for (const fragment of ['shared/openapi/registry.ts', 'shared/openapi/openapi-document.ts', 'shared/openapi/operations/', 'shared/openapi/response-schemas.ts', 'shared/scim/request-schemas.ts', 'shared/identity/schemas.ts']) {
      expect(carries(chosen.documents, fragment), fragment).toBe(false);
    }
  });

  it('read Lambda credentials from the environment: no default provider chain, no nested clients', () => {
    // The documents' function makes no AWS call, so it carries no credentials at all.
    expect(carries(chosen.documents, '@aws-sdk/'), chosen.documents).toBe(false);
    for (const id of [chosen.public, chosen.bearer, chosen.operator]) {
      expect(carries(id, 'shared/aws/lambda-credentials.ts'), id).toBe(true);
      expect(carries(id, '@aws-sdk/credential-provider-node'), id).toBe(false);
      expect(carries(id, '@aws-sdk/nested-clients'), id).toBe(false);
      expect(carries(id, '@aws-sdk/credential-provider-sso'), id).toBe(false);
    }
  });

  it('carry no SDK event-stream codec and no endpoint cache: no call has an event stream or uses endpoint discovery', () => {
    // The health report's S3 client builds an event-stream marshaller when constructed: the stand-in provides it.
    expect(carries(chosen.health, '@aws-sdk/client-s3/'), chosen.health).toBe(true);
    for (const id of [chosen.public, chosen.bearer, chosen.write, chosen.operator, chosen.health, chosen.directory]) {
      expect(carries(id, 'shared/aws/unused-sdk-features.ts'), id).toBe(true);
      expect(carries(id, '@smithy/core/dist-es/submodules/event-streams/'), id).toBe(false);
      expect(carries(id, '@aws-sdk/endpoint-cache/'), id).toBe(false);
      expect(carries(id, 'node_modules/mnemonist/'), id).toBe(false);
    }
  });

  it('carry token verification (jose) only where the route verifies tokens', () => {
    expect(carries(chosen.bearer, 'node_modules/jose/'), chosen.bearer).toBe(true);
    expect(carries(chosen.bearer, 'shared/auth/bearer.ts'), chosen.bearer).toBe(true);
    expect(carries(chosen.public, 'node_modules/jose/'), chosen.public).toBe(false);
    expect(carries(chosen.public, 'shared/auth/bearer.ts'), chosen.public).toBe(false);
    expect(carries(chosen.operator, 'shared/auth/bearer.ts'), chosen.operator).toBe(false);
  });

  it('carry Secrets Manager only for the operator key', () => {
    expect(carries(chosen.operator, '@aws-sdk/client-secrets-manager'), chosen.operator).toBe(true);
    expect(carries(chosen.public, '@aws-sdk/client-secrets-manager'), chosen.public).toBe(false);
    expect(carries(chosen.bearer, '@aws-sdk/client-secrets-manager'), chosen.bearer).toBe(false);
  });

  it("keep only their own route's request schemas (lazily and requestContract calls are marked pure)", () => {
    // scim-users-get validates a projection query: the other SCIM contracts in
    // shared/scim/request-schemas.ts, and the User/Group input schemas they generate from the
    // attribute definitions (shared/scim/resource-zod.ts), are dropped from its bundle.
    expect(carries(chosen.bearer, 'shared/scim/request-schemas.ts'), chosen.bearer).toBe(true);
    expect(carries(chosen.bearer, 'shared/scim/resource-zod.ts'), chosen.bearer).toBe(false);
  });

  it('start workers from their declared rows only: no worker table, no other worker, no backlog code', () => {
    // The row of sweep-group-memberships is injected at build time (__PLATFORM_STARTED_WORKERS__);
    // without the injection startWorker falls back to the worker table and this fails.
    const text = readFileSync(files.get(chosen.starter) ?? '', 'utf8');
    expect(carries(chosen.starter, 'shared/workers/start-worker.ts')).toBe(true);
    expect(text.includes('{"id":"sweep-group-memberships","trigger":{"kind":"queue"}}'), 'injected row').toBe(true);
    expect(carries(chosen.starter, 'shared/worker-table/')).toBe(false);
    expect(carries(chosen.starter, 'shared/workers/worker-backlog.ts')).toBe(false);
    // Other workers' rows (ids, handler modules) and payload schemas are not in the bundle.
    for (const fragment of ['policy-sweep', 'sync-run', 'audit-export', 'functions/workers/']) expect(text.includes(fragment), fragment).toBe(false);
    // The health report reads every worker's queues: it carries the table and the backlog code.
    expect(carries(chosen.health, 'shared/worker-table/')).toBe(true);
    expect(carries(chosen.health, 'shared/workers/worker-backlog.ts')).toBe(true);
  });

  it('carry the SCIM attribute descriptions only where they are served (/Schemas and the OpenAPI documents)', () => {
    // The SCIM read and write routes validate with the attribute characteristics of
    // shared/scim/schema.ts; the descriptions, canonical values and reference types are in
    // shared/scim/schema-documentation.ts, which only discovery and the OpenAPI generator import.
    for (const id of [chosen.bearer, chosen.write]) {
      expect(carries(id, 'shared/scim/schema.ts'), id).toBe(true);
      expect(carries(id, 'shared/scim/schema-documentation.ts'), id).toBe(false);
      expect(readFileSync(files.get(id) ?? '', 'utf8').includes('first name in most Western languages'), `${id} carries the description of name.givenName`).toBe(false);
    }
  });

  it("carry only their own family's and body's pipeline code (family and body injected as literals)", () => {
    // lib/platform-function.ts `routeConstantsDefine`: without the literals every bundle carries
    // every family's error body, both rate limiters and every body parser.
    const text = (id: string) => readFileSync(files.get(id) ?? '', 'utf8');
    const has = (id: string, fragment: string) => text(id).includes(fragment);
    for (const id of [chosen.bearer, chosen.write]) {
      // SCIM error bodies only: no RFC 6749 body, no REST reason phrases, no 405 of the fallback route.
      expect(has(id, 'Basic realm="oauth"'), `${id}: OAuth error body`).toBe(false);
      expect(has(id, 'Precondition Failed'), `${id}: REST error body`).toBe(false);
      expect(has(id, 'is not supported on'), `${id}: MethodNotAllowedError`).toBe(false);
      // The leased limiter only: no exact per-request counting, no rate-limit headers.
      expect(has(id, ':maxMinute'), `${id}: leased limiter`).toBe(true);
      expect(has(id, 'ADD hourCount :one'), `${id}: exact counting`).toBe(false);
      expect(has(id, 'X-RateLimit-Remaining'), `${id}: rate-limit headers`).toBe(false);
      expect(has(id, 'appears more than once'), `${id}: form parser`).toBe(false);
    }
    // A GET takes no body: no JSON parser; the SCIM write parses JSON.
    expect(has(chosen.bearer, 'levels deep'), chosen.bearer).toBe(false);
    expect(has(chosen.write, 'levels deep'), chosen.write).toBe(true);
    // The directory API counts exactly and publishes its limits, with REST error bodies.
    expect(has(chosen.directory, 'ADD hourCount :one')).toBe(true);
    expect(has(chosen.directory, ':maxMinute')).toBe(false);
    expect(has(chosen.directory, 'X-RateLimit-Remaining')).toBe(true);
    expect(has(chosen.directory, 'Precondition Failed')).toBe(true);
    expect(has(chosen.directory, 'Basic realm="oauth"')).toBe(false);
    // An identity route keeps the RFC 6749 body; the platform routes keep every family's.
    expect(has(chosen.public, 'Basic realm="oauth"'), chosen.public).toBe(true);
    expect(has(chosen.health, 'Basic realm="oauth"') && has(chosen.health, 'Precondition Failed') && has(chosen.health, 'is not supported on'), chosen.health).toBe(true);
  });

  it('carry only the metric definitions they record, not the whole catalogue', () => {
    // shared/observability/metrics-catalog.ts: one export per definition, recorded with addMetric.
    for (const id of [chosen.public, chosen.bearer, chosen.directory]) {
      const text = readFileSync(files.get(id) ?? '', 'utf8');
      expect(text.includes('DynamoDbConsumedWriteCapacity'), `${id}: the request metrics`).toBe(true);
      for (const name of ['ScimOperations', 'SignInFailures', 'SyncRuns', 'ViolationsOpened', 'ExportJobs', 'WorkerFailures']) {
        expect(text.includes(name), `${id} carries ${name}`).toBe(false);
      }
    }
    // A SCIM write records ScimOperations, and no other domain or worker metric.
    const write = readFileSync(files.get(chosen.write) ?? '', 'utf8');
    expect(write.includes('ScimOperations'), chosen.write).toBe(true);
    for (const name of ['SignInFailures', 'SyncRuns', 'ViolationsOpened', 'ExportJobs', 'WorkerFailures']) expect(write.includes(name), `${chosen.write} carries ${name}`).toBe(false);
  });

  it('carry the SCIM filter parser only where a filter can occur (not in a POST/PUT)', () => {
    // A POST/PUT body is coerced by the PATCH applier's core over plain attribute paths
    // (shared/scim/patch.ts applyAttributes); value filters are parsed and compiled only from the
    // PATCH entry points, so shared/scim/filter.ts stays out of the write route's bundle.
    expect(carries(chosen.write, 'shared/scim/patch.ts'), chosen.write).toBe(true);
    expect(carries(chosen.write, 'shared/scim/filter.ts'), chosen.write).toBe(false);
  });

  it('keep the DynamoDB client tree-shaken (no aggregated client, no waiters)', () => {
    for (const id of Object.values(chosen)) {
      expect(carries(id, '@aws-sdk/client-dynamodb/dist-es/DynamoDB.js'), id).toBe(false);
      expect(carries(id, '@aws-sdk/client-dynamodb/dist-es/waiters/'), id).toBe(false);
    }
  });

  it('load in a fresh Node process with a deployed function environment', () => {
    for (const id of Object.values(chosen)) {
      const printed = execFileSync(process.execPath, [join(repoRoot, 'bench', 'lib', 'init-probe.mjs'), pathToFileURL(files.get(id) ?? '').href], {
        env: { PATH: process.env.PATH ?? '', TABLE_NAME: 'identity-platform', PUBLIC_BASE_URL: 'https://platform.example.com', AWS_REGION: 'us-east-1', ROUTE_ID: id, POWERTOOLS_LOG_LEVEL: 'ERROR' },
        encoding: 'utf8',
        timeout: 30_000,
      });
      expect(JSON.parse(printed.trim().split('\n').at(-1) ?? '{}').initMs, id).toBeGreaterThan(0);
    }
  });
});
