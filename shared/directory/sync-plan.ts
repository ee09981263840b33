/**
 * The plan step of a sync run: pure rules from what was read (normalised directory objects) and
 * what is stored (sync-state.ts) to the exact list of changes — creates, updates with before/after
 * per attribute, deactivations, deletions and membership changes — each with the operation that
 * applies it (sync-apply.ts). A dry run stores this plan; a run applies it; an operator may apply a
 * dry run's stored plan unchanged.
 *
 * Disappearance (objects inside the project's bases the directory no longer has): an object is
 * first deactivated — a user's `active` becomes false, a group keeps its members — and marked with
 * `disappearedAt`; memberships and roles stay. With onDisappear `delete` it is deleted once
 * `deleteAfterDays` have passed since then (0: in the same run). An object that comes back before
 * is re-enabled as the directory says, with its memberships and roles intact. Other objects
 * (computers) follow the same rules: deactivated (`active` false), then deleted after the delay.
 *
 * Raw attributes (sync-objects.ts): an object whose snapshot digest differs from its record's is
 * an update with before/after per changed attribute (`attributes.<name>`), from the stored
 * snapshot sync-state.ts loaded for it; the operation carries the new snapshot. A user's create,
 * update and deletion carry `person`: applying computes its person steps (they depend on the
 * person links stored at that moment); a deactivation keeps the user's person.
 */
import type { DirectoryAttributesRecord, DirectoryObjectRecord } from '../storage/directory-objects.ts';
import type { GroupRecord } from '../storage/groups.ts';
import type { DisappearedObject, SyncChangeRecord, SyncProjectRecord } from '../storage/sync-projects.ts';
import type { UserRecord } from '../storage/users.ts';
import type { StoredState } from './sync-state.ts';
import { DEFAULT_DELETE_AFTER_DAYS } from './sync-schemas.ts';
import { attributeDiff, attributesRecord, canonical, type EntrySnapshot } from './sync-objects.ts';
import { dnKey, type DirectoryGroup, type DirectoryOther, type DirectoryRead, type DirectoryUser, type SyncObjectClass } from './sync-read.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const DAY_MS = 86_400_000;

/** A change record before it is numbered. */
export type ChangeDraft = Omit<SyncChangeRecord, 'sequence' | 'operation'>;

/** What applying one change writes (JSON-safe, so a dry run can store it with its record). */
export interface Operation {
  objectClass: SyncObjectClass;
  objectId: string;
  /** The object's next record; absent when it is deleted. */
  next?: UserRecord | GroupRecord | DirectoryObjectRecord | undefined;
  /** The stored version the change was planned against; absent: a new object. */
  expectedVersion?: number | undefined;
  /** Delete the object (and its memberships). */
  delete?: boolean | undefined;
  userName?: { release?: string | undefined; claim?: string | undefined } | undefined;
  /** Added to the SCIM users or groups counter. */
  counter?: number | undefined;
  /** Normalised DNs to link to the object, and to unlink. */
  link?: string | undefined;
  unlink?: string | undefined;
  disappeared?: { put?: DisappearedObject | undefined; remove?: DisappearedObject | undefined } | undefined;
  /** Display names of added members the plan knows (the others are read when applying). */
  displays?: Record<string, string> | undefined;
  /** Added members created in the same run: applied only if their creation succeeded. */
  newMemberIds?: string[] | undefined;
  /** The object's raw attribute snapshot to store, or to remove with the object. */
  attributes?: { put?: DirectoryAttributesRecord | undefined; remove?: boolean | undefined } | undefined;
  /**
   * Users: person correlation for this create (no `before`), update (`before`: the stored user's
   * name and resource) or deletion (`remove`); the steps are computed when it is applied.
   */
  person?: { before?: Pick<UserRecord, 'id' | 'userName' | 'resource'> | undefined; remove?: boolean | undefined } | undefined;
  audit: { action: string; details: Record<string, unknown> };
}

export interface PlannedChange {
  record: ChangeDraft;
  operation?: Operation | undefined;
}

export interface PlanInput {
  organizationId: string;
  project: SyncProjectRecord;
  read: Pick<DirectoryRead, 'users' | 'groups' | 'unreadable'> & Partial<Pick<DirectoryRead, 'others'>>;
  stored: StoredState;
  now: Date;
  /** New platform ids (randomUUID; injected so the plan stays pure). */
  newId: () => string;
}

export interface Plan {
  changes: PlannedChange[];
  /** Deactivations and deletions in the plan (the deletion threshold's measure). */
  wouldRemove: number;
}

/**
 * Does a stored object belong to a sync project that no longer exists (`liveProjectIds`: the
 * projects over its connection now)? The running project then takes it over.
 */
export function orphaned(record: { syncProjectId?: string | undefined }, projectId: string, liveProjectIds: ReadonlySet<string> | undefined): boolean {
  return record.syncProjectId !== undefined && record.syncProjectId !== projectId && liveProjectIds !== undefined && !liveProjectIds.has(record.syncProjectId);
}

/** Drops undefined members (and objects left empty) so records compare and store cleanly. */
export function compact(value: Record<string, unknown>): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) continue;
    if (member && typeof member === 'object' && !Array.isArray(member) && !(member instanceof Set)) {
      const inner = compact(member as Record<string, unknown>);
      if (Object.keys(inner).length > 0) result[key] = inner;
    } else result[key] = member;
  }
  return result;
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

/** The days a project waits before deleting a disappeared object. */
export function deleteAfterDaysOf(project: Pick<SyncProjectRecord, 'deleteAfterDays'>): number {
  return project.deleteAfterDays ?? DEFAULT_DELETE_AFTER_DAYS;
}

/**
 * Objects that disappeared at or before the returned instant (ISO 8601) are due for deletion at
 * `now`; undefined when the project never deletes (onDisappear `deactivate`).
 */
export function deletionCutoff(project: Pick<SyncProjectRecord, 'onDisappear' | 'deleteAfterDays'>, now: Date): string | undefined {
  if (project.onDisappear !== 'delete') return undefined;
  return new Date(now.getTime() - deleteAfterDaysOf(project) * DAY_MS).toISOString();
}

/** Is an object that disappeared at `disappearedAt` (ISO 8601) to be deleted at `now`? */
export function isDueForDeletion(project: Pick<SyncProjectRecord, 'onDisappear' | 'deleteAfterDays'>, disappearedAt: string, now: Date): boolean {
  const cutoff = deletionCutoff(project, now);
  return cutoff !== undefined && disappearedAt <= cutoff;
}

/** Would removing `wouldRemove` of `synchronised` objects exceed the project's threshold (more than `count`, or more than `percent` %)? */
export function exceedsThreshold(threshold: { count: number; percent: number }, wouldRemove: number, synchronised: number): boolean {
  if (wouldRemove === 0) return false;
  return wouldRemove > threshold.count || (synchronised > 0 && (wouldRemove * 100) / synchronised > threshold.percent);
}

/** A directory user's SCIM-shaped resource. */
export function userResource(user: DirectoryUser, managerId: string | undefined): Record<string, unknown> {
  const { fields } = user;
  return compact({
    userName: user.userName,
    name: { givenName: fields.givenName, familyName: fields.familyName },
    displayName: fields.displayName,
    emails: fields.email ? [{ value: fields.email, type: 'work', primary: true }] : undefined,
    title: fields.title,
    active: user.active,
    [ENTERPRISE]: { employeeNumber: fields.employeeNumber, department: fields.department, manager: managerId ? { value: managerId } : undefined },
  });
}

function withoutDisappearance<T extends { disappearedAt?: string | undefined }>(record: T): T {
  const { disappearedAt: _disappearedAt, ...rest } = record;
  return rest as T;
}

/** The stored record of a read object against its snapshot: the attribute changes, and the snapshot record to store (undefined: no snapshot read). */
function snapshotChanges(
  stored: { id: string; directoryDigest?: string | undefined } | undefined,
  snapshot: EntrySnapshot | undefined,
  attributes: Map<string, DirectoryAttributesRecord> | undefined,
): Record<string, { before: unknown; after: unknown }> {
  if (!stored || !snapshot || stored.directoryDigest === snapshot.digest) return {};
  return attributeDiff(attributes?.get(stored.id), snapshot);
}

function noteOf(objectClass: SyncObjectClass, objectId: string, disappearedAt: string): DisappearedObject {
  return { objectClass, objectId, disappearedAt };
}

/** Plans a run: every read object, every vanished one and every one due for deletion. Pure. */
export function planRun(input: PlanInput): Plan {
  const context = new PlanContext(input);
  const changes: PlannedChange[] = input.read.unreadable.map((entry) => ({ record: { dn: entry.dn, objectClass: entry.objectClass, action: 'error', error: entry.error } }));
  for (const user of input.read.users) context.assignUserId(user);
  for (const user of input.read.users) changes.push(context.planUser(user));
  changes.push(...context.planDisappeared('user'));
  for (const group of input.read.groups) context.assignGroupId(group);
  for (const group of input.read.groups) {
    const planned = context.planGroup(group);
    if (!(group.viaParent && planned.record.action === 'unchanged')) changes.push(planned);
  }
  changes.push(...context.planDisappeared('group'));
  for (const other of input.read.others ?? []) changes.push(context.planOther(other));
  changes.push(...context.planDisappeared('computer'));
  context.keepRelinkedDns(changes);
  const wouldRemove = changes.filter((change) => change.record.action === 'deactivated' || change.record.action === 'deleted').length;
  return { changes, wouldRemove };
}

class PlanContext {
  readonly #input: PlanInput;
  readonly #at: string;
  /** Normalised DN → platform id, for objects of this read (over the stored links). */
  readonly #readIds = new Map<string, { objectClass: SyncObjectClass; objectId: string }>();
  readonly #newUserIds = new Set<string>();
  readonly #displays = new Map<string, string>();
  readonly #groupsByDn: Map<string, DirectoryGroup>;
  readonly #seen = { user: new Set<string>(), group: new Set<string>(), computer: new Set<string>() };

  constructor(input: PlanInput) {
    this.#input = input;
    this.#at = input.now.toISOString();
    this.#groupsByDn = new Map(input.read.groups.map((group) => [dnKey(group.dn), group]));
  }

  assignUserId(user: DirectoryUser): void {
    const existing = this.#input.stored.users.get(user.directoryId);
    const id = existing?.id ?? this.#input.newId();
    if (!existing) this.#newUserIds.add(id);
    this.#readIds.set(dnKey(user.dn), { objectClass: 'user', objectId: id });
    this.#displays.set(id, user.fields.displayName ?? user.userName);
    this.#seen.user.add(existing?.id ?? id);
  }

  assignGroupId(group: DirectoryGroup): void {
    const existing = this.#input.stored.groups.get(group.directoryId);
    const id = existing?.id ?? this.#input.newId();
    this.#readIds.set(dnKey(group.dn), { objectClass: 'group', objectId: id });
    this.#seen.group.add(id);
  }

  #snapshot(objectId: string, objectClass: SyncObjectClass, dn: string, snapshot: EntrySnapshot | undefined): Pick<Operation, 'attributes'> {
    if (!snapshot) return {};
    const { organizationId, project } = this.#input;
    return { attributes: { put: attributesRecord(organizationId, objectId, objectClass, project.connectionId, dn, snapshot, this.#at) } };
  }

  #resolve(dn: string): { objectClass: SyncObjectClass; objectId: string } | undefined {
    const key = dnKey(dn);
    return this.#readIds.get(key) ?? this.#input.stored.links.get(key);
  }

  /**
   * A read object stored by a project that no longer exists is taken over: an update that writes
   * this project's id (`changes.syncProjectId`), so later runs — delta runs too — count it as the
   * project's own.
   */
  #takeOver(existing: { syncProjectId?: string | undefined }, changes: Record<string, { before: unknown; after: unknown }>): void {
    const { project, stored } = this.#input;
    if (orphaned(existing, project.id, stored.liveProjectIds)) changes.syncProjectId = { before: existing.syncProjectId, after: project.id };
  }

  #audit(action: string, details: Record<string, unknown>): Operation['audit'] {
    return { action, details };
  }

  planUser(user: DirectoryUser): PlannedChange {
    const { organizationId, project } = this.#input;
    const existing = this.#input.stored.users.get(user.directoryId);
    const id = this.#readIds.get(dnKey(user.dn))?.objectId as string;
    const manager = user.managerDn ? this.#resolve(user.managerDn) : undefined;
    const resource = userResource(user, manager?.objectClass === 'user' ? manager.objectId : undefined);
    const base = { dn: user.dn, objectClass: 'user' as const, objectId: id };
    const holder = this.#input.stored.claimedUserNames?.get(user.userName.toLowerCase());
    if (holder !== undefined && holder !== existing?.id && existing?.userName.toLowerCase() !== user.userName.toLowerCase()) {
      // Applying would fail on the userName claim: the plan says so (a create's id never exists).
      return { record: { dn: user.dn, objectClass: 'user', ...(existing ? { objectId: existing.id } : {}), action: 'error', error: `userName ${user.userName} is already taken by another user.` } };
    }
    if (!existing) {
      const next: UserRecord = {
        id, organizationId, userName: user.userName, active: user.active, resource, hasPassword: false, source: project.connectionType,
        connectionId: project.connectionId, directoryId: user.directoryId, directoryDn: user.dn, syncProjectId: project.id,
        ...(user.snapshot ? { directoryDigest: user.snapshot.digest } : {}), ...(user.lastSignInAt ? { lastSignInAt: user.lastSignInAt } : {}), version: 1, createdAt: this.#at, updatedAt: this.#at,
      };
      return {
        record: { ...base, action: 'created', changes: diff({}, resource) },
        operation: {
          objectClass: 'user', objectId: id, next, userName: { claim: user.userName }, counter: 1, link: dnKey(user.dn), ...this.#snapshot(id, 'user', user.dn, user.snapshot), person: {},
          audit: this.#audit('user.created', { userName: user.userName, source: project.connectionType, connectionId: project.connectionId }),
        },
      };
    }
    const changes = { ...diff(existing.resource, resource), ...snapshotChanges(existing, user.snapshot, this.#input.stored.attributes) };
    const moved = existing.directoryDn !== user.dn;
    const reappeared = existing.disappearedAt !== undefined;
    this.#takeOver(existing, changes);
    if (Object.keys(changes).length === 0 && !moved && existing.active === user.active && !reappeared) return { record: { ...base, action: 'unchanged' } };
    if (moved) changes.dn = { before: existing.directoryDn ?? null, after: user.dn };
    if (reappeared) changes.disappearedAt = { before: existing.disappearedAt, after: null };
    const renamed = existing.userName.toLowerCase() !== user.userName.toLowerCase();
    const next: UserRecord = {
      ...withoutDisappearance(existing), userName: user.userName, active: user.active, resource, directoryDn: user.dn, syncProjectId: project.id,
      ...(user.snapshot ? { directoryDigest: user.snapshot.digest } : {}), version: existing.version + 1, updatedAt: this.#at,
    };
    return {
      record: { ...base, action: 'updated', changes },
      operation: {
        objectClass: 'user', objectId: id, next, expectedVersion: existing.version,
        ...this.#snapshot(id, 'user', user.dn, user.snapshot),
        person: { before: { id: existing.id, userName: existing.userName, resource: existing.resource } },
        ...(renamed ? { userName: { release: existing.userName, claim: user.userName } } : {}),
        ...(moved ? { link: dnKey(user.dn), ...(existing.directoryDn ? { unlink: dnKey(existing.directoryDn) } : {}) } : {}),
        ...(reappeared ? { disappeared: { remove: noteOf('user', id, existing.disappearedAt as string) } } : {}),
        audit: this.#audit('user.updated', { changedAttributes: Object.keys(changes), ...(reappeared ? { reappeared: true } : {}) }),
      },
    };
  }

  /** Direct user members plus the users of nested groups, transitively (a cycle is walked once). */
  #usersOf(dn: string, visited: Set<string>): Set<string> {
    const key = dnKey(dn);
    const result = new Set<string>();
    if (visited.has(key)) return result;
    visited.add(key);
    const group = this.#groupsByDn.get(key);
    if (!group) {
      const link = this.#input.stored.links.get(key);
      if (link?.objectClass === 'group') for (const userId of this.#input.stored.memberships.get(link.objectId) ?? []) result.add(userId);
      return result;
    }
    for (const member of group.memberDns) {
      const target = this.#resolve(member);
      if (target?.objectClass === 'user') result.add(target.objectId);
      else if (target?.objectClass === 'group') for (const userId of this.#usersOf(member, visited)) result.add(userId);
    }
    return result;
  }

  planGroup(group: DirectoryGroup): PlannedChange {
    const { organizationId, project } = this.#input;
    const existing = this.#input.stored.groups.get(group.directoryId);
    const id = this.#readIds.get(dnKey(group.dn))?.objectId as string;
    const desired = this.#usersOf(group.dn, new Set());
    const current = existing ? (this.#input.stored.memberships.get(existing.id) ?? new Set<string>()) : new Set<string>();
    const added = [...desired].filter((userId) => !current.has(userId)).sort();
    const removed = [...current].filter((userId) => !desired.has(userId)).sort();
    const resource = compact({ displayName: group.displayName, description: group.description });
    const changes = { ...diff(existing?.resource ?? {}, resource), ...snapshotChanges(existing, group.snapshot, this.#input.stored.attributes) };
    if (added.length + removed.length > 0) changes.members = { before: current.size, after: desired.size };
    const moved = existing !== undefined && existing.directoryDn !== group.dn;
    const reappeared = existing?.disappearedAt !== undefined;
    if (moved) changes.dn = { before: existing.directoryDn ?? null, after: group.dn };
    if (reappeared) changes.disappearedAt = { before: existing.disappearedAt, after: null };
    const base = { dn: group.dn, objectClass: 'group' as const, objectId: id };
    if (existing) this.#takeOver(existing, changes);
    if (existing && Object.keys(changes).length === 0) return { record: { ...base, action: 'unchanged' } };
    const digest = group.snapshot ? { directoryDigest: group.snapshot.digest } : {};
    const next: GroupRecord = existing
      ? { ...withoutDisappearance(existing), displayName: group.displayName, resource, directoryDn: group.dn, syncProjectId: project.id, ...digest, version: existing.version + 1, updatedAt: this.#at }
      : { id, organizationId, displayName: group.displayName, resource, source: project.connectionType, connectionId: project.connectionId, directoryId: group.directoryId, directoryDn: group.dn, syncProjectId: project.id, ...digest, version: 1, createdAt: this.#at, updatedAt: this.#at };
    const displays: Record<string, string> = {};
    for (const userId of added) {
      const display = this.#displays.get(userId);
      if (display !== undefined) displays[userId] = display;
    }
    const newMemberIds = added.filter((userId) => this.#newUserIds.has(userId));
    return {
      record: { ...base, action: existing ? 'updated' : 'created', changes, ...(added.length + removed.length > 0 ? { members: { added, removed } } : {}) },
      operation: {
        objectClass: 'group', objectId: id, next, expectedVersion: existing?.version,
        ...(existing ? {} : { counter: 1 }),
        ...(!existing || moved ? { link: dnKey(group.dn), ...(existing?.directoryDn ? { unlink: dnKey(existing.directoryDn) } : {}) } : {}),
        ...(reappeared ? { disappeared: { remove: noteOf('group', id, existing.disappearedAt as string) } } : {}),
        displays,
        ...(newMemberIds.length > 0 ? { newMemberIds } : {}),
        ...this.#snapshot(id, 'group', group.dn, group.snapshot),
        audit: this.#audit(existing ? 'group.updated' : 'group.created', { displayName: group.displayName, source: project.connectionType, membersAdded: added.length, membersRemoved: removed.length }),
      },
    };
  }

  /** Vanished objects of a class (deactivate, or delete at once) and disappeared ones past their delay (delete). */
  planDisappeared(objectClass: SyncObjectClass): PlannedChange[] {
    const { project, now } = this.#input;
    const { stored } = this.#input;
    const ofClass = (records: DirectoryObjectRecord[] | undefined) => (records ?? []).filter((record) => record.objectClass === objectClass);
    const vanished: (UserRecord | GroupRecord | DirectoryObjectRecord)[] = objectClass === 'user' ? stored.vanished.users : objectClass === 'group' ? stored.vanished.groups : ofClass(stored.vanished.others);
    const due: (UserRecord | GroupRecord | DirectoryObjectRecord)[] = objectClass === 'user' ? stored.due.users : objectClass === 'group' ? stored.due.groups : ofClass(stored.due.others);
    const planned: PlannedChange[] = [];
    const handled = new Set<string>();
    for (const record of [...vanished, ...due]) {
      if (handled.has(record.id) || this.#seen[objectClass].has(record.id)) continue;
      handled.add(record.id);
      if (record.disappearedAt !== undefined) {
        if (isDueForDeletion(project, record.disappearedAt, now)) planned.push(this.#planDelete(objectClass, record));
      } else if (project.onDisappear === 'delete' && deleteAfterDaysOf(project) === 0) planned.push(this.#planDelete(objectClass, record));
      else planned.push(this.#planDeactivate(objectClass, record));
    }
    return planned;
  }

  /** A computer (or another class) read from the directory: created, updated (name, DN, status, attributes), re-enabled, or unchanged. */
  planOther(other: DirectoryOther): PlannedChange {
    const { organizationId, project } = this.#input;
    const existing = this.#input.stored.others?.get(other.directoryId);
    const id = existing?.id ?? this.#input.newId();
    this.#seen.computer.add(id);
    const base = { dn: other.dn, objectClass: other.objectClass, objectId: id };
    const snapshot = this.#snapshot(id, other.objectClass, other.dn, other.snapshot);
    if (!existing) {
      const next: DirectoryObjectRecord = {
        id, organizationId, objectClass: other.objectClass, name: other.name, source: project.connectionType, connectionId: project.connectionId, directoryId: other.directoryId,
        directoryDn: other.dn, active: other.active, directoryDigest: other.snapshot.digest, syncProjectId: project.id, version: 1, createdAt: this.#at, updatedAt: this.#at,
      };
      return {
        record: { ...base, action: 'created', changes: { name: { before: null, after: other.name }, active: { before: null, after: other.active } } },
        operation: { objectClass: other.objectClass, objectId: id, next, ...snapshot, audit: this.#audit('object.created', { objectClass: other.objectClass, name: other.name, dn: other.dn, connectionId: project.connectionId }) },
      };
    }
    const changes: Record<string, { before: unknown; after: unknown }> = {};
    if (existing.name !== other.name) changes.name = { before: existing.name, after: other.name };
    if (existing.directoryDn !== other.dn) changes.dn = { before: existing.directoryDn, after: other.dn };
    if (existing.active !== other.active) changes.active = { before: existing.active, after: other.active };
    Object.assign(changes, snapshotChanges(existing, other.snapshot, this.#input.stored.attributes));
    const reappeared = existing.disappearedAt !== undefined;
    if (reappeared) changes.disappearedAt = { before: existing.disappearedAt, after: null };
    this.#takeOver(existing, changes);
    if (Object.keys(changes).length === 0) return { record: { ...base, action: 'unchanged' } };
    const next: DirectoryObjectRecord = {
      ...withoutDisappearance(existing), name: other.name, directoryDn: other.dn, active: other.active, directoryDigest: other.snapshot.digest, syncProjectId: project.id,
      version: existing.version + 1, updatedAt: this.#at,
    };
    return {
      record: { ...base, action: 'updated', changes },
      operation: {
        objectClass: other.objectClass, objectId: id, next, expectedVersion: existing.version, ...snapshot,
        ...(reappeared ? { disappeared: { remove: noteOf(other.objectClass, id, existing.disappearedAt as string) } } : {}),
        audit: this.#audit('object.updated', { objectClass: other.objectClass, changedAttributes: Object.keys(changes), ...(reappeared ? { reappeared: true } : {}) }),
      },
    };
  }

  #planDeactivate(objectClass: SyncObjectClass, record: UserRecord | GroupRecord | DirectoryObjectRecord): PlannedChange {
    const note = noteOf(objectClass, record.id, this.#at);
    const base = { dn: record.directoryDn ?? record.directoryId ?? record.id, objectClass, objectId: record.id };
    const reason = 'disappeared from the directory';
    if (objectClass === 'user') {
      const user = record as UserRecord;
      const next: UserRecord = { ...user, active: false, resource: { ...user.resource, active: false }, disappearedAt: this.#at, version: user.version + 1, updatedAt: this.#at };
      return {
        record: { ...base, action: 'deactivated', changes: { active: { before: user.active, after: false }, disappearedAt: { before: null, after: this.#at } } },
        operation: { objectClass, objectId: user.id, next, expectedVersion: user.version, disappeared: { put: note }, audit: this.#audit('user.deactivated', { userName: user.userName, reason }) },
      };
    }
    if (objectClass !== 'group') {
      const other = record as DirectoryObjectRecord;
      const next: DirectoryObjectRecord = { ...other, active: false, disappearedAt: this.#at, version: other.version + 1, updatedAt: this.#at };
      return {
        record: { ...base, action: 'deactivated', changes: { active: { before: other.active, after: false }, disappearedAt: { before: null, after: this.#at } } },
        operation: { objectClass, objectId: other.id, next, expectedVersion: other.version, disappeared: { put: note }, audit: this.#audit('object.deactivated', { objectClass, name: other.name, reason }) },
      };
    }
    const group = record as GroupRecord;
    const next: GroupRecord = { ...group, disappearedAt: this.#at, version: group.version + 1, updatedAt: this.#at };
    return {
      record: { ...base, action: 'deactivated', changes: { disappearedAt: { before: null, after: this.#at } } },
      operation: { objectClass, objectId: group.id, next, expectedVersion: group.version, disappeared: { put: note }, audit: this.#audit('group.deactivated', { displayName: group.displayName, reason }) },
    };
  }

  #planDelete(objectClass: SyncObjectClass, record: UserRecord | GroupRecord | DirectoryObjectRecord): PlannedChange {
    const base = { dn: record.directoryDn ?? record.directoryId ?? record.id, objectClass, objectId: record.id };
    const linked = objectClass === 'user' || objectClass === 'group';
    const shared = {
      objectClass, objectId: record.id, expectedVersion: record.version, delete: true, attributes: { remove: true },
      ...(linked ? { counter: -1 } : {}),
      ...(linked && record.directoryDn ? { unlink: dnKey(record.directoryDn) } : {}),
      ...(record.disappearedAt ? { disappeared: { remove: noteOf(objectClass, record.id, record.disappearedAt) } } : {}),
    };
    const reason = 'disappeared from the directory';
    if (objectClass === 'user') {
      const user = record as UserRecord;
      return {
        record: { ...base, action: 'deleted', changes: { userName: { before: user.userName, after: null } } },
        operation: { ...shared, userName: { release: user.userName }, person: { remove: true }, audit: this.#audit('user.deleted', { userName: user.userName, reason, ...(user.disappearedAt ? { disappearedAt: user.disappearedAt } : {}) }) },
      };
    }
    if (objectClass !== 'group') {
      const other = record as DirectoryObjectRecord;
      return {
        record: { ...base, action: 'deleted', changes: { name: { before: other.name, after: null } } },
        operation: { ...shared, audit: this.#audit('object.deleted', { objectClass, name: other.name, reason }) },
      };
    }
    const group = record as GroupRecord;
    return {
      record: { ...base, action: 'deleted', changes: { displayName: { before: group.displayName, after: null } } },
      operation: { ...shared, audit: this.#audit('group.deleted', { displayName: group.displayName, reason }) },
    };
  }

  /** A DN another object of this plan links keeps its link: no operation unlinks it. */
  keepRelinkedDns(changes: PlannedChange[]): void {
    const linked = new Set(changes.map((change) => change.operation?.link).filter((dn): dn is string => dn !== undefined));
    for (const change of changes) if (change.operation?.unlink !== undefined && linked.has(change.operation.unlink)) delete change.operation.unlink;
  }
}
