/**
 * Request contracts of the SCIM routes (RFC 7644): the zod schemas their handlers validate with
 * and the OpenAPI definition documents. They check the envelope — query parameters, headers, the
 * SearchRequest, PatchOp and BulkRequest messages, the resource attributes' types — and never
 * refuse what the domain layer accepts: the deeper rules (filter grammar, PATCH paths, attribute
 * mutability, member ids) stay where they are enforced today, with the same SCIM error types.
 *
 * Every schema here is built on first use (`lazily`), never at module initialisation: each SCIM
 * function bundle imports this whole module, and building all of them (the User input schema is
 * generated from the attribute definitions) cost 13–17 ms of cold start (issue 17).
 */
import * as z from '../zod-mini.ts';
import { requestContract } from '../http/request-contract.ts';
import { lazily } from '../lazy.ts';
import type { ScimTypeOfIssue } from '../http/validation.ts';
import { MAX_PATCH_OPERATIONS, PATCH_OP_SCHEMA } from './patch.ts';
import { canonicalMemberNames, scimGroupSchema, scimUserSchema } from './resource-zod.ts';
import { BULK_REQUEST_SCHEMA, SEARCH_REQUEST_SCHEMA, scimLimits } from './scim-config.ts';

function listsSchema(urn: string) {
  return z.array(z.string()).check(z.refine((schemas) => schemas.some((schema) => schema.toLowerCase() === urn.toLowerCase()), {
      message: `must contain "${urn}"`,
      params: { scimType: 'invalidSyntax' },
    }), z.meta({ description: `Must contain ${urn}`, examples: [[urn]] }));
}

/** Envelope problems (missing or wrong `schemas`, `Operations`) are invalidSyntax (RFC 7644 §3.12). */
const envelopeIssues = (members: readonly string[]): ScimTypeOfIssue => (issue) =>
  typeof issue.path[0] === 'string' && members.includes(issue.path[0]) ? 'invalidSyntax' : undefined;

const projection = /* @__PURE__ */ lazily(() => ({
  attributes: z.optional(z.string().check(z.meta({ description: 'Comma-separated attributes to return (RFC 7644 §3.9), e.g. userName,emails' }))),
  excludedAttributes: z.optional(z.string().check(z.meta({ description: 'Comma-separated attributes to leave out (RFC 7644 §3.9), e.g. members' }))),
}));

const listParameters = /* @__PURE__ */ lazily(() => ({
  filter: z.optional(z.string().check(z.meta({ description: 'RFC 7644 §3.4.2.2 filter, e.g. userName eq "joe.bloggs@example.com"' }))),
  startIndex: z.optional(z.coerce.number().check(z.int(), z.meta({ description: '1-based index of the first result; values below 1 are read as 1', default: 1, examples: [1] }))),
  count: z.optional(z.coerce.number().check(z.int(), z.meta({
      description: `Page size (default ${scimLimits.defaultCount}); at most ${scimLimits.maxResults} results are returned (filter.maxResults), negative values are read as 0`,
      default: scimLimits.defaultCount,
      examples: [10],
    }))),
  sortBy: z.optional(z.string().check(z.meta({ description: 'Attribute to sort by, e.g. userName or meta.lastModified' }))),
  sortOrder: z.optional(z.string().check(z.refine((value) => ['ascending', 'descending'].includes(value.toLowerCase()), { message: 'sortOrder must be "ascending" or "descending".' }), z.meta({ description: 'ascending (default) or descending' }))),
  ...projection(),
  cursor: z.optional(z.string().check(z.meta({ description: 'Cursor paging (IETF draft SCIM Cursor Pagination): empty to start, then the nextCursor of the previous page' }))),
}));

export const scimListQuery = /* @__PURE__ */ lazily(() => z.object(listParameters()));
export const scimProjectionQuery = /* @__PURE__ */ lazily(() => z.object(projection()));

const ifMatch = /* @__PURE__ */ lazily(() => z.object({
  'if-match': z.optional(z.string().check(z.meta({ description: 'Apply only if the resource still has this version (meta.version / ETag); 412 otherwise' }))),
}));
const ifNoneMatch = /* @__PURE__ */ lazily(() => z.object({
  'if-none-match': z.optional(z.string().check(z.meta({ description: 'Answer 304 Not Modified when the resource still has this version (ETag)' }))),
}));

const nullable = <T extends z.ZodMiniType>(schema: T) => z.nullish(schema);
const textOrList = /* @__PURE__ */ lazily(() => z.union([z.array(z.string()), z.string()]));

/** POST /.search (RFC 7644 §3.4.3). */
export const scimSearchRequest = /* @__PURE__ */ lazily(() => z.looseObject({
    schemas: listsSchema(SEARCH_REQUEST_SCHEMA),
    filter: nullable(listParameters().filter.def.innerType),
    startIndex: nullable(listParameters().startIndex.def.innerType),
    count: nullable(listParameters().count.def.innerType),
    sortBy: nullable(z.string()),
    sortOrder: nullable(listParameters().sortOrder.def.innerType),
    attributes: nullable(textOrList()).check(z.meta({ description: 'Attributes to return' })),
    excludedAttributes: nullable(textOrList()).check(z.meta({ description: 'Attributes to leave out' })),
    cursor: nullable(z.string()),
  }).check(z.meta({ description: 'A SearchRequest message (RFC 7644 §3.4.3)' })));

const patchOperation = /* @__PURE__ */ lazily(() => z.pipe(z.transform(canonicalMemberNames(['op', 'path', 'value'])), z.looseObject({
    op: z.string().check(z.refine((op) => ['add', 'remove', 'replace'].includes(op.toLowerCase()), { message: 'op must be "add", "remove" or "replace"', params: { scimType: 'invalidSyntax' } }), z.meta({ description: 'add, remove or replace (any case)', examples: ['replace'] })),
    path: z.nullish(z.string()).check(z.meta({ description: 'Attribute path (RFC 7644 §3.5.2 / Figure 7); absent for a path-less operation', examples: ['userName'] })),
    value: z.optional(z.unknown()).check(z.meta({ description: 'The value to add or replace with (required for add and replace)' })),
  })));

/** PATCH (RFC 7644 §3.5.2). */
export const scimPatchRequest = /* @__PURE__ */ lazily(() => z.pipe(z.transform(canonicalMemberNames(['schemas', 'Operations'])), z.looseObject({
      schemas: listsSchema(PATCH_OP_SCHEMA),
      Operations: z.array(patchOperation()).check(z.minLength(1), z.maxLength(MAX_PATCH_OPERATIONS), z.meta({ description: `1 to ${MAX_PATCH_OPERATIONS} operations, applied in order` })),
    }).check(z.meta({ description: 'A PatchOp message (RFC 7644 §3.5.2)' }))));

/** POST /Bulk (RFC 7644 §3.7). */
export const scimBulkRequest = /* @__PURE__ */ lazily(() => z.looseObject({
    schemas: listsSchema(BULK_REQUEST_SCHEMA),
    failOnErrors: z.optional(z.coerce.number().check(z.int())).check(z.meta({ description: 'Stop after this many errors (default: run every operation)' })),
    Operations: z.array(
        z.looseObject({
          method: z.string().check(z.meta({ description: 'POST, PUT, PATCH or DELETE', examples: ['POST'] })),
          bulkId: z.optional(z.string()).check(z.meta({ description: 'Client-chosen id that later operations reference as bulkId:<id>' })),
          path: z.string().check(z.meta({ description: '/Users, /Groups, /Users/{id} or /Groups/{id}', examples: ['/Users'] })),
          version: z.optional(z.string()).check(z.meta({ description: 'If-Match version for PUT, PATCH and DELETE' })),
          data: z.optional(z.unknown()).check(z.meta({ description: 'The resource (POST, PUT) or PatchOp message (PATCH)' })),
        }),
      ).check(z.minLength(1), z.maxLength(scimLimits.bulkMaxOperations), z.meta({ description: `1 to ${scimLimits.bulkMaxOperations} operations (see /ServiceProviderConfig)` })),
  }).check(z.meta({ description: 'A BulkRequest message (RFC 7644 §3.7)' })));

export const scimUserInput = /* @__PURE__ */ lazily(() => scimUserSchema('input'));
export const scimGroupInput = /* @__PURE__ */ lazily(() => scimGroupSchema('input'));

const resourceBody = { scimType: 'invalidValue' as const };
const envelope = (members: readonly string[]) => ({ scimTypeOf: envelopeIssues(members) });

export const listUsersRequest = /* @__PURE__ */ requestContract('scim-users-list', () => ({ query: scimListQuery() }));
export const searchUsersRequest = /* @__PURE__ */ requestContract('scim-users-search', () => ({ body: scimSearchRequest() }), envelope(['schemas']));
export const createUserRequest = /* @__PURE__ */ requestContract('scim-users-create', () => ({ query: scimProjectionQuery(), body: scimUserInput() }), resourceBody);
export const getUserRequest = /* @__PURE__ */ requestContract('scim-users-get', () => ({ query: scimProjectionQuery(), headers: ifNoneMatch() }));
export const replaceUserRequest = /* @__PURE__ */ requestContract('scim-users-replace', () => ({ query: scimProjectionQuery(), headers: ifMatch(), body: scimUserInput() }), resourceBody);
export const patchUserRequest = /* @__PURE__ */ requestContract('scim-users-patch', () => ({ query: scimProjectionQuery(), headers: ifMatch(), body: scimPatchRequest() }), {
  scimType: 'invalidSyntax',
  scimTypeOf: (issue) => (issue.path.at(-1) === 'path' ? 'invalidPath' : undefined),
});
export const deleteUserRequest = /* @__PURE__ */ requestContract('scim-users-delete', () => ({ headers: ifMatch() }));

export const listGroupsRequest = /* @__PURE__ */ requestContract('scim-groups-list', () => ({ query: scimListQuery() }));
export const searchGroupsRequest = /* @__PURE__ */ requestContract('scim-groups-search', () => ({ body: scimSearchRequest() }), envelope(['schemas']));
export const createGroupRequest = /* @__PURE__ */ requestContract('scim-groups-create', () => ({ query: scimProjectionQuery(), body: scimGroupInput() }), resourceBody);
export const getGroupRequest = /* @__PURE__ */ requestContract('scim-groups-get', () => ({ query: scimProjectionQuery(), headers: ifNoneMatch() }));
export const replaceGroupRequest = /* @__PURE__ */ requestContract('scim-groups-replace', () => ({ query: scimProjectionQuery(), headers: ifMatch(), body: scimGroupInput() }), resourceBody);
export const patchGroupRequest = /* @__PURE__ */ requestContract('scim-groups-patch', () => ({ query: scimProjectionQuery(), headers: ifMatch(), body: scimPatchRequest() }), {
  scimType: 'invalidSyntax',
  scimTypeOf: (issue) => (issue.path.at(-1) === 'path' ? 'invalidPath' : undefined),
});
export const deleteGroupRequest = /* @__PURE__ */ requestContract('scim-groups-delete', () => ({ headers: ifMatch() }));

export const searchAllRequest = /* @__PURE__ */ requestContract('scim-search-all', () => ({ body: scimSearchRequest() }), envelope(['schemas']));
export const bulkRequest = /* @__PURE__ */ requestContract('scim-bulk', () => ({ body: scimBulkRequest() }), {
  scimTypeOf: (issue) => {
    if (issue.path[0] === 'Operations' && issue.path.length === 1 && issue.code === 'too_big') return 'tooMany';
    if (issue.path[0] === 'failOnErrors') return 'invalidValue';
    return 'invalidSyntax';
  },
});
