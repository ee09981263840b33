/**
 * The apply step of a sync run: executes planned changes (sync-plan.ts) through the users, groups,
 * directory links and sync projects repositories. Each object's change is one transaction holding
 * the user or group write (with its userName claim, counter, DN link and disappearance note), its
 * audit entry (actor `system` / `sync-project:<id>`, details `runId`) and the run's change record,
 * so the run's counts are computed from exactly the records written. A change whose transaction
 * fails (a taken userName, a concurrent change) becomes an `error` record and the run goes on.
 * Membership changes beyond one transaction's room continue in further audited transactions.
 * The same transaction writes (or removes) the object's raw attribute snapshot and, for a user,
 * its person steps (person-correlation.ts, computed here from the person links stored now).
 * Other objects (computers) are written through the directory-objects repository (audit target
 * type `object`); they have no counter, DN link or memberships.
 */
import { auditStep, type AuditEvent } from '../audit/audit-entry.ts';
import { ConcurrentChangeError, ConflictError, type DomainError } from '../errors/domain-errors.ts';
import { counterStep } from '../storage/counters.ts';
import * as directoryLinks from '../storage/directory-links.ts';
import * as directoryObjects from '../storage/directory-objects.ts';
import * as groups from '../storage/groups.ts';
import * as syncProjects from '../storage/sync-projects.ts';
import type { SyncChangeRecord, SyncProjectRecord } from '../storage/sync-projects.ts';
import { transact, type TransactionStep } from '../storage/transactions.ts';
import * as users from '../storage/users.ts';
import { syncPersonSteps } from './sync-objects.ts';
import type { ChangeDraft, Operation, PlannedChange } from './sync-plan.ts';

/** The SCIM counters (shared/scim/users.ts USER_COUNTER, shared/scim/groups.ts GROUP_COUNTER): synchronised users and groups are SCIM-visible. */
const COUNTERS: Partial<Record<Operation['objectClass'], string>> = { user: 'users', group: 'groups' };
/** DynamoDB's limit of items per transaction (TransactWriteItems). */
const TRANSACTION_ITEMS = 100;
const ORIGIN = { ipAddress: '', userAgent: 'identity-platform worker sync-run' };
/**
 * Memberships changed per transaction (each with its user's group summary update): further
 * transactions carry only memberships and their audit entry; the object's own transaction takes as many as fit besides its other steps (its write,
 * snapshot, person steps, audit entry and change record), at most this many.
 */
const MEMBERSHIP_CHUNK = 40;
/** Change records without a change written per transaction. */
const RECORD_CHUNK = 25;
/** Stored plans: operations' JSON per transaction (DynamoDB allows 4 MB per transaction). */
const PLAN_CHUNK_BYTES = 2_000_000;

/** Where a run writes: its organization, project, id and the next change record's sequence. */
export interface ApplyContext {
  organizationId: string;
  project: SyncProjectRecord;
  runId: string;
  actor: AuditEvent['actor'];
  /** The sequence the next change record gets (1-based). */
  nextSequence: number;
  /** Tally of the records written so far (run counts). */
  written: SyncChangeRecord[];
  /** Planned creates that failed in this invocation (they do not add to the project's object count). */
  failed?: { creates: number } | undefined;
}

/**
 * Applies planned changes in order (change i gets sequence `context.nextSequence + i`); records
 * without an operation are written in chunks. Stops early, after at least one change, when
 * `shouldStop` says so; returns how many changes it applied.
 */
export async function applyChanges(context: ApplyContext, changes: readonly PlannedChange[], options: { shouldStop?: () => boolean } = {}): Promise<number> {
  const pending: ChangeDraft[] = [];
  let done = 0;
  for (const change of changes) {
    if (done > 0 && options.shouldStop?.()) break;
    if (change.operation) {
      await recordOnly(context, pending.splice(0));
      await applyOne(context, change.record, change.operation);
    } else {
      pending.push(change.record);
      if (pending.length >= RECORD_CHUNK) await recordOnly(context, pending.splice(0));
    }
    done += 1;
  }
  await recordOnly(context, pending);
  return done;
}

/**
 * Stores planned changes as change records with their operations, without applying any: a dry
 * run's plan, or (`pending`) the rest of a run that continues in a follow-up invocation, at the
 * sequences the changes will have when applied. Only a dry run's records count as written.
 */
export async function storePlan(context: ApplyContext, changes: readonly PlannedChange[], options: { pending?: boolean } = {}): Promise<void> {
  let sequence = context.nextSequence;
  for (let start = 0; start < changes.length; ) {
    // At most RECORD_CHUNK records, and well inside a transaction's 4 MB (operations carry attribute snapshots).
    let end = start;
    let bytes = 0;
    while (end < changes.length && end - start < RECORD_CHUNK) {
      const size = JSON.stringify(changes[end]?.operation ?? {}).length;
      if (end > start && bytes + size > PLAN_CHUNK_BYTES) break;
      bytes += size;
      end += 1;
    }
    const chunk = changes.slice(start, end).map((change, index) => ({
      ...change.record,
      sequence: sequence + index,
      ...(change.operation ? { operation: change.operation as unknown as Record<string, unknown> } : {}),
      ...(options.pending ? { pending: true } : {}),
    }));
    start = end;
    await transact(chunk.map((record) => syncProjects.changePutStep(context.organizationId, context.runId, record)));
    sequence += chunk.length;
    if (!options.pending) context.written.push(...chunk);
  }
  if (!options.pending) context.nextSequence = sequence;
}

/** Stored change records back as planned changes (a dry run's plan, or a run's pending rest). */
export function plannedFromRecords(records: readonly SyncChangeRecord[]): PlannedChange[] {
  return records.map(({ sequence: _sequence, operation, pending: _pending, ...record }) => ({ record, ...(operation ? { operation: operation as unknown as Operation } : {}) }));
}

function audit(context: ApplyContext, operation: Operation, details: Record<string, unknown> = operation.audit.details, action = operation.audit.action): TransactionStep {
  return auditStep({
    organizationId: context.organizationId,
    action,
    actor: context.actor,
    origin: ORIGIN,
    target: { type: operation.objectClass === 'user' || operation.objectClass === 'group' ? operation.objectClass : 'object', id: operation.objectId },
    details: { runId: context.runId, projectId: context.project.id, ...details },
  });
}

function conflict(operation: Operation): () => DomainError {
  const name = operation.objectClass === 'user' ? 'User' : operation.objectClass === 'group' ? 'Group' : 'Object';
  return () => new ConcurrentChangeError(`${name} ${operation.objectId} changed concurrently.`);
}

/**
 * The object's own steps: its write or delete, userName claim, counter, DN link, disappearance
 * note, attribute snapshot and (users) person steps.
 */
async function objectSteps(context: ApplyContext, operation: Operation): Promise<TransactionStep[]> {
  const { organizationId, project } = context;
  const steps: TransactionStep[] = [];
  const options = { expectedVersion: operation.expectedVersion, onConflict: conflict(operation) };
  if (operation.delete) {
    const version = { expectedVersion: operation.expectedVersion as number, onConflict: conflict(operation) };
    if (operation.objectClass === 'user') steps.push(users.deleteStep(organizationId, operation.objectId, version));
    else if (operation.objectClass === 'group') steps.push(groups.deleteStep(organizationId, operation.objectId, version));
    else steps.push(directoryObjects.deleteStep(organizationId, operation.objectId, version));
  } else if (operation.objectClass === 'user') steps.push(users.putStep(operation.next as users.UserRecord, options));
  else if (operation.objectClass === 'group') steps.push(groups.putStep(operation.next as groups.GroupRecord, options));
  else steps.push(directoryObjects.putStep(operation.next as directoryObjects.DirectoryObjectRecord, options));
  if (operation.userName?.release !== undefined) steps.push(users.releaseUserNameStep(organizationId, operation.userName.release));
  const claim = operation.userName?.claim;
  if (claim !== undefined) steps.push(users.claimUserNameStep(organizationId, claim, operation.objectId, () => new ConflictError(`userName ${claim} is already taken by another user.`)));
  const counter = COUNTERS[operation.objectClass];
  if (operation.counter && counter) steps.push(counterStep(organizationId, counter, operation.counter));
  const linkable = operation.objectClass === 'user' || operation.objectClass === 'group' ? operation.objectClass : undefined;
  if (linkable && operation.unlink !== undefined) steps.push(directoryLinks.removeStep(organizationId, project.connectionId, operation.unlink));
  if (linkable && operation.link !== undefined) steps.push(directoryLinks.putStep(organizationId, project.connectionId, { dn: operation.link, objectClass: linkable, objectId: operation.objectId }));
  if (operation.disappeared?.remove) steps.push(syncProjects.disappearedRemoveStep(organizationId, project.id, operation.disappeared.remove));
  if (operation.disappeared?.put) steps.push(syncProjects.disappearedPutStep(organizationId, project.id, operation.disappeared.put));
  if (operation.attributes?.put) steps.push(directoryObjects.attributesPutStep(operation.attributes.put));
  if (operation.attributes?.remove) steps.push(directoryObjects.attributesDeleteStep(organizationId, operation.objectId));
  if (operation.objectClass === 'user' && operation.person) {
    const before = operation.person.remove ? { id: operation.objectId, userName: '', resource: {} } : operation.person.before;
    steps.push(...(await syncPersonSteps(context, before, operation.person.remove ? undefined : (operation.next as users.UserRecord))));
  }
  return steps;
}

/** The membership steps of a group change (adds of members whose creation failed are left out) or of a deletion. */
async function membershipSteps(context: ApplyContext, record: ChangeDraft, operation: Operation): Promise<{ steps: TransactionStep[]; removedFromGroups?: string[] }> {
  const { organizationId } = context;
  if (operation.delete) {
    if (operation.objectClass === 'user') {
      const memberships = await groups.ofUser(organizationId, operation.objectId);
      return { steps: memberships.map((m) => groups.membershipRemoveStep(organizationId, m.groupId, operation.objectId)), removedFromGroups: memberships.map((m) => m.groupId) };
    }
    const memberships = await groups.membersOf(organizationId, operation.objectId);
    return { steps: memberships.map((m) => groups.membershipRemoveStep(organizationId, operation.objectId, m.userId)) };
  }
  if (!record.members) return { steps: [] };
  let added = record.members.added;
  if (operation.newMemberIds?.length) {
    const created = new Set((await users.byIds(organizationId, operation.newMemberIds, { consistent: true })).map((user) => user.id));
    const fresh = new Set(operation.newMemberIds);
    added = added.filter((userId) => !fresh.has(userId) || created.has(userId));
  }
  const displays = { ...operation.displays };
  const unknown = added.filter((userId) => displays[userId] === undefined);
  for (const user of await users.byIds(organizationId, unknown)) displays[user.id] = String(user.resource.displayName ?? user.userName);
  const at = new Date().toISOString();
  return {
    steps: [
      ...added.map((userId) => groups.membershipAddStep(organizationId, { groupId: operation.objectId, userId, display: displays[userId] ?? '', addedAt: at })),
      ...record.members.removed.map((userId) => groups.membershipRemoveStep(organizationId, operation.objectId, userId)),
    ],
  };
}

/**
 * Applies one change: one transaction with the object's steps, the first memberships, the audit
 * entry and the change record; further memberships follow (for a deletion, before it).
 */
async function applyOne(context: ApplyContext, record: ChangeDraft, operation: Operation): Promise<void> {
  const sequence = context.nextSequence++;
  const numbered: SyncChangeRecord = { ...record, sequence };
  try {
    const memberships = await membershipSteps(context, record, operation);
    const own = await objectSteps(context, operation);
    // The object's transaction: its own steps, the audit entry, the change record and the memberships that fit.
    // Each membership brings its user's group summary update (one per user: a deleted user's
    // removals share one), so a membership counts twice; 3 for the audit entry, its counter and the change record.
    const room = Math.max(0, Math.min(MEMBERSHIP_CHUNK, Math.floor((TRANSACTION_ITEMS - own.length - 3) / 2)));
    const first = memberships.steps.slice(0, room);
    const rest = memberships.steps.slice(room);
    if (operation.delete) await moreMemberships(context, operation, rest);
    const details = memberships.removedFromGroups ? { ...operation.audit.details, removedFromGroups: memberships.removedFromGroups } : operation.audit.details;
    await transact([...own, ...first, audit(context, operation, details), syncProjects.changePutStep(context.organizationId, context.runId, numbered)]);
    context.written.push(numbered);
    if (!operation.delete) await moreMemberships(context, operation, rest);
  } catch (error) {
    // A create that failed names no object: the id it was planned with never existed.
    const objectId = record.action === 'created' ? undefined : record.objectId;
    const failed: SyncChangeRecord = { sequence, dn: record.dn, objectClass: record.objectClass, action: 'error', ...(objectId ? { objectId } : {}), error: (error as DomainError).message ?? String(error) };
    await transact([syncProjects.changePutStep(context.organizationId, context.runId, failed)]);
    context.written.push(failed);
    if (record.action === 'created' && context.failed) context.failed.creates += 1;
  }
}

async function moreMemberships(context: ApplyContext, operation: Operation, steps: TransactionStep[]): Promise<void> {
  for (let start = 0; start < steps.length; start += MEMBERSHIP_CHUNK) {
    const chunk = steps.slice(start, start + MEMBERSHIP_CHUNK);
    await transact([...chunk, audit(context, operation, { part: start / MEMBERSHIP_CHUNK + 2, memberships: chunk.length }, 'group.members.synchronised')]);
  }
}

/** Writes the records of objects that did not change (or could not be read), in chunks. */
async function recordOnly(context: ApplyContext, drafts: ChangeDraft[]): Promise<void> {
  for (let start = 0; start < drafts.length; start += RECORD_CHUNK) {
    const chunk = drafts.slice(start, start + RECORD_CHUNK).map((draft, index) => ({ ...draft, sequence: context.nextSequence + index }));
    await transact(chunk.map((record) => syncProjects.changePutStep(context.organizationId, context.runId, record)));
    context.nextSequence += chunk.length;
    context.written.push(...chunk);
  }
}

/**
 * Writes DN links a full run found missing (objects stored before links existed, or a link lost):
 * index repair, not a change of any object, so neither audited nor recorded.
 */
export async function repairLinks(organizationId: string, connectionId: string, links: readonly directoryLinks.DirectoryLink[]): Promise<void> {
  for (let start = 0; start < links.length; start += RECORD_CHUNK) {
    await transact(links.slice(start, start + RECORD_CHUNK).map((link) => directoryLinks.putStep(organizationId, connectionId, link)));
  }
}
