import { describe, expect, it } from 'vitest';
import {
  COMMON_ATTRIBUTES,
  ENTERPRISE_USER_SCHEMA_DEFINITION,
  GROUP_RESOURCE_SCHEMA,
  GROUP_SCHEMA_DEFINITION,
  USER_RESOURCE_SCHEMA,
  USER_SCHEMA_DEFINITION,
  type AttributeDefinition,
  type ResourceSchema,
} from '../../../shared/scim/schema.ts';
import {
  COMMON_ATTRIBUTE_DOCUMENTATION,
  GROUP_RESOURCE_TYPE,
  USER_RESOURCE_TYPE,
  attributeDocumentation,
  schemaDocumentationByUrn,
  type AttributeDocumentationTable,
  type ResourceTypeDefinition,
} from '../../../shared/scim/schema-documentation.ts';

const SCHEMAS = [USER_SCHEMA_DEFINITION, ENTERPRISE_USER_SCHEMA_DEFINITION, GROUP_SCHEMA_DEFINITION];

/** Every attribute and sub-attribute by its path (`name`, `name.givenName`). */
function byPath(attributes: readonly AttributeDefinition[]): Map<string, AttributeDefinition> {
  const paths = new Map<string, AttributeDefinition>();
  for (const attribute of attributes) {
    paths.set(attribute.name, attribute);
    for (const sub of attribute.subAttributes ?? []) paths.set(`${attribute.name}.${sub.name}`, sub);
  }
  return paths;
}

/** [schema URN or undefined for the common attributes, its attributes by path, its documentation table]. */
const TABLES: [string | undefined, Map<string, AttributeDefinition>, AttributeDocumentationTable][] = [
  [undefined, byPath(COMMON_ATTRIBUTES), COMMON_ATTRIBUTE_DOCUMENTATION],
  ...SCHEMAS.map((schema): [string, Map<string, AttributeDefinition>, AttributeDocumentationTable] => [
    schema.id,
    byPath(schema.attributes),
    schemaDocumentationByUrn()[schema.id]?.attributes ?? {},
  ]),
];

describe('schema documentation: kept in step with the attribute definitions', () => {
  it('schema documentation: every schema of schema.ts is documented, and only those', () => {
    expect(Object.keys(schemaDocumentationByUrn()).sort()).toEqual(SCHEMAS.map((schema) => schema.id).sort());
    for (const schema of SCHEMAS) {
      expect(schemaDocumentationByUrn()[schema.id]?.name, schema.id).toMatch(/^\w+$/);
      expect(schemaDocumentationByUrn()[schema.id]?.description, schema.id).not.toBe('');
    }
  });

  it('schema documentation: every attribute and sub-attribute has a description', () => {
    for (const [schema, attributes] of TABLES) {
      for (const path of attributes.keys()) {
        expect(() => attributeDocumentation(schema, path), `${schema ?? 'common'} ${path}`).not.toThrow();
        expect(attributeDocumentation(schema, path).description.trim(), `${schema ?? 'common'} ${path}`).not.toBe('');
      }
    }
  });

  it('schema documentation: every documented path names an attribute that exists, spelled as defined', () => {
    for (const [schema, attributes, table] of TABLES) {
      const unknown = Object.keys(table).filter((path) => !attributes.has(path));
      expect(unknown, schema ?? 'common').toEqual([]);
    }
  });

  it('schema documentation: reference types exactly on reference attributes, canonical values only on strings (RFC 7643 §7)', () => {
    for (const [schema, attributes] of TABLES) {
      for (const [path, attribute] of attributes) {
        const documentation = attributeDocumentation(schema, path);
        expect(documentation.referenceTypes !== undefined, `${schema ?? 'common'} ${path}`).toBe(attribute.type === 'reference');
        if (documentation.canonicalValues) expect(attribute.type, `${schema ?? 'common'} ${path}`).toBe('string');
      }
    }
  });

  it('schema documentation: an unknown attribute or schema is an error, not an empty description', () => {
    expect(() => attributeDocumentation(USER_SCHEMA_DEFINITION.id, 'favouriteColour')).toThrow(/favouriteColour/);
    expect(() => attributeDocumentation(USER_SCHEMA_DEFINITION.id, 'toString')).toThrow(/toString/);
    expect(() => attributeDocumentation('urn:test:Nothing', 'id')).toThrow(/urn:test:Nothing/);
  });

  it('schema documentation: each resource type names its resource schema, core schema and extensions', () => {
    const pairs: [ResourceTypeDefinition, ResourceSchema][] = [
      [USER_RESOURCE_TYPE, USER_RESOURCE_SCHEMA],
      [GROUP_RESOURCE_TYPE, GROUP_RESOURCE_SCHEMA],
    ];
    for (const [resourceType, resourceSchema] of pairs) {
      expect(resourceType.name).toBe(resourceSchema.name);
      expect(resourceType.schema).toBe(resourceSchema.core.id);
      expect(resourceType.schemaExtensions.map((extension) => extension.schema)).toEqual(resourceSchema.extensions.map((extension) => extension.id));
    }
  });
});
