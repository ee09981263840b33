import { expect } from 'vitest';
import { ValidationError, type ScimType } from '../../../shared/errors/domain-errors.ts';
import type { ScimObject } from '../../../shared/scim/json.ts';
import {
  COMMON_ATTRIBUTES,
  ENTERPRISE_USER_SCHEMA,
  GROUP_SCHEMA,
  USER_SCHEMA,
  type AttributeDefinition,
  type ResourceSchema,
} from '../../../shared/scim/schema.ts';

export const ENTERPRISE = ENTERPRISE_USER_SCHEMA;

/** Runs `action` and asserts it throws a ValidationError with the given scimType (and message). */
export function expectScimError(action: () => unknown, scimType: ScimType, message?: RegExp): ValidationError {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected a ValidationError to be thrown').toBeInstanceOf(ValidationError);
  const error = thrown as ValidationError;
  expect(error.scimType).toBe(scimType);
  if (message) expect(error.message).toMatch(message);
  return error;
}

export function bjensen(): ScimObject {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE],
    id: '2819c223-7f76-453a-919d-413861904646',
    externalId: 'bjensen',
    userName: 'bjensen@example.com',
    name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' },
    displayName: 'Babs Jensen',
    title: 'Tour Guide',
    userType: 'Employee',
    active: true,
    emails: [
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ],
    phoneNumbers: [{ value: '555-555-8377', type: 'work' }],
    ims: [{ value: 'someaimhandle', type: 'aim' }],
    addresses: [{ type: 'work', streetAddress: '100 Universal City Plaza', locality: 'Hollywood', primary: true }],
    groups: [{ value: 'e9e30dba-f08f-4109-8486-d5c6a331660a', display: 'Tour Guides', type: 'direct' }],
    meta: {
      resourceType: 'User',
      created: '2010-01-23T04:56:22Z',
      lastModified: '2011-05-13T04:42:34Z',
      version: 'W/"3694e05e9dff591"',
    },
    [ENTERPRISE]: {
      employeeNumber: '701984',
      department: 'Tour Operations',
      manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d', displayName: 'John Smith' },
    },
  };
}

export function jsmith(): ScimObject {
  return {
    schemas: [USER_SCHEMA],
    id: '6f2c1b4e-0000-4000-8000-000000000002',
    externalId: 'JS-1',
    userName: 'JSmith@Example.org',
    name: { familyName: 'Smith', givenName: 'John' },
    userType: 'Intern',
    active: false,
    emails: [{ value: 'john@example.org', type: 'work' }],
    ims: [{ value: 'js@foo.com', type: 'xmpp' }],
    meta: { resourceType: 'User', created: '2012-06-01T10:00:00.000Z', lastModified: '2013-01-01T00:00:00Z' },
  };
}

export function alice(): ScimObject {
  return {
    schemas: [USER_SCHEMA],
    id: '6f2c1b4e-0000-4000-8000-000000000003',
    userName: 'alice',
    name: { familyName: "O'Malley", givenName: 'Alice' },
    title: '',
    userType: 'Contractor',
    active: true,
    password: 'secret-password-123',
    meta: { resourceType: 'User', created: '2015-03-04T05:06:07+02:00', lastModified: '2015-03-04T05:06:07+02:00' },
  };
}

export function users(): ScimObject[] {
  return [bjensen(), jsmith(), alice()];
}

export function group(members: string[] = ['u1', 'u2']): ScimObject {
  return {
    schemas: [GROUP_SCHEMA],
    id: 'g-1',
    displayName: 'Tour Guides',
    members: members.map((value) => ({ value, type: 'User', display: `User ${value}` })),
    meta: { resourceType: 'Group', created: '2020-01-01T00:00:00Z', lastModified: '2020-01-01T00:00:00Z' },
  };
}

function attribute(name: string, overrides: Partial<AttributeDefinition>): AttributeDefinition {
  return {
    name,
    type: 'string',
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...overrides,
  };
}

/** A made-up resource type exercising characteristics the User and Group schemas do not use. */
export const WIDGET: ResourceSchema = {
  name: 'Widget',
  core: {
    id: 'urn:test:Widget',
    attributes: [
      attribute('size', { type: 'integer' }),
      attribute('weight', { type: 'decimal' }),
      attribute('code', { caseExact: true }),
      attribute('blob', { type: 'binary', caseExact: true }),
      attribute('serial', { mutability: 'immutable' }),
      attribute('internalNote', { returned: 'request' }),
      attribute('label', {}),
    ],
  },
  extensions: [],
  common: COMMON_ATTRIBUTES,
};
