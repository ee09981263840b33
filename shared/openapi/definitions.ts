import type { RouteDefinition } from '../routes.ts';

/**
 * The ids of the published API definitions, in Swagger UI's order (`/api/openapi/<id>.json`). A list
 * of its own so that the documents' function, which serves prebuilt documents in Lambda, need not
 * carry the definitions themselves.
 */
export const apiDefinitionIds = ['identity', 'scim', 'directory', 'governance'] as const;

export type ApiDefinitionId = (typeof apiDefinitionIds)[number];

/** Whether `id` names a published API definition. */
export function isApiDefinitionId(id: string): id is ApiDefinitionId {
  return (apiDefinitionIds as readonly string[]).includes(id);
}

/** One published API definition (one OpenAPI document, one entry of Swagger UI's selector). */
export interface ApiDefinition {
  /** `/api/openapi/<id>.json` */
  readonly id: ApiDefinitionId;
  readonly title: string;
  readonly description: string;
  /** Tags in display order, named as the seeds name them. */
  readonly tags: readonly { name: string; description: string }[];
  readonly includes: (route: RouteDefinition) => boolean;
}

/** Routes that no definition documents: the catch-all and the documentation itself. */
export const undocumentedRouteIds: ReadonlySet<string> = new Set(['platform-fallback', 'platform-docs-page', 'platform-docs-asset', 'platform-openapi-document']);

export const apiDefinitions: readonly ApiDefinition[] = [
  {
    id: 'identity',
    title: 'Identity Management API',
    description:
      'Manage SAML SSO configuration, retrieve audit logs, and configure RBAC through APIs, clients, scopes and roles; ' +
      'obtain access tokens (sign-in and the OAuth 2.0 client-credentials grant). Paths: /api/identity/v1, /oauth, /.well-known.\n\n' +
      'To try an operation: get a token (POST /api/identity/v1/userCredentials/login), click **Authorize**, paste the `accessToken`, ' +
      'then expand an operation, **Try it out** and **Execute**.',
    tags: [
      { name: 'Authentication', description: 'Sign in and inspect the current token' },
      { name: 'OAuth', description: 'OAuth 2.0 token endpoint and discovery documents' },
      { name: 'Organizations', description: 'Organizations and their first Owner (platform operators)' },
      { name: 'Clients', description: 'Client registrations (machine-to-machine clients) and their credentials' },
      { name: 'Api', description: 'APIs (audiences), their scopes and the clients authorized for them' },
      { name: 'Roles', description: 'Built-in and custom roles, and role assignments to users and groups (teams)' },
      { name: 'SAML', description: 'SAML 2.0 single sign-on settings and metadata' },
      { name: 'Auditing', description: 'The audit log: list and export' },
    ],
    includes: (route) => route.family === 'identity' && !undocumentedRouteIds.has(route.id),
  },
  {
    id: 'scim',
    title: 'Identity SCIM v2',
    description:
      'Provision and manage users and groups with SCIM 2.0 (RFC 7643/7644) at /api/scim/v2, with the enterprise User extension. ' +
      'Authenticate with a bearer token from the client-credentials grant (POST /oauth/token?audience=<base-url>/api) of a client ' +
      'authorized for the platform API: scim:read for reads, scim:write for changes.',
    tags: [
      { name: 'Users', description: 'SCIM Users' },
      { name: 'Groups', description: 'SCIM Groups (teams)' },
      { name: 'Search', description: 'POST /.search across resource types' },
      { name: 'Bulk', description: 'Many operations in one request' },
      { name: 'Discovery', description: 'ServiceProviderConfig, ResourceTypes and Schemas' },
    ],
    includes: (route) => route.family === 'scim' && !undocumentedRouteIds.has(route.id),
  },
  {
    id: 'directory',
    title: 'Directory API',
    description:
      'Programmatic access to directory data at /api (users, groups, objects, connections, sync runs). ' +
      'Authenticate with a bearer token carrying `directory:read` (a user’s `accessToken` from POST /api/identity/v1/userCredentials/login, ' +
      'or a client’s from POST /oauth/token?audience=<base-url>/api). Lists answer `{data, totalCount, page, pageSize}` (page from 1, pageSize ' +
      'default 50, at most 200); one resource is the object itself; errors are `{error, message, statusCode}`. Rate limits are 60 requests per ' +
      'minute and 1,000 per hour per caller: every answer to an authenticated caller carries X-RateLimit-Limit, X-RateLimit-Remaining and X-RateLimit-Reset (epoch seconds) ' +
      'for the window that binds, and a 429 carries Retry-After. Only the endpoints listed here are available in this deployment.',
    tags: [
      { name: 'Users', description: 'Users of every source, their groups and attributes' },
      { name: 'Groups', description: 'Groups and their members' },
      { name: 'Objects', description: 'Every account and entry as its source holds it: users, groups, computers, and their raw attributes' },
      { name: 'Persons', description: 'Persons (identities): one human, with its accounts across sources tied together by the correlation rule' },
      { name: 'Connections', description: 'Directory connections: SCIM, LDAP and Active Directory, and testing them' },
      { name: 'Health', description: 'System health check' },
    ],
    includes: (route) => (route.family === 'directory' || (route.family === 'platform' && route.path.startsWith('/api/'))) && !undocumentedRouteIds.has(route.id),
  },
  {
    id: 'governance',
    title: 'Governance API',
    description:
      'Access reviews at /api/reviews and policies and violations at /api/policies and /api/violations (seed "REST API Reference", "Access Reviews", "Policies & Violations"). Access reviews: campaigns over groups, connections, departments or roles; review items ' +
      'with recommendations; final, audited decisions; revokes applied through the identity store. A signed-in reviewer sees and decides only their own items; ' +
      '`governance:read` sees everything and `governance:write` manages campaigns. Policies of six built-in types raise violations that open and resolve themselves within seconds of a change ' +
      '(`governance:read` lists them, `governance:write` manages policies, acknowledges and ignores violations). Envelope, errors and rate limits are those of the Directory API: lists answer ' +
      '`{data, totalCount, page, pageSize}` (pageSize at most 200), errors `{error, message, statusCode}`, 60 requests per minute and 1,000 per hour per caller with X-RateLimit-* headers.',
    tags: [
      { name: 'Access Reviews', description: 'Campaigns, review items and decisions' },
      { name: 'Policies & Violations', description: 'Policies of built-in types and the violations they raise' },
    ],
    includes: (route) => route.family === 'governance' && !undocumentedRouteIds.has(route.id),
  },
];

/** The definition named `id` (an {@link apiDefinitionIds} entry), or undefined. */
export function apiDefinition(id: string): ApiDefinition | undefined {
  return apiDefinitions.find((definition) => definition.id === id);
}
