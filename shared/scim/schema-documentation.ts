/**
 * The documentation of the SCIM schemas of schema.ts (RFC 7643 §6, §7): attribute descriptions,
 * canonical values and reference types, schema names and descriptions, the resource types, and
 * the rendering of the /Schemas and /ResourceTypes resources. Only the discovery endpoints
 * (discovery.ts) and the OpenAPI documents (shared/openapi/scim-attribute-metadata.ts) import this
 * module, so the SCIM read and write function bundles do not carry its text (issue 17).
 *
 * Each attribute is defined once, in schema.ts; its documentation is found here by schema URN and
 * attribute path, and test/unit/scim/schema-documentation.test.ts checks that every attribute has
 * documentation and every documented path is an attribute.
 */
import { lazily } from '../lazy.ts';
import type { ScimObject } from './json.ts';
import {
  COMMON_ATTRIBUTES,
  ENTERPRISE_USER_SCHEMA,
  ENTERPRISE_USER_SCHEMA_DEFINITION,
  GROUP_SCHEMA,
  GROUP_SCHEMA_DEFINITION,
  USER_SCHEMA,
  USER_SCHEMA_DEFINITION,
  type AttributeDefinition,
  type SchemaDefinition,
} from './schema.ts';

export const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';
export const RESOURCE_TYPE_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';

/** What an attribute's representation in /Schemas says besides its characteristics (RFC 7643 §7). */
export interface AttributeDocumentation {
  readonly description: string;
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
}

/**
 * Attribute documentation by attribute path, spelled as in schema.ts: `userName` for an attribute,
 * `name.givenName` for a sub-attribute. A bare string is the description alone.
 */
export type AttributeDocumentationTable = Readonly<Record<string, string | AttributeDocumentation>>;

/** A schema's name and description (RFC 7643 §7) and the documentation of its attributes. */
export interface SchemaDocumentation {
  readonly name: string;
  readonly description: string;
  readonly attributes: AttributeDocumentationTable;
}

/** A ResourceType resource (RFC 7643 §6). */
export interface ResourceTypeDefinition {
  readonly id: string;
  readonly name: string;
  readonly endpoint: string;
  readonly description: string;
  readonly schema: string;
  readonly schemaExtensions: readonly { readonly schema: string; readonly required: boolean }[];
}

/** The documentation of the value/display/type/primary sub-attributes schema.ts's multiValuedComplex gives an attribute. */
function multiValued(
  name: string,
  description: string,
  options: { types?: readonly string[]; valueReferenceTypes?: readonly string[] } = {},
): AttributeDocumentationTable {
  return {
    [name]: description,
    [`${name}.value`]: { description: `The value of the ${name} entry.`, ...(options.valueReferenceTypes ? { referenceTypes: options.valueReferenceTypes } : {}) },
    [`${name}.display`]: 'A human-readable name, primarily used for display purposes.',
    [`${name}.type`]: { description: `A label indicating the ${name} entry's function.`, ...(options.types ? { canonicalValues: options.types } : {}) },
    [`${name}.primary`]: `Whether this is the preferred ${name} entry; at most one may be true.`,
  };
}

/** The common attributes (schema.ts COMMON_ATTRIBUTES), which belong to no one schema. */
export const COMMON_ATTRIBUTE_DOCUMENTATION: AttributeDocumentationTable = {
  schemas: { description: 'The schema URIs the resource conforms to.', referenceTypes: ['uri'] },
  id: 'Unique identifier for the resource, assigned by the service provider.',
  externalId: 'Identifier for the resource as defined by the provisioning client. At most 512 bytes (UTF-8).',
  meta: 'Resource metadata maintained by the service provider.',
  'meta.resourceType': 'The name of the resource type.',
  'meta.created': 'When the resource was added to the service provider.',
  'meta.lastModified': 'When the resource was last changed.',
  'meta.location': { description: 'The URI of the resource.', referenceTypes: ['uri'] },
  'meta.version': 'The version (entity tag) of the resource.',
};

/**
 * The documentation of every schema of schema.ts, by schema URN. Built on first use, so the
 * /ResourceTypes bundle, which never reads it, drops it (see shared/lazy.ts).
 */
export const schemaDocumentationByUrn = /* @__PURE__ */ lazily((): Readonly<Record<string, SchemaDocumentation>> => ({
  [USER_SCHEMA]: {
    name: 'User',
    description: 'User Account',
    attributes: {
      userName: 'Unique identifier for the User, typically used to sign in. At most 512 bytes (UTF-8).',
      name: "The components of the User's real name.",
      'name.formatted': 'The full name, formatted for display.',
      'name.familyName': 'The family name (last name in most Western languages).',
      'name.givenName': 'The given name (first name in most Western languages).',
      'name.middleName': 'The middle name(s).',
      'name.honorificPrefix': 'The honorific prefix(es), or title (e.g. "Ms.").',
      'name.honorificSuffix': 'The honorific suffix(es) (e.g. "III").',
      displayName: 'The name of the User, suitable for display to end-users.',
      nickName: 'The casual way to address the User.',
      profileUrl: { description: "A URI pointing to the User's online profile.", referenceTypes: ['external'] },
      title: "The User's title, such as \"Vice President\".",
      userType: 'The relationship between the organization and the User, e.g. "Employee".',
      preferredLanguage: "The User's preferred written or spoken language (RFC 7231 Accept-Language format).",
      locale: "The User's default location, for localizing items such as currency and dates.",
      timezone: "The User's time zone in IANA database format, e.g. \"Europe/London\".",
      active: "The User's administrative status.",
      password: "The User's cleartext password, accepted on write and never returned.",
      ...multiValued('emails', 'Email addresses for the User.', { types: ['work', 'home', 'other'] }),
      ...multiValued('phoneNumbers', 'Phone numbers for the User.', { types: ['work', 'home', 'mobile', 'fax', 'pager', 'other'] }),
      ...multiValued('ims', 'Instant messaging addresses for the User.', { types: ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo'] }),
      ...multiValued('photos', 'URIs of images of the User.', { types: ['photo', 'thumbnail'], valueReferenceTypes: ['external'] }),
      addresses: 'Physical mailing addresses for the User.',
      'addresses.formatted': 'The full mailing address, formatted for display.',
      'addresses.streetAddress': 'The full street address component.',
      'addresses.locality': 'The city or locality component.',
      'addresses.region': 'The state or region component.',
      'addresses.postalCode': 'The zip code or postal code component.',
      'addresses.country': 'The country name component (ISO 3166-1 alpha-2).',
      'addresses.type': { description: "A label indicating the address's function.", canonicalValues: ['work', 'home', 'other'] },
      'addresses.primary': 'Whether this is the preferred mailing address; at most one may be true.',
      groups: 'The Groups the User belongs to, maintained by the service provider.',
      'groups.value': 'The id of the Group.',
      'groups.$ref': { description: 'The URI of the Group.', referenceTypes: ['User', 'Group'] },
      'groups.display': 'The display name of the Group.',
      'groups.type': { description: 'How membership was derived.', canonicalValues: ['direct', 'indirect'] },
      ...multiValued('entitlements', 'Entitlements held by the User.'),
      ...multiValued('roles', 'Roles held by the User.'),
      ...multiValued('x509Certificates', 'X.509 certificates issued to the User.'),
    },
  },
  [ENTERPRISE_USER_SCHEMA]: {
    name: 'EnterpriseUser',
    description: 'Enterprise User',
    attributes: {
      employeeNumber: 'A string identifier assigned by the organization, typically numeric.',
      costCenter: 'The name of a cost center.',
      organization: 'The name of an organization.',
      division: 'The name of a division.',
      department: 'The name of a department.',
      manager: "The User's manager.",
      'manager.value': 'The id of the SCIM User representing the manager.',
      'manager.$ref': { description: 'The URI of the SCIM User representing the manager.', referenceTypes: ['User'] },
      'manager.displayName': "The manager's display name, maintained by the service provider.",
    },
  },
  [GROUP_SCHEMA]: {
    name: 'Group',
    description: 'Group',
    attributes: {
      displayName: 'A human-readable name for the Group. At most 512 bytes (UTF-8).',
      members: 'The members of the Group.',
      'members.value': 'The id of the member resource.',
      'members.$ref': { description: 'The URI of the member resource.', referenceTypes: ['User', 'Group'] },
      'members.display': 'A human-readable name of the member.',
      'members.type': { description: 'The type of the member resource.', canonicalValues: ['User', 'Group'] },
    },
  },
}));

/**
 * The documentation of a schema by its URN (exact spelling, as in schema.ts).
 *
 * @throws Error when the schema has none: every schema of schema.ts has (unit-tested).
 */
export function schemaDocumentation(schemaId: string): SchemaDocumentation {
  const documentation = Object.hasOwn(schemaDocumentationByUrn(), schemaId) ? schemaDocumentationByUrn()[schemaId] : undefined;
  if (!documentation) throw new Error(`SCIM schema ${schemaId} has no documentation in schema-documentation.ts`);
  return documentation;
}

/**
 * The documentation of the attribute at `path` (`userName`, `name.givenName`, spelled as in
 * schema.ts) of schema `schemaId`, or of the common attribute at `path` when `schemaId` is
 * undefined.
 *
 * @throws Error when the attribute has none: every attribute of schema.ts has (unit-tested).
 */
export function attributeDocumentation(schemaId: string | undefined, path: string): AttributeDocumentation {
  const table = schemaId === undefined ? COMMON_ATTRIBUTE_DOCUMENTATION : schemaDocumentation(schemaId).attributes;
  const documentation = Object.hasOwn(table, path) ? table[path] : undefined;
  if (documentation === undefined) throw new Error(`SCIM attribute ${path} of ${schemaId ?? 'the common attributes'} has no documentation in schema-documentation.ts`);
  return typeof documentation === 'string' ? { description: documentation } : documentation;
}

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

// ---------------------------------------------------------------------------------------------
// Discovery rendering (RFC 7643 §6, §7)

/** `schemaId` undefined: a common attribute. `parent`: the path of the attribute whose sub-attribute this is. */
function renderAttribute(definition: AttributeDefinition, schemaId: string | undefined, parent?: string): ScimObject {
  const path = parent === undefined ? definition.name : `${parent}.${definition.name}`;
  const documentation = attributeDocumentation(schemaId, path);
  return {
    name: definition.name,
    type: definition.type,
    multiValued: definition.multiValued,
    description: documentation.description,
    required: definition.required,
    caseExact: definition.caseExact,
    mutability: definition.mutability,
    returned: definition.returned,
    uniqueness: definition.uniqueness,
    ...(documentation.canonicalValues ? { canonicalValues: [...documentation.canonicalValues] } : {}),
    ...(documentation.referenceTypes ? { referenceTypes: [...documentation.referenceTypes] } : {}),
    ...(definition.subAttributes ? { subAttributes: definition.subAttributes.map((sub) => renderAttribute(sub, schemaId, path)) } : {}),
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

/**
 * Renders one schema as a Schema resource (RFC 7643 §7).
 *
 * @throws Error when the schema or one of its attributes has no documentation here.
 */
export function renderSchema(schema: SchemaDefinition, options: RenderOptions = {}): ScimObject {
  const common = options.includeCommonAttributes ? COMMON_ATTRIBUTES.filter((a) => a.name !== 'schemas') : [];
  const documentation = schemaDocumentation(schema.id);
  return {
    schemas: [SCHEMA_SCHEMA],
    id: schema.id,
    name: documentation.name,
    description: documentation.description,
    attributes: [...common.map((attribute) => renderAttribute(attribute, undefined)), ...schema.attributes.map((attribute) => renderAttribute(attribute, schema.id))],
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
