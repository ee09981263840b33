/**
 * The read step of a sync run (the connector): talks LDAP to an `ldap` or `activeDirectory`
 * connection and hands the rest of the engine normalised objects only — `DirectoryUser`,
 * `DirectoryGroup`, `UnreadableEntry` — plus the evidence of deletions a delta run needs.
 *
 * - Full reads page through every search base (paged-results control, RFC 2696).
 * - Delta reads ask only for what changed after the project's watermark: OpenLDAP entries whose
 *   entryCSN is above the highest one seen, Active Directory entries whose uSNChanged is above the
 *   rootDSE's highestCommittedUSN at the start of the previous run. Groups whose membership changed
 *   bring their parent groups (memberOf, transitively) so nested memberships follow.
 * - Deletions on delta runs: Active Directory keeps tombstones (objectGUID included) that the Show
 *   Deleted control (1.2.840.113556.1.4.417) returns for `(isDeleted=TRUE)` with uSNChanged above
 *   the watermark. OpenLDAP keeps nothing of a deleted entry, so a delta run also lists the ids
 *   (entryUUID only, no other attribute) of every entry the project's searches match; sync-state.ts
 *   compares their number with the last run's and looks for the missing ones only when they disagree.
 *
 * Any failed search (size limit, lost connection, missing base) throws: the run then changes nothing.
 */
import type { SyncProjectRecord, SyncProjectState } from '../storage/sync-projects.ts';
import type { DirectoryConnection } from './ldap-client.ts';
import { attribute, firstValue, isNoSuchObject, type LdapEntry } from './ldap-client.ts';
import { BINARY_ATTRIBUTES, OTHER_OBJECT_CLASSES, otherActiveOf, snapshotOf, type EntrySnapshot, type OtherObjectClass } from './sync-objects.ts';

export type DirectoryKind = 'ldap' | 'activeDirectory';
/** Users, groups, and the other classes (sync-objects.ts: computer). */
export type SyncObjectClass = 'user' | 'group' | OtherObjectClass;

/** The user fields a mapping fills, besides userName, active and manager. */
export const USER_FIELDS = ['givenName', 'familyName', 'displayName', 'email', 'employeeNumber', 'department', 'title'] as const;

/** A directory user, normalised through the project's attribute mappings. */
export interface DirectoryUser {
  dn: string;
  /** entryUUID (OpenLDAP) or objectGUID as a lower-case UUID (Active Directory). */
  directoryId: string;
  userName: string;
  active: boolean;
  managerDn: string | undefined;
  fields: Partial<Record<(typeof USER_FIELDS)[number], string>>;
  /** The latest sign-in the directory recorded (ISO 8601): AD lastLogonTimestamp, OpenLDAP pwdLastSuccess / authTimestamp. */
  lastSignInAt?: string | undefined;
  /** The entry's raw attributes as stored (sync-objects.ts); absent: the run keeps no snapshot. */
  snapshot?: EntrySnapshot | undefined;
}

/** A directory group: its direct member DNs (users or groups) and the DNs of the groups it is in. */
export interface DirectoryGroup {
  dn: string;
  directoryId: string;
  displayName: string;
  description: string | undefined;
  memberDns: string[];
  parentDns: string[];
  /** Read by a delta run only because a group nested in it changed: recorded only if it changes. */
  viaParent?: boolean | undefined;
  snapshot?: EntrySnapshot | undefined;
}

/** A directory entry of another class (computer): its name (cn, else name), status and raw attributes. */
export interface DirectoryOther {
  dn: string;
  directoryId: string;
  objectClass: OtherObjectClass;
  name: string;
  active: boolean;
  snapshot: EntrySnapshot;
}

/** An entry the engine cannot synchronise (no stable id, no userName): an error record. */
export interface UnreadableEntry {
  dn: string;
  objectClass: SyncObjectClass;
  error: string;
}

/** What one run read. */
export interface DirectoryRead {
  users: DirectoryUser[];
  groups: DirectoryGroup[];
  /** Entries of the project's other classes (computer); absent: none read. */
  others?: DirectoryOther[] | undefined;
  unreadable: UnreadableEntry[];
  /** The watermark the next delta run reads changes after. */
  watermark: string | undefined;
  /** Active Directory delta: stable ids of objects deleted since the watermark (tombstones). */
  deletedIds?: string[] | undefined;
  /** OpenLDAP delta: the stable ids every search of the project matches now, per object class. */
  listedIds?: Partial<Record<SyncObjectClass, Set<string>>> | undefined;
}

const DISABLED_VALUES = new Set(['disabled', 'inactive', 'false', '0', 'no']);
/** userAccountControl ACCOUNTDISABLE (MS-ADTS 2.2.16). */
const UAC_ACCOUNTDISABLE = 0x2;
/** How many levels of parent groups a delta run follows up from a changed group. */
const MAX_PARENT_DEPTH = 10;

/** DNs compare case-insensitively and without spaces around separators. */
export function dnKey(dn: string): string {
  return dn
    .split(/(?<!\\),/)
    .map((rdn) => rdn.trim())
    .join(',')
    .toLowerCase();
}

/** Is `dn` the base itself or below it? */
export function withinBase(dn: string, base: string): boolean {
  const key = dnKey(dn);
  const baseKey = dnKey(base);
  return key === baseKey || key.endsWith(`,${baseKey}`);
}

/** objectGUID (16 bytes, the first three fields little-endian, MS-DTYP 2.3.4) as a lower-case UUID. */
export function guidText(bytes: Buffer): string {
  const hex = (start: number, end: number, reverse: boolean) => {
    const part = [...bytes.subarray(start, end)];
    return (reverse ? part.reverse() : part).map((byte) => byte.toString(16).padStart(2, '0')).join('');
  };
  return `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`;
}

function texts(entry: LdapEntry, name: string): string[] {
  return (attribute(entry, name) ?? []).map((value) => (typeof value === 'string' ? value : value.toString('utf8')));
}

function text(entry: LdapEntry, name: string | undefined): string | undefined {
  if (!name) return undefined;
  const value = firstValue(attribute(entry, name));
  return value === undefined || value === '' ? undefined : value;
}

/** The entry's stable id: objectGUID (AD) or entryUUID (OpenLDAP), lower case; undefined when missing. */
export function directoryIdOf(entry: LdapEntry, kind: DirectoryKind): string | undefined {
  if (kind === 'activeDirectory') {
    const raw = attribute(entry, 'objectGUID')?.[0];
    return Buffer.isBuffer(raw) && raw.length === 16 ? guidText(raw) : undefined;
  }
  return text(entry, 'entryUUID')?.toLowerCase();
}

/** Is the account enabled? AD: userAccountControl without ACCOUNTDISABLE; otherwise a value other than disabled/inactive/false/0/no. */
export function activeOf(entry: LdapEntry, kind: DirectoryKind, source: string | undefined): boolean {
  const value = text(entry, source);
  if (value === undefined) return true;
  if (kind === 'activeDirectory' && source?.toLowerCase() === 'useraccountcontrol') return (Number(value) & UAC_ACCOUNTDISABLE) === 0;
  return !DISABLED_VALUES.has(value.toLowerCase());
}

/** Normalises a user entry through the project's mappings; an UnreadableEntry when it has no stable id or userName. */
export function normaliseUser(entry: LdapEntry, kind: DirectoryKind, mappings: Record<string, string>): DirectoryUser | UnreadableEntry {
  const directoryId = directoryIdOf(entry, kind);
  const userName = kind === 'activeDirectory' ? (text(entry, mappings.userName) ?? text(entry, 'sAMAccountName')) : text(entry, mappings.userName);
  if (!directoryId) return { dn: entry.dn, objectClass: 'user', error: `The entry has no ${kind === 'activeDirectory' ? 'objectGUID' : 'entryUUID'}.` };
  if (!userName) return { dn: entry.dn, objectClass: 'user', error: `The entry has no ${mappings.userName} (the userName mapping).` };
  const fields: DirectoryUser['fields'] = {};
  for (const field of USER_FIELDS) {
    const value = text(entry, mappings[field]);
    if (value !== undefined) fields[field] = value;
  }
  const lastSignInAt = directorySignInOf(entry, kind);
  return { dn: entry.dn, directoryId, userName, active: activeOf(entry, kind, mappings.active), managerDn: text(entry, mappings.manager), fields, ...(lastSignInAt ? { lastSignInAt } : {}), snapshot: snapshotOf(entry) };
}

/** 100-nanosecond intervals between 1601-01-01 and 1970-01-01 (Windows FILETIME epoch). */
const FILETIME_EPOCH_OFFSET = 116_444_736_000_000_000n;

/** An LDAP GeneralizedTime (RFC 4517 §3.3.13, `20261130120000Z`, optional fraction) as epoch ms; undefined when malformed. */
export function generalizedTimeMs(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:[.,](\d+))?Z$/.exec(value.trim());
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction] = match;
  const ms = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second ?? 0), fraction ? Math.floor(Number(`0.${fraction}`) * 1000) : 0);
  return Number.isNaN(ms) ? undefined : ms;
}

/** An Active Directory FILETIME (lastLogonTimestamp: 100-ns intervals since 1601, as text) as epoch ms; undefined for 0, "never" and malformed values. */
export function fileTimeMs(value: string): number | undefined {
  if (!/^\d{1,19}$/.test(value.trim())) return undefined;
  const ticks = BigInt(value.trim());
  if (ticks <= FILETIME_EPOCH_OFFSET || ticks >= 9_223_372_036_854_775_807n) return undefined;
  return Number((ticks - FILETIME_EPOCH_OFFSET) / 10_000n);
}

/**
 * The latest sign-in a directory entry records, as ISO 8601: Active Directory's lastLogonTimestamp
 * (replicated, so up to about 14 days behind the real last logon — the `msDS-LogonTimeSyncInterval`),
 * OpenLDAP's `pwdLastSuccess` (the `lastbind` database option) or `authTimestamp` (the lastbind
 * overlay). Undefined when the entry records none; a time in the future is ignored.
 */
export function directorySignInOf(entry: LdapEntry, kind: DirectoryKind): string | undefined {
  const times = (kind === 'activeDirectory' ? [fileTimeMs(text(entry, 'lastLogonTimestamp') ?? '')] : [text(entry, 'pwdLastSuccess'), text(entry, 'authTimestamp')].map((value) => (value ? generalizedTimeMs(value) : undefined))).filter(
    (time): time is number => time !== undefined && time <= Date.now() + 60_000,
  );
  return times.length > 0 ? new Date(Math.max(...times)).toISOString() : undefined;
}

/** Normalises a group entry: cn (else name) as its name, member/uniqueMember as members, memberOf as parents. */
export function normaliseGroup(entry: LdapEntry, kind: DirectoryKind): DirectoryGroup | UnreadableEntry {
  const directoryId = directoryIdOf(entry, kind);
  const displayName = text(entry, 'cn') ?? text(entry, 'name');
  if (!directoryId) return { dn: entry.dn, objectClass: 'group', error: 'The entry has no stable id.' };
  if (!displayName) return { dn: entry.dn, objectClass: 'group', error: 'The entry has no cn.' };
  return {
    dn: entry.dn,
    directoryId,
    displayName,
    description: text(entry, 'description'),
    memberDns: [...texts(entry, 'member'), ...texts(entry, 'uniqueMember')],
    parentDns: texts(entry, 'memberOf'),
    snapshot: snapshotOf(entry),
  };
}

/** Normalises an entry of another class (computer): cn (else name) as its name; enabled per userAccountControl on AD. */
export function normaliseOther(entry: LdapEntry, kind: DirectoryKind, objectClass: OtherObjectClass): DirectoryOther | UnreadableEntry {
  const directoryId = directoryIdOf(entry, kind);
  const name = text(entry, 'cn') ?? text(entry, 'name');
  if (!directoryId) return { dn: entry.dn, objectClass, error: 'The entry has no stable id.' };
  if (!name) return { dn: entry.dn, objectClass, error: 'The entry has no cn.' };
  return { dn: entry.dn, directoryId, objectClass, name, active: otherActiveOf(entry, kind), snapshot: snapshotOf(entry) };
}

/** The search filter of one object class: the class's own, the project's filter and the delta clause, ANDed. */
export function searchFilter(kind: DirectoryKind, objectClass: SyncObjectClass, project: Pick<SyncProjectRecord, 'filter'>, delta: string | undefined): string {
  const base =
    objectClass !== 'user' && objectClass !== 'group'
      ? OTHER_OBJECT_CLASSES[objectClass][kind]
      : kind === 'activeDirectory'
      ? objectClass === 'user'
        ? '(&(objectCategory=person)(objectClass=user))'
        : '(objectClass=group)'
      : objectClass === 'user'
        ? '(objectClass=inetOrgPerson)'
        : '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))';
  const parts = [base, project.filter, delta].filter((part): part is string => part !== undefined);
  return parts.length === 1 ? base : `(&${parts.join('')})`;
}

/** The delta clause after `watermark`: AD `(uSNChanged>=w+1)`; OpenLDAP entryCSN strictly above it. */
export function deltaClause(kind: DirectoryKind, watermark: string | undefined): string | undefined {
  if (watermark === undefined) return undefined;
  if (kind === 'activeDirectory') return `(uSNChanged>=${BigInt(watermark) + 1n})`;
  // entryCSN orders by time to the microsecond (csnOrderingMatch); "greater than" is "not at most".
  return `(!(entryCSN<=${escapeFilterValue(watermark)}))`;
}

/** Escapes a filter assertion value (RFC 4515 §3). */
export function escapeFilterValue(value: string): string {
  return value.replace(/[\\*()\0]/g, (char) => `\\${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The attributes read per entry, and which of them are binary. */
function attributesOf(kind: DirectoryKind): { attributes: string[]; binaryAttributes?: string[] } {
  // OpenLDAP's memberof overlay keeps memberOf operational: '*' does not return it.
  // Binary attributes are read as bytes (sync-objects.ts turns them into text for the snapshot).
  return kind === 'activeDirectory'
    ? { attributes: ['*', 'objectGUID', 'uSNChanged'], binaryAttributes: [...BINARY_ATTRIBUTES.activeDirectory] }
    : // pwdLastSuccess and authTimestamp are operational too (sign-in times, when the server keeps them; unknown names are ignored, RFC 4511 §4.5.1.8).
      { attributes: ['*', 'entryUUID', 'entryCSN', 'memberOf', 'pwdLastSuccess', 'authTimestamp'], binaryAttributes: [...BINARY_ATTRIBUTES.ldap] };
}

/** The project's reading context over an open, bound connection. */
export interface ProjectReader {
  directory: DirectoryConnection;
  project: SyncProjectRecord;
  /** The project's search bases (the connection's baseDn when it names none). */
  bases: string[];
  pageSize: number;
  /** The connection's baseDn: where Active Directory's tombstones are searched from. */
  connectionBaseDn: string;
}

async function searchAll(reader: ProjectReader, base: string, filter: string, options: { attributes: string[]; binaryAttributes?: string[] | undefined; scope?: 'base' | 'sub'; showDeleted?: boolean }): Promise<LdapEntry[]> {
  const entries: LdapEntry[] = [];
  for await (const page of reader.directory.searchPages(base, { filter, ...options, pageSize: reader.pageSize })) entries.push(...page);
  return entries;
}

async function searchClass(reader: ProjectReader, objectClass: SyncObjectClass, delta: string | undefined): Promise<LdapEntry[]> {
  if (!reader.project.objectClasses.includes(objectClass)) return [];
  const kind = reader.project.connectionType;
  const entries: LdapEntry[] = [];
  for (const base of reader.bases) entries.push(...(await searchAll(reader, base, searchFilter(kind, objectClass, reader.project, delta), attributesOf(kind))));
  return entries;
}

function collectOthers(read: DirectoryRead, kind: DirectoryKind, objectClass: OtherObjectClass, entries: LdapEntry[]): void {
  const seen = new Set((read.others ?? []).map((other) => other.directoryId));
  for (const entry of entries) {
    const other = normaliseOther(entry, kind, objectClass);
    if ('error' in other) read.unreadable.push(other);
    else if (!seen.has(other.directoryId)) {
      seen.add(other.directoryId);
      (read.others ??= []).push(other);
    }
  }
}

function collect(read: DirectoryRead, kind: DirectoryKind, mappings: Record<string, string>, userEntries: LdapEntry[], groupEntries: LdapEntry[]): void {
  for (const entry of userEntries) {
    const user = normaliseUser(entry, kind, mappings);
    if ('error' in user) read.unreadable.push(user);
    else read.users.push(user);
  }
  for (const entry of groupEntries) {
    const group = normaliseGroup(entry, kind);
    if ('error' in group) read.unreadable.push(group);
    else read.groups.push(group);
  }
}

function highestCsn(entries: LdapEntry[], start: string | undefined): string | undefined {
  let watermark = start;
  for (const entry of entries) {
    const csn = text(entry, 'entryCSN');
    if (csn !== undefined && (watermark === undefined || csn > watermark)) watermark = csn;
  }
  return watermark;
}

/**
 * Reads what a run of the project needs: every matching entry (full), or what changed after the
 * state's watermark with the parents of changed groups and the evidence of deletions (delta).
 * Throws on any failed search.
 */
export async function readProject(reader: ProjectReader, state: SyncProjectState, mode: 'full' | 'delta'): Promise<DirectoryRead> {
  const { project, directory } = reader;
  const kind = project.connectionType;
  // AD: changes up to this USN are in what we read now; the next delta reads above it.
  const rootDse = kind === 'activeDirectory' ? await directory.rootDse() : undefined;
  const nextUsn = rootDse?.highestCommittedUSN;
  const delta = mode === 'delta' ? deltaClause(kind, state.watermark) : undefined;
  const userEntries = await searchClass(reader, 'user', delta);
  const groupEntries = await searchClass(reader, 'group', delta);
  const read: DirectoryRead = { users: [], groups: [], unreadable: [], watermark: undefined };
  collect(read, kind, project.attributeMappings, userEntries, groupEntries);
  if (otherClasses(project).length > 0) read.others = [];
  const otherEntries: LdapEntry[] = [];
  for (const objectClass of otherClasses(project)) {
    const entries = await searchClass(reader, objectClass, delta);
    otherEntries.push(...entries);
    collectOthers(read, kind, objectClass, entries);
  }
  if (delta !== undefined) {
    const parents = await readParentGroups(reader, read.groups);
    const changed = read.groups.length;
    collect(read, kind, project.attributeMappings, [], parents);
    for (const group of read.groups.slice(changed)) group.viaParent = true;
    // Tombstones live in the domain's Deleted Objects container, not below the project's bases.
    if (kind === 'activeDirectory') read.deletedIds = await readTombstones(reader, rootDse?.defaultNamingContext ?? reader.connectionBaseDn, state.watermark as string);
    else read.listedIds = await listIds(reader);
  }
  read.watermark = kind === 'activeDirectory' ? (nextUsn ?? state.watermark) : highestCsn([...userEntries, ...groupEntries, ...otherEntries], state.watermark);
  return read;
}

/** The project's classes other than users and groups. */
function otherClasses(project: Pick<SyncProjectRecord, 'objectClasses'>): OtherObjectClass[] {
  return project.objectClasses.filter((objectClass): objectClass is OtherObjectClass => objectClass in OTHER_OBJECT_CLASSES);
}

/**
 * The groups above `changed` (memberOf, transitively, inside the project's bases and filter) that
 * are not among them: their nested memberships change with their children's.
 */
async function readParentGroups(reader: ProjectReader, changed: DirectoryGroup[]): Promise<LdapEntry[]> {
  if (!reader.project.objectClasses.includes('group')) return [];
  const seen = new Set(changed.map((group) => dnKey(group.dn)));
  const found: LdapEntry[] = [];
  let frontier = changed.flatMap((group) => group.parentDns);
  for (let depth = 0; depth < MAX_PARENT_DEPTH && frontier.length > 0; depth++) {
    const next: string[] = [];
    for (const dn of frontier) {
      const key = dnKey(dn);
      if (seen.has(key) || !reader.bases.some((base) => withinBase(dn, base))) continue;
      seen.add(key);
      const entry = await readEntry(reader, dn, 'group');
      if (!entry) continue;
      found.push(entry);
      next.push(...texts(entry, 'memberOf'));
    }
    frontier = next;
  }
  return found;
}

/**
 * One entry by DN (scope base) if it exists and matches the project's filter for `objectClass`;
 * undefined when it does not match, `null` when the directory says noSuchObject (result 32).
 */
export async function readEntry(reader: ProjectReader, dn: string, objectClass: SyncObjectClass): Promise<LdapEntry | undefined | null> {
  const kind = reader.project.connectionType;
  try {
    const entries = await searchAll(reader, dn, searchFilter(kind, objectClass, reader.project, undefined), { ...attributesOf(kind), scope: 'base' });
    return entries[0];
  } catch (error) {
    if (isNoSuchObject(error)) return null;
    throw error;
  }
}

/** Active Directory: stable ids of users and groups deleted after `watermark` (tombstones under `domainDn`, Show Deleted control). */
async function readTombstones(reader: ProjectReader, domainDn: string, watermark: string): Promise<string[]> {
  const filter = `(&(isDeleted=TRUE)(uSNChanged>=${BigInt(watermark) + 1n})(|(objectClass=user)(objectClass=group)(objectClass=computer)))`;
  const entries = await searchAll(reader, domainDn, filter, { attributes: ['objectGUID'], binaryAttributes: ['objectGUID'], showDeleted: true });
  return entries.map((entry) => directoryIdOf(entry, 'activeDirectory')).filter((id): id is string => id !== undefined);
}

/** OpenLDAP: the entryUUID of every entry each object class's search matches (no other attribute is read). */
async function listIds(reader: ProjectReader): Promise<Partial<Record<SyncObjectClass, Set<string>>>> {
  const listed: Partial<Record<SyncObjectClass, Set<string>>> = {};
  for (const objectClass of reader.project.objectClasses) {
    const ids = new Set<string>();
    for (const base of reader.bases) {
      for (const entry of await searchAll(reader, base, searchFilter('ldap', objectClass, reader.project, undefined), { attributes: ['entryUUID'] })) {
        const id = directoryIdOf(entry, 'ldap');
        if (id) ids.add(id);
      }
    }
    listed[objectClass] = ids;
  }
  return listed;
}

/** A UUID as objectGUID's 16 bytes (the first three fields little-endian): the inverse of guidText. */
export function guidBytes(uuid: string): Buffer {
  const hex = uuid.replace(/-/g, '');
  const swap = (part: string) => part.match(/../g)?.reverse().join('') ?? '';
  return Buffer.from(`${swap(hex.slice(0, 8))}${swap(hex.slice(8, 12))}${swap(hex.slice(12, 16))}${hex.slice(16)}`, 'hex');
}

/** The filter clause matching a stable directory id: entryUUID, or objectGUID as escaped bytes (RFC 4515 §3). */
export function directoryIdClause(kind: DirectoryKind, directoryId: string): string {
  if (kind === 'activeDirectory') return `(objectGUID=${[...guidBytes(directoryId)].map((byte) => `\\${byte.toString(16).padStart(2, '0')}`).join('')})`;
  return `(entryUUID=${escapeFilterValue(directoryId)})`;
}

/** One object of the project, normalised, by DN or by stable directory id; which class it is decides how it is normalised. */
export interface SingleRead {
  read: DirectoryRead;
  /** The directory said noSuchObject for the DN. */
  missing: boolean;
}

/**
 * Reads one object for an on-demand sync: by DN (a base-scope search per object class) or by
 * stable id (a search of the project's bases). `missing` only when the directory answered
 * noSuchObject for the DN; an entry outside the project's filter reads as nothing.
 */
export async function readOne(reader: ProjectReader, target: { dn?: string | undefined; directoryId?: string | undefined }): Promise<SingleRead> {
  const kind = reader.project.connectionType;
  const read: DirectoryRead = { users: [], groups: [], unreadable: [], watermark: undefined };
  for (const objectClass of reader.project.objectClasses) {
    let entry: LdapEntry | undefined | null;
    if (target.dn !== undefined) entry = await readEntry(reader, target.dn, objectClass);
    else {
      const clause = directoryIdClause(kind, target.directoryId as string);
      entry = undefined;
      for (const base of reader.bases) {
        entry = (await searchAll(reader, base, searchFilter(kind, objectClass, reader.project, clause), attributesOf(kind)))[0];
        if (entry) break;
      }
    }
    if (entry === null) return { read, missing: true };
    if (entry) {
      if (objectClass === 'user' || objectClass === 'group') collect(read, kind, reader.project.attributeMappings, objectClass === 'user' ? [entry] : [], objectClass === 'group' ? [entry] : []);
      else collectOthers(read, kind, objectClass, [entry]);
      break;
    }
  }
  return { read, missing: false };
}
