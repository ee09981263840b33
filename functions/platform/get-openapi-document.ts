import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { platformConfig } from '#shared/config.ts';
import { NotFoundError } from '#shared/errors/domain-errors.ts';
import { apiDefinition, apiDefinitions } from '#shared/openapi/definitions.ts';
import { generateDocument } from '#shared/openapi/registry.ts';
import type { OpenApiDocument } from '#shared/openapi/openapi-document.ts';
import { routes } from '#shared/routes.ts';

const documents = new Map<string, OpenApiDocument>();

/** The OpenAPI 3.1 document of one API definition, its server being this deployment's public base URL. */
export const handler = createHandler('platform-openapi-document', async (request) => {
  const name = request.pathParameters.definition ?? '';
  const definition = apiDefinition(name.replace(/\.json$/, ''));
  if (!definition) {
    throw new NotFoundError(`No API definition ${name}; use ${apiDefinitions.map((candidate) => `${candidate.id}.json`).join(', ')}.`);
  }
  let document = documents.get(definition.id);
  if (!document) {
    const config = platformConfig();
    document = generateDocument(definition, routes, config.publicBaseUrl, config.version);
    documents.set(definition.id, document);
  }
  // Public documentation: any site may read it (e.g. another Swagger UI or an API client).
  return jsonResponse(200, document, { 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' });
});
