/**
 * What the Directory API's user and group routes accept (seed "REST API Reference": Users,
 * Groups, Response Format, Rate Limiting). Paging is `page` (1-based, default 1) and `pageSize`
 * (default 50, at most 200): a larger pageSize is refused with a 400 naming the maximum, never
 * clamped, and so are a page below 1, non-integers and unknown values of enumerated parameters.
 */
import * as z from '../zod-mini.ts';
import { queryInteger } from '../http/paging.ts';
import { requestContract } from '../http/request-contract.ts';
import { lazily } from '../lazy.ts';

/** The seed's "Max page size". */
export const DIRECTORY_MAX_PAGE_SIZE = 200;
export const DIRECTORY_DEFAULT_PAGE_SIZE = 50;
/** Pages beyond this cannot hold anything an organization has (200 × 1,000,000 records). */
const MAX_PAGE = 1_000_000;
/** Free-text search is matched in memory, never stored in a key; this bounds the work, not a key. */
export const SEARCH_MAX_LENGTH = 256;

/**
 * `page` and `pageSize` of every Directory API list (users, groups, connections, sync, access
 * reviews): digits only (queryInteger). Built on first call (the same two schemas every time).
 */
export const directoryPaging = /* @__PURE__ */ lazily(() => ({
  page: queryInteger('page', { min: 1, max: MAX_PAGE, fallback: 1 }).check(z.meta({ description: 'Page number, 1-based (default: 1)', examples: [1] })),
  pageSize: queryInteger('pageSize', { min: 1, max: DIRECTORY_MAX_PAGE_SIZE, tooBig: `pageSize must be at most ${DIRECTORY_MAX_PAGE_SIZE} (the maximum page size)`, fallback: DIRECTORY_DEFAULT_PAGE_SIZE }).check(z.meta({ description: `Items per page (default: ${DIRECTORY_DEFAULT_PAGE_SIZE}, max: ${DIRECTORY_MAX_PAGE_SIZE}); a larger value is refused, not clamped`, examples: [25] })),
}));

const search = (what: string) =>
  z.optional(z.string().check(z.maxLength(SEARCH_MAX_LENGTH, { error: `search must be at most ${SEARCH_MAX_LENGTH} characters` }))).check(z.meta({ description: `Search by ${what}: case-insensitive, matches any part` }));

export const userStatuses = ['active', 'disabled', 'all'] as const;
export type UserStatusFilter = (typeof userStatuses)[number];

export const listUsersQuery = /* @__PURE__ */ lazily(() => z.object({
  search: search('name, email, or account name'),
  department: z.optional(z.string().check(z.maxLength(SEARCH_MAX_LENGTH, { error: `department must be at most ${SEARCH_MAX_LENGTH} characters` }))).check(z.meta({ description: 'Filter by department (the SCIM enterprise extension’s department; exact, case-insensitive)', examples: ['IT'] })),
  status: z._default(z.enum(userStatuses, { error: `status must be one of ${userStatuses.join(', ')}` }), 'all').check(z.meta({ description: 'Filter by status: active, disabled, all (default: all)', examples: ['active'] })),
  connectionId: z.optional(z.uuid({ error: 'connectionId must be a GUID' })).check(z.meta({ description: 'Filter by source connection (a GUID)' })),
  ...directoryPaging(),
}));
export type ListUsersQuery = z.output<ReturnType<typeof listUsersQuery>>;

export const listGroupsQuery = /* @__PURE__ */ lazily(() => z.object({ search: search('group name or description'), ...directoryPaging() }));
export type ListGroupsQuery = z.output<ReturnType<typeof listGroupsQuery>>;

export const pageQuery = /* @__PURE__ */ lazily(() => z.object(directoryPaging()));
export type PageQuery = z.output<ReturnType<typeof pageQuery>>;

export const listUsersRequest = /* @__PURE__ */ requestContract('directory-users-list', () => ({ query: listUsersQuery() }));
export const listUserGroupsRequest = /* @__PURE__ */ requestContract('directory-users-groups-list', () => ({ query: pageQuery() }));
export const listGroupsRequest = /* @__PURE__ */ requestContract('directory-groups-list', () => ({ query: listGroupsQuery() }));
export const listGroupMembersRequest = /* @__PURE__ */ requestContract('directory-groups-members-list', () => ({ query: pageQuery() }));

/** The object classes the platform knows; other values are accepted and simply match nothing. */
export const OBJECT_CLASS_EXAMPLES = ['user', 'group', 'computer'] as const;

export const listObjectsQuery = /* @__PURE__ */ lazily(() => z.object({
  objectClass: z.optional(z.string().check(z.trim(), z.minLength(1, { error: 'objectClass must not be empty' }), z.maxLength(64, { error: 'objectClass must be at most 64 characters' }), z.regex(/^[A-Za-z][A-Za-z0-9-]*$/, { error: 'objectClass must be a class name such as user, group or computer' }))).check(z.meta({ description: 'Filter by class: user, group, computer, etc. (case-insensitive)', examples: ['computer'] })),
  connectionId: z.optional(z.uuid({ error: 'connectionId must be a GUID' })).check(z.meta({ description: 'Filter by source connection (a GUID)' })),
  search: search('name, account name or DN'),
  isActive: z.optional(z.pipe(z.enum(['true', 'false'], { error: 'isActive must be true or false' }), z.transform((value) => value === 'true'))).check(z.meta({ description: 'Filter by active status (true or false)', examples: ['true'] })),
  ...directoryPaging(),
}));
export type ListObjectsQuery = z.output<ReturnType<typeof listObjectsQuery>>;

export const listPersonsQuery = /* @__PURE__ */ lazily(() => z.object({ search: search('name, email or employee number'), ...directoryPaging() }));
export type ListPersonsQuery = z.output<ReturnType<typeof listPersonsQuery>>;

export const listObjectsRequest = /* @__PURE__ */ requestContract('directory-objects-list', () => ({ query: listObjectsQuery() }));
export const listPersonsRequest = /* @__PURE__ */ requestContract('directory-persons-list', () => ({ query: listPersonsQuery() }));
export const listPersonObjectsRequest = /* @__PURE__ */ requestContract('directory-persons-objects-list', () => ({ query: pageQuery() }));
