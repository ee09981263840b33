import { ValidationError } from '../errors/domain-errors.ts';
import { readCounter } from '../storage/counters.ts';
import * as pageBoundaries from '../storage/page-boundaries.ts';
import type { ListPosition } from '../storage/page-boundaries.ts';
import { compileFilter, findIndexableLookup, parseFilter, type FilterNode } from './filter.ts';
import type { ScimObject } from './json.ts';
import { compileProjection, parseAttributeList } from './projection.ts';
import { decodeCursor, encodeCursor } from './resource-store.ts';
import { assertFilterValuesFit } from './keyed-attributes.ts';
import { LIST_RESPONSE_SCHEMA, scimLimits } from './scim-config.ts';
import { sortResources } from './sort.ts';


export interface ListRequest {
  filter?: string | undefined;
  startIndex?: number | undefined;
  count?: number | undefined;
  sortBy?: string | undefined;
  sortOrder?: string | undefined;
  attributes?: string | undefined;
  excludedAttributes?: string | undefined;
  /** Cursor pagination (IETF draft): '' starts, a returned nextCursor continues. */
  cursor?: string | undefined;
}

/** How one resource type is found through its repository, so one listing algorithm serves Users and Groups. */
export interface ListableResource<R = unknown> {
  type: 'User' | 'Group';
  counter: string;
  /** The attribute the repository's sorted listing orders by (case-insensitively). */
  sortedBy: 'userName' | 'displayName';
  /** Positions of the sorted listing have this many values (for cursor validation). */
  positionLength: number;
  /** One page of the sorted listing (`skipOnly`: count and move on without reading records). */
  sortedPage: (
    organizationId: string,
    options: { after: ListPosition | undefined; limit: number; descending: boolean; skipOnly?: boolean },
  ) => Promise<{ records: R[]; count: number; next: ListPosition | undefined }>;
  byIds: (organizationId: string, ids: readonly string[]) => Promise<R[]>;
  all: (organizationId: string) => Promise<R[]>;
  /** Finds records by an indexed attribute's exact values. */
  lookup: (organizationId: string, attribute: string, values: readonly string[]) => Promise<R[]>;
  /** Renders stored records as SCIM resources (only those SCIM may see), without related data. */
  render: (records: R[]) => ScimObject[];
  /**
   * Adds related data that costs a query per resource (a user's groups, a group's members) to the
   * resources of one page, when the request wants it.
   */
  enrich: (organizationId: string, resources: ScimObject[], request: Pick<ListRequest, 'attributes' | 'excludedAttributes'>) => Promise<ScimObject[]>;
  /** The related attribute `enrich` adds, so filters on it can be served. */
  relatedAttribute: string;
}

function parseListFilter(filter: string | undefined): FilterNode | undefined {
  if (filter === undefined || filter.trim() === '') return undefined;
  return parseFilter(filter);
}

function pageWindow(request: ListRequest): { startIndex: number; count: number } {
  const startIndex = Math.max(1, request.startIndex ?? 1);
  const count = Math.min(Math.max(0, request.count ?? scimLimits.defaultCount), scimLimits.maxResults);
  return { startIndex, count };
}

/** Whether a top-level attribute will be returned, so expensive ones (members, groups) load only when needed. */
export function attributeWanted(request: Pick<ListRequest, 'attributes' | 'excludedAttributes'>, attribute: string): boolean {
  const names = (list: string | undefined) => parseAttributeList(list).map((name) => name.toLowerCase().replace(/^.*:/, '').split('.')[0] ?? '');
  const target = attribute.toLowerCase();
  const requested = names(request.attributes);
  if (requested.length > 0 && !requested.includes(target)) return false;
  return !names(request.excludedAttributes).includes(target);
}

/**
 * Lists resources per RFC 7644 §3.4.2: filter, sort, startIndex/count or cursor paging, and
 * attribute projection, with an exact totalResults.
 *
 * - `id`, `userName`/`displayName` and `externalId` equality filters are answered from keys and
 *   indexes in one or two round trips, whatever the organization's size.
 * - An unfiltered listing walks the gsi1 index in userName/displayName order, a page at a time;
 *   totalResults comes from sharded counters maintained with every create and delete.
 * - Other filters and sort keys read the organization's resources of that type, then filter and
 *   sort in memory — correct and paged, at the cost of a partition read.
 */
export async function listResources<R>(organizationId: string, resource: ListableResource<R>, request: ListRequest): Promise<ScimObject> {
  const filter = parseListFilter(request.filter);
  const { startIndex, count } = pageWindow(request);
  const project = compileProjection(resource.type, { attributes: request.attributes, excludedAttributes: request.excludedAttributes });
  const sortKey = request.sortBy?.trim();
  const sortsByIndex = sortKey === undefined || sortKey.toLowerCase() === resource.sortedBy.toLowerCase();

  if (filter === undefined && sortsByIndex) {
    return indexedListing(organizationId, resource, request, startIndex, count, project);
  }

  let candidates: R[];
  const lookup = filter ? findIndexableLookup(filter, resource.type, resource.type === 'User' ? ['id', 'userName', 'externalId'] : ['id', 'displayName', 'externalId']) : undefined;
  if (lookup) {
    if (lookup.attribute !== 'id') assertFilterValuesFit(lookup.attribute, lookup.values);
    candidates = lookup.attribute === 'id' ? await resource.byIds(organizationId, lookup.values) : await resource.lookup(organizationId, lookup.attribute, lookup.values);
  } else {
    candidates = await resource.all(organizationId);
  }
  // Related data is loaded for the page only — unless the filter itself is about it.
  const filterNeedsRelated = filter !== undefined && filterTouches(filter, resource.relatedAttribute);
  let rendered = resource.render(candidates);
  if (filterNeedsRelated) rendered = await resource.enrich(organizationId, rendered, { attributes: resource.relatedAttribute });
  if (filter) {
    const predicate = compileFilter(filter, resource.type);
    rendered = rendered.filter((candidate) => predicate(candidate));
  }
  rendered = sortKey ? sortResources(rendered, sortKey, request.sortOrder, resource.type) : rendered.sort((a, b) => String(a.id).localeCompare(String(b.id)));
  const slice = rendered.slice(startIndex - 1, startIndex - 1 + count);
  const page = filterNeedsRelated ? slice : await resource.enrich(organizationId, slice, request);
  return listResponse(rendered.length, startIndex, page.map(project));
}

function filterTouches(filter: FilterNode, attribute: string): boolean {
  return JSON.stringify(filter).toLowerCase().includes(`"${attribute}"`);
}

function listResponse(totalResults: number, startIndex: number, resources: ScimObject[], extra: ScimObject = {}): ScimObject {
  return { schemas: [LIST_RESPONSE_SCHEMA], totalResults, startIndex, itemsPerPage: resources.length, ...extra, Resources: resources };
}

async function indexedListing<R>(
  organizationId: string,
  resource: ListableResource<R>,
  request: ListRequest,
  startIndex: number,
  count: number,
  project: (resource: ScimObject) => ScimObject,
): Promise<ScimObject> {
  const descending = (request.sortOrder ?? '').toLowerCase() === 'descending';
  const listing = `${resource.type}:${descending ? 'desc' : 'asc'}`;
  const totalResults = await readCounter(organizationId, resource.counter);
  if (count === 0) return listResponse(totalResults, startIndex, []);

  let position: ListPosition | undefined;
  let skip = 0;
  if (request.cursor !== undefined) {
    if (request.cursor !== '') position = decodeCursor(request.cursor, resource.positionLength);
  } else {
    const boundary = await pageBoundaries.nearest(organizationId, listing, startIndex);
    position = boundary.position;
    skip = startIndex - boundary.startIndex;
  }

  const records: R[] = [];
  let more = true;
  // Skipping (only for a startIndex no page ended at) reads keys only, in large steps.
  while (skip > 0) {
    const page = await resource.sortedPage(organizationId, { after: position, limit: Math.min(skip, 1000), descending, skipOnly: true });
    skip -= page.count;
    position = page.next;
    if (!position) {
      more = false;
      break;
    }
  }
  if (skip <= 0 && more) {
    while (records.length < count) {
      const page = await resource.sortedPage(organizationId, { after: position, limit: count - records.length, descending });
      records.push(...page.records);
      position = page.next;
      if (!position) break;
    }
  }
  const resources = (await resource.enrich(organizationId, resource.render(records), request)).map(project);
  const next = position !== undefined && records.length === count ? position : undefined;
  if (request.cursor !== undefined) {
    return listResponse(totalResults, 1, resources, next ? { nextCursor: encodeCursor(next) } : {});
  }
  if (next) await pageBoundaries.record(organizationId, listing, startIndex + records.length, next);
  return listResponse(totalResults, startIndex, resources);
}

/** Parses the list query parameters (GET) or a SearchRequest body (POST /.search). */
export function readListRequest(source: Record<string, unknown>): ListRequest {
  const number = (name: string): number | undefined => {
    const raw = source[name];
    if (raw === undefined || raw === null || raw === '') return undefined;
    const value = typeof raw === 'number' ? raw : Number(raw);
    if (!Number.isInteger(value)) throw new ValidationError(`${name} must be an integer.`, { scimType: 'invalidValue', field: name });
    return value;
  };
  const text = (name: string): string | undefined => {
    const raw = source[name];
    if (raw === undefined || raw === null) return undefined;
    if (Array.isArray(raw)) return raw.map(String).join(',');
    if (typeof raw !== 'string') throw new ValidationError(`${name} must be a string.`, { scimType: 'invalidValue', field: name });
    return raw;
  };
  const sortOrder = text('sortOrder');
  if (sortOrder !== undefined && !['ascending', 'descending'].includes(sortOrder.toLowerCase())) {
    throw new ValidationError('sortOrder must be "ascending" or "descending".', { scimType: 'invalidValue', field: 'sortOrder' });
  }
  return {
    filter: text('filter'),
    startIndex: number('startIndex'),
    count: number('count'),
    sortBy: text('sortBy'),
    sortOrder,
    attributes: text('attributes'),
    excludedAttributes: text('excludedAttributes'),
    cursor: text('cursor'),
  };
}

