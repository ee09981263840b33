import type { RouteDefinition } from '../routes.ts';

const V2 = '/api/scim/v2';
/** Deleting a group (directly or in a Bulk request) leaves its memberships to this worker. */
const sweepsMemberships = ['sweep-group-memberships'] as const;

/** The CRUD, search and list routes of one SCIM resource type. */
function resourceRoutes(collection: 'Users' | 'Groups'): RouteDefinition[] {
  const folder = collection.toLowerCase();
  const singular = folder.replace(/s$/, '');
  const base = { family: 'scim' as const };
  const read = { table: 'read' as const };
  const write = { table: 'write' as const };
  return [
    { ...base, id: `scim-${folder}-list`, method: 'GET', path: `${V2}/${collection}`, handler: `functions/scim/${folder}/list-${folder}.ts`, permission: 'scim:read', mutating: false, access: write, summary: `List ${collection} with filter, sort, startIndex/count or cursor paging` },
    { ...base, id: `scim-${folder}-search`, method: 'POST', path: `${V2}/${collection}/.search`, handler: `functions/scim/${folder}/search-${folder}.ts`, permission: 'scim:read', mutating: false, body: 'scim', access: write, summary: `Search ${collection} with a SearchRequest body` },
    { ...base, id: `scim-${folder}-create`, method: 'POST', path: `${V2}/${collection}`, handler: `functions/scim/${folder}/create-${singular}.ts`, permission: 'scim:write', mutating: true, body: 'scim', access: write, ...(collection === 'Users' ? { memoryMb: 1024 } : {}), summary: `Create a ${singular}` },
    { ...base, id: `scim-${folder}-get`, method: 'GET', path: `${V2}/${collection}/{id}`, handler: `functions/scim/${folder}/get-${singular}.ts`, permission: 'scim:read', mutating: false, access: read, summary: `Get a ${singular}` },
    { ...base, id: `scim-${folder}-replace`, method: 'PUT', path: `${V2}/${collection}/{id}`, handler: `functions/scim/${folder}/replace-${singular}.ts`, permission: 'scim:write', mutating: true, body: 'scim', access: write, ...(collection === 'Users' ? { memoryMb: 1024 } : {}), timeoutSeconds: 29, summary: `Replace a ${singular}` },
    { ...base, id: `scim-${folder}-patch`, method: 'PATCH', path: `${V2}/${collection}/{id}`, handler: `functions/scim/${folder}/patch-${singular}.ts`, permission: 'scim:write', mutating: true, body: 'scim', access: write, memoryMb: 1024, timeoutSeconds: 29, summary: `Change a ${singular} with PATCH operations` },
    { ...base, id: `scim-${folder}-delete`, method: 'DELETE', path: `${V2}/${collection}/{id}`, handler: `functions/scim/${folder}/delete-${singular}.ts`, permission: 'scim:write', mutating: true, access: write, timeoutSeconds: 29, ...(collection === 'Groups' ? { starts: sweepsMemberships } : {}), summary: `Delete a ${singular}` },
  ];
}

/** Identity SCIM v2 (RFC 7643/7644) at /api/scim/v2. */
export const scimRoutes: readonly RouteDefinition[] = [
  ...resourceRoutes('Users'),
  ...resourceRoutes('Groups'),
  { id: 'scim-search-all', method: 'POST', path: `${V2}/.search`, handler: 'functions/scim/search-all.ts', family: 'scim', permission: 'scim:read', mutating: false, body: 'scim', access: { table: 'write' }, summary: 'Search Users and Groups together' },
  { id: 'scim-bulk', method: 'POST', path: `${V2}/Bulk`, handler: 'functions/scim/bulk.ts', family: 'scim', permission: 'scim:write', mutating: true, body: 'scim', access: { table: 'write' }, memoryMb: 1024, timeoutSeconds: 29, starts: sweepsMemberships, summary: 'Run many operations with bulkId references' },
  { id: 'scim-service-provider-config', method: 'GET', path: `${V2}/ServiceProviderConfig`, handler: 'functions/scim/discovery/get-service-provider-config.ts', family: 'scim', permission: 'public', mutating: false, access: { table: 'none' }, summary: 'What this service provider supports' },
  { id: 'scim-resource-types-list', method: 'GET', path: `${V2}/ResourceTypes`, handler: 'functions/scim/discovery/list-resource-types.ts', family: 'scim', permission: 'public', mutating: false, access: { table: 'none' }, summary: 'Supported resource types' },
  { id: 'scim-resource-types-get', method: 'GET', path: `${V2}/ResourceTypes/{id}`, handler: 'functions/scim/discovery/get-resource-type.ts', family: 'scim', permission: 'public', mutating: false, access: { table: 'none' }, summary: 'One resource type' },
  { id: 'scim-schemas-list', method: 'GET', path: `${V2}/Schemas`, handler: 'functions/scim/discovery/list-schemas.ts', family: 'scim', permission: 'public', mutating: false, access: { table: 'none' }, summary: 'Supported schemas' },
  { id: 'scim-schemas-get', method: 'GET', path: `${V2}/Schemas/{id}`, handler: 'functions/scim/discovery/get-schema.ts', family: 'scim', permission: 'public', mutating: false, access: { table: 'none' }, summary: 'One schema' },
];
