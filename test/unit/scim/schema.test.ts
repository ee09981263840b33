import { describe, expect, it } from 'vitest';
import type { ScimObject } from '../../../shared/scim/json.ts';
import {
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  USER_SCHEMA,
  canonicalPath,
  resolveAttributePath,
  splitAttributePath,
} from '../../../shared/scim/schema.ts';
import { renderResourceTypes, renderSchemas } from '../../../shared/scim/schema-documentation.ts';

function attributeNamed(schema: ScimObject, name: string): ScimObject | undefined {
  return (schema.attributes as ScimObject[]).find((attribute) => attribute.name === name);
}

describe('schema: definitions', () => {
  it('schema: id and externalId are caseExact; userName is not and is server-unique and required', () => {
    expect(resolveAttributePath('id', 'User')?.attribute).toMatchObject({ caseExact: true, mutability: 'readOnly', returned: 'always' });
    expect(resolveAttributePath('externalId', 'User')?.attribute).toMatchObject({ caseExact: true, mutability: 'readWrite' });
    expect(resolveAttributePath('userName', 'User')?.attribute).toMatchObject({ caseExact: false, uniqueness: 'server', required: true });
  });

  it('schema: password is writeOnly and never returned; groups is readOnly', () => {
    expect(resolveAttributePath('password', 'User')?.attribute).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    expect(resolveAttributePath('groups', 'User')?.attribute).toMatchObject({ mutability: 'readOnly', multiValued: true });
  });

  it('schema: emails.value is not caseExact; members.value is caseExact and immutable', () => {
    expect(resolveAttributePath('emails.value', 'User')?.subAttribute).toMatchObject({ caseExact: false });
    expect(resolveAttributePath('members.value', 'Group')?.subAttribute).toMatchObject({ caseExact: true, mutability: 'immutable' });
  });
});

describe('schema: path resolution', () => {
  it('schema: paths resolve case-insensitively to canonical definitions', () => {
    const resolved = resolveAttributePath('NAME.GIVENNAME', 'User');
    expect(resolved?.attribute.name).toBe('name');
    expect(resolved?.subAttribute?.name).toBe('givenName');
    expect(resolved && canonicalPath(resolved)).toBe('name.givenName');
  });

  it('schema: URN-prefixed core and extension paths resolve', () => {
    expect(resolveAttributePath(`${USER_SCHEMA}:userName`, 'User')).toMatchObject({ schema: USER_SCHEMA, extension: false });
    const manager = resolveAttributePath(`${ENTERPRISE_USER_SCHEMA}:manager.value`, 'User');
    expect(manager).toMatchObject({ schema: ENTERPRISE_USER_SCHEMA, extension: true, attribute: { name: 'manager' }, subAttribute: { name: 'value' } });
    expect(manager && canonicalPath(manager)).toBe(`${ENTERPRISE_USER_SCHEMA}:manager.value`);
    expect(resolveAttributePath(`${ENTERPRISE_USER_SCHEMA.toUpperCase()}:DEPARTMENT`, 'User')?.attribute.name).toBe('department');
  });

  it('schema: an unqualified extension attribute name resolves to the extension', () => {
    expect(resolveAttributePath('manager', 'User')).toMatchObject({ schema: ENTERPRISE_USER_SCHEMA, extension: true });
  });

  it('schema: unknown attributes, unknown sub-attributes, foreign URNs and malformed paths resolve to undefined', () => {
    expect(resolveAttributePath('favouriteColour', 'User')).toBeUndefined();
    expect(resolveAttributePath('name.nickname', 'User')).toBeUndefined();
    expect(resolveAttributePath('userName.first', 'User')).toBeUndefined();
    expect(resolveAttributePath(`${GROUP_SCHEMA}:displayName`, 'User')).toBeUndefined();
    expect(resolveAttributePath('a.b.c', 'User')).toBeUndefined();
    expect(resolveAttributePath('members', 'User')).toBeUndefined();
  });

  it('schema: splitAttributePath separates URN, attribute and sub-attribute', () => {
    expect(splitAttributePath(`${ENTERPRISE_USER_SCHEMA}:manager.$ref`)).toEqual({ uri: ENTERPRISE_USER_SCHEMA, attribute: 'manager', subAttribute: '$ref' });
    expect(splitAttributePath('emails')).toEqual({ attribute: 'emails' });
    expect(splitAttributePath(':userName')).toBeUndefined();
    expect(splitAttributePath('1name')).toBeUndefined();
  });
});

describe('schema: discovery rendering', () => {
  it('schema: renderSchemas returns User, Enterprise User and Group Schema resources (RFC 7643 §7)', () => {
    const schemas = renderSchemas({ baseUrl: 'https://idp.example/api/scim/v2/' });
    expect(schemas.map((schema) => schema.id)).toEqual([USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA]);
    for (const schema of schemas) {
      expect(schema.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:Schema']);
      expect(schema.meta).toEqual({ resourceType: 'Schema', location: `https://idp.example/api/scim/v2/Schemas/${String(schema.id)}` });
    }
  });

  it('schema: rendered attributes carry every characteristic, with sub-attributes and canonical values', () => {
    const [user] = renderSchemas();
    const emails = attributeNamed(user as ScimObject, 'emails');
    expect(emails).toMatchObject({ type: 'complex', multiValued: true, required: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none' });
    const type = (emails?.subAttributes as ScimObject[]).find((attribute) => attribute.name === 'type');
    expect(type?.canonicalValues).toEqual(['work', 'home', 'other']);
    expect(attributeNamed(user as ScimObject, 'password')).toMatchObject({ mutability: 'writeOnly', returned: 'never' });
    expect(attributeNamed(user as ScimObject, 'profileUrl')).toMatchObject({ type: 'reference', referenceTypes: ['external'] });
  });

  it('schema: common attributes are left out by default (RFC 7643 §8.7.1) and included on request', () => {
    const [user] = renderSchemas();
    expect(attributeNamed(user as ScimObject, 'id')).toBeUndefined();
    const [withCommon, enterprise] = renderSchemas({ includeCommonAttributes: true });
    expect(attributeNamed(withCommon as ScimObject, 'id')).toMatchObject({ caseExact: true, returned: 'always' });
    expect(attributeNamed(withCommon as ScimObject, 'schemas')).toBeUndefined();
    expect(attributeNamed(enterprise as ScimObject, 'id')).toBeUndefined();
  });

  it('schema: the rendering is plain JSON', () => {
    const schemas = renderSchemas();
    expect(JSON.parse(JSON.stringify(schemas))).toEqual(schemas);
  });

  it('schema: renderResourceTypes lists User (with the optional enterprise extension) and Group', () => {
    const types = renderResourceTypes({ baseUrl: 'https://idp.example/scim' });
    expect(types).toEqual([
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
        id: 'User',
        name: 'User',
        endpoint: '/Users',
        description: 'User Account',
        schema: USER_SCHEMA,
        schemaExtensions: [{ schema: ENTERPRISE_USER_SCHEMA, required: false }],
        meta: { resourceType: 'ResourceType', location: 'https://idp.example/scim/ResourceTypes/User' },
      },
      {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
        id: 'Group',
        name: 'Group',
        endpoint: '/Groups',
        description: 'Group',
        schema: GROUP_SCHEMA,
        schemaExtensions: [],
        meta: { resourceType: 'ResourceType', location: 'https://idp.example/scim/ResourceTypes/Group' },
      },
    ]);
  });
});
