/**
 * Loads what the policy rules (policy-rules.ts) judge: the facts of given users (incremental
 * evaluation — reads proportional to those users) or of every user of an organization (the
 * sweeps — reads proportional to the organization, without one query per user).
 *
 * Only what the enabled policies need is read: person links for orphanedAccount, managers for
 * missingManager. Groups and roles that no longer exist grant nothing (a deleted group's
 * membership items may outlive it until the sweep worker removes them).
 */
import { builtInRole } from '../identity/built-in-roles.ts';
import { sourceConnectionId, toDirectoryUser } from '../directory/views.ts';
import { memberDisplay } from '../scim/member-display.ts';
import * as groups from '../storage/groups.ts';
import type { GroupRecord, MembershipRecord } from '../storage/groups.ts';
import * as persons from '../storage/persons.ts';
import type { PersonLinkRecord } from '../storage/persons.ts';
import type { PolicyRecord } from '../storage/policies.ts';
import * as roles from '../storage/roles.ts';
import * as users from '../storage/users.ts';
import type { UserRecord } from '../storage/users.ts';
import { DIRECTORY_SOURCES, type UserFacts } from './policy-rules.ts';
import { mapLimited } from '../concurrency/map-limited.ts';

/** Queries in flight at once when reading per-user or per-group partitions. */
const PARALLEL = 16;


/** What the enabled policies need beyond users, memberships and roles. */
export interface FactNeeds {
  persons: boolean;
  managers: boolean;
}

export function needsOf(policies: readonly PolicyRecord[]): FactNeeds {
  return { persons: policies.some((policy) => policy.type === 'orphanedAccount'), managers: policies.some((policy) => policy.type === 'missingManager') };
}

/** The custom role ids among `ids` that exist (built-in ids always do). */
async function existingRoleIds(organizationId: string, ids: Iterable<string>): Promise<Set<string>> {
  const all = [...new Set(ids)];
  const custom = all.filter((id) => !builtInRole(id));
  const found = new Set((await roles.byIds(organizationId, custom)).map((role) => role.id));
  return new Set(all.filter((id) => builtInRole(id) !== undefined || found.has(id)));
}

function factsOf(
  user: UserRecord,
  memberships: readonly MembershipRecord[],
  groupById: ReadonlyMap<string, GroupRecord>,
  roleExists: ReadonlySet<string>,
  person: UserFacts['person'],
  managerActive: boolean | undefined,
): UserFacts {
  const view = toDirectoryUser(user);
  return {
    id: user.id,
    userName: user.userName,
    displayName: memberDisplay(user.resource, user.userName),
    active: user.active,
    source: user.source,
    connectionId: sourceConnectionId(user),
    department: view.department,
    managerId: view.managerId,
    managerActive,
    lastSignInAt: user.lastSignInAt ?? null,
    createdAt: user.createdAt,
    groups: memberships.flatMap((membership) => {
      const group = groupById.get(membership.groupId);
      return group ? [{ id: group.id, name: group.displayName, roleIds: [...(group.roleIds ?? [])].filter((id) => roleExists.has(id)) }] : [];
    }),
    directRoleIds: [...(user.roleIds ?? [])].filter((id) => roleExists.has(id)),
    person,
  };
}

/** The person facts of users, from their links and the sources of the users linked to the same persons. */
function personFacts(links: ReadonlyMap<string, PersonLinkRecord>, objectsOfPerson: ReadonlyMap<string, string[]>, sourceOf: ReadonlyMap<string, string>): (userId: string) => UserFacts['person'] {
  return (userId) => {
    const link = links.get(userId);
    if (!link) return null;
    const members = objectsOfPerson.get(link.personId) ?? [userId];
    return { id: link.personId, sources: members.map((id) => sourceOf.get(id)).filter((source): source is string => source !== undefined) };
  };
}

/**
 * The facts of the given users (strongly consistent user reads; memberships through the
 * user-groups index). Users that do not exist are absent from the map (their violations resolve
 * as "user deleted"). Cost: one BatchGetItem per 100 users, one query per user for memberships,
 * one BatchGetItem for their groups and custom roles, plus a link read and a person query per
 * directory user (orphanedAccount) and one BatchGetItem for managers (missingManager).
 */
export async function factsOfUsers(organizationId: string, userIds: readonly string[], needs: FactNeeds): Promise<Map<string, UserFacts>> {
  const found = await users.byIds(organizationId, userIds, { consistent: true });
  const memberships = await mapLimited(found, PARALLEL, (user) => groups.ofUser(organizationId, user.id));
  const groupList = await groups.byIds(organizationId, [...new Set(memberships.flat().map((membership) => membership.groupId))]);
  const groupById = new Map(groupList.map((group) => [group.id, group]));
  const roleExists = await existingRoleIds(organizationId, [...found.flatMap((user) => [...(user.roleIds ?? [])]), ...groupList.flatMap((group) => [...(group.roleIds ?? [])])]);
  let personOf: (userId: string) => UserFacts['person'] = () => null;
  if (needs.persons) {
    const directoryUsers = found.filter((user) => DIRECTORY_SOURCES.has(user.source));
    const links = new Map((await mapLimited(directoryUsers, PARALLEL, (user) => persons.linkOf(organizationId, user.id))).flatMap((link) => (link ? [[link.userId, link] as const] : [])));
    const personIds = [...new Set([...links.values()].map((link) => link.personId))];
    const objects = new Map((await mapLimited(personIds, PARALLEL, async (personId) => [personId, (await persons.objectsOf(organizationId, personId)).map((entry) => entry.userId)] as const)));
    const others = [...new Set([...objects.values()].flat())].filter((id) => !found.some((user) => user.id === id));
    const sourceOf = new Map([...found, ...(await users.byIds(organizationId, others))].map((user) => [user.id, user.source as string]));
    personOf = personFacts(links, objects, sourceOf);
  }
  const managerActive = new Map<string, boolean>();
  if (needs.managers) {
    const managerIds = [...new Set(found.map((user) => toDirectoryUser(user).managerId).filter((id): id is string => id !== null))];
    const known = new Map([...found, ...(await users.byIds(organizationId, managerIds.filter((id) => !found.some((user) => user.id === id))))].map((user) => [user.id, user.active]));
    for (const id of managerIds) managerActive.set(id, known.get(id) === true);
  }
  const result = new Map<string, UserFacts>();
  found.forEach((user, index) => {
    const managerId = toDirectoryUser(user).managerId;
    result.set(user.id, factsOf(user, memberships[index] ?? [], groupById, roleExists, personOf(user.id), managerId ? managerActive.get(managerId) : undefined));
  });
  return result;
}

/**
 * The facts of every user of an organization: all users, all groups with their members (one
 * query per group), the custom roles, and — when needed — every person link. Cost proportional
 * to the organization; no query per user.
 */
export async function factsOfOrganization(organizationId: string, needs: FactNeeds): Promise<Map<string, UserFacts>> {
  const [everyone, groupList, roleList] = await Promise.all([users.all(organizationId), groups.all(organizationId), roles.list(organizationId)]);
  const groupById = new Map(groupList.map((group) => [group.id, group]));
  const membershipsOf = new Map<string, MembershipRecord[]>();
  const memberLists = await mapLimited(groupList, PARALLEL, (group) => groups.membersOf(organizationId, group.id));
  for (const membership of memberLists.flat()) membershipsOf.set(membership.userId, [...(membershipsOf.get(membership.userId) ?? []), membership]);
  const custom = new Set(roleList.map((role) => role.id));
  const allRoleIds = [...everyone.flatMap((user) => [...(user.roleIds ?? [])]), ...groupList.flatMap((group) => [...(group.roleIds ?? [])])];
  const roleExists = new Set(allRoleIds.filter((id) => builtInRole(id) !== undefined || custom.has(id)));
  const sourceOf = new Map(everyone.map((user) => [user.id, user.source as string]));
  let personOf: (userId: string) => UserFacts['person'] = () => null;
  if (needs.persons) {
    const links = await persons.allLinks(organizationId);
    const objects = new Map<string, string[]>();
    for (const link of links) objects.set(link.personId, [...(objects.get(link.personId) ?? []), link.userId]);
    personOf = personFacts(new Map(links.map((link) => [link.userId, link])), objects, sourceOf);
  }
  const activeById = new Map(everyone.map((user) => [user.id, user.active]));
  const result = new Map<string, UserFacts>();
  for (const user of everyone) {
    const managerId = toDirectoryUser(user).managerId;
    result.set(user.id, factsOf(user, membershipsOf.get(user.id) ?? [], groupById, roleExists, personOf(user.id), managerId && needs.managers ? activeById.get(managerId) === true : undefined));
  }
  return result;
}
