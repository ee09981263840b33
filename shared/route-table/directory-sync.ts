import type { RouteDefinition } from '../routes.ts';

/**
 * Directory API synchronization (seed "REST API Reference", "Synchronization"): the seed's project
 * list and get, run trigger and history, plus the writes operators need (create, update, delete
 * projects). Errors are `{error, message, statusCode}`; lists are `{data, totalCount, page, pageSize}`.
 */
const base = { family: 'directory' } as const;
export const directorySyncRoutes: readonly RouteDefinition[] = [
  { ...base, id: 'directory-sync-projects-list', method: 'GET', path: '/api/sync/projects', handler: 'functions/directory/sync/list-sync-projects.ts', permission: 'directory:read', mutating: false, access: { table: 'read' }, summary: 'List all sync projects' },
  {
    ...base,
    id: 'directory-sync-projects-create',
    method: 'POST',
    path: '/api/sync/projects',
    handler: 'functions/directory/sync/create-sync-project.ts',
    permission: 'directory:write',
    mutating: true,
    body: 'json',
    access: { table: 'write' },
    // The project's schedule (shared/directory/sync-schedules.ts) is created, changed and deleted with it.
    managesSchedules: ['sync-schedule'],
    summary: 'Create a sync project over an LDAP or Active Directory connection',
  },
  { ...base, id: 'directory-sync-projects-get', method: 'GET', path: '/api/sync/projects/{id}', handler: 'functions/directory/sync/get-sync-project.ts', permission: 'directory:read', mutating: false, access: { table: 'read' }, summary: 'Get a specific sync project' },
  {
    ...base,
    id: 'directory-sync-projects-update',
    method: 'PATCH',
    path: '/api/sync/projects/{id}',
    handler: 'functions/directory/sync/update-sync-project.ts',
    permission: 'directory:write',
    mutating: true,
    body: 'json',
    access: { table: 'write' },
    // The project's schedule (shared/directory/sync-schedules.ts) is created, changed and deleted with it.
    managesSchedules: ['sync-schedule'],
    summary: 'Change a sync project',
  },
  {
    ...base,
    id: 'directory-sync-projects-delete',
    method: 'DELETE',
    path: '/api/sync/projects/{id}',
    handler: 'functions/directory/sync/delete-sync-project.ts',
    permission: 'directory:write',
    mutating: true,
    access: { table: 'write' },
    // The project's schedule (shared/directory/sync-schedules.ts) is created, changed and deleted with it.
    managesSchedules: ['sync-schedule'],
    summary: 'Delete a sync project that has no run in progress',
  },
  {
    ...base,
    id: 'directory-sync-projects-run',
    method: 'POST',
    path: '/api/sync/projects/{id}/run',
    handler: 'functions/directory/sync/run-sync-project.ts',
    permission: 'directory:write',
    mutating: true,
    body: 'json',
    access: { table: 'write' },
    starts: ['sync-run'],
    summary: 'Trigger a sync run',
  },
  { ...base, id: 'directory-sync-history-list', method: 'GET', path: '/api/sync/history', handler: 'functions/directory/sync/list-sync-history.ts', permission: 'directory:read', mutating: false, access: { table: 'read' }, summary: 'Get sync execution history' },
  { ...base, id: 'directory-sync-history-get', method: 'GET', path: '/api/sync/history/{id}', handler: 'functions/directory/sync/get-sync-run.ts', permission: 'directory:read', mutating: false, access: { table: 'read' }, summary: 'Get details for a specific run' },
];
