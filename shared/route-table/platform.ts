import type { RouteDefinition } from '../routes.ts';

/** Health and the catch-all that answers unknown paths and methods. */
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
    summary: 'Health of the table and the export bucket, version and region',
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
