/**
 * One sync run (the `sync-run` worker): reads a project's directory and brings the organization's
 * users, groups and memberships in line with it, through the users and groups repositories only.
 *
 * 1. Read. Bind with the connection's stored credentials and page through each search base with
 *    the paged-results control (the project's page size, else the connection's): users, then
 *    groups. Everything is read before anything is written, so a search that fails (including a
 *    size limit or a lost connection) or, in a full run, returns no objects at all changes nothing:
 *    the run fails with reason `directory_error` or `empty_result`.
 * 2. Plan. Each entry maps onto a user (source `ldap`/`activeDirectory`, the connection, the stable
 *    id: entryUUID on OpenLDAP, objectGUID on Active Directory) or group; users the connection
 *    synchronised before that a full run no longer finds are to be deactivated (or deleted, per
 *    the project). A plan that would deactivate or delete more than the project's threshold (a
 *    count, or a share of the synchronised objects) stops the run as `failed` with reason
 *    `deletion_threshold` before any change.
 * 3. Apply. Each object's change is one transaction holding the user or group write, its audit entry
 *    (actor `system` / `sync-project:<id>`, details `runId`) and the run's change record for it, so
 *    the history's counts are computed from exactly the records written. Group memberships are the
 *    group's direct user members plus the users of its nested groups (transitively).
 * 4. Finish. The run's status and counts, the release of the project's run claim and the new delta
 *    watermark land in one transaction. The run's outcome is recorded in the history (the run
 *    record), not as an audit entry: queuing it was audited (`sync.run.queued`), and so is every
 *    change it made.
 *
 * Delta runs read only what changed after the project's watermark — OpenLDAP: entryCSN greater than
 * the highest one seen; Active Directory: uSNChanged above the rootDSE's highestCommittedUSN read
 * at the start of the previous run — and do not look for disappeared objects (a full run does).
 */
import { randomUUID } from 'node:crypto';
import { auditStep, type AuditEvent } from '../audit/audit-entry.ts';
import { decryptSecret } from '../crypto/envelope.ts';
import { ConcurrentChangeError, ConflictError, type DomainError } from '../errors/domain-errors.ts';
import { logger } from '../observability/logger.ts';
import * as connections from '../storage/connections.ts';
import { counterStep } from '../storage/counters.ts';
import * as groups from '../storage/groups.ts';
import * as syncProjects from '../storage/sync-projects.ts';
import type { SyncChangeRecord, SyncProjectRecord, SyncProjectState, SyncRunCounts, SyncRunRecord } from '../storage/sync-projects.ts';
import { transact, type TransactionStep } from '../storage/transactions.ts';
import * as users from '../storage/users.ts';
import { passwordContext } from './connections.ts';
import { attribute, DirectoryConnection, firstValue, type LdapEntry } from './ldap-client.ts';
// Objects and persons (shared/directory/sync-objects.ts): raw attribute snapshots, other object classes, person correlation.
import * as syncObjects from './sync-objects.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
/** The SCIM counters (shared/scim/users.ts USER_COUNTER, shared/scim/groups.ts GROUP_COUNTER): synchronised users and groups are SCIM-visible. */
const USER_COUNTER = 'users';
const GROUP_COUNTER = 'groups';
const ORIGIN = { ipAddress: '', userAgent: 'identity-platform worker sync-run' };
/** Memberships changed per transaction (each transaction also carries an audit entry, and a user's removal its person steps). */
const MEMBERSHIP_CHUNK = 80;
/** Change records of unchanged objects written per transaction. */
const RECORD_CHUNK = 25;
/** The sync-run worker's timeout (shared/worker-table/directory.ts): a run running longer has died. */
const WORKER_TIMEOUT_MS = 900_000;
const DISABLED_VALUES = new Set(['disabled', 'inactive', 'false', '0', 'no']);
/** userAccountControl ACCOUNTDISABLE (MS-ADTS 2.2.16). */
const UAC_ACCOUNTDISABLE = 0x2;

export interface SyncRunPayload {
  organizationId: string;
  projectId: string;
  runId: string;
}

type Kind = 'ldap' | 'activeDirectory';

class RunFailure extends Error {
  constructor(
    readonly reason: string,
    message: string,
    readonly wouldRemove?: number,
  ) {
    super(message);
  }
}

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

/** objectGUID (16 bytes, the first three fields little-endian) as a lower-case UUID. */
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

function directoryIdOf(entry: LdapEntry, kind: Kind): string | undefined {
  if (kind === 'activeDirectory') {
    const raw = attribute(entry, 'objectGUID')?.[0];
    return Buffer.isBuffer(raw) && raw.length === 16 ? guidText(raw) : undefined;
  }
  return text(entry, 'entryUUID')?.toLowerCase();
}

/** Drops undefined members (and objects left empty) so records compare and store cleanly. */
function compact(value: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) continue;
    if (member && typeof member === 'object' && !Array.isArray(member)) {
      const inner = compact(member as Record<string, unknown>);
      if (Object.keys(inner).length > 0) result[key] = inner;
    } else result[key] = member;
  }
  return result;
}

/** JSON with object keys sorted: DynamoDB returns a map's members in no particular order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

/** The changed attributes between two resources (one level, the enterprise extension's members flattened). */
export function diff(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, { before: unknown; after: unknown }> {
  const flat = (resource: Record<string, unknown>) => {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(resource)) {
      if (key === ENTERPRISE && value && typeof value === 'object') for (const [inner, v] of Object.entries(value)) out[`${ENTERPRISE}:${inner}`] = v;
      else out[key] = value;
    }
    return out;
  };
  const a = flat(before);
  const b = flat(after);
  const changes: Record<string, { before: unknown; after: unknown }> = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (canonical(a[key]) !== canonical(b[key])) changes[key] = { before: a[key] ?? null, after: b[key] ?? null };
  }
  return changes;
}

interface PlannedUser {
  entry: LdapEntry;
  directoryId: string;
  userName: string;
  active: boolean;
  managerDn: string | undefined;
  existing: users.UserRecord | undefined;
  id: string;
}

export function searchFilter(kind: Kind, objectClass: 'user' | 'group', project: SyncProjectRecord, delta: string | undefined): string {
  const base =
    kind === 'activeDirectory'
      ? objectClass === 'user'
        ? '(&(objectCategory=person)(objectClass=user))'
        : '(objectClass=group)'
      : objectClass === 'user'
        ? '(objectClass=inetOrgPerson)'
        : '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))';
  const parts = [base, project.filter, delta].filter((part): part is string => part !== undefined);
  return parts.length === 1 ? base : `(&${parts.join('')})`;
}

export function deltaClause(kind: Kind, watermark: string | undefined): string | undefined {
  if (watermark === undefined) return undefined;
  if (kind === 'activeDirectory') return `(uSNChanged>=${BigInt(watermark) + 1n})`;
  // entryCSN orders by time to the microsecond (csnOrderingMatch); "greater than" is "not at most".
  return `(!(entryCSN<=${watermark.replace(/[\\*()\0]/g, (char) => `\\${char.charCodeAt(0).toString(16).padStart(2, '0')}`)}))`;
}

/** Reads every matching entry of the project's bases; any failure (size limit, lost connection) throws. */
async function readDirectory(project: SyncProjectRecord, connection: connections.ConnectionRecord, state: SyncProjectState) {
  const settings = connection.directory;
  if (!settings) throw new RunFailure('directory_error', 'The connection has no directory settings.');
  const kind = project.connectionType;
  const password = await decryptSecret(settings.sealedPassword, passwordContext(project.organizationId, connection.id));
  const directory = await DirectoryConnection.open({
    host: settings.host,
    port: settings.port,
    tlsMode: settings.tlsMode,
    caCertificate: settings.caCertificate,
    tlsServerName: settings.tlsServerName,
    connectTimeoutMs: settings.connectTimeoutMs,
    operationTimeoutMs: settings.operationTimeoutMs,
  });
  try {
    await directory.bind(settings.bindDn, password);
    // AD: changes up to this USN are in what we read now; the next delta reads above it.
    const nextUsn = kind === 'activeDirectory' ? (await directory.rootDse()).highestCommittedUSN : undefined;
    const delta = project.mode === 'delta' ? deltaClause(kind, state.watermark) : undefined;
    const bases = project.searchBases.length > 0 ? project.searchBases : [settings.baseDn];
    const attributes = kind === 'activeDirectory' ? ['*', 'objectGUID', 'uSNChanged'] : ['*', 'entryUUID', 'entryCSN'];
    const read = async (objectClass: 'user' | 'group') => {
      const entries: LdapEntry[] = [];
      if (!project.objectClasses.includes(objectClass)) return entries;
      for (const base of bases) {
        for await (const page of directory.searchPages(base, {
          filter: searchFilter(kind, objectClass, project, delta),
          attributes,
          binaryAttributes: [...syncObjects.BINARY_ATTRIBUTES[kind]],
          pageSize: project.pageSize ?? settings.pageSize,
        })) {
          entries.push(...page);
        }
      }
      return entries;
    };
    const userEntries = await read('user');
    const groupEntries = await read('group');
    const otherEntries = await syncObjects.readOtherObjects(directory, { kind, project, bases, delta, attributes, pageSize: project.pageSize ?? settings.pageSize });
    let watermark = state.watermark;
    if (kind === 'activeDirectory') watermark = nextUsn ?? watermark;
    else {
      for (const entry of [...userEntries, ...groupEntries, ...otherEntries.map((other) => other.entry)]) {
        const csn = text(entry, 'entryCSN');
        if (csn !== undefined && (watermark === undefined || csn > watermark)) watermark = csn;
      }
    }
    return { userEntries, groupEntries, otherEntries, watermark, bases };
  } finally {
    await directory.close();
  }
}

/** Runs one queued run to its end. Idempotent: a run that is no longer queued is left alone. */
export async function runSync(payload: SyncRunPayload): Promise<{ status: string; counts?: SyncRunCounts }> {
  const { organizationId, projectId, runId } = payload;
  const run = await syncProjects.runById(organizationId, runId);
  if (run?.status === 'running') {
    // SQS may deliver a message twice at once: only a run older than the worker's timeout is dead.
    const startedAt = Date.parse(run.startedAt ?? run.queuedAt);
    return Date.now() - startedAt > WORKER_TIMEOUT_MS ? interrupted(run) : { status: 'running' };
  }
  if (!run || run.status !== 'queued') return { status: run?.status ?? 'missing' };
  const running: SyncRunRecord = { ...run, status: 'running', startedAt: new Date().toISOString() };
  await transact([syncProjects.runPutStep(running, { expectedStatus: 'queued', onConflict: () => new ConcurrentChangeError(`Sync run ${runId} is no longer queued.`) })]);
  const actor: AuditEvent['actor'] = { actorType: 'system', actorId: `sync-project:${projectId}` };
  const records: SyncChangeRecord[] = [];
  let watermark: string | undefined;
  let failure: RunFailure | undefined;
  try {
    const project = await syncProjects.byId(organizationId, projectId);
    if (!project) throw new RunFailure('project_deleted', `Sync project ${projectId} no longer exists.`);
    const connection = await connections.byId(organizationId, project.connectionId);
    if (!connection) throw new RunFailure('directory_error', `Connection ${project.connectionId} no longer exists.`);
    if (connection.status === 'disabled') throw new RunFailure('connection_disabled', `Connection ${connection.id} is disabled.`);
    const state = await syncProjects.stateOf(organizationId, projectId);
    let read: Awaited<ReturnType<typeof readDirectory>>;
    try {
      read = await readDirectory(project, connection, state);
    } catch (error) {
      if (error instanceof RunFailure) throw error;
      throw new RunFailure('directory_error', `Reading the directory failed, nothing was changed: ${error instanceof Error ? error.message.trim() : String(error)}`);
    }
    if (project.mode === 'full' && read.userEntries.length + read.groupEntries.length + read.otherEntries.length === 0) {
      throw new RunFailure('empty_result', 'The directory returned no objects: nothing was changed (an empty read is never taken as every object having disappeared).');
    }
    watermark = read.watermark;
    await apply({ organizationId, project, runId, actor, records }, read.userEntries, read.groupEntries, read.bases, read.otherEntries);
  } catch (error) {
    failure = error instanceof RunFailure ? error : new RunFailure('internal_error', error instanceof Error ? error.message : String(error));
    if (!(error instanceof RunFailure)) logger.error('sync run failed', { runId, error: failure.message });
  }
  const counts = countsOf(records);
  const status = failure ? 'failed' : counts.errors > 0 ? 'partial' : 'succeeded';
  const finished: SyncRunRecord = {
    ...running,
    status,
    finishedAt: new Date().toISOString(),
    counts,
    ...(failure ? { reason: failure.reason, message: failure.message, ...(failure.wouldRemove !== undefined ? { wouldRemove: failure.wouldRemove } : {}) } : {}),
  };
  const lost = () => new ConflictError(`Sync run ${runId} lost its claim on project ${projectId}.`);
  await transact([
    syncProjects.runPutStep(finished, { expectedStatus: 'running', onConflict: () => new ConcurrentChangeError(`Sync run ${runId} is no longer running.`) }),
    syncProjects.releaseClaimStep(organizationId, projectId, runId, lost),
    ...(failure || watermark === undefined ? [] : [syncProjects.putStateStep(organizationId, projectId, { watermark, lastRunId: runId })]),
  ]).catch(async (error: unknown) => {
    // The project was deleted meanwhile (its claim went with it): record the outcome without the claim.
    if (!(error instanceof ConflictError)) throw error;
    await transact([syncProjects.runPutStep(finished, { expectedStatus: 'running', onConflict: lost })]);
  });
  return { status, counts };
}

/** The counts of a run: exactly its change records, tallied. */
export function countsOf(records: readonly SyncChangeRecord[]): SyncRunCounts {
  const counts: SyncRunCounts = { processed: records.length, created: 0, updated: 0, unchanged: 0, deactivated: 0, deleted: 0, errors: 0 };
  for (const record of records) counts[record.action === 'error' ? 'errors' : record.action] += 1;
  return counts;
}

/**
 * A message delivered again for a run that is still `running`: the invocation that ran it died
 * (a crash or its timeout; a queue redelivers only after the visibility timeout, six times the
 * worker's). The run ends as `failed` with reason `interrupted`, its counts from the change records
 * it did write (each of those changes landed with its record), and the project's claim is released.
 */
async function interrupted(run: SyncRunRecord): Promise<{ status: string; counts: SyncRunCounts }> {
  const counts = countsOf(await syncProjects.changes(run.organizationId, run.id));
  const finished: SyncRunRecord = { ...run, status: 'failed', reason: 'interrupted', message: 'The worker running this run stopped before it finished; the changes recorded were made.', finishedAt: new Date().toISOString(), counts };
  await transact([
    syncProjects.runPutStep(finished, { expectedStatus: 'running', onConflict: () => new ConcurrentChangeError(`Sync run ${run.id} is no longer running.`) }),
    syncProjects.releaseClaimStep(run.organizationId, run.projectId, run.id, () => new ConflictError(`Sync run ${run.id} lost its claim.`)),
  ]).catch(async (error: unknown) => {
    if (!(error instanceof ConflictError)) throw error;
    await transact([syncProjects.runPutStep(finished, { expectedStatus: 'running', onConflict: () => new ConcurrentChangeError(`Sync run ${run.id} is no longer running.`) })]);
  });
  return { status: 'failed', counts };
}

interface RunContext {
  organizationId: string;
  project: SyncProjectRecord;
  runId: string;
  actor: AuditEvent['actor'];
  records: SyncChangeRecord[];
}

/** Writes `steps` with the change record `change` (numbered in order); a conflict becomes an error record. */
async function commit(context: RunContext, change: Omit<SyncChangeRecord, 'sequence'>, steps: TransactionStep[]): Promise<boolean> {
  const record: SyncChangeRecord = { ...change, sequence: context.records.length + 1 };
  try {
    await transact([...steps, syncProjects.changePutStep(context.organizationId, context.runId, record)]);
    context.records.push(record);
    return true;
  } catch (error) {
    const failed: SyncChangeRecord = { sequence: record.sequence, dn: change.dn, objectClass: change.objectClass, action: 'error', ...(change.objectId ? { objectId: change.objectId } : {}), error: (error as DomainError).message ?? String(error) };
    await transact([syncProjects.changePutStep(context.organizationId, context.runId, failed)]);
    context.records.push(failed);
    return false;
  }
}

/** Writes the records of objects that did not change (or failed before a write), in chunks. */
async function recordOnly(context: RunContext, changes: Omit<SyncChangeRecord, 'sequence'>[]): Promise<void> {
  for (let start = 0; start < changes.length; start += RECORD_CHUNK) {
    const chunk = changes.slice(start, start + RECORD_CHUNK).map((change, index) => ({ ...change, sequence: context.records.length + index + 1 }));
    await transact(chunk.map((record) => syncProjects.changePutStep(context.organizationId, context.runId, record)));
    context.records.push(...chunk);
  }
}

function audit(context: RunContext, action: string, target: { type: string; id: string }, details: Record<string, unknown>): TransactionStep {
  return auditStep({ organizationId: context.organizationId, action, actor: context.actor, origin: ORIGIN, target, details: { runId: context.runId, projectId: context.project.id, ...details } });
}

function userResource(entry: LdapEntry, planned: PlannedUser, mappings: Record<string, string>, managerId: string | undefined): Record<string, unknown> {
  const get = (field: string) => text(entry, mappings[field]);
  const email = get('email');
  return compact({
    userName: planned.userName,
    name: { givenName: get('givenName'), familyName: get('familyName') },
    displayName: get('displayName'),
    emails: email ? [{ value: email, type: 'work', primary: true }] : undefined,
    title: get('title'),
    active: planned.active,
    [ENTERPRISE]: { employeeNumber: get('employeeNumber'), department: get('department'), manager: managerId ? { value: managerId } : undefined },
  });
}

export function activeOf(entry: LdapEntry, kind: Kind, source: string | undefined): boolean {
  const value = text(entry, source);
  if (value === undefined) return true;
  if (kind === 'activeDirectory' && source?.toLowerCase() === 'useraccountcontrol') return (Number(value) & UAC_ACCOUNTDISABLE) === 0;
  return !DISABLED_VALUES.has(value.toLowerCase());
}

async function apply(context: RunContext, userEntries: LdapEntry[], groupEntries: LdapEntry[], bases: readonly string[], otherEntries: syncObjects.OtherEntry[]): Promise<void> {
  const { organizationId, project } = context;
  const kind = project.connectionType;
  const mappings = project.attributeMappings;
  const [storedUsers, storedGroups] = await Promise.all([users.byConnection(organizationId, project.connectionId), groups.byConnection(organizationId, project.connectionId)]);
  const usersByDirectoryId = new Map(storedUsers.filter((user) => user.directoryId).map((user) => [user.directoryId as string, user]));
  const groupsByDirectoryId = new Map(storedGroups.filter((group) => group.directoryId).map((group) => [group.directoryId as string, group]));
  const failures: Omit<SyncChangeRecord, 'sequence'>[] = [];

  // Plan users: ids first, so managers resolve to users created in this very run.
  const planned: PlannedUser[] = [];
  for (const entry of userEntries) {
    const directoryId = directoryIdOf(entry, kind);
    const userName = kind === 'activeDirectory' ? (text(entry, mappings.userName) ?? text(entry, 'sAMAccountName')) : text(entry, mappings.userName);
    if (!directoryId || !userName) {
      failures.push({ dn: entry.dn, objectClass: 'user', action: 'error', error: !directoryId ? `The entry has no ${kind === 'activeDirectory' ? 'objectGUID' : 'entryUUID'}.` : `The entry has no ${mappings.userName} (the userName mapping).` });
      continue;
    }
    const existing = usersByDirectoryId.get(directoryId);
    planned.push({ entry, directoryId, userName, active: activeOf(entry, kind, mappings.active), managerDn: text(entry, mappings.manager), existing, id: existing?.id ?? randomUUID() });
  }
  const seenUsers = new Set(planned.map((user) => user.directoryId));
  const seenGroups = new Set(groupEntries.map((entry) => directoryIdOf(entry, kind)).filter((id): id is string => id !== undefined));
  const userIdByDn = new Map<string, string>();
  for (const user of storedUsers) if (user.directoryDn) userIdByDn.set(dnKey(user.directoryDn), user.id);
  for (const user of planned) userIdByDn.set(dnKey(user.entry.dn), user.id);

  // Disappeared objects (full runs only) and the deletion threshold, before any change.
  // Only objects inside the project's search bases can have disappeared from it: another project
  // over the same connection with other bases owns the rest.
  const inScope = (dn: string | undefined) => dn !== undefined && bases.some((base) => withinBase(dn, base));
  const vanishedUsers =
    project.mode === 'full' && project.objectClasses.includes('user')
      ? storedUsers.filter((user) => user.directoryId && !seenUsers.has(user.directoryId) && inScope(user.directoryDn) && (project.onDisappear === 'delete' || user.active))
      : [];
  const vanishedGroups =
    project.mode === 'full' && project.objectClasses.includes('group') ? storedGroups.filter((group) => group.directoryId && !seenGroups.has(group.directoryId) && inScope(group.directoryDn)) : [];
  const otherPlan = syncObjects.planOtherObjects({
    organizationId,
    project,
    entries: otherEntries,
    stored: await syncObjects.storedOtherObjects(organizationId, project),
    full: project.mode === 'full',
    bases,
    now: new Date().toISOString(),
  });
  const wouldRemove = vanishedUsers.length + vanishedGroups.length + otherPlan.vanished.length;
  const synchronised = storedUsers.length + storedGroups.length + otherPlan.storedCount;
  const { count, percent } = project.deletionThreshold;
  if (wouldRemove > 0 && (wouldRemove > count || (synchronised > 0 && (wouldRemove * 100) / synchronised > percent))) {
    throw new RunFailure(
      'deletion_threshold',
      `The run would ${project.onDisappear} ${wouldRemove} of ${synchronised} synchronised objects, more than the project's threshold (${count} objects or ${percent} %): nothing was changed.`,
      wouldRemove,
    );
  }

  const now = () => new Date().toISOString();
  const unchanged: Omit<SyncChangeRecord, 'sequence'>[] = [...failures];
  for (const user of planned) {
    const managerId = user.managerDn ? userIdByDn.get(dnKey(user.managerDn)) : undefined;
    const resource = userResource(user.entry, user, mappings, managerId);
    const snapshot = syncObjects.snapshotOf(user.entry);
    const base = { dn: user.entry.dn, objectClass: 'user' as const, objectId: user.id };
    const existing = user.existing;
    if (!existing) {
      const at = now();
      const record: users.UserRecord = {
        id: user.id,
        organizationId,
        userName: user.userName,
        active: user.active,
        resource,
        hasPassword: false,
        source: kind,
        connectionId: project.connectionId,
        directoryId: user.directoryId,
        directoryDn: user.entry.dn,
        directoryDigest: snapshot.digest,
        version: 1,
        createdAt: at,
        updatedAt: at,
      };
      const created = await commit(context, { ...base, action: 'created', changes: diff({}, resource) }, [
        users.putStep(record, { expectedVersion: undefined, onConflict: () => new ConflictError(`User id ${user.id} exists.`) }),
        users.claimUserNameStep(organizationId, user.userName, user.id, () => new ConflictError(`userName ${user.userName} is already taken by another user.`)),
        counterStep(organizationId, USER_COUNTER, 1),
        audit(context, 'user.created', { type: 'user', id: user.id }, { userName: user.userName, source: kind, connectionId: project.connectionId }),
        ...(await syncObjects.userWriteSteps(context, undefined, record, user.entry, snapshot)),
      ]);
      // A user that could not be created (e.g. its userName is taken) is no group's member.
      if (!created) userIdByDn.delete(dnKey(user.entry.dn));
      continue;
    }
    const changes = diff(existing.resource, resource);
    Object.assign(changes, await syncObjects.attributeChanges(organizationId, existing.id, existing.directoryDigest, snapshot));
    const moved = existing.directoryDn !== user.entry.dn;
    if (Object.keys(changes).length === 0 && !moved && existing.active === user.active) {
      unchanged.push({ ...base, action: 'unchanged' });
      continue;
    }
    if (moved) changes.dn = { before: existing.directoryDn ?? null, after: user.entry.dn };
    const renamed = existing.userName.toLowerCase() !== user.userName.toLowerCase();
    const next: users.UserRecord = { ...existing, userName: user.userName, active: user.active, resource, directoryDn: user.entry.dn, directoryDigest: snapshot.digest, version: existing.version + 1, updatedAt: now() };
    await commit(context, { ...base, action: 'updated', changes }, [
      users.putStep(next, { expectedVersion: existing.version, onConflict: () => new ConcurrentChangeError(`User ${existing.id} changed concurrently.`) }),
      ...(renamed
        ? [users.releaseUserNameStep(organizationId, existing.userName), users.claimUserNameStep(organizationId, user.userName, existing.id, () => new ConflictError(`userName ${user.userName} is already taken by another user.`))]
        : []),
      audit(context, 'user.updated', { type: 'user', id: existing.id }, { changedAttributes: Object.keys(changes) }),
      ...(await syncObjects.userWriteSteps(context, existing, next, user.entry, snapshot)),
    ]);
  }

  for (const user of vanishedUsers) {
    const base = { dn: user.directoryDn ?? user.directoryId ?? user.id, objectClass: 'user' as const, objectId: user.id };
    if (project.onDisappear === 'delete') {
      const memberships = await groups.ofUser(organizationId, user.id);
      await commit(context, { ...base, action: 'deleted', changes: { userName: { before: user.userName, after: null } } }, [
        users.deleteStep(organizationId, user.id, { expectedVersion: user.version, onConflict: () => new ConcurrentChangeError(`User ${user.id} changed concurrently.`) }),
        users.releaseUserNameStep(organizationId, user.userName),
        counterStep(organizationId, USER_COUNTER, -1),
        ...memberships.slice(0, MEMBERSHIP_CHUNK).map((membership) => groups.membershipRemoveStep(organizationId, membership.groupId, user.id)),
        audit(context, 'user.deleted', { type: 'user', id: user.id }, { userName: user.userName, reason: 'disappeared from the directory', removedFromGroups: memberships.slice(0, MEMBERSHIP_CHUNK).map((m) => m.groupId) }),
        ...(await syncObjects.userRemovalSteps(context, user)),
      ]);
      continue;
    }
    const next: users.UserRecord = { ...user, active: false, resource: { ...user.resource, active: false }, version: user.version + 1, updatedAt: now() };
    await commit(context, { ...base, action: 'deactivated', changes: { active: { before: true, after: false } } }, [
      users.putStep(next, { expectedVersion: user.version, onConflict: () => new ConcurrentChangeError(`User ${user.id} changed concurrently.`) }),
      audit(context, 'user.deactivated', { type: 'user', id: user.id }, { userName: user.userName, reason: 'disappeared from the directory' }),
    ]);
  }

  // Groups: direct user members plus the users of nested groups (transitively).
  const groupEntryByDn = new Map(groupEntries.map((entry) => [dnKey(entry.dn), entry]));
  const storedGroupByDn = new Map(storedGroups.filter((group) => group.directoryDn).map((group) => [dnKey(group.directoryDn as string), group]));
  const memberDns = (entry: LdapEntry) => [...texts(entry, 'member'), ...texts(entry, 'uniqueMember')];
  const usersOf = async (dn: string, visited: Set<string>): Promise<Set<string>> => {
    const key = dnKey(dn);
    const result = new Set<string>();
    if (visited.has(key)) return result;
    visited.add(key);
    const entry = groupEntryByDn.get(key);
    if (entry) {
      for (const member of memberDns(entry)) {
        const userId = userIdByDn.get(dnKey(member));
        if (userId) result.add(userId);
        else if (groupEntryByDn.has(dnKey(member)) || storedGroupByDn.has(dnKey(member))) for (const id of await usersOf(member, visited)) result.add(id);
      }
      return result;
    }
    const stored = storedGroupByDn.get(key);
    if (stored) for (const membership of await groups.membersOf(organizationId, stored.id)) result.add(membership.userId);
    return result;
  };
  const displayOf = new Map<string, string>();
  for (const user of storedUsers) displayOf.set(user.id, String(user.resource.displayName ?? user.userName));
  for (const user of planned) displayOf.set(user.id, text(user.entry, mappings.displayName) ?? user.userName);

  for (const entry of groupEntries) {
    const directoryId = directoryIdOf(entry, kind);
    const displayName = text(entry, 'cn') ?? text(entry, 'name');
    if (!directoryId || !displayName) {
      unchanged.push({ dn: entry.dn, objectClass: 'group', action: 'error', error: !directoryId ? 'The entry has no stable id.' : 'The entry has no cn.' });
      continue;
    }
    const existing = groupsByDirectoryId.get(directoryId);
    const id = existing?.id ?? randomUUID();
    const desired = await usersOf(entry.dn, new Set());
    const current = existing ? new Set((await groups.membersOf(organizationId, existing.id)).map((membership) => membership.userId)) : new Set<string>();
    const added = [...desired].filter((userId) => !current.has(userId));
    const removed = [...current].filter((userId) => !desired.has(userId));
    const resource = compact({ displayName, ...(text(entry, 'description') ? { description: text(entry, 'description') } : {}) });
    const changes: Record<string, { before: unknown; after: unknown }> = existing ? diff(existing.resource, resource) : diff({}, resource);
    const snapshot = syncObjects.snapshotOf(entry);
    if (existing) Object.assign(changes, await syncObjects.attributeChanges(organizationId, existing.id, existing.directoryDigest, snapshot));
    if (added.length + removed.length > 0) changes.members = { before: current.size, after: desired.size };
    const base = { dn: entry.dn, objectClass: 'group' as const, objectId: id };
    if (existing && Object.keys(changes).length === 0 && existing.directoryDn === entry.dn) {
      unchanged.push({ ...base, action: 'unchanged' });
      continue;
    }
    const at = now();
    const record: groups.GroupRecord = existing
      ? { ...existing, displayName, resource, directoryDn: entry.dn, directoryDigest: snapshot.digest, version: existing.version + 1, updatedAt: at }
      : { id, organizationId, displayName, resource, source: kind, connectionId: project.connectionId, directoryId, directoryDn: entry.dn, directoryDigest: snapshot.digest, version: 1, createdAt: at, updatedAt: at };
    const membershipSteps = [
      ...added.map((userId) => groups.membershipAddStep(organizationId, { groupId: id, userId, display: displayOf.get(userId) ?? '', addedAt: at })),
      ...removed.map((userId) => groups.membershipRemoveStep(organizationId, id, userId)),
    ];
    const first = membershipSteps.slice(0, MEMBERSHIP_CHUNK);
    const ok = await commit(context, { ...base, action: existing ? 'updated' : 'created', changes }, [
      groups.putStep(record, { expectedVersion: existing?.version, onConflict: () => new ConcurrentChangeError(`Group ${id} changed concurrently.`) }),
      ...(existing ? [] : [counterStep(organizationId, GROUP_COUNTER, 1)]),
      ...first,
      audit(context, existing ? 'group.updated' : 'group.created', { type: 'group', id }, { displayName, source: kind, membersAdded: added.length, membersRemoved: removed.length }),
      syncObjects.groupWriteStep(context, record, entry, snapshot),
    ]);
    // Larger membership changes continue in further audited transactions.
    for (let start = MEMBERSHIP_CHUNK; ok && start < membershipSteps.length; start += MEMBERSHIP_CHUNK) {
      await transact([...membershipSteps.slice(start, start + MEMBERSHIP_CHUNK), audit(context, 'group.members.synchronised', { type: 'group', id }, { part: start / MEMBERSHIP_CHUNK + 1 })]);
    }
  }

  for (const group of vanishedGroups) {
    const memberships = await groups.membersOf(organizationId, group.id);
    for (let start = MEMBERSHIP_CHUNK; start < memberships.length; start += MEMBERSHIP_CHUNK) {
      const chunk = memberships.slice(start, start + MEMBERSHIP_CHUNK);
      await transact([...chunk.map((m) => groups.membershipRemoveStep(organizationId, group.id, m.userId)), audit(context, 'group.members.synchronised', { type: 'group', id: group.id }, { removed: chunk.length })]);
    }
    await commit(context, { dn: group.directoryDn ?? group.id, objectClass: 'group', objectId: group.id, action: 'deleted', changes: { displayName: { before: group.displayName, after: null } } }, [
      groups.deleteStep(organizationId, group.id, { expectedVersion: group.version, onConflict: () => new ConcurrentChangeError(`Group ${group.id} changed concurrently.`) }),
      counterStep(organizationId, GROUP_COUNTER, -1),
      ...memberships.slice(0, MEMBERSHIP_CHUNK).map((m) => groups.membershipRemoveStep(organizationId, group.id, m.userId)),
      audit(context, 'group.deleted', { type: 'group', id: group.id }, { displayName: group.displayName, reason: 'disappeared from the directory' }),
      syncObjects.groupRemovalStep(context, group.id),
    ]);
  }

  await syncObjects.applyOtherObjects(context, otherPlan, {
    commit: (change, steps) => commit(context, change, steps),
    audit: (action, target, details) => audit(context, action, target, details),
    unchanged: (change) => unchanged.push(change),
  });

  await recordOnly(context, unchanged);
}
