/**
 * The Directory API's view of the one user record and the one group record (seed "REST API
 * Reference"): pure mapping, no storage. Every source appears — SCIM, SAML just-in-time, local
 * accounts, and synchronised LDAP / Active Directory accounts — with its `source` and, when it
 * came through a connection, its `connectionId`.
 *
 * Every field is always present (null when the record has no value), so a page exported to CSV
 * has the same columns on every row.
 */
import { scimConnectionId } from './scim-connection.ts';
import type { GroupRecord, GroupSource, MembershipRecord } from '../storage/groups.ts';
import type { UserRecord, UserSource } from '../storage/users.ts';
import { memberDisplay } from '../scim/member-display.ts';

/** RFC 7643 §4.3; spelled out here so the directory functions do not bundle the SCIM schema module. */
const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** A user as the Directory API shows it. */
export interface DirectoryUser {
  id: string;
  /** The sign-in / account name: SCIM userName (sAMAccountName or uid for synchronised accounts). */
  accountName: string;
  /** The person's name: displayName, else name.formatted, else given and family name, else the account name. */
  displayName: string;
  givenName: string | null;
  familyName: string | null;
  /** The primary email, else the first one. */
  email: string | null;
  /** From the SCIM enterprise extension (urn:ietf:params:scim:schemas:extension:enterprise:2.0:User). */
  department: string | null;
  title: string | null;
  employeeNumber: string | null;
  /** The manager's user id (enterprise extension `manager.value`). */
  managerId: string | null;
  status: 'active' | 'disabled';
  source: UserSource;
  connectionId: string | null;
  externalId: string | null;
  /** ISO 8601 UTC. */
  createdAt: string;
  updatedAt: string;
  lastSignInAt: string | null;
}

/** A group as the Directory API shows it. */
export interface DirectoryGroup {
  id: string;
  displayName: string;
  description: string | null;
  source: GroupSource;
  connectionId: string | null;
  externalId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** GET /api/users/{id}/attributes: every attribute the source holds for the user. */
export interface DirectoryUserAttributes {
  id: string;
  source: UserSource;
  connectionId: string | null;
  /** Attribute name → value, as the source names them (SCIM names, the enterprise extension under its URN). */
  attributes: Record<string, unknown>;
}

type Attributes = Record<string, unknown>;

/** A member of `object` by name, whatever its case (SCIM attribute names are case-insensitive, RFC 7643 §2.1). */
function member(object: unknown, name: string): unknown {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return undefined;
  const lower = name.toLowerCase();
  return Object.entries(object).find(([key]) => key.toLowerCase() === lower)?.[1];
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function emailsOf(resource: Attributes): { value: string; primary: boolean }[] {
  const emails = member(resource, 'emails');
  if (!Array.isArray(emails)) return [];
  return emails.flatMap((entry) => {
    const value = text(member(entry, 'value'));
    const primary = member(entry, 'primary');
    return value ? [{ value, primary: primary === true || primary === 'true' || primary === 'True' }] : [];
  });
}

function primaryEmail(resource: Attributes): string | null {
  const emails = emailsOf(resource);
  return (emails.find((email) => email.primary) ?? emails[0])?.value ?? null;
}

/** The user as the Directory API shows it. */
export function toDirectoryUser(record: UserRecord): DirectoryUser {
  const resource = record.resource;
  const name = member(resource, 'name');
  const enterprise = member(resource, ENTERPRISE_USER_SCHEMA);
  return {
    id: record.id,
    accountName: record.userName,
    displayName: memberDisplay(resource, record.userName),
    givenName: text(member(name, 'givenName')),
    familyName: text(member(name, 'familyName')),
    email: primaryEmail(resource),
    department: text(member(enterprise, 'department')),
    title: text(member(resource, 'title')),
    employeeNumber: text(member(enterprise, 'employeeNumber')),
    managerId: text(member(member(enterprise, 'manager'), 'value')),
    status: record.active ? 'active' : 'disabled',
    source: record.source,
    connectionId: sourceConnectionId(record),
    externalId: text(member(resource, 'externalId')),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    lastSignInAt: record.lastSignInAt ?? null,
  };
}

/**
 * The connection a record came through: a synchronised record names its own; whatever SCIM
 * provisioned came through the organization's one `scim` connection (its id needs no read); local
 * accounts and SAML JIT users came through none.
 */
export function sourceConnectionId(record: { organizationId: string; source?: string | undefined; connectionId?: string | undefined }): string | null {
  if (record.connectionId) return record.connectionId;
  return record.source === 'scim' ? scimConnectionId(record.organizationId) : null;
}

/** Attributes that are not the user's data: SCIM envelope fields, and the password, which is never stored or shown. */
const NOT_ATTRIBUTES = new Set(['schemas', 'id', 'meta', 'groups', 'password']);

/** Every attribute of a user record, as its source holds them. */
export function toDirectoryUserAttributes(record: UserRecord): DirectoryUserAttributes {
  const attributes = Object.fromEntries(Object.entries(record.resource).filter(([name]) => !NOT_ATTRIBUTES.has(name.toLowerCase())));
  return { id: record.id, source: record.source, connectionId: sourceConnectionId(record), attributes };
}

/** The group as the Directory API shows it. Groups stored before `source` existed were created over SCIM. */
export function toDirectoryGroup(record: GroupRecord): DirectoryGroup {
  return {
    id: record.id,
    displayName: record.displayName,
    description: text(member(record.resource, 'description')),
    source: record.source ?? 'scim',
    connectionId: sourceConnectionId({ ...record, source: record.source ?? 'scim' }),
    externalId: text(member(record.resource, 'externalId')),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

export interface UserFilter {
  search?: string | undefined;
  department?: string | undefined;
  status: 'active' | 'disabled' | 'all';
  connectionId?: string | undefined;
}

/** Does `user` pass the seed's filters? `search` matches any part of the name, email or account name, case-insensitively. */
export function matchesUserFilter(user: DirectoryUser, emails: readonly string[], filter: UserFilter): boolean {
  if (filter.status !== 'all' && user.status !== filter.status) return false;
  if (filter.connectionId !== undefined && user.connectionId?.toLowerCase() !== filter.connectionId.toLowerCase()) return false;
  if (filter.department !== undefined && (user.department ?? '').toLowerCase() !== filter.department.trim().toLowerCase()) return false;
  const needle = filter.search?.trim().toLowerCase();
  if (!needle) return true;
  return [user.accountName, user.displayName, user.givenName, user.familyName, ...emails].some((value) => value !== null && value.toLowerCase().includes(needle));
}

/** Every email address of a user record (search looks at all of them, not only the primary one). */
export function userEmails(record: UserRecord): string[] {
  return emailsOf(record.resource).map((email) => email.value);
}

/** Does `group` match a search over its name and description? */
export function matchesGroupSearch(group: DirectoryGroup, search: string | undefined): boolean {
  const needle = search?.trim().toLowerCase();
  if (!needle) return true;
  return [group.displayName, group.description].some((value) => value !== null && value.toLowerCase().includes(needle));
}

/** Listing order: case-insensitive by the given name, then by id, so pages are stable between requests. */
export function byNameThenId<T extends { id: string }>(nameOf: (item: T) => string): (a: T, b: T) => number {
  return (a, b) => {
    const x = nameOf(a).toLowerCase();
    const y = nameOf(b).toLowerCase();
    return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

/** Members are listed in the order of the name the group shows for them, then by user id. */
export function memberOrder(a: MembershipRecord, b: MembershipRecord): number {
  return byNameThenId<{ id: string; display: string }>((m) => m.display)({ id: a.userId, display: a.display }, { id: b.userId, display: b.display });
}
