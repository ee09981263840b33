/**
 * Directory API (seed "REST API Reference"): the Objects and Persons (Identities) operations,
 * their response schemas and examples. Lists answer the seed's envelope; one resource is the
 * object itself.
 */
import * as z from '../../zod-mini.ts';
import * as contracts from '../../directory/schemas.ts';
import type { ExampleDoc, OperationDocs, ResponseDoc } from '../operation-docs.ts';

const uuid = z.uuid();
const timestamp = z.iso.datetime({ offset: true });
const nullableText = z.nullable(z.string());

export const directoryObject = z.object({
    id: uuid.check(z.meta({ description: 'The object id: a user’s or group’s own id, or the id of another synchronised entry' })),
    objectClass: z.string().check(z.meta({ description: 'user, group, computer (AD computer, OpenLDAP device)', examples: ['user'] })),
    name: z.string().check(z.meta({ description: 'A user’s name (displayName, else given and family name, else the account name), a group’s or computer’s name' })),
    accountName: nullableText.check(z.meta({ description: 'A user’s account name (userName); null for other classes' })),
    dn: nullableText.check(z.meta({ description: 'Distinguished name in the source directory; null for SCIM, SAML and local records' })),
    source: z.enum(['scim', 'ldap', 'activeDirectory', 'saml-jit', 'local']),
    connectionId: z.nullable(uuid).check(z.meta({ description: 'The connection the object came through (SCIM records: the organization’s scim connection)' })),
    externalId: nullableText.check(z.meta({ description: 'The id in the source: entryUUID or objectGUID for synchronised entries, the SCIM externalId otherwise' })),
    isActive: z.boolean(),
    createdAt: timestamp,
    updatedAt: timestamp,
  }).check(z.meta({ description: 'One account or entry as its source holds it' }));

export const directoryObjectAttributes = z.object({
    id: uuid,
    objectClass: z.string(),
    source: z.string(),
    connectionId: z.nullable(uuid),
    dn: nullableText,
    attributes: z.record(z.string(), z.unknown()).check(z.meta({ description: 'Every attribute the source holds: the raw LDAP attributes of a synchronised entry (one value as a string, several as an array; objectGUID as a GUID, objectSid as S-1-…, other binary values base64), the SCIM resource of a SCIM one. Never passwords or other secrets.' })),
    omitted: z.record(z.string(), z.int()).check(z.meta({ description: 'Attributes too large to keep (name → bytes)' })),
    readAt: z.nullable(timestamp).check(z.meta({ description: 'When sync last read the entry; null for SCIM, SAML and local records' })),
  }).check(z.meta({ description: 'All attributes of an object' }));

export const directoryPerson = z.object({
    id: uuid,
    displayName: z.string().check(z.meta({ description: 'The name of the linked account written last' })),
    email: nullableText,
    employeeNumber: nullableText,
    objectCount: z.int().check(z.meta({ description: 'Linked objects (accounts)' })),
    createdAt: timestamp,
    updatedAt: timestamp,
  }).check(z.meta({ description: 'A person: one human, with its accounts across sources' }));

const envelope = <T extends z.ZodMiniType>(item: T, what: string) =>
  z.object({
      data: z.array(item),
      totalCount: z.int().check(z.meta({ description: `Every ${what} that matches, not only this page's` })),
      page: z.int(),
      pageSize: z.int(),
    }).check(z.meta({ description: `A page of ${what}s` }));

export const directoryObjectPage = envelope(directoryObject, 'object');
export const directoryPersonPage = envelope(directoryPerson, 'person');

const ldapUser = {
  id: '9b2f6c1e-0a4d-4c55-9f1e-2a7b3c4d5e6f',
  objectClass: 'user',
  name: 'Ada Lovelace',
  accountName: 'ada',
  dn: 'uid=ada,ou=people,dc=example,dc=com',
  source: 'ldap',
  connectionId: '0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a',
  externalId: '8e3a5c52-7d0e-103f-9a9b-4f1d2c3b4a59',
  isActive: true,
  createdAt: '2025-01-23T04:56:22.000Z',
  updatedAt: '2025-05-13T04:42:34.000Z',
};
const scimUser = { ...ldapUser, id: '2819c223-7f76-453a-919d-413861904646', accountName: 'ada.lovelace@example.com', dn: null, source: 'scim', connectionId: '7d2f3c1e-5b8a-4e0f-9a61-3c4d5e6f7a8b', externalId: 'a1b2c3d4' };
const computer = {
  ...ldapUser,
  id: '5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d',
  objectClass: 'computer',
  name: 'WS01',
  accountName: null,
  dn: 'CN=WS01,CN=Computers,DC=corp,DC=example,DC=com',
  source: 'activeDirectory',
  externalId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
};
const person = { id: '4e1d7a2b-6c3f-4b8e-9d0a-1f2e3d4c5b6a', displayName: 'Ada Lovelace', email: 'ada@example.com', employeeNumber: '1001', objectCount: 2, createdAt: '2025-01-23T04:56:22.000Z', updatedAt: '2025-05-13T04:42:34.000Z' };

const example = (summary: string, value: unknown): Record<string, ExampleDoc> => ({ example: { summary, value } });
const ok = (description: string, schema: z.ZodMiniType, summary: string, value: unknown): ResponseDoc => ({ description, schema, examples: example(summary, value) });
const notFound = (what: 'Object' | 'Person'): ResponseDoc => ({
  description: `No ${what.toLowerCase()} with this id in the organization`,
  examples: example('Not found (seed)', { error: 'Not Found', message: `${what} with ID '...' was not found`, statusCode: 404 }),
});
const badQuery: ResponseDoc = {
  description: 'A parameter is invalid: pageSize above 200 (never clamped), page below 1, a non-integer, isActive other than true/false, a connectionId that is not a GUID',
  examples: example('pageSize above the maximum', { error: 'Bad Request', message: "Invalid query parameter 'pageSize': pageSize must be at most 200 (the maximum page size)", statusCode: 400 }),
};
const paging = 'Pages are 1-based (`page`, default 1) of `pageSize` items (default 50, at most 200); `totalCount` is exact.';

export const directoryObjectOperations: OperationDocs = {
  'directory-objects-list': {
    tag: 'Objects',
    description:
      'Lists every object: each user and group record of every source (SCIM, SAML, local, LDAP, Active Directory) and the other entries sync projects bring (computers), ' +
      `ordered by name. \`objectClass\` (user, group, computer, …), \`connectionId\` and \`isActive\` filter; \`search\` matches any part of the name, account name or DN. ${paging} ` +
      'With objectClass=user (or group) only users (groups) are read.',
    request: contracts.listObjectsRequest,
    responses: {
      200: ok('A page of objects', directoryObjectPage, 'GET /api/objects?objectClass=computer&isActive=true', { data: [computer], totalCount: 1, page: 1, pageSize: 50 }),
      400: badQuery,
    },
  },
  'directory-objects-get': {
    tag: 'Objects',
    description: 'Reads one object (a user, group or other entry) by its id; the answer is the object itself.',
    responses: { 200: ok('The object', directoryObject, 'An LDAP-synchronised user', ldapUser), 404: notFound('Object') },
  },
  'directory-objects-attributes-get': {
    tag: 'Objects',
    description:
      'Every attribute the source holds for the object: for an entry synchronised from LDAP or Active Directory the raw attributes as the last run read them ' +
      '(objectGUID as a GUID, objectSid as S-1-…, other binary values base64; passwords, LAPS passwords and other secrets are never read into the store), for a SCIM, SAML or local record its SCIM resource (never the password).',
    responses: {
      200: ok('The attributes', directoryObjectAttributes, 'An LDAP-synchronised user', {
        id: ldapUser.id,
        objectClass: 'user',
        source: 'ldap',
        connectionId: ldapUser.connectionId,
        dn: ldapUser.dn,
        attributes: { objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'], uid: 'ada', cn: 'Ada Lovelace', sn: 'Lovelace', mail: 'ada@example.com', employeeNumber: '1001', entryUUID: ldapUser.externalId },
        omitted: {},
        readAt: '2025-05-13T04:42:34.000Z',
      }),
      404: notFound('Object'),
    },
  },
  'directory-persons-list': {
    tag: 'Persons',
    description: `Lists the persons (one per human), ordered by name; \`search\` matches any part of the name, email or employee number. ${paging}`,
    request: contracts.listPersonsRequest,
    responses: { 200: ok('A page of persons', directoryPersonPage, 'One person', { data: [person], totalCount: 1, page: 1, pageSize: 50 }), 400: badQuery },
  },
  'directory-persons-get': {
    tag: 'Persons',
    description: 'Reads one person; the answer is the person itself.',
    responses: { 200: ok('The person', directoryPerson, 'A person with two accounts', person), 404: notFound('Person') },
  },
  'directory-persons-objects-list': {
    tag: 'Persons',
    description: `The person’s linked objects — its accounts in every source, tied together by the correlation rule (employeeNumber, then email, then userName by default) — ordered by name. ${paging}`,
    request: contracts.listPersonObjectsRequest,
    responses: { 200: ok('A page of objects', directoryObjectPage, 'A SCIM account and an LDAP account', { data: [ldapUser, scimUser], totalCount: 2, page: 1, pageSize: 50 }), 400: badQuery, 404: notFound('Person') },
  },
};
