import * as contracts from '../../identity/schemas.ts';
import { exportAuditLogRequest, getAuditExportJobRequest, listAuditEntriesRequest } from '../../audit/schemas.ts';
import * as ex from '../examples.ts';
import * as s from '../response-schemas.ts';
import type { ExampleDoc, OperationDocs, ResponseDoc } from '../operation-docs.ts';

const example = (summary: string, value: unknown): Record<string, ExampleDoc> => ({ example: { summary, value } });
const ok = (description: string, schema: ResponseDoc['schema'], summary: string, value: unknown): ResponseDoc => ({
  description,
  ...(schema ? { schema } : {}),
  examples: example(summary, value),
});
const noContent = (description: string): ResponseDoc => ({ description });
const conflict = (description: string): ResponseDoc => ({ description });

/** Identity Management API (/api/identity/v1), the token endpoint and the discovery documents. */
export const identityOperations: OperationDocs = {
  'identity-organizations-create': {
    tag: 'Organizations',
    description: 'Creates an organization and its first Owner account (who can then sign in). Platform operators only.',
    request: contracts.createOrganizationRequest,
    requestExamples: example('Acme with its Owner', ex.organizationCreateRequest),
    responses: {
      201: { ...ok('Created; Location names the organization', s.organizationCreated, 'The new ids', ex.organizationCreated), headers: { Location: 'The organization URL' } },
      409: conflict('The owner email address is already registered'),
    },
  },
  'identity-organizations-update': {
    tag: 'Organizations',
    description:
      "Renames an organization, sets its per-family rate limits (directory, scim, identity), overriding the deployment's, or sets its person correlation rule " +
      '(`personCorrelation`: the attributes, in order, that tie a SCIM-provisioned or SAML just-in-time account to an existing person; default employeeNumber, email, userName; applies within a minute).',
    request: contracts.updateOrganizationRequest,
    requestExamples: example('Raise the SCIM limits', ex.organizationUpdateRequest),
    responses: { 200: ok('The organization', s.organization, 'Updated', ex.organization) },
  },
  'identity-login': {
    tag: 'Authentication',
    description:
      'Exchanges an email address and password for a one-hour access token for the platform API (step 1 of setting up SCIM provisioning). ' +
      'After 5 failures per account or 20 per source address within 15 minutes, sign-in answers 429 until the window ends. Every attempt is audited.',
    request: contracts.loginRequest,
    requestExamples: example('Owner sign-in (seed, step 1)', ex.loginRequest),
    responses: {
      200: ok('Signed in', s.loginResult, 'A token', ex.loginResponse),
      401: { description: 'Wrong email address or password' },
      429: { description: 'Too many failed sign-ins', headers: { 'Retry-After': 'Seconds until sign-in is possible again' } },
    },
  },
  'identity-me': {
    tag: 'Authentication',
    description: 'Says whom the bearer token belongs to: its organization, the user or client, and its scopes.',
    responses: { 200: ok('The principal', s.me, 'An Owner', ex.me) },
  },
  'identity-clients-list': {
    tag: 'Clients',
    description: 'Lists the client registrations of the organization, a page at a time. Credentials are never listed.',
    request: contracts.listClientsRequest,
    responses: { 200: ok('A page of clients', s.clientList, 'One client', ex.clientList) },
  },
  'identity-clients-create': {
    tag: 'Clients',
    description:
      'Creates a machine-to-machine client registration (step 2 of setting up SCIM provisioning). With `expand=credentials` the response carries ' +
      '`credentials.clientId` and `credentials.clientSecret` for the token endpoint; without it `credentials` is null. Authorize the client ' +
      '(its `clientId` UUID) for an API before requesting tokens.',
    request: contracts.createClientRequest,
    requestExamples: example('Microsoft Entra ID provisioning client (seed, step 2)', ex.clientCreateRequest),
    responses: { 201: { ...ok('Created', s.client, 'With expand=credentials', ex.clientWithCredentials), headers: { Location: 'The client URL' } } },
  },
  'identity-clients-get': {
    tag: 'Clients',
    description: 'Reads a client registration. `expand=credentials` returns its credentials, for Owners only (organization:owner).',
    request: contracts.getClientRequest,
    responses: { 200: ok('The client', s.client, 'A client', ex.client) },
  },
  'identity-clients-update': {
    tag: 'Clients',
    description: 'Renames, describes, enables or disables a client registration; a disabled client gets no tokens and its tokens stop working within 30 s.',
    request: contracts.updateClientRequest,
    requestExamples: example('Disable', { enabled: false }),
    responses: { 200: ok('The client', s.client, 'Disabled', { ...ex.client, enabled: false }) },
  },
  'identity-clients-delete': {
    tag: 'Clients',
    description: 'Deletes a client registration and revokes its authorizations.',
    responses: { 204: noContent('Deleted') },
  },
  'identity-clients-rotate-secret': {
    tag: 'Clients',
    description: 'Issues a new client secret; the old one stops working at once.',
    responses: { 200: ok('The new credentials', s.rotatedSecret, 'Rotated', ex.rotatedSecret) },
  },
  'identity-apis-list': {
    tag: 'Api',
    description: 'Lists the APIs (audiences) of the organization, including the built-in platform API. `expand=scopes,clients` includes their scopes and authorized clients.',
    request: contracts.listApisRequest,
    responses: { 200: ok('A page of APIs', s.apiList, 'List APIs (seed)', ex.apiListResponse) },
  },
  'identity-apis-create': {
    tag: 'Api',
    description: 'Creates a custom API: an audience (identifier) that clients can be authorized for, with its scopes.',
    request: contracts.createApiRequest,
    requestExamples: example('Inventory API', ex.apiCreateRequest),
    responses: {
      201: { ...ok('Created', s.api, 'Inventory API', ex.api), headers: { Location: 'The API URL' } },
      409: conflict('Another API has this identifier'),
    },
  },
  'identity-apis-get': {
    tag: 'Api',
    description: 'Reads an API; `expand=scopes,clients` includes its scopes and authorized clients.',
    request: contracts.getApiRequest,
    responses: { 200: ok('The API', s.api, 'Inventory API', ex.api) },
  },
  'identity-apis-update': {
    tag: 'Api',
    description: 'Renames, describes, enables or disables a custom API (the built-in platform API cannot be changed).',
    request: contracts.updateApiRequest,
    requestExamples: example('Rename', { name: 'Inventory API v2' }),
    responses: { 200: ok('The API', s.api, 'Renamed', { ...ex.api, name: 'Inventory API v2' }) },
  },
  'identity-apis-delete': {
    tag: 'Api',
    description: 'Deletes a custom API and revokes every client authorization for it.',
    responses: { 204: noContent('Deleted') },
  },
  'identity-apis-scopes-list': {
    tag: 'Api',
    description: "Lists an API's scopes.",
    responses: { 200: ok('The scopes', s.apiScopeList, 'Scopes', ex.apiScopes) },
  },
  'identity-apis-scopes-add': {
    tag: 'Api',
    description: 'Adds one scope or a list of scopes to a custom API.',
    request: contracts.addApiScopesRequest,
    requestExamples: example('One scope', { value: 'inventory:write', description: 'Change inventory' }),
    responses: { 201: ok('The added scopes', s.apiScopeList, 'Added', { items: [{ value: 'inventory:write', description: 'Change inventory' }] }), 409: conflict('The API already has the scope') },
  },
  'identity-apis-scopes-remove': {
    tag: 'Api',
    description: 'Removes a scope from a custom API.',
    responses: { 204: noContent('Removed') },
  },
  'identity-apis-clients-list': {
    tag: 'Api',
    description: 'Lists the clients authorized to get tokens for an API, with their scopes.',
    responses: { 200: ok('The authorized clients', s.authorizedClientList, 'One client', ex.authorizedClients) },
  },
  'identity-apis-clients-authorize': {
    tag: 'Api',
    description:
      'Authorizes clients, by their registration `clientId` UUID (not `credentials.clientId`), to get tokens for an API (step 3 of setting up SCIM ' +
      'provisioning). Without `scopes`, clients of the platform API get scim:read scim:write directory:read directory:write audit:read identity:read, ' +
      "and clients of a custom API get all of its scopes. Re-authorizing replaces a client's scopes.",
    request: contracts.authorizeApiClientsRequest,
    pathParameters: { apiId: 'The API id; 00000000-0000-0000-0000-000000000001 is the platform API (for SCIM)' },
    requestExamples: example('Authorize the Entra ID client for the platform API (seed, step 3)', ex.authorizeClientsRequest),
    responses: { 201: ok('The clients now authorized', s.authorizedClientList, 'Authorized', ex.authorizedClients) },
  },
  'identity-apis-clients-revoke': {
    tag: 'Api',
    description: "Revokes a client's authorization for an API; tokens already issued expire within the hour.",
    responses: { 204: noContent('Revoked') },
  },
  'identity-roles-list': {
    tag: 'Roles',
    description: 'Lists the built-in roles (Owner, Administrator, Security Manager, Security Analyst, Viewer) and the custom roles.',
    request: contracts.listRolesRequest,
    responses: { 200: ok('A page of roles', s.rolePage, 'Built-in and custom', ex.rolePage) },
  },
  'identity-roles-create': {
    tag: 'Roles',
    description: 'Creates a custom role: a named set of platform scopes. Nobody can create a role with scopes they do not hold.',
    request: contracts.createRoleRequest,
    requestExamples: example('A read-only auditor', ex.roleCreateRequest),
    responses: { 201: { ...ok('Created', s.role, 'The role', ex.role), headers: { Location: 'The role URL' } }, 409: conflict('Another role has this name') },
  },
  'identity-roles-get': {
    tag: 'Roles',
    description: 'Reads a built-in or custom role.',
    responses: { 200: ok('The role', s.role, 'A custom role', ex.role) },
  },
  'identity-roles-update': {
    tag: 'Roles',
    description: 'Changes a custom role (built-in roles cannot be changed).',
    request: contracts.updateRoleRequest,
    requestExamples: example('Add a scope', { scopes: ['scim:read', 'audit:read', 'identity:read'] }),
    responses: { 200: ok('The role', s.role, 'Updated', { ...ex.role, scopes: ['scim:read', 'audit:read', 'identity:read'] }), 409: conflict('Another role has this name') },
  },
  'identity-roles-delete': {
    tag: 'Roles',
    description: 'Deletes a custom role; users and groups holding it lose its scopes.',
    responses: { 204: noContent('Deleted') },
  },
  'identity-users-roles-list': {
    tag: 'Roles',
    description: 'Lists the roles assigned directly to a user (roles inherited from groups are not included).',
    responses: { 200: ok('The roles', s.roleItems, 'Assigned roles', ex.assignedRoles) },
  },
  'identity-users-roles-assign': {
    tag: 'Roles',
    description: 'Assigns roles to a user. Nobody can assign scopes they do not hold.',
    request: contracts.assignUserRolesRequest,
    requestExamples: example('A built-in and a custom role', ex.assignRolesRequest),
    responses: { 201: ok("The user's roles", s.roleItems, 'Assigned', ex.assignedRoles) },
  },
  'identity-users-roles-remove': {
    tag: 'Roles',
    description: 'Removes a role from a user.',
    responses: { 204: noContent('Removed') },
  },
  'identity-groups-roles-list': {
    tag: 'Roles',
    description: 'Lists the roles assigned to a group (team); every member inherits them.',
    responses: { 200: ok('The roles', s.roleItems, 'Assigned roles', ex.assignedRoles) },
  },
  'identity-groups-roles-assign': {
    tag: 'Roles',
    description: 'Assigns roles to a group (team); every member inherits them. Nobody can assign scopes they do not hold.',
    request: contracts.assignGroupRolesRequest,
    requestExamples: example('A built-in and a custom role', ex.assignRolesRequest),
    responses: { 201: ok("The group's roles", s.roleItems, 'Assigned', ex.assignedRoles) },
  },
  'identity-groups-roles-remove': {
    tag: 'Roles',
    description: 'Removes a role from a group (team).',
    responses: { 204: noContent('Removed') },
  },
  'identity-audit-list': {
    tag: 'Auditing',
    description:
      'Lists audit log entries (actions performed in the organization), a page at a time, newest first by default. ' +
      'Set pageSize and pageNumber for paging; optionally use query to filter and sortBy to order. Without query, `totalCount` is exact ' +
      '(per-day counters) and any pageNumber answers from them without reading earlier entries. With query, the count is taken once per query and range and ' +
      'remembered for an hour with the page boundaries; it is exact up to 10,000 matches (`pageInfo.totalCountCapped: true` beyond, totalCount = 10,000). ' +
      'A query that needs a filter (free text, target:, ip:, actorType:, targetType:, an action prefix) searches the first 10,000 entries of its time range ' +
      'in its order (`pageInfo.searchWindowLimited: true` and `searchWindowEnd` when the range holds more; narrow fromDate/toDate to search further). ' +
      'A filtered page more than 10,000 entries past the nearest page served is a 400: page in order or narrow the range.',
    request: listAuditEntriesRequest,
    responses: { 200: ok('A page of entries', s.auditPage, 'List audit log entries (seed)', ex.auditListResponse) },
  },
  'identity-audit-export': {
    tag: 'Auditing',
    description:
      'Exports audit log entries as a file (CSV or NDJSON) for compliance reporting. Files under 1 MB come back as the download itself; ' +
      'larger ones as a 302 redirect to a presigned S3 URL valid for 5 minutes. An export that would read more than 50,000 entries (the asynchronous ' +
      'threshold, AUDIT_EXPORT_ASYNC_THRESHOLD), or any export requested with `Prefer: respond-async`, becomes a job: 202 with the job and its ' +
      'Location; follow it with GET /api/identity/v1/audit/exports/{jobId}. Every export is audited (a job also when requested).',
    request: exportAuditLogRequest,
    responses: {
      202: {
        ...ok('An asynchronous export job of the organization', s.auditExportJob, 'Queued', ex.auditExportJobQueued),
        headers: { Location: 'The job status URL, /api/identity/v1/audit/exports/{jobId}', 'Preference-Applied': 'respond-async' },
      },
      200: {
        description: 'The file, as an attachment (X-Audit-Export-Key names the stored object, X-Audit-Export-Entries counts its entries)',
        schema: s.auditExportFile,
        contentTypes: ['text/csv', 'application/x-ndjson'],
        examples: example('CSV', ex.auditCsv),
        headers: { 'Content-Disposition': 'attachment; filename="…"', 'X-Audit-Export-Key': 'The stored object key', 'X-Audit-Export-Entries': 'Entries in the file' },
      },
      302: { description: 'A large export: Location is a presigned URL of the file, valid for 5 minutes', headers: { Location: 'Presigned S3 URL' } },
    },
  },
  'identity-audit-export-job': {
    tag: 'Auditing',
    description:
      "An asynchronous audit export's status (queued, running, succeeded, failed). Once succeeded it carries `downloadUrl`, a presigned URL of the file " +
      'valid for 5 minutes from this answer (ask again for a fresh one). Jobs are per organization: another organization gets 404. Job statuses are kept for 30 days.',
    request: getAuditExportJobRequest,
    pathParameters: { jobId: 'The job id from the 202 answer of GET /api/identity/v1/audit/log' },
    responses: {
      200: ok('The job', s.auditExportJob, 'Succeeded', ex.auditExportJobDone),
      404: { description: 'No such job in the organization' },
    },
  },
  'oauth-token': {
    tag: 'OAuth',
    description:
      'OAuth 2.0 token endpoint, client-credentials grant (step 4 of setting up SCIM provisioning). Authenticate the client with ' +
      '`client_id`/`client_secret` in the form (client_secret_post) or HTTP Basic (client_secret_basic); name the API with `audience` ' +
      '(query or form; `<base-url>/api` is the platform API). The client must be authorized for that API, otherwise `unauthorized_client`. ' +
      'Errors are RFC 6749 §5.2 bodies.',
    request: contracts.issueTokenRequest,
    requestExamples: example('Client credentials (seed, step 4)', ex.tokenRequest),
    responses: {
      200: ok('An access token (one hour)', s.tokenResponse, 'Bearer token', ex.tokenResponse),
      401: { description: 'invalid_client: unknown client or wrong secret', headers: { 'WWW-Authenticate': 'Basic realm="oauth"' } },
      429: { description: 'Too many requests', headers: { 'Retry-After': 'Seconds to wait' } },
    },
  },
  'oauth-jwks': {
    tag: 'OAuth',
    description: 'The public keys that verify access tokens (RFC 7517), including retired keys until tokens they signed have expired.',
    responses: { 200: ok('The key set', s.jwks, 'One key', ex.jwks) },
  },
  'oauth-openid-configuration': {
    tag: 'OAuth',
    description: 'Authorization server metadata (issuer, token endpoint, JWKS URI, supported grants and scopes).',
    responses: { 200: ok('The metadata', s.openIdConfiguration, 'Metadata', ex.openIdConfiguration) },
  },
};
