/**
 * Directory API: users (seed "REST API Reference", Users). Reads the one user record every source
 * writes, through the users and groups repositories only.
 *
 * Cost: a listing filters in memory, so each list request reads the organization's user items
 * once (`users.all`, eventually consistent: about 1 RCU per 8 KB of users, one Query round trip
 * per 1 MB) whatever the page; the exact `totalCount` and search over name, email and account
 * name come from that same read. The seed's limits (60 requests per minute per caller, pages of
 * at most 200) bound how often that happens.
 */
import { NotFoundError } from '../errors/domain-errors.ts';
import * as groups from '../storage/groups.ts';
import * as users from '../storage/users.ts';
import type { UserRecord } from '../storage/users.ts';
import { pageOf, type DirectoryPage } from './pages.ts';
import type { ListUsersQuery, PageQuery } from './schemas.ts';
import {
  byNameThenId,
  matchesUserFilter,
  toDirectoryGroup,
  toDirectoryUser,
  toDirectoryUserAttributes,
  userEmails,
  type DirectoryGroup,
  type DirectoryUser,
  type DirectoryUserAttributes,
} from './views.ts';

/** The seed's own wording for an unknown user. */
export function userNotFound(id: string): NotFoundError {
  return new NotFoundError(`User with ID '${id}' was not found`);
}

async function loadUser(organizationId: string, id: string): Promise<UserRecord> {
  const record = await users.byId(organizationId, id);
  if (!record) throw userNotFound(id);
  return record;
}

/**
 * GET /api/users: the organization's users of every source that pass the filters, ordered by
 * account name (case-insensitive) then id, one page of them with the exact total.
 */
export async function listUsers(organizationId: string, query: ListUsersQuery): Promise<DirectoryPage<DirectoryUser>> {
  const records = await users.all(organizationId);
  const matching = records
    .map((record) => ({ user: toDirectoryUser(record), emails: userEmails(record) }))
    .filter(({ user, emails }) => matchesUserFilter(user, emails, query))
    .map(({ user }) => user)
    .sort(byNameThenId((user) => user.accountName));
  return pageOf(matching, query.page, query.pageSize);
}

/**
 * GET /api/users/{id}.
 * @throws NotFoundError (404) when the organization has no such user.
 */
export async function getUser(organizationId: string, id: string): Promise<DirectoryUser> {
  return toDirectoryUser(await loadUser(organizationId, id));
}

/**
 * GET /api/users/{id}/attributes: every attribute the user's source holds (never the password).
 * @throws NotFoundError (404) when the organization has no such user.
 */
export async function getUserAttributes(organizationId: string, id: string): Promise<DirectoryUserAttributes> {
  return toDirectoryUserAttributes(await loadUser(organizationId, id));
}

/**
 * GET /api/users/{id}/groups: the groups the user is a direct member of, by name, a page at a
 * time. Costs the user read, one index query for the memberships and a batch read of the groups;
 * memberships of groups that no longer exist are ignored (their removal runs after the group's).
 * @throws NotFoundError (404) when the organization has no such user.
 */
export async function listUserGroups(organizationId: string, id: string, query: PageQuery): Promise<DirectoryPage<DirectoryGroup>> {
  const [, memberships] = await Promise.all([loadUser(organizationId, id), groups.ofUser(organizationId, id)]);
  const found = memberships.length === 0 ? [] : await groups.byIds(organizationId, memberships.map((membership) => membership.groupId));
  const ordered = found.map(toDirectoryGroup).sort(byNameThenId((group) => group.displayName));
  return pageOf(ordered, query.page, query.pageSize);
}
