import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextKeys } from '../../lib/config.ts';
import { routes } from '../../shared/routes.ts';
import { apiDefinitionIds, apiDefinitions } from '../../shared/openapi/definitions.ts';
import { generateDocument } from '../../shared/openapi/registry.ts';
import { synthPlatform, type SynthResult } from './support/synth.ts';

/**
 * The Swagger UI files are served by the docs function itself, so its bundle must carry them, and
 * the OpenAPI documents' function serves the documents written at synth: this bundles those two
 * functions for real (esbuild plus the copy hooks) and invokes the bundled handlers from the cloud
 * assembly.
 */
const docsAsset = routes.find((route) => route.id === 'platform-docs-asset');
const openApiDocument = routes.find((route) => route.id === 'platform-openapi-document');
let synth: SynthResult;
let bundleDir: string;
let documentsBundleDir: string;

/** The asset folder holding a bundle (index.mjs) and the folder `beside` it. */
function findBundle(dir: string, beside: string): string | undefined {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (!statSync(full).isDirectory()) continue;
    if (existsSync(join(full, 'index.mjs')) && existsSync(join(full, beside))) return full;
  }
  return undefined;
}

type BundledHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

function getEvent(path: string, resource: string, pathParameters: Record<string, string>): APIGatewayProxyEvent {
  return {
    httpMethod: 'GET',
    path,
    resource,
    pathParameters,
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { identity: { sourceIp: '192.0.2.1' } },
  } as unknown as APIGatewayProxyEvent;
}

beforeAll(() => {
  if (!docsAsset || !openApiDocument) throw new Error('no platform-docs-asset or platform-openapi-document route');
  synth = synthPlatform({
    routes: [docsAsset, openApiDocument],
    context: { [contextKeys.skipBundling]: false, [contextKeys.regions]: 'us-east-1' },
    nag: false,
  });
  const found = findBundle(synth.app.outdir, 'package-files');
  if (!found) throw new Error('no bundle with package-files in the cloud assembly');
  bundleDir = found;
  const documents = findBundle(synth.app.outdir, 'openapi');
  if (!documents) throw new Error('no bundle with openapi documents in the cloud assembly');
  documentsBundleDir = documents;
  // Set every value the documents depend on: in `npm test` the integration project's global setup
  // starts the local runtime first, and workers inherit its environment (PLATFORM_VERSION among it).
  Object.assign(process.env, { TABLE_NAME: 'identity-platform', PUBLIC_BASE_URL: 'https://platform.example.com', PLATFORM_VERSION: '0.0.0', POWERTOOLS_LOG_LEVEL: 'ERROR' });
}, 300_000);
afterAll(() => synth?.dispose());

describe('the docs function bundle', () => {
  it('carries exactly the swagger-ui-dist files the route lists, next to index.mjs', () => {
    const copied = readdirSync(join(bundleDir, 'package-files', 'swagger-ui-dist')).sort();
    expect(copied).toEqual([...(docsAsset?.packageFiles?.[0]?.files ?? [])].sort());
    for (const file of copied) {
      const original = readFileSync(join(import.meta.dirname, '..', '..', 'node_modules', 'swagger-ui-dist', file));
      expect(readFileSync(join(bundleDir, 'package-files', 'swagger-ui-dist', file)).equals(original), file).toBe(true);
    }
  });

  it('serves them from the bundle', async () => {
    const { handler } = (await import(pathToFileURL(join(bundleDir, 'index.mjs')).href)) as { handler: BundledHandler };
    const result = await handler(getEvent('/api/docs/swagger-ui.css', '/api/docs/{asset}', { asset: 'swagger-ui.css' }), { awsRequestId: 'test' } as Context);
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['Content-Type']).toContain('text/css');
    expect(result.body).toBe(readFileSync(join(bundleDir, 'package-files', 'swagger-ui-dist', 'swagger-ui.css'), 'utf8'));
  });
});

describe('the OpenAPI documents function bundle', () => {
  it('carries every definition\'s document next to index.mjs, and neither the generator nor the route table', () => {
    expect(readdirSync(join(documentsBundleDir, 'openapi')).sort()).toEqual(apiDefinitionIds.map((id) => `${id}.json`).sort());
    const bundle = readFileSync(join(documentsBundleDir, 'index.mjs'), 'utf8');
    // Other routes' rows (the route table), the definitions' descriptions and the generator are not in it.
    expect(bundle).not.toContain('Health of the table and the export bucket');
    expect(bundle).not.toContain('Provision and manage users and groups with SCIM 2.0');
    expect(bundle).not.toContain('has no operation doc under shared/openapi/operations/');
  });

  it('serves exactly the document generated in process, with this deployment\'s server', async () => {
    const { handler } = (await import(pathToFileURL(join(documentsBundleDir, 'index.mjs')).href)) as { handler: BundledHandler };
    for (const definition of apiDefinitions) {
      const result = await handler(getEvent(`/api/openapi/${definition.id}.json`, '/api/openapi/{definition}', { definition: `${definition.id}.json` }), { awsRequestId: 'test' } as Context);
      expect(result.statusCode, definition.id).toBe(200);
      expect(result.headers).toMatchObject({ 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' });
      expect(result.body, definition.id).toBe(JSON.stringify(generateDocument(definition, routes, 'https://platform.example.com', '0.0.0')));
    }
    const missing = await handler(getEvent('/api/openapi/nope.json', '/api/openapi/{definition}', { definition: 'nope.json' }), { awsRequestId: 'test' } as Context);
    expect(missing.statusCode).toBe(404);
  });
});
