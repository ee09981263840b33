import { keys } from '../storage/keys.ts';
import { batchGet, queryAll } from '../storage/queries.ts';
import { GROUP_COUNTER, groupMembers, toScimGroup } from './groups.ts';
import { attributeWanted, type ListableResource } from './list-resources.ts';
import { parseAttributeList } from './projection.ts';
import { toScimUser, userGroups, USER_COUNTER } from './users.ts';

type Item = Record<string, unknown>;

async function byIndex(index: 'gsi1' | 'gsi2', partition: string, values: readonly string[]): Promise<Item[]> {
  const pages = await Promise.all(
    values.map((value) =>
      queryAll({ IndexName: index, KeyConditionExpression: `${index}pk = :pk AND ${index}sk = :value`, ExpressionAttributeValues: { ':pk': partition, ':value': value } }),
    ),
  );
  return pages.flat();
}

/** How SCIM Users are found and rendered for listings. */
export const userListing: ListableResource = {
  type: 'User',
  counter: USER_COUNTER,
  sortedBy: 'userName',
  sortedIndexPartition: (organizationId) => keys.userNameIndex(organizationId, '').gsi1pk,
  prefix: (organizationId) => keys.userPrefix(organizationId),
  itemKey: (organizationId, id) => keys.user(organizationId, id),
  lookup: async (organizationId, attribute, values) => {
    if (attribute === 'userName') {
      // The uniqueness claim is read strongly consistent: a user created a moment ago is found.
      const claims = await batchGet(values.map((value) => keys.userNameClaim(organizationId, value)), true);
      return batchGet(claims.map((claim) => keys.user(organizationId, claim.ownerId as string)), true);
    }
    return byIndex('gsi2', keys.userExternalIdIndex(organizationId, '').gsi2pk, values);
  },
  render: (items) => items.filter((item) => item.source === 'scim').map((item) => toScimUser(item)),
  // `groups` costs a query per user, so list pages carry it only when asked for by name
  // (attributes=groups); GET /Users/{id} always returns it.
  relatedAttribute: 'groups',
  enrich: async (organizationId, resources, request) => {
    if (!parseAttributeList(request.attributes).some((name) => name.toLowerCase().replace(/^.*:/, '').split('.')[0] === 'groups')) return resources;
    return Promise.all(resources.map(async (resource) => ({ ...resource, groups: await userGroups(organizationId, resource.id as string) })));
  },
};

/** How SCIM Groups are found and rendered for listings. */
export const groupListing: ListableResource = {
  type: 'Group',
  counter: GROUP_COUNTER,
  sortedBy: 'displayName',
  sortedIndexPartition: (organizationId) => keys.groupNameIndex(organizationId, '').gsi1pk,
  prefix: (organizationId) => keys.groupPrefix(organizationId),
  itemKey: (organizationId, id) => keys.group(organizationId, id),
  lookup: async (organizationId, attribute, values) =>
    attribute === 'displayName'
      ? byIndex('gsi1', keys.groupNameIndex(organizationId, '').gsi1pk, values.map((value) => value.toLowerCase()))
      : byIndex('gsi2', keys.groupExternalIdIndex(organizationId, '').gsi2pk, values),
  render: (items) => items.map((item) => toScimGroup(item, undefined)),
  relatedAttribute: 'members',
  enrich: async (organizationId, resources, request) => {
    if (!attributeWanted(request, 'members')) return resources;
    return Promise.all(resources.map(async (resource) => ({ ...resource, members: await groupMembers(organizationId, resource.id as string) })));
  },
};
