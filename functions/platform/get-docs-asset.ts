import { createHandler } from '#shared/http/create-handler.ts';
import { NotFoundError } from '#shared/errors/domain-errors.ts';
import { readPackageFile } from '#shared/http/package-files.ts';
import { docsInitializerScript, INITIALIZER, swaggerUiMediaTypes } from '#shared/platform/docs-page.ts';

const cacheControl = 'public, max-age=3600';

/** swagger-ui-dist's files (copied next to this function's bundle) and the page's configuration script. */
export const handler = createHandler('platform-docs-asset', async (request) => {
  const asset = request.pathParameters.asset ?? '';
  const headers = { 'Cache-Control': cacheControl, 'X-Content-Type-Options': 'nosniff' };
  if (asset === INITIALIZER) {
    return { statusCode: 200, headers: { ...headers, 'Content-Type': 'text/javascript; charset=utf-8' }, body: docsInitializerScript() };
  }
  const mediaType = swaggerUiMediaTypes[asset];
  if (!mediaType) throw new NotFoundError(`No documentation file ${asset}.`);
  const content = await readPackageFile(request.route, 'swagger-ui-dist', asset);
  const binary = !mediaType.startsWith('text/');
  return {
    statusCode: 200,
    headers: { ...headers, 'Content-Type': mediaType },
    body: binary ? content.toString('base64') : content.toString('utf8'),
    isBase64Encoded: binary,
  };
});
