import * as contracts from '../../scim/request-schemas.ts';
import * as ex from '../examples.ts';
import * as s from '../response-schemas.ts';
import type { ExampleDoc, OperationDocs, ResponseDoc } from '../operation-docs.ts';

const named = (entries: Record<string, [string, unknown]>): Record<string, ExampleDoc> =>
  Object.fromEntries(Object.entries(entries).map(([name, [summary, value]]) => [name, { summary, value }]));
const ok = (description: string, schema: ResponseDoc['schema'], summary: string, value: unknown, headers?: Record<string, string>): ResponseDoc => ({
  description,
  ...(schema ? { schema } : {}),
  examples: named({ example: [summary, value] }),
  ...(headers ? { headers } : {}),
});
const etag = { ETag: 'The version of the resource (meta.version)' };
const preconditionFailed: ResponseDoc = {
  description: 'If-Match names another version: the resource changed since it was read',
  examples: named({ example: ['Stale version', ex.scimError(412, 'The resource has changed (If-Match W/"1" does not match W/"2").')] }),
};
const uniqueness = (what: string): ResponseDoc => ({
  description: `${what} is already taken (scimType uniqueness)`,
  examples: named({ example: ['Taken', ex.scimError(409, `${what} is already taken.`, 'uniqueness')] }),
});

const listDescription = (type: 'Users' | 'Groups') =>
  `Lists ${type} with filter, sorting, startIndex/count paging (1-based) or cursor paging, and attribute projection (RFC 7644 §3.4.2). ` +
  `Equality filters on ${type === 'Users' ? 'userName, externalId and id' : 'displayName, externalId and id'} are answered from indexes whatever the ` +
  'size of the organization; totalResults is exact. Query-string feature flags such as `aadOptscim062020` are accepted and ignored.';

/** Identity SCIM v2 (RFC 7643/7644) at /api/scim/v2. */
export const scimOperations: OperationDocs = {
  'scim-users-list': {
    tag: 'Users',
    description: `${listDescription('Users')} Entra ID's Test Connection sends \`filter=userName eq "<random guid>"\` and expects 200 with an empty list.`,
    request: contracts.listUsersRequest,
    responses: { 200: ok('A ListResponse of Users', s.scimUserList, 'List users (seed)', ex.scimUserList) },
  },
  'scim-users-search': {
    tag: 'Users',
    description: 'The list operation with a SearchRequest body instead of query parameters (RFC 7644 §3.4.3).',
    request: contracts.searchUsersRequest,
    requestExamples: named({ byUserName: ['By userName', ex.scimSearch] }),
    responses: { 200: ok('A ListResponse of Users', s.scimUserList, 'One user', ex.scimUserList) },
  },
  'scim-users-create': {
    tag: 'Users',
    description:
      'Provisions a user. userName must be unique in the organization (case-insensitive). Attributes the schema does not define are ignored; ' +
      'a password becomes a sign-in identity and is never returned; roles are stored as attributes only.',
    request: contracts.createUserRequest,
    requestExamples: named({ seed: ['Create a user (seed)', ex.scimUserCreate], entra: ['As Microsoft Entra ID sends it', ex.scimUserCreateEntra] }),
    responses: {
      201: ok('Created; Location and ETag name the user', s.scimUser, 'The new user', ex.scimUser, { Location: 'The user URL', ...etag }),
      409: uniqueness('userName'),
    },
  },
  'scim-users-get': {
    tag: 'Users',
    description: 'Reads a user with its groups. With If-None-Match naming the current version, answers 304.',
    request: contracts.getUserRequest,
    responses: { 200: ok('The user', s.scimUser, 'A user', ex.scimUser, etag), 304: { description: 'Not modified (If-None-Match)' } },
  },
  'scim-users-replace': {
    tag: 'Users',
    description: 'Replaces a user (RFC 7644 §3.5.1): attributes left out are cleared; read-only ones are ignored.',
    request: contracts.replaceUserRequest,
    requestExamples: named({ entra: ['A full user', ex.scimUserCreateEntra] }),
    responses: { 200: ok('The user', s.scimUser, 'Replaced', ex.scimUser, etag), 409: uniqueness('userName'), 412: preconditionFailed },
  },
  'scim-users-patch': {
    tag: 'Users',
    description:
      'Changes attributes of a user with PATCH operations (RFC 7644 §3.5.2): add, remove, replace, with and without paths, value-filtered ' +
      'paths and enterprise paths. Op names in any case and "True"/"False" strings are accepted. Without If-Match a PATCH that loses a race is re-applied.',
    request: contracts.patchUserRequest,
    requestExamples: named({ seed: ['Update a user (seed)', ex.scimPatchUser], deactivate: ['Deactivate, as Entra ID sends it', ex.scimPatchDeactivate] }),
    responses: { 200: ok('The updated user', s.scimUser, 'Updated', ex.scimUser, etag), 409: uniqueness('userName'), 412: preconditionFailed },
  },
  'scim-users-delete': {
    tag: 'Users',
    description: 'Deprovisions a user and removes it from every group. Deleting a user is permanent.',
    request: contracts.deleteUserRequest,
    responses: { 204: { description: 'Deleted' }, 412: preconditionFailed },
  },
  'scim-groups-list': {
    tag: 'Groups',
    description: `${listDescription('Groups')} Members are included unless excludedAttributes=members.`,
    request: contracts.listGroupsRequest,
    responses: { 200: ok('A ListResponse of Groups', s.scimGroupList, 'List groups (seed)', ex.scimGroupList) },
  },
  'scim-groups-search': {
    tag: 'Groups',
    description: 'The list operation with a SearchRequest body instead of query parameters (RFC 7644 §3.4.3).',
    request: contracts.searchGroupsRequest,
    requestExamples: named({ byName: ['By displayName', { ...ex.scimSearch, filter: 'displayName eq "Administrators"' }] }),
    responses: { 200: ok('A ListResponse of Groups', s.scimGroupList, 'One group', ex.scimGroupList) },
  },
  'scim-groups-create': {
    tag: 'Groups',
    description: 'Creates a group, optionally with members (ids of users of the organization).',
    request: contracts.createGroupRequest,
    requestExamples: named({ seed: ['Create a group (seed)', ex.scimGroupCreate] }),
    responses: {
      201: ok('Created; Location and ETag name the group', s.scimGroup, 'The new group', ex.scimGroup, { Location: 'The group URL', ...etag }),
      409: uniqueness('displayName'),
    },
  },
  'scim-groups-get': {
    tag: 'Groups',
    description: `Reads a group with its members (inline up to 20,000; larger groups are read with excludedAttributes=members). With If-None-Match naming the current version, answers 304.`,
    request: contracts.getGroupRequest,
    responses: { 200: ok('The group', s.scimGroup, 'A group', ex.scimGroup, etag), 304: { description: 'Not modified (If-None-Match)' } },
  },
  'scim-groups-replace': {
    tag: 'Groups',
    description: 'Replaces a group, including its whole membership.',
    request: contracts.replaceGroupRequest,
    requestExamples: named({ example: ['A group with one member', { ...ex.scimGroupCreate, displayName: 'Administrators', members: [{ value: 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy' }] }] }),
    responses: { 200: ok('The group', s.scimGroup, 'Replaced', ex.scimGroup, etag), 409: uniqueness('displayName'), 412: preconditionFailed },
  },
  'scim-groups-patch': {
    tag: 'Groups',
    description:
      'Changes a group with PATCH operations: rename, add or remove members (up to 10,000 values per request, written in chunks), ' +
      "replace the membership. Answers 204 unless attributes or excludedAttributes are given, then 200 with the group.",
    request: contracts.patchGroupRequest,
    requestExamples: named({ addMember: ['Add a member', ex.scimPatchGroupMembers] }),
    responses: {
      200: ok('The group (when attributes or excludedAttributes are given)', s.scimGroup, 'Updated', ex.scimGroup, etag),
      204: { description: 'Changed', headers: etag },
      412: preconditionFailed,
    },
  },
  'scim-groups-delete': {
    tag: 'Groups',
    description: 'Deletes a group; its memberships are removed in batches afterwards.',
    request: contracts.deleteGroupRequest,
    responses: { 204: { description: 'Deleted' }, 412: preconditionFailed },
  },
  'scim-search-all': {
    tag: 'Search',
    description: 'Searches Users and Groups together with a SearchRequest (RFC 7644 §3.4.3).',
    request: contracts.searchAllRequest,
    requestExamples: named({ example: ['Everything named Joe', { ...ex.scimSearch, filter: 'userName sw "joe" or displayName sw "joe"' }] }),
    responses: { 200: ok('A ListResponse of Users and Groups', s.scimResourceList, 'One user', ex.scimUserList) },
  },
  'scim-bulk': {
    tag: 'Bulk',
    description: 'Runs up to 1,000 operations in order (RFC 7644 §3.7); later operations reference resources created earlier as bulkId:<id>.',
    request: contracts.bulkRequest,
    requestExamples: named({ example: ['A user and a group containing it', ex.scimBulk] }),
    responses: { 200: ok('The result of each operation', s.bulkResponse, 'Both created', ex.scimBulkResponse) },
  },
  'scim-service-provider-config': {
    tag: 'Discovery',
    description: 'What this service provider supports: PATCH, Bulk (limits), filtering (maxResults), sorting, ETags and the authentication scheme.',
    responses: { 200: ok('The configuration', s.serviceProviderConfig, 'Configuration', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'], patch: { supported: true }, bulk: { supported: true, maxOperations: 1000, maxPayloadSize: 1048576 }, filter: { supported: true, maxResults: 1000 }, changePassword: { supported: false }, sort: { supported: true }, etag: { supported: true }, authenticationSchemes: [{ type: 'oauthbearertoken', name: 'OAuth Bearer Token', description: 'Client-credentials access token' }] }) },
  },
  'scim-resource-types-list': {
    tag: 'Discovery',
    description: 'The supported resource types: User (with the enterprise extension) and Group.',
    responses: { 200: ok('A ListResponse of ResourceTypes', s.resourceTypeList, 'Two types', { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 2, startIndex: 1, itemsPerPage: 2, Resources: [{ schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'], id: 'User', name: 'User', endpoint: '/Users', schema: 'urn:ietf:params:scim:schemas:core:2.0:User', schemaExtensions: [{ schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', required: false }] }] }) },
  },
  'scim-resource-types-get': {
    tag: 'Discovery',
    description: 'One resource type, by id (User or Group).',
    pathParameters: { id: 'User or Group' },
    responses: { 200: ok('The resource type', s.resourceType, 'User', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'], id: 'User', name: 'User', endpoint: '/Users', schema: 'urn:ietf:params:scim:schemas:core:2.0:User', schemaExtensions: [] }) },
  },
  'scim-schemas-list': {
    tag: 'Discovery',
    description: 'The supported schemas with every attribute and its characteristics (RFC 7643 §7).',
    responses: { 200: ok('A ListResponse of Schemas', s.scimSchemaList, 'Schemas', { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 3, startIndex: 1, itemsPerPage: 3, Resources: [] }) },
  },
  'scim-schemas-get': {
    tag: 'Discovery',
    description: 'One schema, by its URN.',
    pathParameters: { id: 'The schema URN, e.g. urn:ietf:params:scim:schemas:core:2.0:User' },
    responses: { 200: ok('The schema', s.scimSchema, 'Group', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'], id: 'urn:ietf:params:scim:schemas:core:2.0:Group', name: 'Group', description: 'Group', attributes: [{ name: 'displayName', type: 'string' }] }) },
  },
};
