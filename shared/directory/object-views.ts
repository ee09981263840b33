/**
 * The Directory API's view of objects and persons (seed "REST API Reference", Objects and Persons
 * (Identities)): pure mapping, no storage. An object is one account or entry as its source holds
 * it — every user record and every group record, and the other entries sync brings (computers) —
 * so `/api/objects/{id}` of a user is that user's id.
 */
import { memberDisplay } from '../scim/member-display.ts';
import type { DirectoryAttributesRecord, DirectoryObjectRecord } from '../storage/directory-objects.ts';
import type { GroupRecord } from '../storage/groups.ts';
import type { PersonRecord } from '../storage/persons.ts';
import type { UserRecord } from '../storage/users.ts';
import { sourceConnectionId } from './views.ts';

/** One object as the Directory API shows it; every field is always present (null when empty). */
export interface DirectoryObject {
  id: string;
  /** `user`, `group`, `computer`. */
  objectClass: string;
  /** The display name: a user's name (displayName, else given and family name, else the account name), a group's or computer's name. */
  name: string;
  /** A user's account name (userName); null for other classes. */
  accountName: string | null;
  /** The distinguished name in the source directory; null for SCIM, SAML and local records. */
  dn: string | null;
  source: string;
  connectionId: string | null;
  /** The id in the source: entryUUID / objectGUID for synchronised entries, else the SCIM externalId. */
  externalId: string | null;
  isActive: boolean;
  createdAt: string;
  updatedAt: string;
}

/** GET /api/objects/{id}/attributes. */
export interface DirectoryObjectAttributes {
  id: string;
  objectClass: string;
  source: string;
  connectionId: string | null;
  dn: string | null;
  /** Every attribute the source holds: raw LDAP attributes of synchronised entries, the SCIM resource of SCIM ones. */
  attributes: Record<string, unknown>;
  /** Attributes too large to store, name → bytes (synchronised entries only). */
  omitted: Record<string, number>;
  /** When the attributes were read from the directory (synchronised entries); null otherwise. */
  readAt: string | null;
}

/** A person as the Directory API shows it. */
export interface DirectoryPerson {
  id: string;
  displayName: string;
  email: string | null;
  employeeNumber: string | null;
  /** How many objects (accounts) are linked to the person. */
  objectCount: number;
  createdAt: string;
  updatedAt: string;
}

function externalIdOf(resource: Record<string, unknown>): string | null {
  const entry = Object.entries(resource).find(([name]) => name.toLowerCase() === 'externalid')?.[1];
  return typeof entry === 'string' && entry !== '' ? entry : null;
}

export function userObject(record: UserRecord): DirectoryObject {
  return {
    id: record.id,
    objectClass: 'user',
    name: memberDisplay(record.resource, record.userName),
    accountName: record.userName,
    dn: record.directoryDn ?? null,
    source: record.source,
    connectionId: sourceConnectionId(record),
    externalId: record.directoryId ?? externalIdOf(record.resource),
    isActive: record.active !== false,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export function groupObject(record: GroupRecord): DirectoryObject {
  const source = record.source ?? 'scim';
  return {
    id: record.id,
    objectClass: 'group',
    name: record.displayName,
    accountName: null,
    dn: record.directoryDn ?? null,
    source,
    connectionId: sourceConnectionId({ ...record, source }),
    externalId: record.directoryId ?? externalIdOf(record.resource),
    isActive: true,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export function otherObject(record: DirectoryObjectRecord): DirectoryObject {
  return {
    id: record.id,
    objectClass: record.objectClass,
    name: record.name,
    accountName: null,
    dn: record.directoryDn,
    source: record.source,
    connectionId: record.connectionId,
    externalId: record.directoryId,
    isActive: record.active,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

/** SCIM envelope members and secrets: never attributes. */
const NOT_ATTRIBUTES = new Set(['schemas', 'id', 'meta', 'groups', 'members', 'password']);

/**
 * The attributes of an object: the stored snapshot of a synchronised entry, else (SCIM, SAML,
 * local records) the SCIM resource without its envelope, members and password.
 */
export function objectAttributes(object: DirectoryObject, snapshot: DirectoryAttributesRecord | undefined, resource: Record<string, unknown> | undefined): DirectoryObjectAttributes {
  const base = { id: object.id, objectClass: object.objectClass, source: object.source, connectionId: object.connectionId, dn: object.dn };
  if (snapshot) return { ...base, attributes: snapshot.attributes, omitted: snapshot.omitted ?? {}, readAt: snapshot.readAt };
  const attributes = Object.fromEntries(Object.entries(resource ?? {}).filter(([name]) => !NOT_ATTRIBUTES.has(name.toLowerCase())));
  return { ...base, attributes, omitted: {}, readAt: null };
}

export function toDirectoryPerson(record: PersonRecord): DirectoryPerson {
  return {
    id: record.id,
    displayName: record.displayName,
    email: record.email ?? null,
    employeeNumber: record.employeeNumber ?? null,
    objectCount: Number(record.objectCount),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export interface ObjectFilter {
  objectClass?: string | undefined;
  connectionId?: string | undefined;
  search?: string | undefined;
  isActive?: boolean | undefined;
}

/** Does `object` pass the seed's filters? `search` matches any part of the name, account name or DN, case-insensitively. */
export function matchesObjectFilter(object: DirectoryObject, filter: ObjectFilter): boolean {
  if (filter.objectClass !== undefined && object.objectClass.toLowerCase() !== filter.objectClass.trim().toLowerCase()) return false;
  if (filter.connectionId !== undefined && object.connectionId?.toLowerCase() !== filter.connectionId.toLowerCase()) return false;
  if (filter.isActive !== undefined && object.isActive !== filter.isActive) return false;
  const needle = filter.search?.trim().toLowerCase();
  if (!needle) return true;
  return [object.name, object.accountName, object.dn].some((value) => value !== null && value.toLowerCase().includes(needle));
}

/** Does `person` match a search over its name, email and employee number? */
export function matchesPersonSearch(person: DirectoryPerson, search: string | undefined): boolean {
  const needle = search?.trim().toLowerCase();
  if (!needle) return true;
  return [person.displayName, person.email, person.employeeNumber].some((value) => value !== null && value.toLowerCase().includes(needle));
}
