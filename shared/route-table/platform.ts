import type { RouteDefinition } from '../routes.ts';

/** The files of the swagger-ui-dist package that /api/docs needs (not its source maps or ES bundles). */
export const swaggerUiFiles = ['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-16x16.png', 'favicon-32x32.png'] as const;

/** Health, the API documentation (Swagger UI and the OpenAPI documents) and the catch-all for unknown paths and methods. */
export const platformRoutes: readonly RouteDefinition[] = [
  {
    id: 'platform-health',
    method: 'GET',
    path: '/api/health',
    handler: 'functions/platform/get-health.ts',
    family: 'platform',
    permission: 'public',
    mutating: false,
    access: { table: 'read', exportBucket: 'read' },
    readsWorkerQueues: true,
    summary: 'Health of the table and the export bucket, the signing key and the worker queues, version and region',
  },
  {
    id: 'platform-docs-page',
    method: 'GET',
    path: '/api/docs',
    handler: 'functions/platform/get-docs-page.ts',
    family: 'platform',
    permission: 'public',
    mutating: false,
    access: { table: 'none' },
    summary: 'Swagger UI for the API definitions (Identity Management API, Identity SCIM v2, Directory API)',
  },
  {
    id: 'platform-docs-asset',
    method: 'GET',
    path: '/api/docs/{asset}',
    handler: 'functions/platform/get-docs-asset.ts',
    family: 'platform',
    permission: 'public',
    mutating: false,
    access: { table: 'none' },
    packageFiles: [{ package: 'swagger-ui-dist', files: swaggerUiFiles }],
    summary: "Swagger UI's static files and its configuration script",
  },
  {
    id: 'platform-openapi-document',
    method: 'GET',
    path: '/api/openapi/{definition}',
    handler: 'functions/platform/get-openapi-document.ts',
    family: 'platform',
    permission: 'public',
    mutating: false,
    access: { table: 'none' },
    openApiDocuments: true,
    summary: 'OpenAPI 3.1 document of an API definition: identity.json, scim.json or directory.json',
  },
  {
    id: 'platform-fallback',
    method: 'ANY',
    path: '/{proxy+}',
    handler: 'functions/platform/route-not-found.ts',
    family: 'platform',
    permission: 'public',
    mutating: false,
    access: { table: 'none' },
    summary: 'Answers unknown paths (404) and unsupported methods (405) in the error format of the API family',
  },
];
