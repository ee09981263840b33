import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextKeys } from '../../lib/config.ts';
import { routes } from '../../shared/routes.ts';
import { synthPlatform, type SynthResult } from './support/synth.ts';

/**
 * The Swagger UI files are served by the docs function itself, so its bundle must carry them:
 * this bundles that one function for real (esbuild plus the packageFiles copy hook) and invokes
 * the bundled handler from the cloud assembly.
 */
const docsAsset = routes.find((route) => route.id === 'platform-docs-asset');
let synth: SynthResult;
let bundleDir: string;

function findBundle(dir: string): string | undefined {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (!statSync(full).isDirectory()) continue;
    if (existsSync(join(full, 'index.mjs')) && existsSync(join(full, 'package-files'))) return full;
  }
  return undefined;
}

beforeAll(() => {
  if (!docsAsset) throw new Error('no platform-docs-asset route');
  synth = synthPlatform({
    routes: [docsAsset],
    context: { [contextKeys.skipBundling]: false, [contextKeys.regions]: 'us-east-1' },
    nag: false,
  });
  const found = findBundle(synth.app.outdir);
  if (!found) throw new Error('no bundle with package-files in the cloud assembly');
  bundleDir = found;
});
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
    Object.assign(process.env, { TABLE_NAME: 'identity-platform', PUBLIC_BASE_URL: 'https://platform.example.com', POWERTOOLS_LOG_LEVEL: 'ERROR' });
    const { handler } = (await import(pathToFileURL(join(bundleDir, 'index.mjs')).href)) as {
      handler: (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;
    };
    const event = {
      httpMethod: 'GET',
      path: '/api/docs/swagger-ui.css',
      resource: '/api/docs/{asset}',
      pathParameters: { asset: 'swagger-ui.css' },
      headers: {},
      multiValueHeaders: {},
      queryStringParameters: null,
      multiValueQueryStringParameters: null,
      body: null,
      isBase64Encoded: false,
      requestContext: { identity: { sourceIp: '192.0.2.1' } },
    } as unknown as APIGatewayProxyEvent;
    const result = await handler(event, { awsRequestId: 'test' } as Context);
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['Content-Type']).toContain('text/css');
    expect(result.body).toBe(readFileSync(join(bundleDir, 'package-files', 'swagger-ui-dist', 'swagger-ui.css'), 'utf8'));
  });
});
