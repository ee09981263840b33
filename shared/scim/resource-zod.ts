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

function describe<T extends z.ZodMiniType>(schema: T, attribute: AttributeDefinition): T {
  const notes: string[] = [];
  if (attribute.mutability === 'immutable') notes.push('Immutable once set.');
  if (attribute.mutability === 'writeOnly') notes.push('Write-only: never returned.');
  if (attribute.canonicalValues) notes.push(`Canonical values: ${attribute.canonicalValues.join(', ')}.`);
  return schema.check(z.meta({ description: [attribute.description, ...notes].join(' ') }));
}

function scalar(attribute: AttributeDefinition, direction: SchemaDirection): z.ZodMiniType {
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
      return attribute.referenceTypes?.includes('uri') || attribute.referenceTypes?.includes('external') ? z.string().check(z.meta({ format: 'uri-reference' })) : z.string();
    default:
      return z.string();
  }
}

function writable(attribute: AttributeDefinition, direction: SchemaDirection): boolean {
  if (direction === 'input') return attribute.mutability !== 'readOnly';
  return attribute.returned !== 'never';
}

function element(attribute: AttributeDefinition, direction: SchemaDirection): z.ZodMiniType {
  if (attribute.type !== 'complex') return scalar(attribute, direction);
  const shape: Record<string, z.ZodMiniType> = {};
  for (const sub of attribute.subAttributes ?? []) {
    if (!writable(sub, direction)) continue;
    const schema = element(sub, direction);
    shape[sub.name] = describe(direction === 'input' ? z.nullish(schema) : z.optional(schema), sub);
  }
  const object = z.looseObject(shape);
  const value = attribute.subAttributes?.find((sub) => sub.name === 'value');
  // The applier reads a bare value as { value } (e.g. a manager given as its id).
  return direction === 'input' && value ? z.union([object, scalar(value, direction)]) : object;
}

function attributeSchema(attribute: AttributeDefinition, direction: SchemaDirection): z.ZodMiniType {
  const item = element(attribute, direction);
  if (!attribute.multiValued) return item;
  return direction === 'input' ? z.union([z.array(item), item]) : z.array(item);
}

function attributesShape(attributes: readonly AttributeDefinition[], direction: SchemaDirection): Record<string, z.ZodMiniType> {
  const shape: Record<string, z.ZodMiniType> = {};
  for (const attribute of attributes) {
    if (!writable(attribute, direction)) continue;
    const schema = attributeSchema(attribute, direction);
    shape[attribute.name] = describe(attribute.required ? schema : direction === 'input' ? z.nullish(schema) : z.optional(schema), attribute);
  }
  return shape;
}

function resourceSchema(core: SchemaDefinition, extensions: readonly SchemaDefinition[], direction: SchemaDirection, description: string) {
  const common = COMMON_ATTRIBUTES.filter((attribute) => attribute.name !== 'schemas');
  const shape: Record<string, z.ZodMiniType> = {
    schemas: z.array(z.string()).check(z.meta({ description: 'The schema URIs the resource conforms to.', examples: [[core.id]] })),
    ...attributesShape(common, direction),
    ...attributesShape(core.attributes, direction),
  };
  if (direction === 'input') shape.schemas = z.optional((shape.schemas as z.ZodMiniType));
  for (const extension of extensions) {
    const extensionShape = z.looseObject(attributesShape(extension.attributes, direction)).check(z.meta({ description: extension.description }));
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
