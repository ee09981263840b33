/**
 * What the Directory API's user and group routes accept (seed "REST API Reference": Users,
 * Groups, Response Format, Rate Limiting). Paging is `page` (1-based, default 1) and `pageSize`
 * (default 50, at most 200): a larger pageSize is refused with a 400 naming the maximum, never
 * clamped, and so are a page below 1, non-integers and unknown values of enumerated parameters.
 */
import * as z from 'zod';
import { requestContract } from '../http/request-contract.ts';

/** The seed's "Max page size". */
export const DIRECTORY_MAX_PAGE_SIZE = 200;
export const DIRECTORY_DEFAULT_PAGE_SIZE = 50;
/** Pages beyond this cannot hold anything an organization has (200 × 1,000,000 records). */
const MAX_PAGE = 1_000_000;
/** Free-text search is matched in memory, never stored in a key; this bounds the work, not a key. */
export const SEARCH_MAX_LENGTH = 256;

const integer = (name: string, min: number, max: number, tooBig: string) =>
  z.coerce
    .number({ error: `${name} must be an integer` })
    .int({ error: `${name} must be an integer` })
    .min(min, { error: `${name} must be ${min} or more` })
    .max(max, { error: tooBig });

const paging = {
  page: integer('page', 1, MAX_PAGE, `page must be at most ${MAX_PAGE}`).default(1).meta({ description: 'Page number, 1-based (default: 1)', examples: [1] }),
  pageSize: integer('pageSize', 1, DIRECTORY_MAX_PAGE_SIZE, `pageSize must be at most ${DIRECTORY_MAX_PAGE_SIZE} (the maximum page size)`)
    .default(DIRECTORY_DEFAULT_PAGE_SIZE)
    .meta({ description: `Items per page (default: ${DIRECTORY_DEFAULT_PAGE_SIZE}, max: ${DIRECTORY_MAX_PAGE_SIZE}); a larger value is refused, not clamped`, examples: [25] }),
};

const search = (what: string) =>
  z
    .string()
    .max(SEARCH_MAX_LENGTH, { error: `search must be at most ${SEARCH_MAX_LENGTH} characters` })
    .optional()
    .meta({ description: `Search by ${what}: case-insensitive, matches any part` });

export const userStatuses = ['active', 'disabled', 'all'] as const;
export type UserStatusFilter = (typeof userStatuses)[number];

export const listUsersQuery = z.object({
  search: search('name, email, or account name'),
  department: z
    .string()
    .max(SEARCH_MAX_LENGTH, { error: `department must be at most ${SEARCH_MAX_LENGTH} characters` })
    .optional()
    .meta({ description: 'Filter by department (the SCIM enterprise extension’s department; exact, case-insensitive)', examples: ['IT'] }),
  status: z
    .enum(userStatuses, { error: `status must be one of ${userStatuses.join(', ')}` })
    .default('all')
    .meta({ description: 'Filter by status: active, disabled, all (default: all)', examples: ['active'] }),
  connectionId: z.uuid({ error: 'connectionId must be a GUID' }).optional().meta({ description: 'Filter by source connection (a GUID)' }),
  ...paging,
});
export type ListUsersQuery = z.output<typeof listUsersQuery>;

export const listGroupsQuery = z.object({ search: search('group name or description'), ...paging });
export type ListGroupsQuery = z.output<typeof listGroupsQuery>;

export const pageQuery = z.object(paging);
export type PageQuery = z.output<typeof pageQuery>;

export const listUsersRequest = requestContract('directory-users-list', { query: listUsersQuery });
export const listUserGroupsRequest = requestContract('directory-users-groups-list', { query: pageQuery });
export const listGroupsRequest = requestContract('directory-groups-list', { query: listGroupsQuery });
export const listGroupMembersRequest = requestContract('directory-groups-members-list', { query: pageQuery });

/** The object classes the platform knows; other values are accepted and simply match nothing. */
export const OBJECT_CLASS_EXAMPLES = ['user', 'group', 'computer'] as const;

export const listObjectsQuery = z.object({
  objectClass: z
    .string()
    .trim()
    .min(1, { error: 'objectClass must not be empty' })
    .max(64, { error: 'objectClass must be at most 64 characters' })
    .regex(/^[A-Za-z][A-Za-z0-9-]*$/, { error: 'objectClass must be a class name such as user, group or computer' })
    .optional()
    .meta({ description: 'Filter by class: user, group, computer, etc. (case-insensitive)', examples: ['computer'] }),
  connectionId: z.uuid({ error: 'connectionId must be a GUID' }).optional().meta({ description: 'Filter by source connection (a GUID)' }),
  search: search('name, account name or DN'),
  isActive: z
    .enum(['true', 'false'], { error: 'isActive must be true or false' })
    .transform((value) => value === 'true')
    .optional()
    .meta({ description: 'Filter by active status (true or false)', examples: ['true'] }),
  ...paging,
});
export type ListObjectsQuery = z.output<typeof listObjectsQuery>;

export const listPersonsQuery = z.object({ search: search('name, email or employee number'), ...paging });
export type ListPersonsQuery = z.output<typeof listPersonsQuery>;

export const listObjectsRequest = requestContract('directory-objects-list', { query: listObjectsQuery });
export const listPersonsRequest = requestContract('directory-persons-list', { query: listPersonsQuery });
export const listPersonObjectsRequest = requestContract('directory-persons-objects-list', { query: pageQuery });
