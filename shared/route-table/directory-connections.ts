import type { RouteDefinition } from '../routes.ts';

/**
 * Directory API connections (seed "REST API Reference", "Connections"): the seed's list, get and
 * test, plus the writes operators need (create, update, delete). Errors are `{error, message,
 * statusCode}`; lists are `{data, totalCount, page, pageSize}`.
 */
export const directoryConnectionRoutes: readonly RouteDefinition[] = [
  {
    id: 'directory-connections-list',
    method: 'GET',
    path: '/api/connections',
    handler: 'functions/directory/connections/list-connections.ts',
    family: 'directory',
    permission: 'directory:read',
    mutating: false,
    // Write: an organization created before connections existed gets its scim connection on first listing.
    access: { table: 'write' },
    summary: 'List all directory connections',
  },
  {
    id: 'directory-connections-create',
    method: 'POST',
    path: '/api/connections',
    handler: 'functions/directory/connections/create-connection.ts',
    family: 'directory',
    permission: 'directory:write',
    mutating: true,
    body: 'json',
    access: { table: 'write', secretsKey: 'encrypt' },
    summary: 'Create an LDAP or Active Directory connection',
  },
  {
    id: 'directory-connections-get',
    method: 'GET',
    path: '/api/connections/{id}',
    handler: 'functions/directory/connections/get-connection.ts',
    family: 'directory',
    permission: 'directory:read',
    mutating: false,
    access: { table: 'read' },
    summary: 'Get a specific connection',
  },
  {
    id: 'directory-connections-update',
    method: 'PATCH',
    path: '/api/connections/{id}',
    handler: 'functions/directory/connections/update-connection.ts',
    family: 'directory',
    permission: 'directory:write',
    mutating: true,
    body: 'json',
    access: { table: 'write', secretsKey: 'encrypt' },
    summary: 'Change a connection (name, status, server, TLS, credentials, paging, timeouts)',
  },
  {
    id: 'directory-connections-delete',
    method: 'DELETE',
    path: '/api/connections/{id}',
    handler: 'functions/directory/connections/delete-connection.ts',
    family: 'directory',
    permission: 'directory:write',
    mutating: true,
    access: { table: 'write' },
    summary: 'Delete a connection that no sync project uses',
  },
  {
    id: 'directory-connections-test',
    method: 'POST',
    path: '/api/connections/{id}/test',
    handler: 'functions/directory/connections/test-connection.ts',
    family: 'directory',
    permission: 'directory:write',
    // Audited (connection.tested): it uses the stored credentials against the directory.
    mutating: true,
    access: { table: 'write', secretsKey: 'decrypt' },
    // The test itself is bounded at 25 s (shared/directory/connections.ts, TEST_BUDGET_MS).
    timeoutSeconds: 29,
    summary: 'Test a connection',
  },
];
