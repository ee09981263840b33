import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { platformConfig } from '#shared/config.ts';
import { NotFoundError } from '#shared/errors/domain-errors.ts';
import { apiDefinitionIds, isApiDefinitionId } from '#shared/openapi/definitions.ts';
import { servedDocument } from '#shared/openapi/served-documents.ts';

/**
 * The OpenAPI 3.1 document of one API definition, its server being this deployment's public base
 * URL: in Lambda the document written at synth, locally generated in process (servedDocument).
 */
export const handler = createHandler('platform-openapi-document', async (request) => {
  const name = request.pathParameters.definition ?? '';
  const id = name.replace(/\.json$/, '');
  if (!isApiDefinitionId(id)) {
    throw new NotFoundError(`No API definition ${name}; use ${apiDefinitionIds.map((candidate) => `${candidate}.json`).join(', ')}.`);
  }
  const config = platformConfig();
  const document = await servedDocument(id, config.publicBaseUrl, config.version);
  // Public documentation: any site may read it (e.g. another Swagger UI or an API client).
  return jsonResponse(200, document, { 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' });
});
