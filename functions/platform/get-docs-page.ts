import { createHandler } from '#shared/http/create-handler.ts';
import { platformConfig } from '#shared/config.ts';
import { docsPageHeaders, docsPageHtml } from '#shared/platform/docs-page.ts';

/** Swagger UI with every API definition in its "Select a definition" box. */
export const handler = createHandler('platform-docs-page', async (request) => ({
  statusCode: 200,
  headers: docsPageHeaders(platformConfig().publicBaseUrl),
  body: docsPageHtml(request.path.endsWith('/') ? '' : 'docs/'),
}));
