/**
 * Directory API: objects (seed "REST API Reference", Objects). An object is one account or entry
 * as its source holds it: every user and group record (of every source) and the other entries sync
 * projects bring (computers), read through the users, groups and directory-objects repositories.
 *
 * Cost: a listing filters in memory. Without `objectClass` it reads the organization's user, group
 * and other-object items once each (`users.all`, `groups.all`, `directoryObjects.all`; eventually
 * consistent, about 1 RCU per 8 KB, one Query round trip per 1 MB each, the three in parallel);
 * `objectClass=user` reads only the users, `group` only the groups, any other class only the other
 * objects. Raw attributes are kept in separate items, so listings never read them. One object is
 * up to three parallel GetItems; its attributes one more.
 */
import { NotFoundError } from '../errors/domain-errors.ts';
import * as directoryObjects from '../storage/directory-objects.ts';
import * as groups from '../storage/groups.ts';
import * as users from '../storage/users.ts';
import { groupObject, matchesObjectFilter, objectAttributes, otherObject, userObject, type DirectoryObject, type DirectoryObjectAttributes } from './object-views.ts';
import { pageOf, type DirectoryPage } from './pages.ts';
import type { ListObjectsQuery } from './schemas.ts';
import { byNameThenId } from './views.ts';

/** The seed's wording for an unknown object. */
export function objectNotFound(id: string): NotFoundError {
  return new NotFoundError(`Object with ID '${id}' was not found`);
}

/**
 * GET /api/objects: the objects of every class and source passing the filters, ordered by name
 * (case-insensitive) then id, one page of them with the exact total.
 */
export async function listObjects(organizationId: string, query: ListObjectsQuery): Promise<DirectoryPage<DirectoryObject>> {
  const wanted = query.objectClass?.toLowerCase();
  const [userRecords, groupRecords, otherRecords] = await Promise.all([
    wanted === undefined || wanted === 'user' ? users.all(organizationId) : [],
    wanted === undefined || wanted === 'group' ? groups.all(organizationId) : [],
    wanted === 'user' || wanted === 'group' ? [] : directoryObjects.all(organizationId),
  ]);
  const matching = [...userRecords.map(userObject), ...groupRecords.map(groupObject), ...otherRecords.map(otherObject)]
    .filter((object) => matchesObjectFilter(object, query))
    .sort(byNameThenId((object) => object.name));
  return pageOf(matching, query.page, query.pageSize);
}

async function loadObject(organizationId: string, id: string): Promise<{ object: DirectoryObject; resource: Record<string, unknown> | undefined; synchronised: boolean }> {
  const [user, group, other] = await Promise.all([users.byId(organizationId, id), groups.byId(organizationId, id), directoryObjects.byId(organizationId, id)]);
  if (user) return { object: userObject(user), resource: user.resource, synchronised: user.directoryId !== undefined };
  if (group) return { object: groupObject(group), resource: group.resource, synchronised: group.directoryId !== undefined };
  if (other) return { object: otherObject(other), resource: undefined, synchronised: true };
  throw objectNotFound(id);
}

/**
 * GET /api/objects/{id}: a user, group or other object by its id.
 * @throws NotFoundError (404) when the organization has no object with this id.
 */
export async function getObject(organizationId: string, id: string): Promise<DirectoryObject> {
  return (await loadObject(organizationId, id)).object;
}

/**
 * GET /api/objects/{id}/attributes: every attribute the source holds — for a synchronised entry
 * the raw LDAP attributes as last read (binary ones as GUID/SID text or base64; never passwords
 * or other secrets), for a SCIM, SAML or local record its SCIM resource (never the password).
 * @throws NotFoundError (404) when the organization has no object with this id.
 */
export async function getObjectAttributes(organizationId: string, id: string): Promise<DirectoryObjectAttributes> {
  const { object, resource, synchronised } = await loadObject(organizationId, id);
  const snapshot = synchronised ? await directoryObjects.attributesOf(organizationId, id) : undefined;
  return objectAttributes(object, snapshot, resource);
}
