/**
 * What a sync run keeps besides users and groups (the Directory API's Objects and Persons, seed
 * "REST API Reference"): pure helpers the engine's steps use — the read (sync-read.ts) takes
 * snapshots and reads other object classes, the plan (sync-plan.ts) compares snapshots and plans
 * other objects like users, the apply (sync-apply.ts) writes snapshots and person steps:
 *
 * - Raw attributes. Every synchronised entry (user, group, computer) keeps a snapshot of the
 *   attributes its directory holds (`directoryObjects.attributesPutStep`), written in the same
 *   transaction as the object's change, and a digest of it on the record, so a run notices an
 *   attribute that changed without reading the snapshot (it reads it only for changed entries, to
 *   record before/after per attribute). Never stored: passwords and other secrets
 *   (SECRET_ATTRIBUTES), nor the logon statistics AD rewrites at every sign-in
 *   (VOLATILE_ATTRIBUTES). Binary attributes are read as bytes (BINARY_ATTRIBUTES): objectGUID
 *   becomes its GUID text, objectSid its S-1-… form, the others base64. An attribute over 32 KB
 *   (a photo) is left out and named in `omitted`.
 * - Other object classes. A project's `objectClasses` may include `computer`: Active Directory
 *   `(objectClass=computer)` and OpenLDAP `(objectClass=device)` entries become directory-object
 *   records (objectClass `computer`; enabled per userAccountControl on AD), created, updated,
 *   deactivated (disappearedAt) or deleted like users (the project's `onDisappear` and
 *   `deleteAfterDays`), each change audited (`object.created`, `object.updated`,
 *   `object.deactivated`, `object.deleted`) with the run's change record in one transaction. They
 *   count toward the deletion threshold.
 * - Persons. Each synchronised user create, update and deletion carries its person steps
 *   (person-correlation.ts) by the project's `correlation` rule (default: employeeNumber, then
 *   email, then userName); a deactivation keeps the user's person link.
 */
import { createHash } from 'node:crypto';
import type { AuditEvent } from '../audit/audit-entry.ts';
import type { DirectoryAttributesRecord } from '../storage/directory-objects.ts';
import type { SyncProjectRecord } from '../storage/sync-projects.ts';
import type { TransactionStep } from '../storage/transactions.ts';
import type { UserRecord } from '../storage/users.ts';
import { attribute, firstValue, type LdapEntry } from './ldap-client.ts';
import { CORRELATION_ATTRIBUTES, DEFAULT_CORRELATION, personSteps, type CorrelationAttribute } from './person-correlation.ts';

type Kind = 'ldap' | 'activeDirectory';

/** Never read into the store (lower-case; attribute options such as `;binary` are ignored). */
export const SECRET_ATTRIBUTES: ReadonlySet<string> = new Set([
  'userpassword',
  'authpassword',
  'unicodepwd',
  'dbcspwd',
  'lmpwdhistory',
  'ntpwdhistory',
  'supplementalcredentials',
  'unixuserpassword',
  'ms-mcs-admpwd',
  'mslaps-password',
  'mslaps-encryptedpassword',
  'mslaps-encryptedpasswordhistory',
  'mslaps-encrypteddsrmpassword',
  'mslaps-encrypteddsrmpasswordhistory',
  'msds-managedpassword',
  'msds-managedpasswordid',
  'msds-managedpasswordpreviousid',
  'msfve-recoverypassword',
  'msfve-keypackage',
  'userpkcs12',
  'sambantpassword',
  'sambalmpassword',
  'sambapasswordhistory',
  'krbprincipalkey',
  'currentvalue',
  'priorvalue',
  'trustauthincoming',
  'trustauthoutgoing',
  'initialauthincoming',
  'initialauthoutgoing',
]);

/**
 * Logon statistics the directory rewrites at each sign-in (Active Directory; OpenLDAP's lastbind
 * `pwdLastSuccess` and the lastbind overlay's `authTimestamp`): storing them would make every run an
 * update. The latest of them becomes the user's `lastSignInAt` instead (sync-sign-ins.ts).
 */
export const VOLATILE_ATTRIBUTES: ReadonlySet<string> = new Set(['lastlogon', 'lastlogoff', 'logoncount', 'badpwdcount', 'badpasswordtime', 'lastlogontimestamp', 'pwdlastsuccess', 'authtimestamp']);

/**
 * Change metadata: stored with the snapshot but left out of its digest, so an entry whose only
 * change is its metadata is not an update (its stored metadata is refreshed with its next change).
 */
export const METADATA_ATTRIBUTES: ReadonlySet<string> = new Set(['usnchanged', 'whenchanged', 'modifytimestamp', 'entrycsn', 'modifiersname', 'dscorepropagationdata', 'replpropertymetadata']);

/** Attributes read as bytes (the server sends them as binary). */
export const BINARY_ATTRIBUTES: Readonly<Record<Kind, readonly string[]>> = {
  activeDirectory: ['objectGUID', 'objectSid', 'sIDHistory', 'mS-DS-ConsistencyGuid', 'msExchMailboxGuid', 'thumbnailPhoto', 'jpegPhoto', 'userCertificate', 'logonHours', 'msDS-GenerationId', 'replicationSignature'],
  ldap: ['jpegPhoto', 'photo', 'audio', 'userCertificate', 'userCertificate;binary', 'cACertificate', 'cACertificate;binary', 'userSMIMECertificate'],
};

/** Larger attributes (in bytes of their stored form) are left out of a snapshot and named in `omitted`. */
export const MAX_ATTRIBUTE_BYTES = 32 * 1024;
/** A snapshot stays well inside DynamoDB's 400 KB item. */
const MAX_SNAPSHOT_BYTES = 300 * 1024;

/** The classes a project may synchronise besides users and groups, and what each reads per connection type. */
export const OTHER_OBJECT_CLASSES = { computer: { activeDirectory: '(objectClass=computer)', ldap: '(objectClass=device)' } } as const;
export type OtherObjectClass = keyof typeof OTHER_OBJECT_CLASSES;

/** userAccountControl ACCOUNTDISABLE (MS-ADTS 2.2.16). */
const UAC_ACCOUNTDISABLE = 0x2;
const ORIGIN = { ipAddress: '', userAgent: 'identity-platform worker sync-run' };

/** The attributes of one entry as stored, with their digest. */
export interface EntrySnapshot {
  attributes: Record<string, string | string[]>;
  omitted: Record<string, number>;
  digest: string;
}

/** A 16-byte GUID as text, its first three fields little-endian (as Windows writes it). */
export function guidString(bytes: Buffer): string {
  const hex = (start: number, end: number, littleEndian: boolean) => {
    const part = [...bytes.subarray(start, end)];
    return (littleEndian ? part.reverse() : part).map((byte) => byte.toString(16).padStart(2, '0')).join('');
  };
  return `${hex(0, 4, true)}-${hex(4, 6, true)}-${hex(6, 8, true)}-${hex(8, 10, false)}-${hex(10, 16, false)}`;
}

/** A binary security identifier (MS-DTYP 2.4.2) as `S-1-5-21-…`; undefined when malformed. */
export function sidString(bytes: Buffer): string | undefined {
  if (bytes.length < 8) return undefined;
  const count = bytes[1] as number;
  if (bytes.length !== 8 + count * 4) return undefined;
  const authority = bytes.readUIntBE(2, 6);
  const parts = [`S-${bytes[0]}`, String(authority)];
  for (let i = 0; i < count; i++) parts.push(String(bytes.readUInt32LE(8 + i * 4)));
  return parts.join('-');
}

function baseName(name: string): string {
  const at = name.indexOf(';');
  return (at < 0 ? name : name.slice(0, at)).toLowerCase();
}

function valueText(name: string, value: string | Buffer): string {
  if (typeof value === 'string') return value;
  const base = baseName(name);
  if ((base === 'objectguid' || base === 'ms-ds-consistencyguid' || base === 'msexchmailboxguid') && value.length === 16) return guidString(value);
  if (base === 'objectsid' || base === 'sidhistory') return sidString(value) ?? value.toString('base64');
  return value.toString('base64');
}

/**
 * JSON with object keys sorted (undefined as null), so equal snapshots have equal digests and values
 * read back from DynamoDB, whose maps come in no particular order, compare equal (sync-plan.ts).
 */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The snapshot of an entry: every attribute except secrets and logon statistics, binary values as
 * text, one value as a string and several as an array, oversized attributes named in `omitted`.
 */
export function snapshotOf(entry: LdapEntry): EntrySnapshot {
  const attributes: Record<string, string | string[]> = {};
  const omitted: Record<string, number> = {};
  const sizes: [string, number][] = [];
  for (const [name, values] of Object.entries(entry.attributes)) {
    const base = baseName(name);
    if (SECRET_ATTRIBUTES.has(base) || VOLATILE_ATTRIBUTES.has(base)) continue;
    const texts = (values as (string | Buffer)[]).map((value) => valueText(name, value));
    const bytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text, 'utf8'), 0);
    if (bytes > MAX_ATTRIBUTE_BYTES) {
      omitted[name] = bytes;
      continue;
    }
    attributes[name] = texts.length === 1 ? (texts[0] as string) : texts;
    sizes.push([name, bytes]);
  }
  // Still too large as a whole: leave out the largest attributes first.
  let total = sizes.reduce((sum, [, bytes]) => sum + bytes, 0);
  for (const [name, bytes] of sizes.sort((a, b) => b[1] - a[1])) {
    if (total <= MAX_SNAPSHOT_BYTES) break;
    delete attributes[name];
    omitted[name] = bytes;
    total -= bytes;
  }
  // Change metadata alone (a sign-in that bumps uSNChanged, a replication stamp) is not a change of the entry.
  const compared = Object.fromEntries(Object.entries(attributes).filter(([name]) => !METADATA_ATTRIBUTES.has(baseName(name))));
  const digest = createHash('sha256').update(canonical({ attributes: compared, omitted })).digest('base64url').slice(0, 32);
  return { attributes, omitted, digest };
}

/** The stored form of a snapshot for one object (`readAt`: ISO 8601). */
export function attributesRecord(organizationId: string, objectId: string, objectClass: string, connectionId: string, dn: string, snapshot: EntrySnapshot, readAt: string): DirectoryAttributesRecord {
  return { organizationId, objectId, objectClass, connectionId, dn, attributes: snapshot.attributes, omitted: snapshot.omitted, digest: snapshot.digest, readAt };
}

/**
 * The attribute changes from a stored snapshot (undefined: none stored) to `snapshot`, as
 * `attributes.<name>` → before/after. Pure; callers compare digests first and call it only for an
 * entry whose digest changed. When only the omitted set changed (an oversized photo replaced), one
 * `attributes` change with the digests.
 */
export function attributeDiff(stored: Pick<DirectoryAttributesRecord, 'attributes' | 'digest'> | undefined, snapshot: EntrySnapshot): Record<string, { before: unknown; after: unknown }> {
  const before: Record<string, unknown> = { ...stored?.attributes };
  const after: Record<string, unknown> = { ...snapshot.attributes };
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (METADATA_ATTRIBUTES.has(baseName(name))) continue;
    if (canonical(before[name] ?? null) !== canonical(after[name] ?? null)) changes[`attributes.${name}`] = { before: before[name] ?? null, after: after[name] ?? null };
  }
  if (Object.keys(changes).length === 0) changes.attributes = { before: stored?.digest ?? null, after: snapshot.digest };
  return changes;
}

/** The project's correlation rule, or the default. */
export function correlationRule(project: SyncProjectRecord): readonly CorrelationAttribute[] {
  // Validated on the way in (sync-schemas.ts); a stored name this version does not know is skipped.
  const known = new Set<string>(CORRELATION_ATTRIBUTES);
  return project.correlation ? (project.correlation.filter((name) => known.has(name)) as CorrelationAttribute[]) : DEFAULT_CORRELATION;
}

/**
 * The person steps of a synchronised user's create (`before` undefined), update, or deletion
 * (`after` undefined), with their own `person.linked` / `person.unlinked` audit entry (actor the
 * run's, details its runId and projectId), for the user write's transaction. Reads the person
 * link and key holders (person-correlation.ts); no steps when the user's person does not change.
 */
export async function syncPersonSteps(
  run: { organizationId: string; project: SyncProjectRecord; runId: string; actor: AuditEvent['actor'] },
  before: Pick<UserRecord, 'id' | 'userName' | 'resource'> | undefined,
  after: UserRecord | undefined,
): Promise<TransactionStep[]> {
  return personSteps(run.organizationId, { before: before as UserRecord | undefined, after, rule: correlationRule(run.project) }, { actor: run.actor, origin: ORIGIN, details: { runId: run.runId, projectId: run.project.id } });
}

/** The classes of `project` that are neither users nor groups. */
export function otherClassesOf(project: Pick<SyncProjectRecord, 'objectClasses'>): OtherObjectClass[] {
  return project.objectClasses.filter((objectClass): objectClass is OtherObjectClass => objectClass in OTHER_OBJECT_CLASSES);
}

/** Is an other object enabled? AD: userAccountControl without ACCOUNTDISABLE; OpenLDAP devices always are. */
export function otherActiveOf(entry: LdapEntry, kind: Kind): boolean {
  if (kind !== 'activeDirectory') return true;
  const control = firstValue(attribute(entry, 'userAccountControl'));
  return control === undefined || (Number(control) & UAC_ACCOUNTDISABLE) === 0;
}
