/**
 * `sortBy` / `sortOrder` (RFC 7644 §3.4.2.3). A multi-valued attribute sorts by its primary value,
 * else its first; string order honours caseExact; resources without a value go last when
 * ascending and first when descending, as the RFC specifies.
 */
import { ValidationError } from '../errors/domain-errors.ts';
import { getMember, isObject, type ScimObject } from './json.ts';
import { findSubAttribute, getResourceSchema, resolveAttributePath, type AttributeDefinition, type ResourceSchema, type ResourceTypeName } from './schema.ts';

export type SortOrder = 'ascending' | 'descending';

type SortKey = string | number | undefined;

/** Parses `sortOrder` case-insensitively; absent means ascending (RFC 7644 §3.4.2.3). */
export function parseSortOrder(value: string | undefined): SortOrder {
  if (value === undefined || value.trim() === '') return 'ascending';
  const lower = value.trim().toLowerCase();
  if (lower === 'ascending' || lower === 'descending') return lower;
  throw new ValidationError(`Invalid sortOrder '${value}': use "ascending" or "descending".`, { scimType: 'invalidValue', field: 'sortOrder' });
}

function keyOf(definition: AttributeDefinition, value: unknown): SortKey {
  switch (definition.type) {
    case 'boolean':
      return typeof value === 'boolean' ? Number(value) : undefined;
    case 'integer':
    case 'decimal':
      return typeof value === 'number' ? value : undefined;
    case 'dateTime': {
      const time = typeof value === 'string' ? Date.parse(value) : NaN;
      return Number.isNaN(time) ? undefined : time;
    }
    default:
      if (typeof value !== 'string' || value === '') return undefined;
      return definition.caseExact ? value : value.toLowerCase();
  }
}

/** The primary entry of a multi-valued attribute, else the first (RFC 7644 §3.4.2.3). */
function representative(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.find((item) => isObject(item) && item.primary === true) ?? value[0];
}

/**
 * Builds a function extracting the sort key of a resource. Unknown `sortBy` attributes and
 * complex attributes without a "value" sub-attribute (e.g. `name`) are invalidValue.
 */
function sortKeyExtractor(sortBy: string, schema: ResourceSchema): (resource: ScimObject) => SortKey {
  const invalid = (reason: string): ValidationError =>
    new ValidationError(`Invalid sortBy '${sortBy}': ${reason}`, { scimType: 'invalidValue', field: 'sortBy' });
  const resolved = resolveAttributePath(sortBy, schema);
  if (!resolved) throw invalid(`no such attribute on ${schema.name} resources.`);
  const { attribute } = resolved;
  let leaf = resolved.subAttribute;
  if (!leaf && attribute.type === 'complex') {
    leaf = findSubAttribute(attribute, 'value');
    if (!leaf) throw invalid(`'${attribute.name}' is complex; name one of its sub-attributes (e.g. ${attribute.name}.${attribute.subAttributes?.[0]?.name ?? 'value'}).`);
  }
  const container = resolved.extension ? resolved.schema : undefined;
  const definition = leaf ?? attribute;
  const leafName = leaf?.name;
  return (resource) => {
    const holder = container === undefined ? resource : getMember(resource, container);
    if (!isObject(holder)) return undefined;
    let value = representative(getMember(holder, attribute.name));
    if (leafName !== undefined) value = isObject(value) ? getMember(value, leafName) : undefined;
    return keyOf(definition, value);
  };
}

function compareKeys(a: SortKey, b: SortKey): number {
  // Missing values are the greatest key: last when ascending, first once the order is reversed.
  if (a === undefined) return b === undefined ? 0 : 1;
  if (b === undefined) return -1;
  if (typeof a === typeof b) return a < b ? -1 : a > b ? 1 : 0;
  return typeof a === 'number' ? -1 : 1;
}

/** A comparator over resources for `sortBy` / `sortOrder`; see sortResources for lists. */
export function compileSortComparator(
  sortBy: string,
  sortOrder: string | undefined,
  resourceType: ResourceTypeName | ResourceSchema,
): (a: ScimObject, b: ScimObject) => number {
  const extract = sortKeyExtractor(sortBy, getResourceSchema(resourceType));
  const direction = parseSortOrder(sortOrder) === 'descending' ? -1 : 1;
  return (a, b) => direction * compareKeys(extract(a), extract(b));
}

/**
 * Returns a new array sorted by `sortBy` / `sortOrder` (stable: ties keep their order). Keys are
 * computed once per resource rather than per comparison.
 */
export function sortResources<T extends ScimObject>(
  resources: readonly T[],
  sortBy: string,
  sortOrder: string | undefined,
  resourceType: ResourceTypeName | ResourceSchema,
): T[] {
  const extract = sortKeyExtractor(sortBy, getResourceSchema(resourceType));
  const direction = parseSortOrder(sortOrder) === 'descending' ? -1 : 1;
  return resources
    .map((resource) => ({ resource, key: extract(resource) }))
    .sort((a, b) => direction * compareKeys(a.key, b.key))
    .map(({ resource }) => resource);
}
