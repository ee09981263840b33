import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { bundlingFor, routeEntrySource } from '../../lib/platform-function.ts';
import { esbuildOptionsFromCdk } from '../../bench/lib/cold-start.ts';
import { toProxyEvent } from '../../lib/local/lambda-adapter.ts';
import { LOCAL_EXPORT_BUCKET, LOCAL_TABLE_NAME } from '../../lib/local/platform.ts';
import { routes } from '../../shared/routes.ts';
import { useLocalEngines } from './support/in-process.ts';
import { GROUP_SCHEMA, scimTenant, userBody, type ScimTenant } from './support/scim-client.ts';

/**
 * The functions as they are deployed: each route built into its own bundle with the deployed esbuild
 * options (lib/platform-function.ts `bundlingFor`, the entry module synth writes, the SDK aliases),
 * loaded in a fresh Node process and invoked once with an API Gateway proxy event against the local
 * engines. Every other integration test runs the handlers from source in the local runtime, so this is
 * where the bundled SDK — environment credentials, no event-stream codec, no endpoint cache
 * (shared/aws/unused-sdk-features.ts) — makes real DynamoDB and S3 calls. The effects are then read
 * through the local runtime's HTTP API.
 */
const repoRoot = resolve(import.meta.dirname, '..', '..');
const child = resolve(repoRoot, 'bench', 'lib', 'export-child.mjs');
let scratch: string;
let tenant: ScimTenant;

interface Invocation {
  status: number;
  headers: Record<string, string>;
  body: string;
}

async function bundleOf(routeId: string): Promise<string> {
  const route = routes.find((candidate) => candidate.id === routeId);
  if (!route) throw new Error(`route ${routeId} is not in the table`);
  const outfile = join(scratch, `${routeId}.mjs`);
  await build({
    ...esbuildOptionsFromCdk(bundlingFor(route)),
    stdin: { contents: routeEntrySource(route, repoRoot), resolveDir: repoRoot, sourcefile: `route-entry-${routeId}.ts`, loader: 'ts' },
    outfile,
    absWorkingDir: repoRoot,
    logLevel: 'error',
  });
  return outfile;
}

/** Invokes a route's bundle once in a fresh process, as a new Lambda instance would (bounded to 60 s). */
async function invokeBundle(routeId: string, method: string, path: string, token: string, json?: unknown): Promise<Invocation> {
  const route = routes.find((candidate) => candidate.id === routeId);
  if (!route) throw new Error(`route ${routeId} is not in the table`);
  const bundle = await bundleOf(routeId);
  const url = new URL(path, inject('baseUrl'));
  const body = json === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(json));
  const headers: Record<string, string> = { host: url.host, authorization: `Bearer ${token}`, 'user-agent': 'deployed-bundles-test', ...(json === undefined ? {} : { 'content-type': 'application/scim+json' }) };
  const request = { method, httpVersion: '1.1', rawHeaders: Object.entries(headers).flat(), headers, socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage;
  const eventFile = join(scratch, `${routeId}-event.json`);
  writeFileSync(eventFile, JSON.stringify(toProxyEvent(request, url, body, route, {}, 'local')));
  const processHandle = spawn(process.execPath, [child, pathToFileURL(bundle).href, eventFile, '30000', 'body'], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      TABLE_NAME: LOCAL_TABLE_NAME,
      EXPORT_BUCKET_NAME: LOCAL_EXPORT_BUCKET,
      PUBLIC_BASE_URL: inject('baseUrl'),
      DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
      S3_ENDPOINT: inject('s3Endpoint'),
      LOCAL_KEY_DIR: inject('localKeyDir'),
      AWS_REGION: 'local',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  processHandle.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  processHandle.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const timer = setTimeout(() => processHandle.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((done) => processHandle.once('exit', done));
  clearTimeout(timer);
  const line = stdout.trim().split('\n').at(-1);
  if (code !== 0 || !line) throw new Error(`bundle ${routeId} exited ${code}: ${stderr}`);
  return JSON.parse(line) as Invocation;
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'deployed-bundles-'));
  tenant = await scimTenant();
}, 60_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('deployed bundles against the local engines', () => {
  it('SCIM Bulk, bundled: creates a user and a group naming it by bulkId (DynamoDB transactions, queries, updates)', async () => {
    const userName = `bundled-${Date.now()}@example.com`;
    const displayName = `Bundled group ${Date.now()}`;
    const result = await invokeBundle('scim-bulk', 'POST', '/api/scim/v2/Bulk', tenant.token, {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
      Operations: [
        { method: 'POST', path: '/Users', bulkId: 'u1', data: userBody(userName) },
        { method: 'POST', path: '/Groups', bulkId: 'g1', data: { schemas: [GROUP_SCHEMA], displayName, members: [{ value: 'bulkId:u1' }] } },
      ],
    });
    expect(result.status, result.body).toBe(200);
    const operations = (JSON.parse(result.body) as { Operations: { bulkId: string; status: string }[] }).Operations;
    expect(operations.map((operation) => [operation.bulkId, operation.status])).toEqual([
      ['u1', '201'],
      ['g1', '201'],
    ]);

    // Read back through the local runtime: the bundle wrote what the source handlers read.
    const users = await tenant.scim<{ Resources: { id: string }[] }>('GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
    expect(users.body.Resources).toHaveLength(1);
    const groups = await tenant.scim<{ Resources: { members?: { value: string }[] }[] }>('GET', `/Groups?filter=${encodeURIComponent(`displayName eq "${displayName}"`)}`);
    expect(groups.body.Resources[0]?.members?.map((member) => member.value)).toEqual([users.body.Resources[0]?.id]);
  }, 120_000);

  it('audit export, bundled: writes the file to S3 through the bundled S3 client and answers it inline', async () => {
    const result = await invokeBundle('identity-audit-export', 'GET', '/api/identity/v1/audit/log?exportType=csv&pageSize=50', tenant.tenant.ownerToken);
    expect(result.status, result.body).toBe(200);
    expect(result.body.split('\n')[0]).toContain('action');
    const key = result.headers['X-Audit-Export-Key'];
    expect(key).toBeTruthy();
    useLocalEngines();
    const { s3 } = await import('../../shared/storage/clients.ts');
    const stored = await s3().send(new HeadObjectCommand({ Bucket: LOCAL_EXPORT_BUCKET, Key: key }));
    expect(stored.ContentLength).toBe(Buffer.byteLength(result.body));
  }, 120_000);
});
