/**
 * `attributes` / `excludedAttributes` projection (RFC 7644 §3.9) over SCIM representations,
 * driven by each attribute's `returned` characteristic (RFC 7643 §2.2):
 *   always  – returned whatever the parameters say (id, schemas);
 *   never   – never returned, even when asked for (password);
 *   default – returned unless `attributes` lists others or `excludedAttributes` names it;
 *   request – returned only when `attributes` names it.
 */
import { hasValue, isObject, type ScimObject } from './json.ts';
import {
  findSchema,
  getResourceSchema,
  resolveAttributePath,
  type AttributeDefinition,
  type ResourceSchema,
  type ResourceTypeName,
} from './schema.ts';

export interface ProjectionOptions {
  /** Comma-separated list (or array) of attributes to return (query parameter `attributes`). */
  readonly attributes?: string | readonly string[];
  /** Comma-separated list (or array) of attributes to leave out (`excludedAttributes`). */
  readonly excludedAttributes?: string | readonly string[];
}

export type Projector = (resource: ScimObject) => ScimObject;

/** Splits a comma-separated attribute list; blank entries are dropped. */
export function parseAttributeList(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  const items = typeof value === 'string' ? [value] : value;
  return items.flatMap((item) => item.split(',')).map((item) => item.trim()).filter((item) => item !== '');
}

/** Per attribute: the whole attribute, or the named sub-attributes. */
type Selection = Map<string, 'all' | Set<string>>;

function selectionKey(container: string | undefined, name: string): string {
  return `${container ?? ''}\u0000${name}`;
}

function addSelection(selection: Selection, key: string, sub: string | undefined): void {
  const existing = selection.get(key);
  if (existing === 'all') return;
  if (sub === undefined) {
    selection.set(key, 'all');
  } else if (existing) {
    existing.add(sub);
  } else {
    selection.set(key, new Set([sub]));
  }
}

/**
 * Resolves listed names into a selection. Unknown names are ignored (a client asking for an
 * attribute this server does not have gets a resource without it); a bare extension URN selects
 * the whole extension, the core URN every core attribute.
 */
function buildSelection(names: readonly string[], schema: ResourceSchema): Selection {
  const selection: Selection = new Map();
  for (const name of names) {
    const whole = findSchema(name, schema);
    if (whole) {
      const container = whole.id === schema.core.id ? undefined : whole.id;
      for (const attribute of whole.attributes) addSelection(selection, selectionKey(container, attribute.name), undefined);
      continue;
    }
    const resolved = resolveAttributePath(name, schema);
    if (!resolved) continue;
    addSelection(selection, selectionKey(resolved.extension ? resolved.schema : undefined, resolved.attribute.name), resolved.subAttribute?.name);
  }
  return selection;
}

/** Picks the returnable sub-attributes of one complex value. */
function projectComplexValue(
  definition: AttributeDefinition,
  value: ScimObject,
  requested: 'all' | Set<string> | undefined,
  excluded: Set<string> | undefined,
): ScimObject {
  const result: ScimObject = {};
  for (const [key, item] of Object.entries(value)) {
    const sub = definition.subAttributes?.find((candidate) => candidate.name.toLowerCase() === key.toLowerCase());
    if (!sub) continue;
    if (sub.returned === 'never') continue;
    const named = requested instanceof Set && requested.has(sub.name);
    if (sub.returned !== 'always') {
      if (requested instanceof Set && !named) continue;
      if (sub.returned === 'request' && !named) continue;
      if (excluded?.has(sub.name)) continue;
    }
    result[sub.name] = item;
  }
  return result;
}

function projectAttribute(
  definition: AttributeDefinition,
  value: unknown,
  requested: 'all' | Set<string> | undefined,
  excluded: Set<string> | undefined,
): unknown {
  if (definition.type !== 'complex') return value;
  if (Array.isArray(value)) {
    const items = value
      .map((item) => (isObject(item) ? projectComplexValue(definition, item, requested, excluded) : item))
      .filter(hasValue);
    return items;
  }
  return isObject(value) ? projectComplexValue(definition, value, requested, excluded) : value;
}

/**
 * Compiles the projection for `resourceType` once, for use over a page of resources. With
 * `attributes`, only the named attributes (plus `returned: always` ones) are kept; with
 * `excludedAttributes`, the named ones are dropped unless `returned: always`. Sub-attribute names
 * (`name.givenName`, `emails.value`), schema-URN prefixes and any letter case are accepted.
 * `returned: never` attributes are always removed.
 */
export function compileProjection(resourceType: ResourceTypeName | ResourceSchema, options: ProjectionOptions = {}): Projector {
  const schema = getResourceSchema(resourceType);
  const attributeNames = parseAttributeList(options.attributes);
  const requested = attributeNames.length > 0 ? buildSelection(attributeNames, schema) : undefined;
  const excluded = buildSelection(parseAttributeList(options.excludedAttributes), schema);

  const coreDefinitions = new Map([...schema.common, ...schema.core.attributes].map((definition) => [definition.name.toLowerCase(), definition]));
  const extensions = new Map(
    schema.extensions.map((extension) => [
      extension.id.toLowerCase(),
      { id: extension.id, definitions: new Map(extension.attributes.map((definition) => [definition.name.toLowerCase(), definition])) },
    ]),
  );

  const projectValue = (container: string | undefined, definition: AttributeDefinition, value: unknown): unknown => {
    if (value === undefined || definition.returned === 'never') return undefined;
    const key = selectionKey(container, definition.name);
    const asked = requested?.get(key);
    const dropped = excluded.get(key);
    let keep: boolean;
    if (definition.returned === 'always') keep = true;
    else if (requested) keep = asked !== undefined;
    else keep = definition.returned === 'default' && dropped !== 'all';
    if (!keep) return undefined;
    const projected = projectAttribute(
      definition,
      value,
      definition.returned === 'always' ? 'all' : (asked ?? 'all'),
      dropped instanceof Set ? dropped : undefined,
    );
    return definition.type === 'complex' && !hasValue(projected) ? undefined : projected;
  };

  // Source key order is preserved so responses read the way the resource was stored.
  return (resource) => {
    const result: ScimObject = {};
    for (const [key, value] of Object.entries(resource)) {
      const lower = key.toLowerCase();
      const definition = coreDefinitions.get(lower);
      if (definition) {
        const projected = projectValue(undefined, definition, value);
        if (projected !== undefined) result[definition.name] = projected;
        continue;
      }
      const extension = extensions.get(lower);
      if (extension) {
        if (!isObject(value)) continue;
        const projected: ScimObject = {};
        for (const [name, item] of Object.entries(value)) {
          const extensionDefinition = extension.definitions.get(name.toLowerCase());
          const kept = extensionDefinition ? projectValue(extension.id, extensionDefinition, item) : undefined;
          if (extensionDefinition && kept !== undefined) projected[extensionDefinition.name] = kept;
        }
        if (Object.keys(projected).length > 0) result[extension.id] = projected;
        continue;
      }
      // Keys the schema does not define survive only an unrestricted projection, so a response
      // never carries attributes beyond those a client asked for.
      if (!requested) result[key] = value;
    }
    return result;
  };
}

/** Projects one resource; see compileProjection. */
export function projectResource(resource: ScimObject, resourceType: ResourceTypeName | ResourceSchema, options: ProjectionOptions = {}): ScimObject {
  return compileProjection(resourceType, options)(resource);
}
