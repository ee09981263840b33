import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiDefinitionId } from './definitions.ts';
import type { OpenApiDocument } from './openapi-document.ts';
import { PREBUILT_DOCUMENTS_FOLDER, readPrebuiltDocument } from './prebuilt-documents.ts';

declare global {
  /**
   * true in the bundle of a route with `openApiDocuments` (esbuild's `define`, lib/platform-function.ts
   * `bundlingFor`): its documents were written at synth and lie next to the bundle. Undefined when
   * the sources run unbundled (local runtime, tests), which generate them in process.
   */
  var __PLATFORM_OPENAPI_DOCUMENTS__: boolean | undefined;
}

const cache = new Map<ApiDefinitionId, Promise<OpenApiDocument>>();

/**
 * The OpenAPI 3.1 document of definition `id` with server `baseUrl` and `info.version` `version`,
 * once per process: in a Lambda bundle the prebuilt file next to the bundle
 * (shared/openapi/prebuilt-documents.ts), unbundled generated from the route table. The generator
 * and the route table are imported only on the second path, which esbuild drops from the bundle.
 *
 * @throws Error when the prebuilt file cannot be read (a failed read is retried on the next call).
 */
export function servedDocument(id: ApiDefinitionId, baseUrl: string, version: string): Promise<OpenApiDocument> {
  let pending = cache.get(id);
  if (!pending) {
    pending = globalThis.__PLATFORM_OPENAPI_DOCUMENTS__
      ? readPrebuiltDocument(join(dirname(fileURLToPath(import.meta.url)), PREBUILT_DOCUMENTS_FOLDER), id, baseUrl, version)
      : generated(id, baseUrl, version);
    pending.catch(() => cache.delete(id));
    cache.set(id, pending);
  }
  return pending;
}

async function generated(id: ApiDefinitionId, baseUrl: string, version: string): Promise<OpenApiDocument> {
  const [{ apiDefinition }, { generateDocument }, { routes }] = await Promise.all([import('./definitions.ts'), import('./registry.ts'), import('../routes.ts')]);
  const definition = apiDefinition(id);
  if (!definition) throw new Error(`No API definition ${id}`);
  return generateDocument(definition, routes, baseUrl, version);
}
