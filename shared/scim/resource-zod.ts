/**
 * zod schemas of SCIM resources, generated from the attribute definitions in schema.ts (the same
 * data that drives PATCH, filtering and /Schemas), so the request contracts and the published
 * documentation describe exactly the attributes the service provider knows.
 *
 * `input` schemas are what a client may send: read-only attributes are left out, every optional
 * attribute may be null (RFC 7644 §3.5.2: null clears), and the client dialects the applier
 * absorbs are accepted (booleans as "True"/"False" strings, a single value where a list is
 * expected, a bare id where a complex value with a `value` sub-attribute is expected).
 * `output` schemas are what the service provider returns.
 *
 * The schemas carry no attribute descriptions: those live in schema-documentation.ts, which the
 * function bundles do not carry (issue 17). Each schema that documents an attribute or extension
 * is recorded with its origin ({@link scimSchemaOrigin}), from which the OpenAPI generator adds
 * the descriptions (shared/openapi/scim-attribute-metadata.ts).
 */
import * as z from '../zod-mini.ts';
import { isObject } from './json.ts';
import {
  COMMON_ATTRIBUTES,
  ENTERPRISE_USER_SCHEMA_DEFINITION,
  GROUP_SCHEMA_DEFINITION,
  USER_SCHEMA_DEFINITION,
  type AttributeDefinition,
  type SchemaDefinition,
} from './schema.ts';

export type SchemaDirection = 'input' | 'output';

/** Renames members whose names match `names` case-insensitively (SCIM names are case-insensitive). */
export function canonicalMemberNames(names: readonly string[]): (value: unknown) => unknown {
  const byLower = new Map(names.map((name) => [name.toLowerCase(), name]));
  return (value) => {
    if (!isObject(value)) return value;
    const renamed: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      const canonical = byLower.get(key.toLowerCase()) ?? key;
      if (!(canonical in renamed)) renamed[canonical] = member;
    }
    return renamed;
  };
}

const BOOLEAN_TEXT = /^(true|false)$/i;

/**
 * What a schema generated here documents, for the OpenAPI generator: `attribute` is the schema of
 * the attribute at `path` (`userName`, `name.givenName`, spelled as in schema.ts) of schema URN
 * `schema` (undefined for a common attribute: id, externalId, meta); `reference` is the string a
 * reference attribute is written as; `extension` is the object of extension `schema`.
 */
export type ScimSchemaOrigin =
  | { readonly part: 'attribute' | 'reference'; readonly schema: string | undefined; readonly path: string; readonly attribute: AttributeDefinition }
  | { readonly part: 'extension'; readonly schema: string };

const origins = new WeakMap<z.core.$ZodType, ScimSchemaOrigin>();

/** The origin of a schema built by {@link scimUserSchema} or {@link scimGroupSchema}; undefined for any other schema. */
export function scimSchemaOrigin(schema: z.core.$ZodType): ScimSchemaOrigin | undefined {
  return origins.get(schema);
}

/** A copy of `schema` (as `.check(z.meta(…))` would make one) recorded with its origin; one schema never has two. */
function traced<T extends z.ZodMiniType>(schema: T, origin: ScimSchemaOrigin): T {
  const copy = schema.check() as T;
  origins.set(copy, origin);
  return copy;
}

/** Where an attribute sits: its schema (undefined: common) and the path of its parent, if a sub-attribute. */
interface Place {
  readonly schema: string | undefined;
  readonly parent?: string;
}

const pathOf = (attribute: AttributeDefinition, place: Place) => (place.parent === undefined ? attribute.name : `${place.parent}.${attribute.name}`);

function scalar(attribute: AttributeDefinition, direction: SchemaDirection, place: Place): z.ZodMiniType {
  switch (attribute.type) {
    case 'boolean':
      return direction === 'input' ? z.union([z.boolean(), z.string().check(z.regex(BOOLEAN_TEXT))]) : z.boolean();
    case 'integer':
      return z.int();
    case 'decimal':
      return z.number();
    case 'dateTime':
      return z.string().check(z.meta({ format: 'date-time' }));
    case 'reference':
      return traced(z.string(), { part: 'reference', schema: place.schema, path: pathOf(attribute, place), attribute });
    default:
      return z.string();
  }
}

function writable(attribute: AttributeDefinition, direction: SchemaDirection): boolean {
  if (direction === 'input') return attribute.mutability !== 'readOnly';
  return attribute.returned !== 'never';
}

function element(attribute: AttributeDefinition, direction: SchemaDirection, place: Place): z.ZodMiniType {
  if (attribute.type !== 'complex') return scalar(attribute, direction, place);
  const inner: Place = { schema: place.schema, parent: pathOf(attribute, place) };
  const shape: Record<string, z.ZodMiniType> = {};
  for (const sub of attribute.subAttributes ?? []) {
    if (!writable(sub, direction)) continue;
    const schema = element(sub, direction, inner);
    shape[sub.name] = traced(direction === 'input' ? z.nullish(schema) : z.optional(schema), { part: 'attribute', schema: place.schema, path: pathOf(sub, inner), attribute: sub });
  }
  const object = z.looseObject(shape);
  const value = attribute.subAttributes?.find((sub) => sub.name === 'value');
  // The applier reads a bare value as { value } (e.g. a manager given as its id).
  return direction === 'input' && value ? z.union([object, scalar(value, direction, inner)]) : object;
}

function attributeSchema(attribute: AttributeDefinition, direction: SchemaDirection, place: Place): z.ZodMiniType {
  const item = element(attribute, direction, place);
  if (!attribute.multiValued) return item;
  return direction === 'input' ? z.union([z.array(item), item]) : z.array(item);
}

function attributesShape(attributes: readonly AttributeDefinition[], direction: SchemaDirection, schemaId: string | undefined): Record<string, z.ZodMiniType> {
  const shape: Record<string, z.ZodMiniType> = {};
  for (const attribute of attributes) {
    if (!writable(attribute, direction)) continue;
    const schema = attributeSchema(attribute, direction, { schema: schemaId });
    const optional = attribute.required ? schema : direction === 'input' ? z.nullish(schema) : z.optional(schema);
    shape[attribute.name] = traced(optional, { part: 'attribute', schema: schemaId, path: attribute.name, attribute });
  }
  return shape;
}

function resourceSchema(core: SchemaDefinition, extensions: readonly SchemaDefinition[], direction: SchemaDirection, description: string) {
  const common = COMMON_ATTRIBUTES.filter((attribute) => attribute.name !== 'schemas');
  const shape: Record<string, z.ZodMiniType> = {
    schemas: z.array(z.string()).check(z.meta({ description: 'The schema URIs the resource conforms to.', examples: [[core.id]] })),
    ...attributesShape(common, direction, undefined),
    ...attributesShape(core.attributes, direction, core.id),
  };
  if (direction === 'input') shape.schemas = z.optional((shape.schemas as z.ZodMiniType));
  for (const extension of extensions) {
    const extensionShape = traced(z.looseObject(attributesShape(extension.attributes, direction, extension.id)), { part: 'extension', schema: extension.id });
    shape[extension.id] = direction === 'input' ? z.nullish(extensionShape) : z.optional(extensionShape);
  }
  const object = z.looseObject(shape).check(z.meta({ description }));
  if (direction === 'output') return object;
  // Attribute names are case-insensitive (RFC 7643 §2.1): match them before checking.
  return z.pipe(z.transform(canonicalMemberNames(Object.keys(shape))), object);
}

export function scimUserSchema(direction: SchemaDirection) {
  return resourceSchema(USER_SCHEMA_DEFINITION, [ENTERPRISE_USER_SCHEMA_DEFINITION], direction, 'A SCIM User (RFC 7643 §4.1) with the Enterprise User extension (§4.3).');
}

export function scimGroupSchema(direction: SchemaDirection) {
  return resourceSchema(GROUP_SCHEMA_DEFINITION, [], direction, 'A SCIM Group (RFC 7643 §4.2).');
}
