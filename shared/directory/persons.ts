/**
 * Directory API: persons (seed "REST API Reference", Persons (Identities)): the humans behind the
 * accounts, each tying its objects (user records of any source) together by the correlation rule
 * (shared/directory/person-correlation.ts).
 *
 * Cost: a listing reads the organization's person items once (`persons.all`, eventually
 * consistent, small items: about 1 RCU per 8 KB) and filters and pages in memory. A person is one
 * GetItem; its objects one gsi1 query for its links plus one BatchGetItem of the page's users.
 */
import { NotFoundError } from '../errors/domain-errors.ts';
import * as persons from '../storage/persons.ts';
import * as users from '../storage/users.ts';
import { matchesPersonSearch, toDirectoryPerson, userObject, type DirectoryObject, type DirectoryPerson } from './object-views.ts';
import { pageOf, type DirectoryPage } from './pages.ts';
import type { ListPersonsQuery, PageQuery } from './schemas.ts';
import { byNameThenId } from './views.ts';

/** The seed's wording for an unknown person. */
export function personNotFound(id: string): NotFoundError {
  return new NotFoundError(`Person with ID '${id}' was not found`);
}

/** GET /api/persons: persons matching `search` (name, email, employee number), by name then id, one page with the exact total. */
export async function listPersons(organizationId: string, query: ListPersonsQuery): Promise<DirectoryPage<DirectoryPerson>> {
  const matching = (await persons.all(organizationId))
    .map(toDirectoryPerson)
    .filter((person) => matchesPersonSearch(person, query.search))
    .sort(byNameThenId((person) => person.displayName));
  return pageOf(matching, query.page, query.pageSize);
}

/**
 * GET /api/persons/{id}.
 * @throws NotFoundError (404) when the organization has no such person.
 */
export async function getPerson(organizationId: string, id: string): Promise<DirectoryPerson> {
  const record = await persons.byId(organizationId, id);
  if (!record) throw personNotFound(id);
  return toDirectoryPerson(record);
}

/**
 * GET /api/persons/{id}/objects: the person's linked objects (its accounts in every source), by
 * name then id, a page at a time. Links whose user is already gone (only while its deletion
 * lands) are left out.
 * @throws NotFoundError (404) when the organization has no such person.
 */
export async function listPersonObjects(organizationId: string, id: string, query: PageQuery): Promise<DirectoryPage<DirectoryObject>> {
  const [person, links] = await Promise.all([persons.byId(organizationId, id), persons.objectsOf(organizationId, id)]);
  if (!person) throw personNotFound(id);
  const records = links.length === 0 ? [] : await users.byIds(organizationId, links.map((link) => link.userId));
  const objects = records.map(userObject).sort(byNameThenId((object) => object.name));
  return pageOf(objects, query.page, query.pageSize);
}
