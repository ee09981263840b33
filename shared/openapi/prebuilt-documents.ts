/*
 * The OpenAPI documents as the documents' function serves them in Lambda: written once per synth
 * (lib/openapi-documents.ts) with placeholder server URL and version, copied next to the function's
 * bundle (lib/platform-function.ts, route-table field `openApiDocuments`), and completed here with
 * the deployment's own. This module imports neither the generator nor the route table, so the
 * function's bundle carries neither.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApiDefinitionId } from './definitions.ts';
import type { OpenApiDocument } from './openapi-document.ts';

/** Folder next to the function's bundle that holds `<definition id>.json`. */
export const PREBUILT_DOCUMENTS_FOLDER = 'openapi';

/** `servers[0].url` of a prebuilt document until it is served (a reserved domain, never resolvable). */
export const PLACEHOLDER_BASE_URL = 'https://openapi-placeholder.invalid';

/** `info.version` of a prebuilt document until it is served. */
export const PLACEHOLDER_VERSION = '0.0.0-placeholder';

/** File name of a definition's prebuilt document inside {@link PREBUILT_DOCUMENTS_FOLDER}. */
export function prebuiltDocumentFile(id: ApiDefinitionId): string {
  return `${id}.json`;
}

/**
 * Reads the prebuilt document of definition `id` from `folder` and gives it this deployment's
 * server (`servers[0].url`, the public base URL without a trailing slash) and `info.version`. The
 * result serializes exactly as `generateDocument(definition, routes, baseUrl, version)` would:
 * only those two values differ between deployments, and they keep their places.
 *
 * @throws Error (ENOENT) when the file is missing, SyntaxError when it is not JSON.
 */
export async function readPrebuiltDocument(folder: string, id: ApiDefinitionId, baseUrl: string, version: string): Promise<OpenApiDocument> {
  const document = JSON.parse(await readFile(join(folder, prebuiltDocumentFile(id)), 'utf8')) as OpenApiDocument;
  const server = document.servers[0];
  if (!server) throw new Error(`Prebuilt OpenAPI document ${id} has no server`);
  server.url = baseUrl;
  document.info.version = version;
  return document;
}
