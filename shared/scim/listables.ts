import * as groups from '../storage/groups.ts';
import type { GroupRecord } from '../storage/groups.ts';
import * as users from '../storage/users.ts';
import type { UserRecord } from '../storage/users.ts';
import { GROUP_COUNTER, groupMembers, toScimGroup } from './groups.ts';
import { attributeWanted, type ListableResource } from './list-resources.ts';
import { parseAttributeList } from './projection.ts';
import { toScimUser, usersGroups, USER_COUNTER } from './users.ts';
import { scimVisible } from './visibility.ts';

/** How SCIM Users are found (through the users repository) and rendered for listings. */
export const userListing: ListableResource<UserRecord> = {
  type: 'User',
  counter: USER_COUNTER,
  sortedBy: 'userName',
  positionLength: 2,
  sortedPage: users.scimListingPage,
  byIds: users.byIds,
  all: (organizationId) => users.all(organizationId),
  lookup: (organizationId, attribute, values) => (attribute === 'userName' ? users.byUserNames(organizationId, values) : users.byExternalIds(organizationId, values)),
  render: (records) => records.filter(scimVisible).map((record) => toScimUser(record)),
  // `groups` costs two reads per page (the users' group summaries and the page's groups, one
  // BatchGetItem each), so list pages carry it only when asked for by name (attributes=groups);
  // GET /Users/{id} always returns it.
  relatedAttribute: 'groups',
  enrich: async (organizationId, resources, request) => {
    if (!parseAttributeList(request.attributes).some((name) => name.toLowerCase().replace(/^.*:/, '').split('.')[0] === 'groups')) return resources;
    const byUser = await usersGroups(organizationId, resources.map((resource) => resource.id as string));
    return resources.map((resource) => ({ ...resource, groups: byUser.get(resource.id as string) ?? [] }));
  },
};

/** How SCIM Groups are found (through the groups repository) and rendered for listings. */
export const groupListing: ListableResource<GroupRecord> = {
  type: 'Group',
  counter: GROUP_COUNTER,
  sortedBy: 'displayName',
  positionLength: 2,
  sortedPage: groups.scimListingPage,
  byIds: groups.byIds,
  all: (organizationId) => groups.all(organizationId),
  lookup: (organizationId, attribute, values) => (attribute === 'displayName' ? groups.byDisplayNames(organizationId, values) : groups.byExternalIds(organizationId, values)),
  render: (records) => records.map((record) => toScimGroup(record, undefined)),
  relatedAttribute: 'members',
  enrich: async (organizationId, resources, request) => {
    if (!attributeWanted(request, 'members')) return resources;
    return Promise.all(resources.map(async (resource) => ({ ...resource, members: await groupMembers(organizationId, resource.id as string) })));
  },
};
