/**
 * Directory API: users (seed "REST API Reference", Users). Reads the one user record every source
 * writes, through the users and groups repositories only.
 *
 * Cost of GET /api/users (round trips are DynamoDB requests; reads eventually consistent unless said):
 * - Unfiltered (no `search`, `department` or `connectionId`; `status` absent or `all`): about one
 *   page of items. The exact `totalCount` is the SCIM users counter (one strongly consistent Query
 *   over its 16 shards: every non-local user is SCIM-visible and counted there) plus a keys-only
 *   count of the local accounts; the page is the userName index (`users.directoryListingPage`, the
 *   SCIM partition merged with the local accounts' partition), continued from where the previous
 *   page ended (a page-boundary Query, and one PutItem recording where the next page starts).
 *   In all about 6 round trips and, for 200 users of about 1 KB, about 25 RCU and 1 WCU, whatever
 *   the organization's size. A page no earlier page ended at (a jump to page 400) first skips
 *   keys only, 1,000 per round trip pair.
 * - `connectionId` of an LDAP or Active Directory connection: reads that connection's users only
 *   (`users.byConnection`, gsi2), then applies the other filters, sorts and pages in memory.
 * - Any other filter (`search`, `department`, `status` active or disabled, the `scim` connection's
 *   id): reads every user item of the organization once (`users.all`: about 1 RCU per 8 KB, one
 *   Query round trip per 1 MB), filters, sorts and pages in memory — the exact `totalCount` and a
 *   search over names and emails need every candidate. The seed's limits (60 requests per minute
 *   per caller, pages of at most 200) bound how often that happens.
 */
import { NotFoundError } from '../errors/domain-errors.ts';
import * as groups from '../storage/groups.ts';
import * as users from '../storage/users.ts';
import type { UserRecord } from '../storage/users.ts';
import { readCounter } from '../storage/counters.ts';
import { indexedPage, pageOf, type DirectoryPage } from './pages.ts';
import { scimConnectionId } from './scim-connection.ts';
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

/** The SCIM users counter (shared/scim/users.ts USER_COUNTER): it counts every user but local accounts. */
const SCIM_VISIBLE_USERS_COUNTER = 'users';
/** The page-boundary listing of the unfiltered user listing. */
const USERS_LISTING = 'directory-users:asc';

/**
 * GET /api/users: the organization's users of every source that pass the filters, ordered by
 * account name (case-insensitive) — one page of them with the exact total. Costs: see the module
 * comment (unfiltered pages read about one page; filters read their candidates whole).
 */
export async function listUsers(organizationId: string, query: ListUsersQuery): Promise<DirectoryPage<DirectoryUser>> {
  const connectionId = query.connectionId?.toLowerCase();
  if (!query.search?.trim() && query.department === undefined && query.status === 'all' && connectionId === undefined) {
    const count = async () => {
      const [visible, local] = await Promise.all([readCounter(organizationId, SCIM_VISIBLE_USERS_COUNTER), users.localAccountCount(organizationId)]);
      return visible + local;
    };
    const page = await indexedPage(organizationId, USERS_LISTING, count, query, (options) => users.directoryListingPage(organizationId, options));
    return { ...page, data: page.data.map(toDirectoryUser) };
  }
  // A directory connection's users are indexed by connection; SCIM's connection is a derived id
  // whose users carry no connection index entry, so they are found among all users.
  const candidates =
    connectionId !== undefined && connectionId !== scimConnectionId(organizationId).toLowerCase()
      ? await users.byConnection(organizationId, connectionId)
      : await users.all(organizationId);
  const matching = candidates
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
