/**
 * Directory API: groups (seed "REST API Reference", Groups), read through the groups and users
 * repositories. Every source's groups appear (SCIM, and synchronised directory groups).
 *
 * Cost: an unfiltered listing reads about one page: the exact `totalCount` is the SCIM groups
 * counter (every group of every source is SCIM-visible and counted there; one strongly consistent
 * Query over its shards), the page is the displayName index (`groups.scimListingPage`, gsi1)
 * continued from where the previous page ended (a page-boundary Query and one PutItem) — about 4
 * round trips whatever the organization's size. A `search` reads the organization's group items
 * once (`groups.all`) and filters, sorts and pages in memory. A member listing reads the group's membership partition once (`groups.membersOf`,
 * for the exact `totalCount` and the order by name) and then only the page's users (`users.byIds`,
 * one BatchGetItem per 100).
 */
import { NotFoundError } from '../errors/domain-errors.ts';
import * as groups from '../storage/groups.ts';
import * as users from '../storage/users.ts';
import type { GroupRecord } from '../storage/groups.ts';
import { readCounter } from '../storage/counters.ts';
import { indexedPage, pageOf, type DirectoryPage } from './pages.ts';
import type { ListGroupsQuery, PageQuery } from './schemas.ts';
import { byNameThenId, matchesGroupSearch, memberOrder, toDirectoryGroup, toDirectoryUser, type DirectoryGroup, type DirectoryUser } from './views.ts';

/** The seed's own wording for an unknown group. */
export function groupNotFound(id: string): NotFoundError {
  return new NotFoundError(`Group with ID '${id}' was not found`);
}

async function loadGroup(organizationId: string, id: string): Promise<GroupRecord> {
  const record = await groups.byId(organizationId, id);
  if (!record) throw groupNotFound(id);
  return record;
}

/** The SCIM groups counter (shared/scim/groups.ts GROUP_COUNTER): every group of every source. */
const GROUPS_COUNTER = 'groups';
/** The page-boundary listing of the unfiltered group listing. */
const GROUPS_LISTING = 'directory-groups:asc';

/**
 * GET /api/groups: the organization's groups matching `search`, ordered by name (case-insensitive;
 * groups of one name in index order, stable between requests), one page with the exact total.
 */
export async function listGroups(organizationId: string, query: ListGroupsQuery): Promise<DirectoryPage<DirectoryGroup>> {
  if (!query.search?.trim()) {
    const page = await indexedPage(organizationId, GROUPS_LISTING, () => readCounter(organizationId, GROUPS_COUNTER), query, (options) =>
      groups.scimListingPage(organizationId, { ...options, descending: false }),
    );
    return { ...page, data: page.data.map(toDirectoryGroup) };
  }
  const matching = (await groups.all(organizationId))
    .map(toDirectoryGroup)
    .filter((group) => matchesGroupSearch(group, query.search))
    .sort(byNameThenId((group) => group.displayName));
  return pageOf(matching, query.page, query.pageSize);
}

/**
 * GET /api/groups/{id}.
 * @throws NotFoundError (404) when the organization has no such group.
 */
export async function getGroup(organizationId: string, id: string): Promise<DirectoryGroup> {
  return toDirectoryGroup(await loadGroup(organizationId, id));
}

/**
 * GET /api/groups/{id}/members: the group's direct members as directory users, ordered by the
 * name the group shows for them (then id), a page at a time. `totalCount` is the number of
 * memberships; a membership whose user record is already gone (deleting a user removes its
 * memberships, so only while that lands) is left out of its page.
 * @throws NotFoundError (404) when the organization has no such group.
 */
export async function listGroupMembers(organizationId: string, id: string, query: PageQuery): Promise<DirectoryPage<DirectoryUser>> {
  const [, memberships] = await Promise.all([loadGroup(organizationId, id), groups.membersOf(organizationId, id)]);
  const page = pageOf([...memberships].sort(memberOrder), query.page, query.pageSize);
  const records = page.data.length === 0 ? [] : await users.byIds(organizationId, page.data.map((membership) => membership.userId));
  const byId = new Map(records.map((record) => [record.id, record]));
  const members = page.data.flatMap((membership) => {
    const record = byId.get(membership.userId);
    return record ? [toDirectoryUser(record)] : [];
  });
  return { ...page, data: members };
}
