/**
 * The load step of a sync run: the stored state a plan needs, read through the users, groups,
 * directory links and sync projects repositories — and no more than that.
 *
 * - A full run reads every object the connection synchronised (`users.byConnection`,
 *   `groups.byConnection`): it must find the ones that disappeared anyway.
 * - A delta run reads only the objects it read from the directory (by stable id), the DNs they
 *   reference (managers, members, parent groups: `directoryLinks.byDns`), the memberships of the
 *   groups it re-plans and of nested groups they name, and the objects deletion evidence names:
 *   Active Directory tombstones by id; on OpenLDAP, only when the number of ids the project's
 *   searches list now differs from the last run's number plus the entries new in this read, every
 *   synchronised object of the connection, to find those no longer listed.
 * - Any run reads the project's disappeared objects whose deletion delay has passed.
 * - Other objects (computers) are loaded like users: by connection (full) or by stable id (delta).
 * - Raw attribute snapshots (sync-objects.ts) are read only for read objects whose snapshot digest
 *   differs from the stored record's: a run costs what changed.
 */
import * as directoryLinks from '../storage/directory-links.ts';
import * as directoryObjects from '../storage/directory-objects.ts';
import type { DirectoryAttributesRecord, DirectoryObjectRecord } from '../storage/directory-objects.ts';
import * as groups from '../storage/groups.ts';
import type { DisappearedObject, SyncProjectRecord, SyncProjectState } from '../storage/sync-projects.ts';
import * as syncProjects from '../storage/sync-projects.ts';
import * as users from '../storage/users.ts';
import { deletionCutoff, orphaned } from './sync-plan.ts';
import { otherClassesOf } from './sync-objects.ts';
import { dnKey, withinBase, type DirectoryRead, type SyncObjectClass } from './sync-read.ts';

/** What the plan knows of the platform's side. */
export interface StoredState {
  /** Stored users and groups the plan may touch, by stable directory id. */
  users: Map<string, users.UserRecord>;
  groups: Map<string, groups.GroupRecord>;
  /** Stored other objects (computers) the plan may touch, by stable directory id. */
  others?: Map<string, DirectoryObjectRecord> | undefined;
  /** Stored attribute snapshots of read objects whose digest changed, by object id. */
  attributes?: Map<string, DirectoryAttributesRecord> | undefined;
  /** Normalised DN → the synchronised object it names. */
  links: Map<string, { objectClass: 'user' | 'group'; objectId: string }>;
  /** Current members (user ids) of the stored groups the plan needs, by group id. */
  memberships: Map<string, Set<string>>;
  /** Stored objects inside the project's bases that the directory no longer has (by this run's evidence). */
  vanished: { users: users.UserRecord[]; groups: groups.GroupRecord[]; others?: DirectoryObjectRecord[] | undefined };
  /** Disappeared objects whose deletion delay has passed (onDisappear `delete` only). */
  due: { users: users.UserRecord[]; groups: groups.GroupRecord[]; others?: DirectoryObjectRecord[] | undefined; notes: DisappearedObject[] };
  /** The synchronised objects inside the project's bases (the deletion threshold's percentage base). */
  synchronised: number;
  /** Full runs: stored objects of this read whose DN has no link yet (objects stored before links existed); the run writes them. */
  unlinked?: directoryLinks.DirectoryLink[] | undefined;
  /** OpenLDAP: the id counts listed now (kept in the project's state for the next delta run). */
  listed?: Partial<Record<SyncObjectClass, number>> | undefined;
  /**
   * Ids of the sync projects that exist over the connection now: a stored object whose
   * `syncProjectId` is none of them belongs to a deleted project, and the run takes it over.
   */
  liveProjectIds?: ReadonlySet<string> | undefined;
  /** Lower-cased userNames that read users would claim (creates and renames) → the id of the user holding each now. */
  claimedUserNames?: Map<string, string> | undefined;
}

/** The ids of the projects over the connection (one query), always including the running project's. */
async function liveProjectIdsOf(organizationId: string, project: SyncProjectRecord): Promise<Set<string>> {
  const live = new Set((await syncProjects.byConnection(organizationId, project.connectionId)).map((other) => other.id));
  live.add(project.id);
  return live;
}

/**
 * Is a stored object one of the project's? It lies inside the project's search bases and, once a
 * run of this project wrote it, no other existing project over the connection wrote it since (so
 * projects with overlapping bases but different filters never take each other's objects for
 * disappeared). An object whose project was deleted belongs to any project over its connection
 * whose bases hold it (`liveProjectIds`): it is not left active forever when it disappears.
 */
const ownedBy = (project: SyncProjectRecord, bases: readonly string[], liveProjectIds?: ReadonlySet<string>) => (record: { directoryDn?: string | undefined; syncProjectId?: string | undefined }) =>
  record.directoryDn !== undefined &&
  (record.syncProjectId === undefined || record.syncProjectId === project.id || orphaned(record, project.id, liveProjectIds)) &&
  bases.some((base) => withinBase(record.directoryDn as string, base));

function emptyState(): StoredState {
  return {
    users: new Map(),
    groups: new Map(),
    others: new Map(),
    attributes: new Map(),
    links: new Map(),
    memberships: new Map(),
    vanished: { users: [], groups: [], others: [] },
    due: { users: [], groups: [], others: [], notes: [] },
    synchronised: 0,
  };
}

/** The DNs a read refers to: managers, group members and the read objects themselves. */
function referencedDns(read: DirectoryRead): string[] {
  return [...read.users.flatMap((user) => [user.dn, ...(user.managerDn ? [user.managerDn] : [])]), ...read.groups.flatMap((group) => [group.dn, ...group.memberDns])].map(dnKey);
}

/** Full run: every synchronised object of the connection; those in scope and not read have vanished. */
export async function loadForFullRun(organizationId: string, project: SyncProjectRecord, read: DirectoryRead, bases: readonly string[], now: Date): Promise<StoredState> {
  const state = emptyState();
  const [storedUsers, storedGroups, storedOthers, live] = await Promise.all([
    users.byConnection(organizationId, project.connectionId),
    groups.byConnection(organizationId, project.connectionId),
    otherClassesOf(project).length > 0 ? directoryObjects.byConnection(organizationId, project.connectionId) : Promise.resolve([]),
    liveProjectIdsOf(organizationId, project),
  ]);
  state.liveProjectIds = live;
  for (const user of storedUsers) if (user.directoryId) state.users.set(user.directoryId, user);
  for (const group of storedGroups) if (group.directoryId) state.groups.set(group.directoryId, group);
  for (const other of storedOthers) state.others?.set(other.directoryId, other);
  for (const user of storedUsers) if (user.directoryDn) state.links.set(dnKey(user.directoryDn), { objectClass: 'user', objectId: user.id });
  for (const group of storedGroups) if (group.directoryDn) state.links.set(dnKey(group.directoryDn), { objectClass: 'group', objectId: group.id });
  const seenUsers = new Set(read.users.map((user) => user.directoryId));
  const seenGroups = new Set(read.groups.map((group) => group.directoryId));
  const owned = ownedBy(project, bases, live);
  if (project.objectClasses.includes('user')) state.vanished.users = storedUsers.filter((user) => user.directoryId && !seenUsers.has(user.directoryId) && owned(user));
  if (project.objectClasses.includes('group')) state.vanished.groups = storedGroups.filter((group) => group.directoryId && !seenGroups.has(group.directoryId) && owned(group));
  const classes = new Set<string>(otherClassesOf(project));
  const seenOthers = new Set((read.others ?? []).map((other) => other.directoryId));
  const ownOthers = storedOthers.filter((other) => classes.has(other.objectClass) && owned(other));
  state.vanished.others = ownOthers.filter((other) => !seenOthers.has(other.directoryId));
  state.synchronised = storedUsers.filter(owned).length + storedGroups.filter(owned).length + ownOthers.length;
  await loadAttributes(organizationId, read, state);
  await loadMemberships(organizationId, read, state);
  await loadClaims(organizationId, read, state);
  await loadDue(organizationId, project, now, state);
  state.unlinked = await unlinkedObjects(organizationId, project, read, state);
  return state;
}

/** The stored objects of a full read whose DN has no link (one BatchGetItem per 100 DNs). */
async function unlinkedObjects(organizationId: string, project: SyncProjectRecord, read: DirectoryRead, state: StoredState): Promise<directoryLinks.DirectoryLink[]> {
  const candidates: directoryLinks.DirectoryLink[] = [];
  for (const user of read.users) {
    const stored = state.users.get(user.directoryId);
    if (stored && stored.directoryDn === user.dn) candidates.push({ dn: dnKey(user.dn), objectClass: 'user', objectId: stored.id });
  }
  for (const group of read.groups) {
    const stored = state.groups.get(group.directoryId);
    if (stored && stored.directoryDn === group.dn) candidates.push({ dn: dnKey(group.dn), objectClass: 'group', objectId: stored.id });
  }
  const links = await directoryLinks.byDns(organizationId, project.connectionId, candidates.map((candidate) => candidate.dn));
  return candidates.filter((candidate) => links.get(candidate.dn)?.objectId !== candidate.objectId);
}

/** Delta run (and one-object runs): only what the read names, plus the deletion evidence. */
export async function loadForDeltaRun(
  organizationId: string,
  project: SyncProjectRecord,
  read: DirectoryRead,
  bases: readonly string[],
  previous: SyncProjectState,
  now: Date,
  options: { dueDeletions?: boolean } = {},
): Promise<StoredState> {
  const state = emptyState();
  const connectionId = project.connectionId;
  const userIds = [...read.users.map((user) => user.directoryId), ...(read.deletedIds ?? [])];
  const groupIds = [...read.groups.map((group) => group.directoryId), ...(read.deletedIds ?? [])];
  const otherIds = otherClassesOf(project).length > 0 ? [...(read.others ?? []).map((other) => other.directoryId), ...(read.deletedIds ?? [])] : [];
  const [storedUsers, storedGroups, storedOthers, links, live] = await Promise.all([
    users.byDirectoryIds(organizationId, connectionId, userIds),
    groups.byDirectoryIds(organizationId, connectionId, groupIds),
    directoryObjects.byDirectoryIds(organizationId, connectionId, otherIds),
    directoryLinks.byDns(organizationId, connectionId, referencedDns(read)),
    liveProjectIdsOf(organizationId, project),
  ]);
  state.liveProjectIds = live;
  for (const user of storedUsers) if (user.directoryId) state.users.set(user.directoryId, user);
  for (const group of storedGroups) if (group.directoryId) state.groups.set(group.directoryId, group);
  for (const other of storedOthers) state.others?.set(other.directoryId, other);
  for (const [dn, link] of links) state.links.set(dn, { objectClass: link.objectClass, objectId: link.objectId });
  const deleted = new Set(read.deletedIds ?? []);
  const owned = ownedBy(project, bases, live);
  state.vanished.users = storedUsers.filter((user) => user.directoryId && deleted.has(user.directoryId) && owned(user));
  state.vanished.groups = storedGroups.filter((group) => group.directoryId && deleted.has(group.directoryId) && owned(group));
  state.vanished.others = storedOthers.filter((other) => deleted.has(other.directoryId) && owned(other));
  if (read.listedIds) await findUnlisted(organizationId, project, read, bases, previous, state);
  state.synchronised = previous.objectCount ?? 0;
  await loadAttributes(organizationId, read, state);
  await loadMemberships(organizationId, read, state);
  await loadClaims(organizationId, read, state);
  if (options.dueDeletions !== false) await loadDue(organizationId, project, now, state);
  return state;
}

/**
 * OpenLDAP deletion detection on a delta run. Expected listing size per object class: the last
 * run's count plus the entries of this read that are not stored yet (new ones). When the listing
 * has that size nothing disappeared (the common case: no synchronised object is read); otherwise
 * every synchronised object of the class is compared with the listing.
 */
async function findUnlisted(organizationId: string, project: SyncProjectRecord, read: DirectoryRead, bases: readonly string[], previous: SyncProjectState, state: StoredState): Promise<void> {
  state.listed = {};
  const owned = ownedBy(project, bases, state.liveProjectIds);
  for (const objectClass of project.objectClasses) {
    const listed = read.listedIds?.[objectClass] ?? new Set<string>();
    state.listed[objectClass] = listed.size;
    const fresh =
      objectClass === 'user'
        ? read.users.filter((user) => !state.users.has(user.directoryId)).length
        : objectClass === 'group'
          ? read.groups.filter((group) => !state.groups.has(group.directoryId)).length
          : (read.others ?? []).filter((other) => other.objectClass === objectClass && !state.others?.has(other.directoryId)).length;
    const before = previous.listed?.[objectClass];
    if (before !== undefined && before + fresh === listed.size) continue;
    if (objectClass === 'user') {
      state.vanished.users = (await users.byConnection(organizationId, project.connectionId)).filter((user) => user.directoryId && !listed.has(user.directoryId) && owned(user));
    } else if (objectClass === 'group') {
      state.vanished.groups = (await groups.byConnection(organizationId, project.connectionId)).filter((group) => group.directoryId && !listed.has(group.directoryId) && owned(group));
    } else {
      const stale = (await directoryObjects.byConnection(organizationId, project.connectionId)).filter((other) => other.objectClass === objectClass && !listed.has(other.directoryId) && owned(other));
      state.vanished.others = [...(state.vanished.others ?? []).filter((other) => other.objectClass !== objectClass), ...stale];
    }
  }
}

/**
 * The stored snapshots of read objects whose digest differs from their record's (one strongly
 * consistent GetItem each): the plan's before/after per attribute. Unchanged objects cost nothing.
 */
async function loadAttributes(organizationId: string, read: DirectoryRead, state: StoredState): Promise<void> {
  const ids: string[] = [];
  const consider = (stored: { id: string; directoryDigest?: string | undefined } | undefined, digest: string | undefined) => {
    if (stored && digest !== undefined && stored.directoryDigest !== digest) ids.push(stored.id);
  };
  for (const user of read.users) consider(state.users.get(user.directoryId), user.snapshot?.digest);
  for (const group of read.groups) consider(state.groups.get(group.directoryId), group.snapshot?.digest);
  for (const other of read.others ?? []) consider(state.others?.get(other.directoryId), other.snapshot.digest);
  state.attributes = await directoryObjects.attributesByIds(organizationId, ids);
}

/**
 * Who holds the userNames the plan's creates and renames would claim (one batch read of the
 * claims): a name another user holds is planned as an error record, so a dry run shows it.
 */
async function loadClaims(organizationId: string, read: DirectoryRead, state: StoredState): Promise<void> {
  const names = read.users.filter((user) => state.users.get(user.directoryId)?.userName.toLowerCase() !== user.userName.toLowerCase()).map((user) => user.userName);
  const holders = await users.byUserNames(organizationId, [...new Set(names)]);
  state.claimedUserNames = new Map(holders.map((holder) => [holder.userName.toLowerCase(), holder.id]));
}

/** Current members of the stored groups the read names (themselves, and nested groups it does not hold). */
async function loadMemberships(organizationId: string, read: DirectoryRead, state: StoredState): Promise<void> {
  const readGroupDns = new Set(read.groups.map((group) => dnKey(group.dn)));
  const groupIds = new Set<string>();
  for (const group of read.groups) {
    const stored = state.groups.get(group.directoryId);
    if (stored) groupIds.add(stored.id);
    for (const member of group.memberDns) {
      const link = state.links.get(dnKey(member));
      if (link?.objectClass === 'group' && !readGroupDns.has(dnKey(member))) groupIds.add(link.objectId);
    }
  }
  const ids = [...groupIds];
  const members = await Promise.all(ids.map((id) => groups.membersOf(organizationId, id)));
  ids.forEach((id, index) => state.memberships.set(id, new Set((members[index] ?? []).map((membership) => membership.userId))));
}

/** The project's disappeared objects past their deletion delay, with their records. */
async function loadDue(organizationId: string, project: SyncProjectRecord, now: Date, state: StoredState): Promise<void> {
  const cutoff = deletionCutoff(project, now);
  if (cutoff === undefined) return;
  const notes = await syncProjects.disappearedBefore(organizationId, project.id, cutoff);
  if (notes.length === 0) return;
  const others = notes.filter((note) => note.objectClass !== 'user' && note.objectClass !== 'group').map((note) => note.objectId);
  const [dueUsers, dueGroups, dueOthers] = await Promise.all([
    users.byIds(organizationId, notes.filter((note) => note.objectClass === 'user').map((note) => note.objectId), { consistent: true }),
    groups.byIds(organizationId, notes.filter((note) => note.objectClass === 'group').map((note) => note.objectId)),
    directoryObjects.byIds(organizationId, others),
  ]);
  state.due = { users: dueUsers.filter((user) => user.disappearedAt), groups: dueGroups.filter((group) => group.disappearedAt), others: dueOthers.filter((other) => other.disappearedAt), notes };
}
