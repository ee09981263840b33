/**
 * SCIM 2.0 schema definitions as plain data (RFC 7643 §2, §4, §7) for the User resource with the
 * Enterprise User extension, and for Group. The same data drives filtering, PATCH, projection,
 * sorting and the /Schemas and /ResourceTypes discovery endpoints, so a characteristic changed
 * here changes behaviour everywhere consistently.
 */
import type { ScimObject } from './json.ts';

export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

/** One attribute's characteristics (RFC 7643 §2.2, §7). */
export interface AttributeDefinition {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly AttributeDefinition[];
}

export interface SchemaDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDefinition[];
}

export interface ResourceTypeDefinition {
  readonly id: string;
  readonly name: string;
  readonly endpoint: string;
  readonly description: string;
  readonly schema: string;
  readonly schemaExtensions: readonly { readonly schema: string; readonly required: boolean }[];
}

/** A resource type with its core schema, extensions and the common attributes (RFC 7643 §3.1). */
export interface ResourceSchema {
  readonly resourceType: ResourceTypeDefinition;
  readonly core: SchemaDefinition;
  readonly extensions: readonly SchemaDefinition[];
  readonly common: readonly AttributeDefinition[];
}

export type ResourceTypeName = 'User' | 'Group';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
export const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';

type AttributeOptions = Partial<Omit<AttributeDefinition, 'name' | 'description'>>;

/** Fills in the RFC 7643 §2.2 defaults so each definition below states only what differs. */
function attribute(name: string, description: string, options: AttributeOptions = {}): AttributeDefinition {
  return {
    name,
    type: 'string',
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...options,
  };
}

function complex(name: string, description: string, subAttributes: AttributeDefinition[], options: AttributeOptions = {}): AttributeDefinition {
  return attribute(name, description, { type: 'complex', subAttributes, ...options });
}

/** The value/display/type/primary shape shared by most multi-valued attributes (RFC 7643 §2.4). */
function multiValuedComplex(
  name: string,
  description: string,
  options: { value?: AttributeOptions; types?: string[]; mutability?: Mutability } = {},
): AttributeDefinition {
  const mutability = options.mutability ?? 'readWrite';
  return complex(
    name,
    description,
    [
      attribute('value', `The value of the ${name} entry.`, { mutability, ...options.value }),
      attribute('display', 'A human-readable name, primarily used for display purposes.', { mutability }),
      attribute('type', `A label indicating the ${name} entry's function.`, {
        mutability,
        ...(options.types ? { canonicalValues: options.types } : {}),
      }),
      attribute('primary', `Whether this is the preferred ${name} entry; at most one may be true.`, { type: 'boolean', mutability }),
    ],
    { multiValued: true, mutability },
  );
}

/** id, externalId, meta (RFC 7643 §3.1) plus `schemas` (RFC 7643 §3), shared by every resource type. */
export const COMMON_ATTRIBUTES: readonly AttributeDefinition[] = [
  attribute('schemas', 'The schema URIs the resource conforms to.', {
    type: 'reference',
    multiValued: true,
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    referenceTypes: ['uri'],
  }),
  attribute('id', 'Unique identifier for the resource, assigned by the service provider.', {
    caseExact: true,
    mutability: 'readOnly',
    returned: 'always',
    uniqueness: 'server',
  }),
  attribute('externalId', 'Identifier for the resource as defined by the provisioning client. At most 512 bytes (UTF-8).', { caseExact: true }),
  complex(
    'meta',
    'Resource metadata maintained by the service provider.',
    [
      attribute('resourceType', 'The name of the resource type.', { caseExact: true, mutability: 'readOnly' }),
      attribute('created', 'When the resource was added to the service provider.', { type: 'dateTime', mutability: 'readOnly' }),
      attribute('lastModified', 'When the resource was last changed.', { type: 'dateTime', mutability: 'readOnly' }),
      attribute('location', 'The URI of the resource.', { type: 'reference', caseExact: true, mutability: 'readOnly', referenceTypes: ['uri'] }),
      attribute('version', 'The version (entity tag) of the resource.', { caseExact: true, mutability: 'readOnly' }),
    ],
    { mutability: 'readOnly' },
  ),
];

export const USER_SCHEMA_DEFINITION: SchemaDefinition = {
  id: USER_SCHEMA,
  name: 'User',
  description: 'User Account',
  attributes: [
    attribute('userName', 'Unique identifier for the User, typically used to sign in. At most 512 bytes (UTF-8).', { required: true, uniqueness: 'server' }),
    complex('name', "The components of the User's real name.", [
      attribute('formatted', 'The full name, formatted for display.'),
      attribute('familyName', 'The family name (last name in most Western languages).'),
      attribute('givenName', 'The given name (first name in most Western languages).'),
      attribute('middleName', 'The middle name(s).'),
      attribute('honorificPrefix', 'The honorific prefix(es), or title (e.g. "Ms.").'),
      attribute('honorificSuffix', 'The honorific suffix(es) (e.g. "III").'),
    ]),
    attribute('displayName', 'The name of the User, suitable for display to end-users.'),
    attribute('nickName', 'The casual way to address the User.'),
    attribute('profileUrl', "A URI pointing to the User's online profile.", { type: 'reference', caseExact: true, referenceTypes: ['external'] }),
    attribute('title', "The User's title, such as \"Vice President\"."),
    attribute('userType', 'The relationship between the organization and the User, e.g. "Employee".'),
    attribute('preferredLanguage', "The User's preferred written or spoken language (RFC 7231 Accept-Language format)."),
    attribute('locale', "The User's default location, for localizing items such as currency and dates."),
    attribute('timezone', "The User's time zone in IANA database format, e.g. \"Europe/London\"."),
    attribute('active', "The User's administrative status.", { type: 'boolean' }),
    attribute('password', "The User's cleartext password, accepted on write and never returned.", {
      mutability: 'writeOnly',
      returned: 'never',
    }),
    multiValuedComplex('emails', 'Email addresses for the User.', { types: ['work', 'home', 'other'] }),
    multiValuedComplex('phoneNumbers', 'Phone numbers for the User.', { types: ['work', 'home', 'mobile', 'fax', 'pager', 'other'] }),
    multiValuedComplex('ims', 'Instant messaging addresses for the User.', {
      types: ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'],
    }),
    multiValuedComplex('photos', 'URIs of images of the User.', {
      value: { type: 'reference', caseExact: true, referenceTypes: ['external'] },
      types: ['photo', 'thumbnail'],
    }),
    complex(
      'addresses',
      'Physical mailing addresses for the User.',
      [
        attribute('formatted', 'The full mailing address, formatted for display.'),
        attribute('streetAddress', 'The full street address component.'),
        attribute('locality', 'The city or locality component.'),
        attribute('region', 'The state or region component.'),
        attribute('postalCode', 'The zip code or postal code component.'),
        attribute('country', 'The country name component (ISO 3166-1 alpha-2).'),
        attribute('type', "A label indicating the address's function.", { canonicalValues: ['work', 'home', 'other'] }),
        attribute('primary', 'Whether this is the preferred mailing address; at most one may be true.', { type: 'boolean' }),
      ],
      { multiValued: true },
    ),
    complex(
      'groups',
      'The Groups the User belongs to, maintained by the service provider.',
      [
        attribute('value', 'The id of the Group.', { caseExact: true, mutability: 'readOnly' }),
        attribute('$ref', 'The URI of the Group.', { type: 'reference', caseExact: true, mutability: 'readOnly', referenceTypes: ['User', 'Group'] }),
        attribute('display', 'The display name of the Group.', { mutability: 'readOnly' }),
        attribute('type', 'How membership was derived.', { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] }),
      ],
      { multiValued: true, mutability: 'readOnly' },
    ),
    multiValuedComplex('entitlements', 'Entitlements held by the User.'),
    multiValuedComplex('roles', 'Roles held by the User.'),
    multiValuedComplex('x509Certificates', 'X.509 certificates issued to the User.', { value: { type: 'binary', caseExact: true } }),
  ],
};

export const ENTERPRISE_USER_SCHEMA_DEFINITION: SchemaDefinition = {
  id: ENTERPRISE_USER_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    attribute('employeeNumber', 'A string identifier assigned by the organization, typically numeric.'),
    attribute('costCenter', 'The name of a cost center.'),
    attribute('organization', 'The name of an organization.'),
    attribute('division', 'The name of a division.'),
    attribute('department', 'The name of a department.'),
    complex('manager', "The User's manager.", [
      attribute('value', 'The id of the SCIM User representing the manager.', { caseExact: true }),
      attribute('$ref', 'The URI of the SCIM User representing the manager.', { type: 'reference', caseExact: true, referenceTypes: ['User'] }),
      attribute('displayName', "The manager's display name, maintained by the service provider.", { mutability: 'readOnly' }),
    ]),
  ],
};

export const GROUP_SCHEMA_DEFINITION: SchemaDefinition = {
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'Group',
  attributes: [
    attribute('displayName', 'A human-readable name for the Group. At most 512 bytes (UTF-8).', { required: true }),
    complex(
      'members',
      'The members of the Group.',
      [
        attribute('value', 'The id of the member resource.', { caseExact: true, mutability: 'immutable' }),
        attribute('$ref', 'The URI of the member resource.', { type: 'reference', caseExact: true, mutability: 'immutable', referenceTypes: ['User', 'Group'] }),
        attribute('display', 'A human-readable name of the member.', { mutability: 'immutable' }),
        attribute('type', 'The type of the member resource.', { mutability: 'immutable', canonicalValues: ['User', 'Group'] }),
      ],
      { multiValued: true },
    ),
  ],
};

export const USER_RESOURCE_TYPE: ResourceTypeDefinition = {
  id: 'User',
  name: 'User',
  endpoint: '/Users',
  description: 'User Account',
  schema: USER_SCHEMA,
  schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
};

export const GROUP_RESOURCE_TYPE: ResourceTypeDefinition = {
  id: 'Group',
  name: 'Group',
  endpoint: '/Groups',
  description: 'Group',
  schema: GROUP_SCHEMA,
  schemaExtensions: [],
};

export const USER_RESOURCE_SCHEMA: ResourceSchema = {
  resourceType: USER_RESOURCE_TYPE,
  core: USER_SCHEMA_DEFINITION,
  extensions: [ENTERPRISE_USER_SCHEMA_DEFINITION],
  common: COMMON_ATTRIBUTES,
};

export const GROUP_RESOURCE_SCHEMA: ResourceSchema = {
  resourceType: GROUP_RESOURCE_TYPE,
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

// ---------------------------------------------------------------------------------------------
// Discovery rendering (RFC 7643 §6, §7)

function renderAttribute(definition: AttributeDefinition): ScimObject {
  return {
    name: definition.name,
    type: definition.type,
    multiValued: definition.multiValued,
    description: definition.description,
    required: definition.required,
    caseExact: definition.caseExact,
    mutability: definition.mutability,
    returned: definition.returned,
    uniqueness: definition.uniqueness,
    ...(definition.canonicalValues ? { canonicalValues: [...definition.canonicalValues] } : {}),
    ...(definition.referenceTypes ? { referenceTypes: [...definition.referenceTypes] } : {}),
    ...(definition.subAttributes ? { subAttributes: definition.subAttributes.map(renderAttribute) } : {}),
  };
}

export interface RenderOptions {
  /** Base URL of the SCIM service (e.g. `https://host/api/scim/v2`), used for meta.location. */
  readonly baseUrl?: string;
  /**
   * Also list id/externalId/meta in the core schemas. RFC 7643 §8.7.1 leaves the common
   * attributes out of the schema representations, so the default is false.
   */
  readonly includeCommonAttributes?: boolean;
}

function location(baseUrl: string | undefined, path: string): ScimObject {
  return baseUrl === undefined ? {} : { location: `${baseUrl.replace(/\/+$/, '')}${path}` };
}

/** Renders one schema as a Schema resource (RFC 7643 §7). */
export function renderSchema(schema: SchemaDefinition, options: RenderOptions & { common?: readonly AttributeDefinition[] } = {}): ScimObject {
  const common = options.includeCommonAttributes ? (options.common ?? COMMON_ATTRIBUTES).filter((a) => a.name !== 'schemas') : [];
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: [...common, ...schema.attributes].map(renderAttribute),
    meta: { resourceType: 'Schema', ...location(options.baseUrl, `/Schemas/${schema.id}`) },
  };
}

/** Renders every schema served by /Schemas (User, Enterprise User, Group), in that order. */
export function renderSchemas(options: RenderOptions = {}): ScimObject[] {
  return [
    renderSchema(USER_SCHEMA_DEFINITION, options),
    renderSchema(ENTERPRISE_USER_SCHEMA_DEFINITION, { ...options, includeCommonAttributes: false }),
    renderSchema(GROUP_SCHEMA_DEFINITION, options),
  ];
}

/** Renders the ResourceType resources served by /ResourceTypes (RFC 7643 §6). */
export function renderResourceTypes(options: Pick<RenderOptions, 'baseUrl'> = {}): ScimObject[] {
  return [USER_RESOURCE_TYPE, GROUP_RESOURCE_TYPE].map((resourceType) => ({
    schemas: [RESOURCE_TYPE_SCHEMA],
    id: resourceType.id,
    name: resourceType.name,
    endpoint: resourceType.endpoint,
    description: resourceType.description,
    schema: resourceType.schema,
    schemaExtensions: resourceType.schemaExtensions.map((extension) => ({ ...extension })),
    meta: { resourceType: 'ResourceType', ...location(options.baseUrl, `/ResourceTypes/${resourceType.id}`) },
  }));
}
