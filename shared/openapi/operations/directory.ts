/**
 * Directory API (seed "REST API Reference"): the Users and Groups operations, their response
 * schemas and examples. Lists answer the seed's envelope `{data, totalCount, page, pageSize}`;
 * one resource is the object itself (the seed shows the envelope for lists only).
 */
import * as z from '../../zod-mini.ts';
import * as contracts from '../../directory/schemas.ts';
import type { ExampleDoc, OperationDocs, ResponseDoc } from '../operation-docs.ts';

const uuid = z.uuid();
const timestamp = z.iso.datetime({ offset: true });
const nullableText = z.nullable(z.string());
const source = z.enum(['scim', 'ldap', 'activeDirectory', 'saml-jit', 'local']);

export const directoryUser = z.object({
    id: uuid,
    accountName: z.string().check(z.meta({ description: 'The account (sign-in) name: SCIM userName; sAMAccountName or uid for synchronised accounts' })),
    displayName: z.string().check(z.meta({ description: "The person's name: displayName, else name.formatted, else given and family name, else the account name" })),
    givenName: nullableText,
    familyName: nullableText,
    email: nullableText.check(z.meta({ description: 'The primary email address, else the first one' })),
    department: nullableText.check(z.meta({ description: 'Enterprise extension department' })),
    title: nullableText,
    employeeNumber: nullableText,
    managerId: z.nullable(uuid).check(z.meta({ description: "The manager's user id" })),
    status: z.enum(['active', 'disabled']),
    source: source.check(z.meta({ description: 'Where the record came from; the source owns it' })),
    connectionId: z.nullable(uuid).check(z.meta({ description: 'The connection the user came through; null for local accounts and for records that predate connections' })),
    externalId: nullableText,
    createdAt: timestamp,
    updatedAt: timestamp,
    lastSignInAt: z.nullable(timestamp),
  }).check(z.meta({ description: 'A user of any source (SCIM, SAML just-in-time, local, LDAP, Active Directory)' }));

export const directoryGroup = z.object({
    id: uuid,
    displayName: z.string(),
    description: nullableText,
    source: z.enum(['scim', 'ldap', 'activeDirectory', 'local']),
    connectionId: z.nullable(uuid),
    externalId: nullableText,
    createdAt: timestamp,
    updatedAt: timestamp,
  }).check(z.meta({ description: 'A group (team) of any source' }));

export const directoryUserAttributes = z.object({
    id: uuid,
    source,
    connectionId: z.nullable(uuid),
    attributes: z.record(z.string(), z.unknown()).check(z.meta({ description: 'Every attribute the source holds, by its name there (SCIM names; the enterprise extension under its URN). Never a password.' })),
  }).check(z.meta({ description: 'All attributes of a user' }));

const envelope = <T extends z.ZodMiniType>(item: T, what: string) =>
  z.object({
      data: z.array(item),
      totalCount: z.int().check(z.meta({ description: `Every ${what} that matches, not only this page's` })),
      page: z.int().check(z.meta({ description: 'This page, 1-based' })),
      pageSize: z.int().check(z.meta({ description: 'Items per page as asked (the last page may hold fewer)' })),
    }).check(z.meta({ description: `A page of ${what}s` }));

export const directoryUserPage = envelope(directoryUser, 'user');
export const directoryGroupPage = envelope(directoryGroup, 'group');

// --- examples (the seed shows the envelope and the error body; the objects are this deployment's) ---

const jane = {
  id: '2819c223-7f76-453a-919d-413861904646',
  accountName: 'jane.doe@example.com',
  displayName: 'Jane Doe',
  givenName: 'Jane',
  familyName: 'Doe',
  email: 'jane.doe@example.com',
  department: 'IT',
  title: 'Systems Engineer',
  employeeNumber: '701984',
  managerId: '26118915-6090-4610-87e4-49d8ca9f808d',
  status: 'active',
  source: 'scim',
  connectionId: '7d2f3c1e-5b8a-4e0f-9a61-3c4d5e6f7a8b',
  externalId: 'a1b2c3d4',
  createdAt: '2025-01-23T04:56:22.000Z',
  updatedAt: '2025-05-13T04:42:34.000Z',
  lastSignInAt: null,
};
const owner = {
  ...jane,
  id: '26118915-6090-4610-87e4-49d8ca9f808d',
  accountName: 'owner@example.com',
  displayName: 'owner@example.com',
  givenName: null,
  familyName: null,
  email: 'owner@example.com',
  department: null,
  title: null,
  employeeNumber: null,
  managerId: null,
  source: 'local',
  connectionId: null,
  externalId: null,
  lastSignInAt: '2025-05-14T08:00:00.000Z',
};
const admins = {
  id: 'e9e30dba-f08f-4109-8486-d5c6a331660a',
  displayName: 'IT Administrators',
  description: null,
  source: 'scim',
  connectionId: '7d2f3c1e-5b8a-4e0f-9a61-3c4d5e6f7a8b',
  externalId: 'grp-17',
  createdAt: '2025-01-23T04:56:22.000Z',
  updatedAt: '2025-05-13T04:42:34.000Z',
};

const example = (summary: string, value: unknown): Record<string, ExampleDoc> => ({ example: { summary, value } });
const ok = (description: string, schema: z.ZodMiniType, summary: string, value: unknown): ResponseDoc => ({ description, schema, examples: example(summary, value) });
const notFound = (what: 'User' | 'Group'): ResponseDoc => ({
  description: `No ${what.toLowerCase()} with this id in the organization`,
  examples: example('Not found (seed)', { error: 'Not Found', message: `${what} with ID '...' was not found`, statusCode: 404 }),
});
const badPaging: ResponseDoc = {
  description: 'A parameter is invalid: pageSize above 200 (never clamped), page below 1, a non-integer, an unknown status, a connectionId that is not a GUID',
  examples: example('pageSize above the maximum', { error: 'Bad Request', message: "Invalid query parameter 'pageSize': pageSize must be at most 200 (the maximum page size)", statusCode: 400 }),
};
const paging = 'Pages are 1-based (`page`, default 1) of `pageSize` items (default 50, at most 200); `totalCount` is exact.';

export const directoryOperations: OperationDocs = {
  'directory-users-list': {
    tag: 'Users',
    description:
      'Lists the users of every source — provisioned over SCIM, signed in through SAML, local accounts, synchronised from LDAP or Active Directory — ' +
      `ordered by account name. \`search\` matches any part of the name, an email address or the account name; \`department\` and \`status\` filter. ${paging} ` +
      'To export every user (seed, "Export Users to CSV"): GET /api/users?page=1&pageSize=200, then page=2, … until a page has fewer than pageSize users.',
    request: contracts.listUsersRequest,
    responses: { 200: ok('A page of users', directoryUserPage, 'GET /api/users?department=IT&status=active&page=1&pageSize=25 (seed)', { data: [jane], totalCount: 1, page: 1, pageSize: 25 }), 400: badPaging },
  },
  'directory-users-get': {
    tag: 'Users',
    description: 'Reads one user of any source; the answer is the user object itself (no envelope).',
    responses: { 200: ok('The user', directoryUser, 'A SCIM-provisioned user', jane), 404: notFound('User') },
  },
  'directory-users-groups-list': {
    tag: 'Users',
    description: `The groups the user is a direct member of, ordered by name. ${paging}`,
    request: contracts.listUserGroupsRequest,
    responses: { 200: ok('A page of groups', directoryGroupPage, 'One group', { data: [admins], totalCount: 1, page: 1, pageSize: 50 }), 400: badPaging, 404: notFound('User') },
  },
  'directory-users-attributes-get': {
    tag: 'Users',
    description: 'Every attribute the user’s source holds, by the names that source uses (SCIM attribute names, the enterprise extension under its URN). Passwords are never stored in the record nor shown.',
    responses: {
      200: ok('The attributes', directoryUserAttributes, 'A SCIM-provisioned user', {
        id: jane.id,
        source: 'scim',
        connectionId: jane.connectionId,
        attributes: {
          userName: 'jane.doe@example.com',
          name: { givenName: 'Jane', familyName: 'Doe' },
          emails: [{ value: 'jane.doe@example.com', type: 'work', primary: true }],
          title: 'Systems Engineer',
          active: true,
          externalId: 'a1b2c3d4',
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'IT', employeeNumber: '701984', manager: { value: owner.id } },
        },
      }),
      404: notFound('User'),
    },
  },
  'directory-groups-list': {
    tag: 'Groups',
    description: `Lists the groups of every source, ordered by name; \`search\` (an addition to the seed) matches any part of the name or description. ${paging}`,
    request: contracts.listGroupsRequest,
    responses: { 200: ok('A page of groups', directoryGroupPage, 'One group', { data: [admins], totalCount: 1, page: 1, pageSize: 50 }), 400: badPaging },
  },
  'directory-groups-get': {
    tag: 'Groups',
    description: 'Reads one group; the answer is the group object itself (no envelope).',
    responses: { 200: ok('The group', directoryGroup, 'A SCIM group', admins), 404: notFound('Group') },
  },
  'directory-groups-members-list': {
    tag: 'Groups',
    description: `The group's direct members as users, ordered by name. ${paging}`,
    request: contracts.listGroupMembersRequest,
    responses: { 200: ok('A page of members', directoryUserPage, 'Two members', { data: [jane, owner], totalCount: 2, page: 1, pageSize: 50 }), 400: badPaging, 404: notFound('Group') },
  },
};
