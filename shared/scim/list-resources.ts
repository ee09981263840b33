import { ValidationError } from '../errors/domain-errors.ts';
import { readCounter } from '../storage/counters.ts';
import { batchGet, queryAll } from '../storage/queries.ts';
import { compileFilter, findIndexableLookup, parseFilter, type FilterNode } from './filter.ts';
import type { ScimObject } from './json.ts';
import { compileProjection, parseAttributeList } from './projection.ts';
import { decodeCursor, encodeCursor, queryPage, readPageBoundary, writePageBoundary } from './resource-store.ts';
import { LIST_RESPONSE_SCHEMA, scimLimits } from './scim-config.ts';
import { sortResources } from './sort.ts';

type Item = Record<string, unknown>;

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

/** How one resource type is stored and indexed, so one listing algorithm serves Users and Groups. */
export interface ListableResource {
  type: 'User' | 'Group';
  counter: string;
  /** The attribute its gsi1 index sorts by (lower-cased), used for unfiltered listings. */
  sortedBy: 'userName' | 'displayName';
  sortedIndexPartition: (organizationId: string) => string;
  prefix: (organizationId: string) => { pk: string; skPrefix: string };
  itemKey: (organizationId: string, id: string) => { pk: string; sk: string };
  /** Finds items by an indexed attribute's exact values. */
  lookup: (organizationId: string, attribute: string, values: readonly string[]) => Promise<Item[]>;
  /** Renders stored items as SCIM resources, without related data. */
  render: (items: Item[]) => ScimObject[];
  /**
   * Adds related data that costs a query per resource (a user's groups, a group's members) to the
   * resources of one page, when the request wants it.
   */
  enrich: (organizationId: string, resources: ScimObject[], request: Pick<ListRequest, 'attributes' | 'excludedAttributes'>) => Promise<ScimObject[]>;
  /** The related attribute `enrich` adds, so filters on it can be served. */
  relatedAttribute: string;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

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
export async function listResources(organizationId: string, resource: ListableResource, request: ListRequest): Promise<ScimObject> {
  const filter = parseListFilter(request.filter);
  const { startIndex, count } = pageWindow(request);
  const project = compileProjection(resource.type, { attributes: request.attributes, excludedAttributes: request.excludedAttributes });
  const sortKey = request.sortBy?.trim();
  const sortsByIndex = sortKey === undefined || sortKey.toLowerCase() === resource.sortedBy.toLowerCase();

  if (filter === undefined && sortsByIndex) {
    return indexedListing(organizationId, resource, request, startIndex, count, project);
  }

  let candidates: Item[];
  const lookup = filter ? findIndexableLookup(filter, resource.type, resource.type === 'User' ? ['id', 'userName', 'externalId'] : ['id', 'displayName', 'externalId']) : undefined;
  if (lookup) {
    candidates = lookup.attribute === 'id'
      ? await batchGet(lookup.values.filter((value) => uuidPattern.test(value)).map((value) => resource.itemKey(organizationId, value)))
      : await resource.lookup(organizationId, lookup.attribute, lookup.values);
  } else {
    const prefix = resource.prefix(organizationId);
    candidates = await queryAll(
      { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': prefix.pk, ':prefix': prefix.skPrefix } },
      1_000_000,
    );
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

async function indexedListing(
  organizationId: string,
  resource: ListableResource,
  request: ListRequest,
  startIndex: number,
  count: number,
  project: (resource: ScimObject) => ScimObject,
): Promise<ScimObject> {
  const descending = (request.sortOrder ?? '').toLowerCase() === 'descending';
  const listing = `${resource.type}:${descending ? 'desc' : 'asc'}`;
  const partition = resource.sortedIndexPartition(organizationId);
  const keyFields = ['gsi1sk', 'sk'] as const;
  const startKeyFrom = (values: unknown[]) => ({ gsi1pk: partition, gsi1sk: values[0], pk: resource.prefix(organizationId).pk, sk: values[1] });
  const totalResults = await readCounter(organizationId, resource.counter);
  if (count === 0) return listResponse(totalResults, startIndex, []);

  let exclusiveStartKey: Record<string, unknown> | undefined;
  let skip = 0;
  if (request.cursor !== undefined) {
    if (request.cursor !== '') exclusiveStartKey = startKeyFrom(decodeCursor(request.cursor, keyFields));
  } else {
    const boundary = await readPageBoundary(organizationId, listing, startIndex);
    exclusiveStartKey = boundary.key;
    skip = startIndex - boundary.startIndex;
  }

  const items: Item[] = [];
  let lastKey = exclusiveStartKey;
  // Skipping (only for a startIndex no page ended at) reads keys only, in large steps.
  while (skip > 0) {
    const page = await queryPage({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': partition },
      ExclusiveStartKey: lastKey,
      ScanIndexForward: !descending,
      Limit: Math.min(skip, 1000),
      ProjectionExpression: 'pk, sk, gsi1pk, gsi1sk',
    });
    skip -= page.items.length;
    lastKey = page.lastKey;
    if (!lastKey) break;
  }
  if (skip <= 0) {
    while (items.length < count) {
      const page = await queryPage({
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': partition },
        ExclusiveStartKey: lastKey,
        ScanIndexForward: !descending,
        Limit: count - items.length,
      });
      items.push(...page.items);
      lastKey = page.lastKey;
      if (!lastKey) break;
    }
  }
  const resources = (await resource.enrich(organizationId, resource.render(items), request)).map(project);
  const more = lastKey !== undefined && items.length === count;
  if (request.cursor !== undefined) {
    return listResponse(totalResults, 1, resources, more && lastKey ? { nextCursor: encodeCursor(lastKey, keyFields) } : {});
  }
  if (more && lastKey) await writePageBoundary(organizationId, listing, startIndex + items.length, lastKey);
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

