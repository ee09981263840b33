/**
 * SCIM PATCH (RFC 7644 §3.5.2): request validation, path parsing (Figure 7), an applier over the
 * JSON representation, and a planner that turns Group member operations into id lists without
 * the current member list (large groups do not keep members inside the resource).
 *
 * The applier follows the RFC and absorbs the known client dialects: Entra ID ("Replace"/"Add" op
 * names, "True"/"False" strings for booleans, member removal with a value list, `manager` as a
 * bare id or without its URN, roles as JSON-encoded strings, dotted/URN keys in path-less values)
 * and Okta (path-less replace carrying the unchanged `id`, full member replacement).
 */
import { ValidationError, type ScimType } from '../errors/domain-errors.ts';
import { compileValueFilter, parseValueFilter, type FilterNode, type FilterPredicate } from './filter.ts';
import { deepEqual, deleteMember, findKey, getMember, hasValue, isObject, setMember, type ScimObject } from './json.ts';
import {
  findSchema,
  findSubAttribute,
  getResourceSchema,
  resolveAttributeParts,
  splitAttributePath,
  type AttributeDefinition,
  type ResourceSchema,
  type ResourceTypeName,
} from './schema.ts';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
/** Most operations accepted in one PATCH request. */
export const MAX_PATCH_OPERATIONS = 10_000;
/** Most values (array elements summed over all operations) accepted in one PATCH request. */
export const MAX_PATCH_VALUES = 10_000;

export type PatchOpName = 'add' | 'remove' | 'replace';

/** An operation as a client may send it: op in any case, path possibly absent or null. */
export interface PatchOperationInput {
  readonly op: string;
  readonly path?: string | null;
  readonly value?: unknown;
}

/** A validated operation: op lower-cased, path trimmed and absent when empty. */
export interface PatchOperation {
  readonly op: PatchOpName;
  readonly path?: string;
  readonly value?: unknown;
}

function scimError(scimType: ScimType, message: string, field?: string): ValidationError {
  return new ValidationError(message, { scimType, ...(field !== undefined ? { field } : {}) });
}

// ---------------------------------------------------------------------------------------------
// Request validation

function countValues(value: unknown): number {
  return Array.isArray(value) ? Math.max(1, value.length) : 1;
}

function normalizeOperation(raw: unknown, index: number): PatchOperation {
  if (!isObject(raw)) throw scimError('invalidSyntax', `Operations[${index}] must be an object.`);
  const op = getMember(raw, 'op');
  const name = typeof op === 'string' ? op.toLowerCase() : undefined;
  if (name !== 'add' && name !== 'remove' && name !== 'replace') {
    throw scimError('invalidSyntax', `Operations[${index}].op must be "add", "remove" or "replace" (got ${JSON.stringify(op ?? null)}).`);
  }
  const path = getMember(raw, 'path');
  if (path !== undefined && path !== null && typeof path !== 'string') {
    throw scimError('invalidPath', `Operations[${index}].path must be a string.`);
  }
  const trimmed = typeof path === 'string' ? path.trim() : '';
  const value = getMember(raw, 'value');
  if (name !== 'remove' && value === undefined) {
    throw scimError('invalidValue', `Operations[${index}] (${name}) must carry a "value".`);
  }
  return { op: name, ...(trimmed !== '' ? { path: trimmed } : {}), ...(value !== undefined ? { value } : {}) };
}

function normalizeOperations(operations: readonly unknown[]): PatchOperation[] {
  if (operations.length > MAX_PATCH_OPERATIONS) {
    throw scimError('invalidSyntax', `A PATCH request may carry at most ${MAX_PATCH_OPERATIONS} operations.`);
  }
  let values = 0;
  return operations.map((raw, index) => {
    const operation = normalizeOperation(raw, index);
    values += countValues(operation.value);
    if (values > MAX_PATCH_VALUES) throw scimError('invalidSyntax', `A PATCH request may carry at most ${MAX_PATCH_VALUES} values in total.`);
    return operation;
  });
}

/**
 * Validates a PatchOp request body (RFC 7644 §3.5.2): `schemas` must list the PatchOp URN and
 * `Operations` must be a non-empty array of valid operations, within the size limits.
 */
export function parsePatchRequest(body: unknown): PatchOperation[] {
  if (!isObject(body)) throw scimError('invalidSyntax', 'The PATCH body must be a JSON object.');
  const schemas = getMember(body, 'schemas');
  if (!Array.isArray(schemas) || !schemas.some((schema) => typeof schema === 'string' && schema.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())) {
    throw scimError('invalidSyntax', `The PATCH body must have "schemas": ["${PATCH_OP_SCHEMA}"].`, 'schemas');
  }
  const operations = getMember(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    throw scimError('invalidSyntax', 'The PATCH body must have a non-empty "Operations" array.', 'Operations');
  }
  return normalizeOperations(operations);
}

// ---------------------------------------------------------------------------------------------
// Path parsing

/**
 * A resolved PATCH path. `attribute` is undefined when the path is a bare schema URN (the whole
 * extension object, or the resource itself for the core URN). A path with a value filter carries
 * the parsed `filter` and `compileFilter`, which compiles it into a predicate over the attribute's
 * elements (kept with the path so that the applier needs nothing from filter.ts).
 */
export interface PatchPath {
  readonly text: string;
  readonly schema: string;
  readonly extension: boolean;
  readonly attribute?: AttributeDefinition;
  readonly filter?: FilterNode;
  readonly compileFilter?: () => FilterPredicate;
  readonly subAttribute?: AttributeDefinition;
}

/** Parses and resolves one path (or one key of a path-less value) for a resource schema. */
type PathParser = (text: string, resourceType: ResourceTypeName | ResourceSchema) => PatchPath;

/** A path resolved up to its '[' (at `open`), for the parser of the value filter that follows. */
interface FilteredPathStart {
  readonly trimmed: string;
  readonly open: number;
  readonly attribute: AttributeDefinition;
  readonly base: PatchPath;
  readonly invalid: (reason: string) => ValidationError;
}

function closingBracket(text: string, open: number): number {
  let inString = false;
  for (let i = open + 1; i < text.length; i += 1) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === ']') {
      return i;
    }
  }
  return -1;
}

/**
 * Resolves a path up to a value filter; a path with one ('[' after a multi-valued complex
 * attribute) is handed to `filtered`.
 */
function resolvePath(text: string, resourceType: ResourceTypeName | ResourceSchema, filtered: (start: FilteredPathStart) => PatchPath): PatchPath {
  const schema = getResourceSchema(resourceType);
  const trimmed = text.trim();
  const invalid = (reason: string): ValidationError => scimError('invalidPath', `Invalid path '${trimmed}': ${reason}`, 'path');
  if (trimmed === '') throw invalid('the path is empty.');

  const wholeSchema = findSchema(trimmed, schema);
  if (wholeSchema) return { text: trimmed, schema: wholeSchema.id, extension: wholeSchema.id !== schema.core.id };

  const open = trimmed.indexOf('[');
  const prefix = open >= 0 ? trimmed.slice(0, open) : trimmed;
  const parts = splitAttributePath(prefix);
  if (!parts) throw invalid(`'${prefix}' is not a valid attribute path.`);
  const resolved = resolveAttributeParts(parts, schema);
  if (!resolved) throw invalid(`no attribute '${prefix}' is defined for ${schema.name} resources.`);
  const base = { text: trimmed, schema: resolved.schema, extension: resolved.extension, attribute: resolved.attribute };
  if (open < 0) return resolved.subAttribute ? { ...base, subAttribute: resolved.subAttribute } : base;

  if (resolved.subAttribute || resolved.attribute.type !== 'complex' || !resolved.attribute.multiValued) {
    throw invalid(`a value filter '[...]' applies only to a multi-valued complex attribute.`);
  }
  return filtered({ trimmed, open, attribute: resolved.attribute, base, invalid });
}

/** Parses the value filter of a path and the sub-attribute after it (`[type eq "work"].value`). */
function parseValuePath({ trimmed, open, attribute, base, invalid }: FilteredPathStart): PatchPath {
  const close = closingBracket(trimmed, open);
  if (close < 0) throw invalid(`the '[' at position ${open + 1} is never closed.`);
  let filter: FilterNode;
  try {
    filter = parseValueFilter(trimmed.slice(open + 1, close));
  } catch (error) {
    throw invalid(`${error instanceof Error ? error.message : String(error)}`);
  }
  const compileFilter = (): FilterPredicate => compileValueFilter(filter, attribute);
  const rest = trimmed.slice(close + 1);
  if (rest === '') return { ...base, filter, compileFilter };
  const subName = rest.startsWith('.') ? rest.slice(1) : undefined;
  const subAttribute = subName !== undefined && /^\$?[A-Za-z][A-Za-z0-9_-]*$/.test(subName) ? findSubAttribute(attribute, subName) : undefined;
  if (!subAttribute) throw invalid(`'${rest}' after the value filter is not a sub-attribute of '${attribute.name}'.`);
  return { ...base, filter, compileFilter, subAttribute };
}

/**
 * Parses and resolves a PATCH path (RFC 7644 Figure 7: `attrPath / valuePath [subAttr]`), e.g.
 * `name.givenName`, `members[value eq "id"]`, `emails[type eq "work"].value`,
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager`. Unknown attributes and
 * malformed paths are ValidationError/invalidPath.
 */
export function parsePatchPath(text: string, resourceType: ResourceTypeName | ResourceSchema): PatchPath {
  return resolvePath(text, resourceType, parseValuePath);
}

/**
 * Parses and resolves a plain attribute path (`attrPath` of RFC 7644 Figure 7: `userName`,
 * `name.givenName`, `urn:…:enterprise:2.0:User:manager` or a schema URN), as the keys of a POST/PUT
 * body are. A value filter is ValidationError/invalidPath, like any other path that is not one.
 */
function parseAttributePath(text: string, resourceType: ResourceTypeName | ResourceSchema): PatchPath {
  return resolvePath(text, resourceType, ({ invalid }) => {
    throw invalid(`a value filter '[...]' is not an attribute name.`);
  });
}

// ---------------------------------------------------------------------------------------------
// Value coercion

/** Marks a value that clears its target: null, "", [] or an object without values. */
const CLEAR: unique symbol = Symbol('clear');

function looksLikeJson(text: string): boolean {
  const first = text.trimStart()[0];
  return first === '{' || first === '[';
}

function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.trim().toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

/**
 * Coerces one (non-array) value for `definition`. Complex objects keep cleared sub-attributes as
 * null so that merging can delete them; read-only sub-attributes inside values are dropped (they
 * are server-maintained, and RFC 7644 §3.3 says clients' read-only values are ignored).
 */
function coerceSingle(definition: AttributeDefinition, raw: unknown, label: string): unknown {
  if (raw === null || raw === undefined || raw === '') return CLEAR;
  const invalid = (expected: string): ValidationError =>
    scimError('invalidValue', `Invalid value for '${label}': expected ${expected} but got ${JSON.stringify(raw)}.`, label);
  switch (definition.type) {
    case 'complex': {
      let value: unknown = raw;
      if (typeof value === 'string' && looksLikeJson(value)) value = tryParseJson(value);
      if (!isObject(value)) {
        // A bare id for a complex attribute with a "value" sub-attribute: `"manager": "id"`, `"roles": ["Admin"]`.
        const valueAttribute = findSubAttribute(definition, 'value');
        if (valueAttribute && (typeof value === 'string' || typeof value === 'number')) {
          const coerced = coerceSingle(valueAttribute, value, `${label}.value`);
          return coerced === CLEAR ? CLEAR : { [valueAttribute.name]: coerced };
        }
        throw invalid('an object');
      }
      const result: ScimObject = {};
      for (const [key, subValue] of Object.entries(value)) {
        const sub = findSubAttribute(definition, key);
        if (!sub) throw scimError('invalidValue', `'${key}' is not a sub-attribute of '${label}'.`, label);
        if (sub.mutability === 'readOnly') continue;
        const coerced = coerceSingle(sub, subValue, `${label}.${sub.name}`);
        result[sub.name] = coerced === CLEAR ? null : coerced;
      }
      unwrapEncodedValue(definition, result);
      return result;
    }
    case 'boolean': {
      const value = toBoolean(raw);
      if (value === undefined) throw invalid('true or false');
      return value;
    }
    case 'integer':
    case 'decimal': {
      const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
      if (typeof value !== 'number' || !Number.isFinite(value) || (definition.type === 'integer' && !Number.isInteger(value))) {
        throw invalid(`a${definition.type === 'integer' ? 'n integer' : ' number'}`);
      }
      return value;
    }
    case 'dateTime':
      if (typeof raw !== 'string' || Number.isNaN(Date.parse(raw))) throw invalid('an xsd:dateTime string');
      return raw;
    default:
      if (typeof raw === 'number') return String(raw);
      if (typeof raw !== 'string') throw invalid('a string');
      return raw;
  }
}

/**
 * Entra's app-role assignments put a JSON object in the entry's "value"
 * (`{"value":"{\"id\":\"…\",\"value\":\"Admin\",\"displayName\":\"Admin\"}"}`): keep the inner value and
 * display name so the stored role is `{value: "Admin", display: "Admin"}`.
 */
function unwrapEncodedValue(definition: AttributeDefinition, entry: ScimObject): void {
  const encoded = entry.value;
  if (typeof encoded !== 'string' || !encoded.trimStart().startsWith('{')) return;
  if (findSubAttribute(definition, 'value')?.type !== 'string') return;
  const parsed = tryParseJson(encoded);
  const inner = isObject(parsed) ? getMember(parsed, 'value') : undefined;
  if (!isObject(parsed) || typeof inner !== 'string') return;
  entry.value = inner;
  const display = getMember(parsed, 'display') ?? getMember(parsed, 'displayName');
  if (typeof display === 'string' && findSubAttribute(definition, 'display') && (entry.display === undefined || entry.display === null)) entry.display = display;
}

/** Strips null (cleared) and empty members of a coerced complex value; CLEAR when nothing is left. */
function compact(value: ScimObject): ScimObject | typeof CLEAR {
  const result: ScimObject = {};
  for (const [key, item] of Object.entries(value)) if (item !== null && item !== undefined) result[key] = item;
  return Object.keys(result).length > 0 ? result : CLEAR;
}

/** Coerces a value for a multi-valued attribute into a list of element values. */
function coerceMany(definition: AttributeDefinition, raw: unknown, label: string): unknown[] {
  let value: unknown = raw;
  // Entra may send the whole list as a JSON-encoded string.
  if (typeof value === 'string' && definition.type === 'complex' && looksLikeJson(value)) value = tryParseJson(value);
  const items = Array.isArray(value) ? value : [value];
  const result: unknown[] = [];
  for (const item of items) {
    const coerced = coerceSingle(definition, item, label);
    if (coerced === CLEAR) continue;
    const element = isObject(coerced) ? compact(coerced) : coerced;
    if (element !== CLEAR) result.push(element);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// Multi-valued helpers

function fold(value: unknown, caseExact: boolean): unknown {
  return typeof value === 'string' && !caseExact ? value.toLowerCase() : value;
}

/**
 * Whether two values of a multi-valued attribute denote the same entry: by "value" (and "type"
 * when both carry one) for attributes with a value sub-attribute, else by deep equality.
 */
function sameEntry(definition: AttributeDefinition, a: unknown, b: unknown): boolean {
  const valueAttribute = definition.type === 'complex' ? findSubAttribute(definition, 'value') : undefined;
  if (valueAttribute && isObject(a) && isObject(b) && a.value !== undefined && b.value !== undefined) {
    if (fold(a.value, valueAttribute.caseExact) !== fold(b.value, valueAttribute.caseExact)) return false;
    if (typeof a.type === 'string' && typeof b.type === 'string') return a.type.toLowerCase() === b.type.toLowerCase();
    return true;
  }
  if (definition.type !== 'complex') return fold(a, definition.caseExact) === fold(b, definition.caseExact);
  return deepEqual(a, b);
}

/** An element left with nothing but its label/flags after a sub-attribute was removed. */
function isHollow(element: unknown): boolean {
  if (!isObject(element)) return !hasValue(element);
  return !Object.entries(element).some(([key, value]) => key !== 'type' && key !== 'primary' && key !== 'display' && hasValue(value));
}

/**
 * RFC 7643 §2.4: at most one value may be primary. When this operation set primary on some
 * elements, the last of them keeps it and every other element loses it.
 */
function enforceSinglePrimary(definition: AttributeDefinition, elements: unknown[], touched: ReadonlySet<unknown>): void {
  if (!findSubAttribute(definition, 'primary')) return;
  const isPrimary = (element: unknown): boolean => isObject(element) && element.primary === true;
  let keep: unknown;
  for (const element of elements) if (touched.has(element) && isPrimary(element)) keep = element;
  if (keep === undefined) {
    for (const element of elements) if (isPrimary(element)) keep = element;
  }
  for (const element of elements) if (element !== keep && isObject(element) && element.primary === true) delete element.primary;
}

/** Builds an element from a filter made only of `sub eq value` terms joined by `and`. */
function templateFromFilter(filter: FilterNode, definition: AttributeDefinition): ScimObject | undefined {
  const terms = filter.type === 'and' ? filter.filters : [filter];
  const template: ScimObject = {};
  for (const term of terms) {
    if (term.type !== 'compare' || term.operator !== 'eq' || term.value === null) return undefined;
    if (term.path.uri !== undefined || term.path.subAttribute !== undefined) return undefined;
    const sub = findSubAttribute(definition, term.path.attribute);
    if (!sub || sub.type === 'complex') return undefined;
    const coerced = coerceSingle(sub, term.value, `${definition.name}.${sub.name}`);
    if (coerced === CLEAR) return undefined;
    template[sub.name] = coerced;
  }
  return template;
}

// ---------------------------------------------------------------------------------------------
// Applier

export interface ApplyPatchOptions {
  /**
   * When a `replace` value filter matches nothing, create the entry from the filter's `eq` terms
   * instead of failing with noTarget. RFC 7644 §3.5.2.3 requires noTarget (the default); Entra's
   * documented `Replace emails[type eq "work"].value` relies on the lenient behaviour.
   */
  readonly createOnReplaceNoMatch?: boolean;
  /**
   * Silently ignore read-only attributes named by keys of a path-less value, whatever their value.
   * For building POST/PUT representations through applyAttributes, where RFC 7644 §3.3 says read-only
   * values sent by clients SHALL be ignored. PATCH keeps the default (false): a changed read-only
   * value is mutability.
   */
  readonly ignoreReadOnlyValues?: boolean;
}

export interface PatchResult {
  /** The new representation; the input is not modified. */
  readonly resource: ScimObject;
  /**
   * Canonical names of the top-level attributes whose value changed (extension attributes as
   * `urn:…:attribute`). Empty when the operations were no-ops, so meta need not change.
   */
  readonly changed: string[];
}

interface ApplyContext {
  readonly schema: ResourceSchema;
  readonly resource: ScimObject;
  readonly options: ApplyPatchOptions;
  /** Resolves the keys of path-less values: parsePatchPath for PATCH, parseAttributePath for POST/PUT. */
  readonly parsePath: PathParser;
}

function ensureSchemaListed(resource: ScimObject, urn: string): void {
  const schemas = getMember(resource, 'schemas');
  if (Array.isArray(schemas)) {
    if (!schemas.some((item) => typeof item === 'string' && item.toLowerCase() === urn.toLowerCase())) schemas.push(urn);
  }
}

function containerFor(context: ApplyContext, path: PatchPath, create: boolean): ScimObject | undefined {
  if (!path.extension) return context.resource;
  const existing = getMember(context.resource, path.schema);
  if (isObject(existing)) {
    setMember(context.resource, path.schema, existing);
    return existing;
  }
  if (!create) return undefined;
  const container: ScimObject = {};
  setMember(context.resource, path.schema, container);
  ensureSchemaListed(context.resource, path.schema);
  return container;
}

function mutabilityError(label: string, reason: string): ValidationError {
  return scimError('mutability', `Attribute '${label}' ${reason}`, label);
}

function labelOf(path: PatchPath, attribute: AttributeDefinition): string {
  return path.extension ? `${path.schema}:${attribute.name}` : attribute.name;
}

/** Stores `next` (or deletes the attribute when it holds no value) and checks required/immutable. */
function store(container: ScimObject, attribute: AttributeDefinition, label: string, previous: unknown, next: unknown): void {
  const present = hasValue(next);
  if (!present && attribute.required) throw mutabilityError(label, 'is required and cannot be removed.');
  if (attribute.mutability === 'immutable' && hasValue(previous) && !deepEqual(previous, next)) {
    throw mutabilityError(label, 'is immutable and already has a value.');
  }
  if (present) setMember(container, attribute.name, next);
  else deleteMember(container, attribute.name);
}

function applyWhole(context: ApplyContext, op: PatchOpName, path: PatchPath, attribute: AttributeDefinition, raw: unknown): void {
  const label = labelOf(path, attribute);
  const container = containerFor(context, path, op !== 'remove');
  if (!container) return;
  const previous = getMember(container, attribute.name);

  if (attribute.multiValued) {
    const current = Array.isArray(previous) ? previous.map((item) => (isObject(item) ? { ...item } : item)) : previous === undefined ? [] : [previous];
    if (op === 'remove') {
      // With a value list (Entra: remove members [{value}]) only the listed entries go; without
      // one the attribute goes. Listed entries that are absent are no-ops.
      if (raw === undefined) return store(container, attribute, label, previous, undefined);
      const doomed = coerceMany(attribute, raw, label);
      const remaining = current.filter((item) => !doomed.some((gone) => sameEntry(attribute, item, gone)));
      return store(container, attribute, label, previous, remaining.length > 0 ? remaining : undefined);
    }
    const incoming = coerceMany(attribute, raw, label);
    const elements = op === 'replace' ? [] : current;
    const touched = new Set<unknown>();
    for (const item of incoming) {
      const existing = elements.find((element) => sameEntry(attribute, element, item));
      if (existing === undefined) {
        elements.push(item);
        touched.add(item);
      } else if (isObject(existing) && isObject(item)) {
        // Same entry: merge the other sub-attributes (e.g. a new primary flag) but keep the stored
        // spelling of the identifying value, so re-adding an entry is a no-op.
        const { value: _sameValue, ...rest } = item;
        Object.assign(existing, rest);
        touched.add(existing);
      }
    }
    enforceSinglePrimary(attribute, elements, touched);
    return store(container, attribute, label, previous, elements.length > 0 ? elements : undefined);
  }

  if (op === 'remove') {
    // A remove carrying a value only removes when the value matches (Entra sends manager this way).
    if (raw !== undefined && raw !== null && previous !== undefined) {
      const wanted = (Array.isArray(raw) ? raw : [raw]).map((item) => coerceSingle(attribute, item, label)).filter((item) => item !== CLEAR);
      if (wanted.length > 0 && !wanted.some((item) => sameEntry(attribute, previous, item))) return;
    }
    return store(container, attribute, label, previous, undefined);
  }
  const value = coerceSingle(attribute, raw, label);
  if (value === CLEAR) return store(container, attribute, label, previous, undefined);
  if (attribute.type === 'complex' && isObject(value)) {
    // RFC 7644 §3.5.2.1/§3.5.2.3: sub-attributes not given are left unchanged. Exception: when the
    // "value" (identity) changes, e.g. a new manager, stale $ref/display must not survive.
    const identityChanged = isObject(previous) && 'value' in value && !deepEqual(previous.value, value.value);
    const base = isObject(previous) && !identityChanged ? { ...previous } : {};
    const merged = compact({ ...base, ...value });
    return store(container, attribute, label, previous, merged === CLEAR ? undefined : merged);
  }
  return store(container, attribute, label, previous, value);
}

function checkSubMutability(label: string, sub: AttributeDefinition, element: unknown, next: unknown): void {
  if (sub.mutability === 'readOnly') throw mutabilityError(label, 'is read-only.');
  if (sub.mutability === 'immutable' && isObject(element) && hasValue(element[sub.name]) && !deepEqual(element[sub.name], next)) {
    throw mutabilityError(label, 'is immutable and already has a value.');
  }
}

/** Sets (or clears, when `value` is CLEAR) one sub-attribute of an element. */
function setSub(element: ScimObject, sub: AttributeDefinition, value: unknown): void {
  if (value === CLEAR) delete element[sub.name];
  else element[sub.name] = value;
}

function applySubAttribute(context: ApplyContext, op: PatchOpName, path: PatchPath, attribute: AttributeDefinition, sub: AttributeDefinition, raw: unknown): void {
  const label = `${labelOf(path, attribute)}.${sub.name}`;
  const container = containerFor(context, path, op !== 'remove');
  if (!container) return;
  const previous = getMember(container, attribute.name);
  const value = op === 'remove' ? CLEAR : coerceSingle(sub, raw, label);

  if (attribute.multiValued) {
    // Without a filter the sub-attribute of every entry is targeted; with no entries, add/replace
    // creates one.
    const elements = Array.isArray(previous) ? previous.map((item) => (isObject(item) ? { ...item } : item)) : [];
    if (elements.length === 0 && value !== CLEAR) elements.push({});
    for (const element of elements) {
      if (!isObject(element)) continue;
      checkSubMutability(label, sub, element, value === CLEAR ? undefined : value);
      setSub(element, sub, value);
    }
    const remaining = elements.filter((element) => !isHollow(element));
    enforceSinglePrimary(attribute, remaining, new Set(remaining));
    return store(container, attribute, labelOf(path, attribute), previous, remaining.length > 0 ? remaining : undefined);
  }
  const element: ScimObject = isObject(previous) ? { ...previous } : {};
  checkSubMutability(label, sub, element, value === CLEAR ? undefined : value);
  setSub(element, sub, value);
  store(container, attribute, labelOf(path, attribute), previous, compact(element) === CLEAR ? undefined : element);
}

function applyFiltered(
  context: ApplyContext,
  op: PatchOpName,
  path: PatchPath & { filter: FilterNode; compileFilter: () => FilterPredicate },
  attribute: AttributeDefinition,
  raw: unknown,
): void {
  const label = labelOf(path, attribute);
  const container = containerFor(context, path, op !== 'remove');
  if (!container) return;
  const previous = getMember(container, attribute.name);
  const matches = path.compileFilter();
  const elements = Array.isArray(previous) ? previous.map((item) => (isObject(item) ? { ...item } : item)) : [];
  const matched = elements.filter((element): element is ScimObject => isObject(element) && matches(element));
  const sub = path.subAttribute;
  const subLabel = sub ? `${label}.${sub.name}` : label;
  const touched = new Set<unknown>();
  let result: unknown[] = elements;

  if (op === 'remove') {
    // Removing entries that are not there is a no-op: clients retry, and the RFC only demands
    // noTarget for a remove without a path.
    if (!sub) {
      result = elements.filter((element) => !matched.includes(element as ScimObject));
    } else {
      for (const element of matched) {
        checkSubMutability(subLabel, sub, element, undefined);
        delete element[sub.name];
      }
    }
  } else {
    const value = sub ? coerceSingle(sub, raw, subLabel) : coerceSingle(attribute, raw, label);
    if (matched.length === 0) {
      const template = op === 'add' || context.options.createOnReplaceNoMatch ? templateFromFilter(path.filter, attribute) : undefined;
      if (!template) {
        throw scimError('noTarget', `No '${attribute.name}' entry matches the filter in path '${path.text}'.`, 'path');
      }
      if (value !== CLEAR) {
        const created = sub ? { ...template, [sub.name]: value } : { ...template, ...(isObject(value) ? value : {}) };
        const element = compact(created);
        if (element !== CLEAR) {
          elements.push(element);
          touched.add(element);
        }
      }
    } else if (sub) {
      for (const element of matched) {
        checkSubMutability(subLabel, sub, element, value === CLEAR ? undefined : value);
        setSub(element, sub, value);
        touched.add(element);
      }
    } else if (value === CLEAR) {
      result = elements.filter((element) => !matched.includes(element as ScimObject));
    } else if (isObject(value)) {
      // replace swaps each matching entry (§3.5.2.3 "all matching record values SHALL be
      // replaced"); add merges into it.
      for (const element of matched) {
        if (op === 'replace') for (const key of Object.keys(element)) delete element[key];
        Object.assign(element, value);
        for (const key of Object.keys(element)) if (element[key] === null) delete element[key];
        touched.add(element);
      }
    }
  }
  const remaining = result.filter((element) => !isHollow(element));
  enforceSinglePrimary(attribute, remaining, touched);
  store(container, attribute, label, previous, remaining.length > 0 ? remaining : undefined);
}

/**
 * Applies one operation at a resolved path. `fromValue` marks attributes named by keys of a
 * path-less value object: there a read-only attribute repeated unchanged is ignored (Okta sends
 * the group's `id` with a rename) and `meta` is always ignored (RFC 7643 §3.1).
 */
function applyAtPath(context: ApplyContext, op: PatchOpName, path: PatchPath, raw: unknown, fromValue: boolean): void {
  const attribute = path.attribute;
  if (!attribute) {
    if (!path.extension) return applyWithoutPath(context, op, raw);
    if (op === 'remove') {
      deleteMember(context.resource, path.schema);
      return;
    }
    if (raw === null || raw === '') {
      deleteMember(context.resource, path.schema);
      return;
    }
    if (!isObject(raw)) throw scimError('invalidValue', `The value for '${path.text}' must be an object of its attributes.`, 'value');
    for (const [key, value] of Object.entries(raw)) applyKey(context, op, `${path.schema}:${key}`, value);
    return;
  }
  const label = labelOf(path, attribute);
  if (attribute.mutability === 'readOnly') {
    if (fromValue) {
      if (attribute.name === 'meta' || context.options.ignoreReadOnlyValues) return;
      const container = containerFor(context, path, false);
      if (!path.filter && !path.subAttribute && deepEqual(container ? getMember(container, attribute.name) : undefined, raw)) return;
    }
    throw mutabilityError(label, 'is read-only and cannot be modified.');
  }
  if (path.filter && path.compileFilter) return applyFiltered(context, op, { ...path, filter: path.filter, compileFilter: path.compileFilter }, attribute, raw);
  if (path.subAttribute) return applySubAttribute(context, op, path, attribute, path.subAttribute, raw);
  return applyWhole(context, op, path, attribute, raw);
}

function applyKey(context: ApplyContext, op: PatchOpName, key: string, value: unknown): void {
  if (key.toLowerCase() === 'schemas') return;
  const path = context.parsePath(key, context.schema);
  applyAtPath(context, op, path, value, true);
}

function applyWithoutPath(context: ApplyContext, op: PatchOpName, raw: unknown): void {
  if (op === 'remove') throw scimError('noTarget', 'A remove operation needs a "path".', 'path');
  if (!isObject(raw)) throw scimError('invalidValue', `An ${op} without a "path" needs an object value of attributes.`, 'value');
  // Each key is an attribute path of its own: `userName`, `name.givenName`,
  // `urn:…:enterprise:2.0:User:department`, or a schema URN holding an object.
  for (const [key, value] of Object.entries(raw)) applyKey(context, op, key, value);
}

function allDefinitions(schema: ResourceSchema): { label: string; container: string | undefined; attribute: AttributeDefinition }[] {
  return [
    ...[...schema.common, ...schema.core.attributes].map((attribute) => ({ label: attribute.name, container: undefined, attribute })),
    ...schema.extensions.flatMap((extension) =>
      extension.attributes.map((attribute) => ({ label: `${extension.id}:${attribute.name}`, container: extension.id, attribute })),
    ),
  ];
}

function readAttribute(resource: ScimObject, container: string | undefined, name: string): unknown {
  const holder = container === undefined ? resource : getMember(resource, container);
  return isObject(holder) ? getMember(holder, name) : undefined;
}

/**
 * Finishes an application: an extension left without values disappears, and so does its URN from
 * `schemas` unless the client had listed it before with no values. Returns the new representation
 * and the top-level attributes that changed from `original`.
 */
function settle(context: ApplyContext, original: ScimObject): PatchResult {
  const { schema } = context;
  for (const extension of schema.extensions) {
    const key = findKey(context.resource, extension.id);
    if (key !== undefined && !hasValue(context.resource[key])) delete context.resource[key];
    if (findKey(context.resource, extension.id) !== undefined) continue;
    const listed = (schemas: unknown): boolean =>
      Array.isArray(schemas) && schemas.some((item) => typeof item === 'string' && item.toLowerCase() === extension.id.toLowerCase());
    const schemas = getMember(context.resource, 'schemas');
    if (!Array.isArray(schemas) || !listed(schemas)) continue;
    if (hasValue(getMember(original, extension.id)) || !listed(getMember(original, 'schemas'))) {
      setMember(context.resource, 'schemas', schemas.filter((item) => !(typeof item === 'string' && item.toLowerCase() === extension.id.toLowerCase())));
    }
  }
  const changed = allDefinitions(schema)
    .filter(({ attribute }) => attribute.name !== 'schemas')
    .filter(({ container, attribute }) => !deepEqual(readAttribute(original, container, attribute.name), readAttribute(context.resource, container, attribute.name)))
    .map(({ label }) => label);
  return { resource: context.resource, changed };
}

/**
 * Applies PATCH operations to a representation of `resourceType` (RFC 7644 §3.5.2), atomically:
 * the input is never modified and any error aborts the whole request. Returns the new
 * representation and the top-level attributes that actually changed. Errors are ValidationError
 * (invalidSyntax, invalidPath, invalidFilter, invalidValue, mutability, noTarget).
 */
export function applyPatch(
  resource: ScimObject,
  operations: readonly PatchOperationInput[],
  resourceType: ResourceTypeName | ResourceSchema,
  options: ApplyPatchOptions = {},
): PatchResult {
  const schema = getResourceSchema(resourceType);
  const normalized = normalizeOperations(operations);
  const context: ApplyContext = { schema, resource: structuredClone(resource), options, parsePath: parsePatchPath };
  for (const operation of normalized) {
    if (operation.path === undefined) applyWithoutPath(context, operation.op, operation.value);
    else applyAtPath(context, operation.op, parsePatchPath(operation.path, schema), operation.value, false);
  }
  return settle(context, resource);
}

/**
 * Adds the attributes of `value` to a representation of `resourceType`, as a PATCH `add` without
 * a path would (same coercion, merging and errors: `applyPatch(resource, [{ op: 'add', value }],
 * resourceType, options)`), for building the representation of a POST/PUT body. The keys of
 * `value` (and of an extension object in it) are plain attribute paths (`userName`,
 * `name.givenName`, `urn:…:User:department`, a schema URN); a value filter `[...]` in a key is
 * ValidationError/invalidPath. Never needs the SCIM filter parser, so POST/PUT bundles do not carry
 * it. The input is not modified; returns the new representation and the changed attributes.
 */
export function applyAttributes(
  resource: ScimObject,
  value: ScimObject,
  resourceType: ResourceTypeName | ResourceSchema,
  options: ApplyPatchOptions = {},
): PatchResult {
  const schema = getResourceSchema(resourceType);
  const context: ApplyContext = { schema, resource: structuredClone(resource), options, parsePath: parseAttributePath };
  applyWithoutPath(context, 'add', value);
  return settle(context, resource);
}

// ---------------------------------------------------------------------------------------------
// Group member planning

/**
 * Member changes extracted from PATCH operations, net of their order. `replaceAll` (when set) is
 * the complete new member list and `add`/`remove` are then empty; `removeAll` means "drop every
 * current member, then add `add`". Otherwise `add` and `remove` are disjoint deltas. Operations
 * not about members are returned in `otherOps`, in order, for applyPatch.
 */
export interface GroupMemberPlan {
  readonly add: string[];
  readonly remove: string[];
  readonly replaceAll?: string[];
  readonly removeAll?: boolean;
  readonly otherOps: PatchOperation[];
}

function memberIds(raw: unknown, label: string): string[] {
  if (raw === undefined || raw === null || raw === '') return [];
  let value: unknown = raw;
  if (typeof value === 'string' && looksLikeJson(value)) value = tryParseJson(value);
  const items = Array.isArray(value) ? value : [value];
  return items.map((item, index) => {
    if (typeof item === 'string' && item.trim() !== '') return item.trim();
    const id = isObject(item) ? getMember(item, 'value') : undefined;
    if (typeof id !== 'string' || id.trim() === '') {
      throw scimError('invalidValue', `${label}[${index}] must be an object with a non-empty string "value" (the member id).`, 'members');
    }
    return id.trim();
  });
}

/**
 * The member ids of a POST/PUT body's `members` (a list of `{value: "<id>"}` or bare ids, possibly
 * JSON-encoded), trimmed and without duplicates, in order: exactly
 * `planGroupMemberChanges([{ op: 'replace', path: 'members', value: raw }]).replaceAll`, with the same
 * errors (ValidationError invalidSyntax beyond MAX_PATCH_VALUES values, invalidValue for an entry
 * without an id), but without the path and filter parsers.
 */
export function replacementMemberIds(raw: unknown): string[] {
  if (countValues(raw) > MAX_PATCH_VALUES) throw scimError('invalidSyntax', `A PATCH request may carry at most ${MAX_PATCH_VALUES} values in total.`);
  return [...new Set(memberIds(raw, 'Operations[0].value'))];
}

/** Ids named by `value eq "id"` terms joined with `or`; undefined for any other filter shape. */
function filterIds(filter: FilterNode): string[] | undefined {
  if (filter.type === 'or') {
    const ids: string[] = [];
    for (const part of filter.filters) {
      const found = filterIds(part);
      if (!found) return undefined;
      ids.push(...found);
    }
    return ids;
  }
  if (
    filter.type === 'compare' &&
    filter.operator === 'eq' &&
    typeof filter.value === 'string' &&
    filter.path.uri === undefined &&
    filter.path.subAttribute === undefined &&
    filter.path.attribute.toLowerCase() === 'value'
  ) {
    return [filter.value];
  }
  return undefined;
}

/**
 * Extracts Group membership changes from PATCH operations without reading the current members,
 * so groups of any size can be patched with targeted writes. Accepts add/replace/remove on
 * `members` (with or without a value list), `members[value eq "id" or value eq "id2"]` removals
 * and path-less values carrying `members`. Other member filters are invalidFilter; paths into a
 * member's sub-attributes are invalidPath.
 */
export function planGroupMemberChanges(operations: readonly PatchOperationInput[]): GroupMemberPlan {
  const normalized = normalizeOperations(operations);
  const add = new Set<string>();
  const remove = new Set<string>();
  let replaceAll: Set<string> | undefined;
  let removeAll = false;
  const otherOps: PatchOperation[] = [];

  const addIds = (ids: readonly string[]): void => {
    for (const id of ids) {
      if (replaceAll) replaceAll.add(id);
      else {
        add.add(id);
        remove.delete(id);
      }
    }
  };
  const removeIds = (ids: readonly string[]): void => {
    for (const id of ids) {
      if (replaceAll) replaceAll.delete(id);
      else {
        add.delete(id);
        // After a remove-all the member is already gone; remembering it would be noise.
        if (!removeAll) remove.add(id);
      }
    }
  };
  const clearAll = (): void => {
    replaceAll = undefined;
    removeAll = true;
    add.clear();
    remove.clear();
  };
  const replaceWith = (ids: readonly string[]): void => {
    replaceAll = new Set(ids);
    removeAll = false;
    add.clear();
    remove.clear();
  };

  const planOperation = (operation: PatchOperation, index: number): void => {
    const label = `Operations[${index}].value`;
    if (operation.path === undefined) {
      if (operation.op === 'remove') throw scimError('noTarget', 'A remove operation needs a "path".', 'path');
      if (!isObject(operation.value)) throw scimError('invalidValue', `An ${operation.op} without a "path" needs an object value of attributes.`, 'value');
      const rest: ScimObject = {};
      for (const [key, value] of Object.entries(operation.value)) {
        const path = key.toLowerCase() === 'schemas' ? undefined : parsePatchPath(key, 'Group');
        if (path?.attribute?.name !== 'members') {
          rest[key] = value;
          continue;
        }
        if (path.filter || path.subAttribute) throw scimError('invalidPath', `'${key}' cannot be used as a key of a path-less value; use "members".`, 'path');
        const ids = memberIds(value, `${label}.members`);
        if (operation.op === 'replace') replaceWith(ids);
        else addIds(ids);
      }
      if (Object.keys(rest).length > 0) otherOps.push({ op: operation.op, value: rest });
      return;
    }

    const path = parsePatchPath(operation.path, 'Group');
    if (!path.attribute && !path.extension) {
      // The core schema URN as a path addresses the resource itself, like no path at all.
      return planOperation({ op: operation.op, ...(operation.value !== undefined ? { value: operation.value } : {}) }, index);
    }
    if (path.attribute?.name !== 'members') {
      otherOps.push(operation);
      return;
    }
    if (path.subAttribute) {
      throw scimError('invalidPath', `Invalid path '${path.text}': a member's sub-attributes cannot be changed; remove and re-add the member instead.`, 'path');
    }
    if (path.filter) {
      if (operation.op !== 'remove') {
        throw scimError('invalidPath', `Invalid path '${path.text}': a members filter is supported only with remove.`, 'path');
      }
      const ids = filterIds(path.filter);
      if (!ids) {
        throw scimError(
          'invalidFilter',
          `Unsupported members filter in '${path.text}': use value eq "<id>", optionally combined with or (e.g. members[value eq "a" or value eq "b"]).`,
          'path',
        );
      }
      removeIds(ids);
      return;
    }
    if (operation.op === 'add') addIds(memberIds(operation.value, label));
    else if (operation.op === 'replace') replaceWith(memberIds(operation.value, label));
    else if (operation.value === undefined) clearAll();
    else removeIds(memberIds(operation.value, label));
  };
  normalized.forEach(planOperation);

  const current: Set<string> | undefined = replaceAll;
  return {
    add: [...add],
    remove: [...remove],
    ...(current ? { replaceAll: [...current] } : {}),
    ...(removeAll ? { removeAll: true } : {}),
    otherOps,
  };
}
