/**
 * What a sync run keeps besides users and groups (the Directory API's Objects and Persons, seed
 * "REST API Reference"), kept apart from the run's engine (sync-run.ts), which calls in at a few
 * marked points:
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
 *   deactivated or deleted like users (the project's `onDisappear`), each change audited
 *   (`object.created`, `object.updated`, `object.deactivated`, `object.deleted`) with the run's
 *   change record in one transaction. They count toward the deletion threshold.
 * - Persons. Each synchronised user write carries its person steps (person-correlation.ts) by
 *   the project's `correlation` rule (default: employeeNumber, then email, then userName).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { AuditEvent } from '../audit/audit-entry.ts';
import { ConcurrentChangeError } from '../errors/domain-errors.ts';
import * as directoryObjects from '../storage/directory-objects.ts';
import type { DirectoryAttributesRecord, DirectoryObjectRecord } from '../storage/directory-objects.ts';
import type { GroupRecord } from '../storage/groups.ts';
import type { SyncChangeRecord, SyncProjectRecord } from '../storage/sync-projects.ts';
import type { TransactionStep } from '../storage/transactions.ts';
import type { UserRecord } from '../storage/users.ts';
import { attribute, firstValue, type DirectoryConnection, type LdapEntry } from './ldap-client.ts';
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

/** Logon statistics Active Directory rewrites at each sign-in: storing them would make every run an update. */
export const VOLATILE_ATTRIBUTES: ReadonlySet<string> = new Set(['lastlogon', 'lastlogoff', 'logoncount', 'badpwdcount', 'badpasswordtime', 'lastlogontimestamp']);

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

/** JSON with object keys sorted, so equal snapshots have equal digests. */
function canonical(value: unknown): string {
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

/** The stored form of a snapshot for one object. */
function attributesRecord(organizationId: string, objectId: string, objectClass: string, connectionId: string, dn: string, snapshot: EntrySnapshot): DirectoryAttributesRecord {
  return { organizationId, objectId, objectClass, connectionId, dn, attributes: snapshot.attributes, omitted: snapshot.omitted, digest: snapshot.digest, readAt: new Date().toISOString() };
}

/**
 * The attribute changes of an entry whose snapshot digest differs from `storedDigest`, as
 * `attributes.<name>` → before/after (reads the stored snapshot only then); `{}` when unchanged.
 */
export async function attributeChanges(organizationId: string, objectId: string, storedDigest: string | undefined, snapshot: EntrySnapshot): Promise<Record<string, { before: unknown; after: unknown }>> {
  if (storedDigest === snapshot.digest) return {};
  const stored = await directoryObjects.attributesOf(organizationId, objectId, { consistent: true });
  const before: Record<string, unknown> = { ...stored?.attributes };
  const after: Record<string, unknown> = { ...snapshot.attributes };
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  for (const name of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (canonical(before[name] ?? null) !== canonical(after[name] ?? null)) changes[`attributes.${name}`] = { before: before[name] ?? null, after: after[name] ?? null };
  }
  // Only the omitted set changed (an oversized photo replaced): still a change.
  if (Object.keys(changes).length === 0) changes.attributes = { before: stored?.digest ?? null, after: snapshot.digest };
  return changes;
}

/** What the run tells this module about itself. */
export interface ObjectRun {
  organizationId: string;
  project: SyncProjectRecord;
  runId: string;
  actor: AuditEvent['actor'];
}

/** The project's correlation rule, or the default. */
export function correlationRule(project: SyncProjectRecord): readonly CorrelationAttribute[] {
  // Validated on the way in (sync-schemas.ts); a stored name this version does not know is skipped.
  const known = new Set<string>(CORRELATION_ATTRIBUTES);
  return project.correlation ? (project.correlation.filter((name) => known.has(name)) as CorrelationAttribute[]) : DEFAULT_CORRELATION;
}

/**
 * The steps that go with a synchronised user's create (`before` undefined) or update: its
 * attribute snapshot and its person (correlated by the project's rule).
 */
export async function userWriteSteps(run: ObjectRun, before: UserRecord | undefined, after: UserRecord, entry: LdapEntry, snapshot: EntrySnapshot): Promise<TransactionStep[]> {
  return [
    directoryObjects.attributesPutStep(attributesRecord(run.organizationId, after.id, 'user', run.project.connectionId, entry.dn, snapshot)),
    ...(await personSteps(run.organizationId, { before, after, rule: correlationRule(run.project) }, { actor: run.actor, origin: ORIGIN, details: { runId: run.runId, projectId: run.project.id } })),
  ];
}

/** The steps that go with deleting a synchronised user: its snapshot and its person link. */
export async function userRemovalSteps(run: ObjectRun, before: UserRecord): Promise<TransactionStep[]> {
  return [
    directoryObjects.attributesDeleteStep(run.organizationId, before.id),
    ...(await personSteps(run.organizationId, { before, after: undefined, rule: correlationRule(run.project) }, { actor: run.actor, origin: ORIGIN, details: { runId: run.runId, projectId: run.project.id } })),
  ];
}

/** The step that goes with a synchronised group's create or update: its attribute snapshot. */
export function groupWriteStep(run: ObjectRun, group: GroupRecord, entry: LdapEntry, snapshot: EntrySnapshot): TransactionStep {
  return directoryObjects.attributesPutStep(attributesRecord(run.organizationId, group.id, 'group', run.project.connectionId, entry.dn, snapshot));
}

/** The step that goes with deleting a synchronised group: its attribute snapshot. */
export function groupRemovalStep(run: ObjectRun, groupId: string): TransactionStep {
  return directoryObjects.attributesDeleteStep(run.organizationId, groupId);
}

// --- other object classes (computers) -----------------------------------------------------------

/** The classes of `project` that are neither users nor groups. */
export function otherClassesOf(project: SyncProjectRecord): OtherObjectClass[] {
  return project.objectClasses.filter((objectClass): objectClass is OtherObjectClass => objectClass in OTHER_OBJECT_CLASSES);
}

/** The other objects the project's connection has (none read when the project synchronises no other class). */
export async function storedOtherObjects(organizationId: string, project: SyncProjectRecord): Promise<DirectoryObjectRecord[]> {
  return otherClassesOf(project).length === 0 ? [] : directoryObjects.byConnection(organizationId, project.connectionId);
}

/** The search filter for one other class: its own, the project's filter and the delta clause ANDed. */
export function otherObjectFilter(kind: Kind, objectClass: OtherObjectClass, projectFilter: string | undefined, delta: string | undefined): string {
  const own = OTHER_OBJECT_CLASSES[objectClass][kind];
  const parts = [own, projectFilter, delta].filter((part): part is string => part !== undefined);
  return parts.length === 1 ? own : `(&${parts.join('')})`;
}

/** An entry read for an other class. */
export interface OtherEntry {
  objectClass: OtherObjectClass;
  entry: LdapEntry;
}

/** Reads the project's other classes from each base, page by page; any failure throws (the run changes nothing). */
export async function readOtherObjects(
  directory: DirectoryConnection,
  options: { kind: Kind; project: SyncProjectRecord; bases: readonly string[]; delta: string | undefined; attributes: string[]; pageSize: number },
): Promise<OtherEntry[]> {
  const result: OtherEntry[] = [];
  for (const objectClass of otherClassesOf(options.project)) {
    for (const base of options.bases) {
      for await (const page of directory.searchPages(base, {
        filter: otherObjectFilter(options.kind, objectClass, options.project.filter, options.delta),
        attributes: options.attributes,
        binaryAttributes: [...BINARY_ATTRIBUTES[options.kind]],
        pageSize: options.pageSize,
      })) {
        for (const entry of page) result.push({ objectClass, entry });
      }
    }
  }
  return result;
}

function directoryIdOf(entry: LdapEntry, kind: Kind): string | undefined {
  if (kind === 'activeDirectory') {
    const raw = attribute(entry, 'objectGUID')?.[0];
    return Buffer.isBuffer(raw) && raw.length === 16 ? guidString(raw) : undefined;
  }
  return firstValue(attribute(entry, 'entryUUID'))?.toLowerCase();
}

function activeOf(entry: LdapEntry, kind: Kind): boolean {
  if (kind !== 'activeDirectory') return true;
  const control = firstValue(attribute(entry, 'userAccountControl'));
  return control === undefined || (Number(control) & UAC_ACCOUNTDISABLE) === 0;
}

function dnKey(dn: string): string {
  return dn
    .split(/(?<!\\),/)
    .map((rdn) => rdn.trim())
    .join(',')
    .toLowerCase();
}

/** What a run does to other objects: pure, from what it read and what the connection has. */
export interface OtherObjectPlan {
  creates: { record: DirectoryObjectRecord; entry: LdapEntry; snapshot: EntrySnapshot }[];
  /** Read again: `changes` decided at apply time from the snapshot digest, name, DN and status. */
  seen: { before: DirectoryObjectRecord; after: DirectoryObjectRecord; entry: LdapEntry; snapshot: EntrySnapshot }[];
  /** Stored objects a full run no longer finds inside its bases (only active ones when deactivating). */
  vanished: DirectoryObjectRecord[];
  errors: Omit<SyncChangeRecord, 'sequence'>[];
  /** Every other object the connection had before the run (the threshold's base). */
  storedCount: number;
}

/**
 * Plans the other objects of a run. `stored` are the connection's records, `full` says whether
 * disappearance counts, `bases` bound what can have disappeared (another project's bases are its own).
 */
export function planOtherObjects(input: {
  organizationId: string;
  project: SyncProjectRecord;
  entries: readonly OtherEntry[];
  stored: readonly DirectoryObjectRecord[];
  full: boolean;
  bases: readonly string[];
  now: string;
}): OtherObjectPlan {
  const { project } = input;
  const kind = project.connectionType;
  const byDirectoryId = new Map(input.stored.map((record) => [record.directoryId, record]));
  const plan: OtherObjectPlan = { creates: [], seen: [], vanished: [], errors: [], storedCount: input.stored.length };
  const found = new Set<string>();
  for (const { objectClass, entry } of input.entries) {
    const directoryId = directoryIdOf(entry, kind);
    const name = firstValue(attribute(entry, 'cn')) ?? firstValue(attribute(entry, 'name'));
    if (!directoryId || !name) {
      plan.errors.push({ dn: entry.dn, objectClass, action: 'error', error: !directoryId ? 'The entry has no stable id.' : 'The entry has no cn.' });
      continue;
    }
    if (found.has(directoryId)) continue;
    found.add(directoryId);
    const snapshot = snapshotOf(entry);
    const existing = byDirectoryId.get(directoryId);
    const fields = { objectClass, name, directoryDn: entry.dn, active: activeOf(entry, kind), directoryDigest: snapshot.digest };
    if (!existing) {
      plan.creates.push({
        record: { id: randomUUID(), organizationId: input.organizationId, source: kind, connectionId: project.connectionId, directoryId, ...fields, version: 1, createdAt: input.now, updatedAt: input.now },
        entry,
        snapshot,
      });
    } else {
      plan.seen.push({ before: existing, after: { ...existing, ...fields, version: existing.version + 1, updatedAt: input.now }, entry, snapshot });
    }
  }
  if (input.full) {
    const classes = new Set<string>(otherClassesOf(project));
    const inScope = (dn: string) => input.bases.some((base) => dnKey(dn) === dnKey(base) || dnKey(dn).endsWith(`,${dnKey(base)}`));
    plan.vanished = input.stored.filter(
      (record) => classes.has(record.objectClass) && !found.has(record.directoryId) && inScope(record.directoryDn) && (project.onDisappear === 'delete' || record.active),
    );
  }
  return plan;
}

/** How the run lets this module write: its commit (change record + steps in one transaction) and audit entries. */
export interface ObjectRunWriter {
  commit: (change: Omit<SyncChangeRecord, 'sequence'>, steps: TransactionStep[]) => Promise<boolean>;
  audit: (action: string, target: { type: string; id: string }, details: Record<string, unknown>) => TransactionStep;
  /** Objects read again and unchanged (and planning errors): recorded by the run with its other such records. */
  unchanged: (change: Omit<SyncChangeRecord, 'sequence'>) => void;
}

/**
 * Applies a plan: each created, changed, deactivated or deleted object is one transaction with its
 * snapshot, its audit entry and the run's change record (through `writer.commit`).
 */
export async function applyOtherObjects(run: ObjectRun, plan: OtherObjectPlan, writer: ObjectRunWriter): Promise<void> {
  const { organizationId, project } = run;
  for (const error of plan.errors) writer.unchanged(error);
  for (const { record, entry, snapshot } of plan.creates) {
    await writer.commit({ dn: entry.dn, objectClass: record.objectClass as SyncChangeRecord['objectClass'], action: 'created', objectId: record.id, changes: { name: { before: null, after: record.name }, active: { before: null, after: record.active } } }, [
      directoryObjects.putStep(record, { expectedVersion: undefined, onConflict: () => new ConcurrentChangeError(`Object ${record.id} exists.`) }),
      directoryObjects.attributesPutStep(attributesRecord(organizationId, record.id, record.objectClass, project.connectionId, entry.dn, snapshot)),
      writer.audit('object.created', { type: 'object', id: record.id }, { objectClass: record.objectClass, name: record.name, dn: entry.dn, connectionId: project.connectionId }),
    ]);
  }
  for (const { before, after, entry, snapshot } of plan.seen) {
    const changes: Record<string, { before: unknown; after: unknown }> = {};
    for (const field of ['name', 'directoryDn', 'active'] as const) if (before[field] !== after[field]) changes[field === 'directoryDn' ? 'dn' : field] = { before: before[field], after: after[field] };
    Object.assign(changes, await attributeChanges(organizationId, before.id, before.directoryDigest, snapshot));
    const base = { dn: entry.dn, objectClass: after.objectClass as SyncChangeRecord['objectClass'], objectId: before.id };
    if (Object.keys(changes).length === 0) {
      writer.unchanged({ ...base, action: 'unchanged' });
      continue;
    }
    await writer.commit({ ...base, action: 'updated', changes }, [
      directoryObjects.putStep(after, { expectedVersion: before.version, onConflict: () => new ConcurrentChangeError(`Object ${before.id} changed concurrently.`) }),
      directoryObjects.attributesPutStep(attributesRecord(organizationId, before.id, after.objectClass, project.connectionId, entry.dn, snapshot)),
      writer.audit('object.updated', { type: 'object', id: before.id }, { objectClass: after.objectClass, changedAttributes: Object.keys(changes) }),
    ]);
  }
  for (const record of plan.vanished) {
    const base = { dn: record.directoryDn, objectClass: record.objectClass as SyncChangeRecord['objectClass'], objectId: record.id };
    const conflict = () => new ConcurrentChangeError(`Object ${record.id} changed concurrently.`);
    if (project.onDisappear === 'delete') {
      await writer.commit({ ...base, action: 'deleted', changes: { name: { before: record.name, after: null } } }, [
        directoryObjects.deleteStep(organizationId, record.id, { expectedVersion: record.version, onConflict: conflict }),
        directoryObjects.attributesDeleteStep(organizationId, record.id),
        writer.audit('object.deleted', { type: 'object', id: record.id }, { objectClass: record.objectClass, name: record.name, reason: 'disappeared from the directory' }),
      ]);
      continue;
    }
    const next: DirectoryObjectRecord = { ...record, active: false, version: record.version + 1, updatedAt: new Date().toISOString() };
    await writer.commit({ ...base, action: 'deactivated', changes: { active: { before: true, after: false } } }, [
      directoryObjects.putStep(next, { expectedVersion: record.version, onConflict: conflict }),
      writer.audit('object.deactivated', { type: 'object', id: record.id }, { objectClass: record.objectClass, name: record.name, reason: 'disappeared from the directory' }),
    ]);
  }
}
