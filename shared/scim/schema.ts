/**
 * SCIM 2.0 schema definitions as plain data (RFC 7643 §2, §4, §7) for the User resource with the
 * Enterprise User extension, and for Group: each attribute's characteristics, which drive
 * filtering, PATCH, projection, sorting and the request schemas, so a characteristic changed here
 * changes behaviour everywhere consistently.
 *
 * What only the /Schemas and /ResourceTypes discovery endpoints and the OpenAPI documents read —
 * attribute and schema descriptions, canonical values, reference types, the resource type
 * definitions — lives in schema-documentation.ts, keyed by schema URN and attribute path, so the
 * function bundles of the SCIM read and write routes do not carry it (issue 17).
 */

export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

/**
 * One attribute's characteristics (RFC 7643 §2.2, §7). Its description, canonical values and
 * reference types are in schema-documentation.ts.
 */
export interface AttributeDefinition {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly subAttributes?: readonly AttributeDefinition[];
}

/** A schema's URN and attributes (RFC 7643 §7); its name and description are in schema-documentation.ts. */
export interface SchemaDefinition {
  readonly id: string;
  readonly attributes: readonly AttributeDefinition[];
}

/** A resource type with its core schema, extensions and the common attributes (RFC 7643 §3.1). */
export interface ResourceSchema {
  /** The resource type's name (RFC 7643 §6 `name`), e.g. `User`, as error messages name it. */
  readonly name: string;
  readonly core: SchemaDefinition;
  readonly extensions: readonly SchemaDefinition[];
  readonly common: readonly AttributeDefinition[];
}

export type ResourceTypeName = 'User' | 'Group';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

type AttributeOptions = Partial<Omit<AttributeDefinition, 'name'>>;

/** Fills in the RFC 7643 §2.2 defaults so each definition below states only what differs. */
function attribute(name: string, options: AttributeOptions = {}): AttributeDefinition {
  return {
    name,
    type: 'string',
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
}

function complex(name: string, subAttributes: AttributeDefinition[], options: AttributeOptions = {}): AttributeDefinition {
  return attribute(name, { type: 'complex', subAttributes, ...options });
}

/** The value/display/type/primary shape shared by most multi-valued attributes (RFC 7643 §2.4). */
function multiValuedComplex(name: string, options: { value?: AttributeOptions; mutability?: Mutability } = {}): AttributeDefinition {
  const mutability = options.mutability ?? 'readWrite';
  return complex(
    name,
    [
      attribute('value', { mutability, ...options.value }),
      attribute('display', { mutability }),
      attribute('type', { mutability }),
      attribute('primary', { type: 'boolean', mutability }),
    ],
    { multiValued: true, mutability },
  );
}

/** id, externalId, meta (RFC 7643 §3.1) plus `schemas` (RFC 7643 §3), shared by every resource type. */
export const COMMON_ATTRIBUTES: readonly AttributeDefinition[] = [
  attribute('schemas', { type: 'reference', multiValued: true, caseExact: true, mutability: 'readOnly', returned: 'always' }),
  attribute('id', { caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server' }),
  attribute('externalId', { caseExact: true }),
  complex(
    'meta',
    [
      attribute('resourceType', { caseExact: true, mutability: 'readOnly' }),
      attribute('created', { type: 'dateTime', mutability: 'readOnly' }),
      attribute('lastModified', { type: 'dateTime', mutability: 'readOnly' }),
      attribute('location', { type: 'reference', caseExact: true, mutability: 'readOnly' }),
      attribute('version', { caseExact: true, mutability: 'readOnly' }),
    ],
    { mutability: 'readOnly' },
  ),
];

export const USER_SCHEMA_DEFINITION: SchemaDefinition = {
  id: USER_SCHEMA,
  attributes: [
    attribute('userName', { required: true, uniqueness: 'server' }),
    complex('name', [
      attribute('formatted'),
      attribute('familyName'),
      attribute('givenName'),
      attribute('middleName'),
      attribute('honorificPrefix'),
      attribute('honorificSuffix'),
    ]),
    attribute('displayName'),
    attribute('nickName'),
    attribute('profileUrl', { type: 'reference', caseExact: true }),
    attribute('title'),
    attribute('userType'),
    attribute('preferredLanguage'),
    attribute('locale'),
    attribute('timezone'),
    attribute('active', { type: 'boolean' }),
    attribute('password', { mutability: 'writeOnly', returned: 'never' }),
    multiValuedComplex('emails'),
    multiValuedComplex('phoneNumbers'),
    multiValuedComplex('ims'),
    multiValuedComplex('photos', { value: { type: 'reference', caseExact: true } }),
    complex(
      'addresses',
      [
        attribute('formatted'),
        attribute('streetAddress'),
        attribute('locality'),
        attribute('region'),
        attribute('postalCode'),
        attribute('country'),
        attribute('type'),
        attribute('primary', { type: 'boolean' }),
      ],
      { multiValued: true },
    ),
    complex(
      'groups',
      [
        attribute('value', { caseExact: true, mutability: 'readOnly' }),
        attribute('$ref', { type: 'reference', caseExact: true, mutability: 'readOnly' }),
        attribute('display', { mutability: 'readOnly' }),
        attribute('type', { mutability: 'readOnly' }),
      ],
      { multiValued: true, mutability: 'readOnly' },
    ),
    multiValuedComplex('entitlements'),
    multiValuedComplex('roles'),
    multiValuedComplex('x509Certificates', { value: { type: 'binary', caseExact: true } }),
  ],
};

export const ENTERPRISE_USER_SCHEMA_DEFINITION: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA,
  attributes: [
    attribute('employeeNumber'),
    attribute('costCenter'),
    attribute('organization'),
    attribute('division'),
    attribute('department'),
    complex('manager', [
      attribute('value', { caseExact: true }),
      attribute('$ref', { type: 'reference', caseExact: true }),
      attribute('displayName', { mutability: 'readOnly' }),
    ]),
  ],
};

export const GROUP_SCHEMA_DEFINITION: SchemaDefinition = {
  id: GROUP_SCHEMA,
  attributes: [
    attribute('displayName', { required: true }),
    complex(
      'members',
      [
        attribute('value', { caseExact: true, mutability: 'immutable' }),
        attribute('$ref', { type: 'reference', caseExact: true, mutability: 'immutable' }),
        attribute('display', { mutability: 'immutable' }),
        attribute('type', { mutability: 'immutable' }),
      ],
      { multiValued: true },
    ),
  ],
};

export const USER_RESOURCE_SCHEMA: ResourceSchema = {
  name: 'User',
  core: USER_SCHEMA_DEFINITION,
  extensions: [ENTERPRISE_USER_SCHEMA_DEFINITION],
  common: COMMON_ATTRIBUTES,
};

export const GROUP_RESOURCE_SCHEMA: ResourceSchema = {
  name: 'Group',
  core: GROUP_SCHEMA_DEFINITION,
  extensions: [],
  common: COMMON_ATTRIBUTES,
};

/** The resource schema for a resource type name; a ResourceSchema passes through (tests, custom types). */
export function getResourceSchema(resourceType: ResourceTypeName | ResourceSchema): ResourceSchema {
  if (typeof resourceType !== 'string') return resourceType;
  return resourceType === 'User' ? USER_RESOURCE_SCHEMA : GROUP_RESOURCE_SCHEMA;
}

// ---------------------------------------------------------------------------------------------
// Path resolution

/** An attribute path split per RFC 7644 §3.10 / Figure 1: `[URI ":"] ATTRNAME ["." subAttr]`. */
export interface AttributePathParts {
  readonly uri?: string;
  readonly attribute: string;
  readonly subAttribute?: string;
}

/** Where an attribute path leads. `extension` attributes live under the schema URN key. */
export interface ResolvedAttribute {
  readonly schema: string;
  readonly extension: boolean;
  readonly attribute: AttributeDefinition;
  readonly subAttribute?: AttributeDefinition;
}

const ATTRIBUTE_NAME = /^\$?[A-Za-z][A-Za-z0-9_-]*$/;

/**
 * Splits `[URI:]attr[.sub]` syntactically; undefined when malformed. The URN is everything up to
 * the last colon because attribute names cannot contain colons while URNs contain dots ("2.0").
 */
export function splitAttributePath(text: string): AttributePathParts | undefined {
  const colon = text.lastIndexOf(':');
  const uri = colon >= 0 ? text.slice(0, colon) : undefined;
  const rest = colon >= 0 ? text.slice(colon + 1) : text;
  if (uri !== undefined && uri.length === 0) return undefined;
  const parts = rest.split('.');
  if (parts.length > 2 || !parts.every((part) => ATTRIBUTE_NAME.test(part))) return undefined;
  const [attribute, subAttribute] = parts as [string, string | undefined];
  return { ...(uri !== undefined ? { uri } : {}), attribute, ...(subAttribute !== undefined ? { subAttribute } : {}) };
}

interface SchemaIndex {
  readonly bySchema: Map<string, { schema: string; extension: boolean; attributes: Map<string, AttributeDefinition> }>;
  readonly unqualified: Map<string, ResolvedAttribute>;
}

const indexes = new WeakMap<ResourceSchema, SchemaIndex>();

function byLowerName(attributes: readonly AttributeDefinition[]): Map<string, AttributeDefinition> {
  return new Map(attributes.map((definition) => [definition.name.toLowerCase(), definition]));
}

function indexFor(resourceSchema: ResourceSchema): SchemaIndex {
  let index = indexes.get(resourceSchema);
  if (index) return index;
  const bySchema: SchemaIndex['bySchema'] = new Map();
  const unqualified = new Map<string, ResolvedAttribute>();
  const core = byLowerName([...resourceSchema.common, ...resourceSchema.core.attributes]);
  bySchema.set(resourceSchema.core.id.toLowerCase(), { schema: resourceSchema.core.id, extension: false, attributes: core });
  for (const [name, definition] of core) unqualified.set(name, { schema: resourceSchema.core.id, extension: false, attribute: definition });
  for (const extension of resourceSchema.extensions) {
    const attributes = byLowerName(extension.attributes);
    bySchema.set(extension.id.toLowerCase(), { schema: extension.id, extension: true, attributes });
    // Core names win over extension names; an unqualified name reaches an extension only when
    // the core has no such attribute (Entra sends a bare `manager`).
    for (const [name, definition] of attributes) {
      if (!unqualified.has(name)) unqualified.set(name, { schema: extension.id, extension: true, attribute: definition });
    }
  }
  index = { bySchema, unqualified };
  indexes.set(resourceSchema, index);
  return index;
}

/** The schema (core or extension) whose URN is exactly `uri`, case-insensitively. */
export function findSchema(uri: string, resourceType: ResourceTypeName | ResourceSchema): SchemaDefinition | undefined {
  const resourceSchema = getResourceSchema(resourceType);
  const lower = uri.toLowerCase();
  return [resourceSchema.core, ...resourceSchema.extensions].find((schema) => schema.id.toLowerCase() === lower);
}

/** A sub-attribute of a complex attribute by case-insensitive name. */
export function findSubAttribute(parent: AttributeDefinition, name: string): AttributeDefinition | undefined {
  const lower = name.toLowerCase();
  return parent.subAttributes?.find((definition) => definition.name.toLowerCase() === lower);
}

/** Resolves split path parts against a resource type; undefined when any part is unknown. */
export function resolveAttributeParts(parts: AttributePathParts, resourceType: ResourceTypeName | ResourceSchema): ResolvedAttribute | undefined {
  const index = indexFor(getResourceSchema(resourceType));
  const name = parts.attribute.toLowerCase();
  let resolved: ResolvedAttribute | undefined;
  if (parts.uri !== undefined) {
    const schema = index.bySchema.get(parts.uri.toLowerCase());
    const definition = schema?.attributes.get(name);
    if (!schema || !definition) return undefined;
    resolved = { schema: schema.schema, extension: schema.extension, attribute: definition };
  } else {
    resolved = index.unqualified.get(name);
    if (!resolved) return undefined;
  }
  if (parts.subAttribute === undefined) return resolved;
  const subAttribute = findSubAttribute(resolved.attribute, parts.subAttribute);
  return subAttribute ? { ...resolved, subAttribute } : undefined;
}

/**
 * Resolves an attribute path such as `name.givenName`, `emails.value`, `USERNAME` or
 * `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value` (case-insensitive,
 * optional schema URN prefix) to its definition; undefined when unknown or malformed.
 */
export function resolveAttributePath(path: string, resourceType: ResourceTypeName | ResourceSchema): ResolvedAttribute | undefined {
  const parts = splitAttributePath(path.trim());
  return parts ? resolveAttributeParts(parts, resourceType) : undefined;
}

/** The canonical spelling of a resolved path: `name.givenName`, `urn:…:User:manager.value`. */
export function canonicalPath(resolved: ResolvedAttribute): string {
  const base = resolved.extension ? `${resolved.schema}:${resolved.attribute.name}` : resolved.attribute.name;
  return resolved.subAttribute ? `${base}.${resolved.subAttribute.name}` : base;
}
