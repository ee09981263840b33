import type { RouteDefinition } from '../routes.ts';

const read = { table: 'read' as const };
const base = { family: 'directory' as const, permission: 'directory:read' as const, mutating: false, access: read };

/**
 * Directory API (seed "REST API Reference"): Users, Groups, Objects and Persons. Answers use the seed's envelope
 * `{data, totalCount, page, pageSize}` for lists and the object itself for one resource, errors
 * `{error, message, statusCode}`, and every answer to a counted caller carries X-RateLimit-*.
 */
export const directoryRoutes: readonly RouteDefinition[] = [
  { ...base, id: 'directory-users-list', method: 'GET', path: '/api/users', handler: 'functions/directory/users/list-users.ts', summary: 'List all users with optional filtering' },
  { ...base, id: 'directory-users-get', method: 'GET', path: '/api/users/{id}', handler: 'functions/directory/users/get-user.ts', summary: 'Get a specific user by ID' },
  { ...base, id: 'directory-users-groups-list', method: 'GET', path: '/api/users/{id}/groups', handler: 'functions/directory/users/list-user-groups.ts', summary: 'Get group memberships for a user' },
  { ...base, id: 'directory-users-attributes-get', method: 'GET', path: '/api/users/{id}/attributes', handler: 'functions/directory/users/get-user-attributes.ts', summary: 'Get all attributes for a user' },
  { ...base, id: 'directory-groups-list', method: 'GET', path: '/api/groups', handler: 'functions/directory/groups/list-groups.ts', summary: 'List all groups' },
  { ...base, id: 'directory-groups-get', method: 'GET', path: '/api/groups/{id}', handler: 'functions/directory/groups/get-group.ts', summary: 'Get a specific group' },
  { ...base, id: 'directory-groups-members-list', method: 'GET', path: '/api/groups/{id}/members', handler: 'functions/directory/groups/list-group-members.ts', summary: 'Get members of a group' },
  { ...base, id: 'directory-objects-list', method: 'GET', path: '/api/objects', handler: 'functions/directory/objects/list-objects.ts', summary: 'List all objects with filtering' },
  { ...base, id: 'directory-objects-get', method: 'GET', path: '/api/objects/{id}', handler: 'functions/directory/objects/get-object.ts', summary: 'Get a specific object' },
  { ...base, id: 'directory-objects-attributes-get', method: 'GET', path: '/api/objects/{id}/attributes', handler: 'functions/directory/objects/get-object-attributes.ts', summary: 'Get all attributes for an object' },
  { ...base, id: 'directory-persons-list', method: 'GET', path: '/api/persons', handler: 'functions/directory/persons/list-persons.ts', summary: 'List all person records' },
  { ...base, id: 'directory-persons-get', method: 'GET', path: '/api/persons/{id}', handler: 'functions/directory/persons/get-person.ts', summary: 'Get a specific person' },
  { ...base, id: 'directory-persons-objects-list', method: 'GET', path: '/api/persons/{id}/objects', handler: 'functions/directory/persons/list-person-objects.ts', summary: 'Get all linked objects for a person' },
];
