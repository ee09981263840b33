import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { apiDefinitions } from '../shared/openapi/definitions.ts';
import { PLACEHOLDER_BASE_URL, PLACEHOLDER_VERSION, prebuiltDocumentFile } from '../shared/openapi/prebuilt-documents.ts';
import { generateDocument } from '../shared/openapi/registry.ts';
import { routes as routeTable, type RouteDefinition } from '../shared/routes.ts';
import { repoRoot } from './config.ts';

/** Where synth writes the OpenAPI documents that route functions with `openApiDocuments` carry (git-ignored). */
export const OPENAPI_DOCUMENTS_DIR = path.join(repoRoot, '.build', 'openapi-documents');

/**
 * Writes every API definition's OpenAPI document (shared/openapi/definitions.ts) into `dir` as
 * `<id>.json`, generated from `routes` with the placeholder server URL and version that the
 * function replaces when it serves one (shared/openapi/prebuilt-documents.ts). The output depends
 * only on the code, so the function's asset hash is stable; a file whose content is unchanged is
 * not rewritten, a changed one is replaced atomically.
 *
 * @param routes the route table the documents describe: the whole table by default, as the local runtime's.
 * @returns the absolute paths of the files, in definition order.
 * @throws Error when a documented route has no operation doc (generateDocument).
 */
export function writeOpenApiDocuments(dir: string, routes: readonly RouteDefinition[] = routeTable): string[] {
  mkdirSync(dir, { recursive: true });
  return apiDefinitions.map((definition) => {
    const file = path.join(dir, prebuiltDocumentFile(definition.id));
    const content = JSON.stringify(generateDocument(definition, routes, PLACEHOLDER_BASE_URL, PLACEHOLDER_VERSION));
    if (!existsSync(file) || readFileSync(file, 'utf8') !== content) {
      // Renamed into place, so a synth running alongside never copies a half-written file.
      const partial = `${file}.${process.pid}.partial`;
      writeFileSync(partial, content);
      renameSync(partial, file);
    }
    return file;
  });
}

let written = false;

/**
 * The documents under {@link OPENAPI_DOCUMENTS_DIR}, written once per process (a synth may bundle
 * the function once per region).
 */
export function ensureOpenApiDocuments(): void {
  if (written) return;
  writeOpenApiDocuments(OPENAPI_DOCUMENTS_DIR);
  written = true;
}
