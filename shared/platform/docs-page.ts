/**
 * The Swagger UI page at /api/docs: static HTML that loads swagger-ui-dist's files from
 * /api/docs/<file> and a generated configuration script, so the Content-Security-Policy can
 * forbid inline scripts. The page lists every API definition in Swagger UI's "Select a
 * definition" box; `?definition=scim` (or identity, directory, governance) opens one directly.
 */
import { apiDefinitions } from '../openapi/definitions.ts';

/** swagger-ui-dist files by name, with their media types. */
export const swaggerUiMediaTypes: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-16x16.png': 'image/png',
  'favicon-32x32.png': 'image/png',
};

export const INITIALIZER = 'swagger-initializer.js';

/**
 * Swagger UI needs inline styles (React style attributes) and data: images; everything else comes
 * from this origin. "Try it out" calls the deployment's public base URL, which may differ from the
 * origin the page was loaded from (an execute-api URL), so that origin is allowed as well.
 */
export function docsContentSecurityPolicy(publicBaseUrl: string): string {
  const api = new URL(publicBaseUrl).origin;
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self' ${api}`,
    "form-action 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export function docsPageHeaders(publicBaseUrl: string): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': docsContentSecurityPolicy(publicBaseUrl),
    'Cache-Control': 'no-cache',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
  };
}

/** The page; `assetBase` is how its path reaches /api/docs/ ("docs/" from /api/docs, "" from /api/docs/). */
export function docsPageHtml(assetBase: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Identity platform API definitions</title>
<link rel="stylesheet" href="${assetBase}swagger-ui.css">
<link rel="icon" type="image/png" href="${assetBase}favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="${assetBase}favicon-16x16.png" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${assetBase}swagger-ui-bundle.js"></script>
<script src="${assetBase}swagger-ui-standalone-preset.js"></script>
<script src="${assetBase}${INITIALIZER}"></script>
</body>
</html>
`;
}

/**
 * The configuration script. Document URLs are resolved against the page's own path, so the page
 * works behind a stage prefix (/v1/api/docs) as well as locally (/api/docs).
 */
export function docsInitializerScript(): string {
  const definitions = apiDefinitions.map((definition) => ({ id: definition.id, name: definition.title }));
  return `(function () {
  var definitions = ${JSON.stringify(definitions)};
  var api = window.location.pathname.replace(/\\/docs\\/?$/, '/');
  var wanted = new URLSearchParams(window.location.search).get('definition');
  var primary = definitions.filter(function (d) { return d.id === wanted; })[0] || definitions[0];
  window.ui = SwaggerUIBundle({
    urls: definitions.map(function (d) { return { url: api + 'openapi/' + d.id + '.json', name: d.name }; }),
    'urls.primaryName': primary.name,
    dom_id: '#swagger-ui',
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
    validatorUrl: null,
    displayRequestDuration: true,
    showExtensions: true,
    persistAuthorization: false
  });
})();
`;
}
