import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/errors/domain-errors.ts';
import type { ScimObject } from '../../../shared/scim/json.ts';
import {
  MAX_PATCH_OPERATIONS,
  MAX_PATCH_VALUES,
  PATCH_OP_SCHEMA,
  applyAttributes,
  applyPatch,
  parsePatchPath,
  parsePatchRequest,
  type PatchOperationInput,
} from '../../../shared/scim/patch.ts';
import { GROUP_SCHEMA, USER_SCHEMA } from '../../../shared/scim/schema.ts';
import { ENTERPRISE, WIDGET, alice, bjensen, expectScimError, group } from './fixtures.ts';

function patchUser(operations: PatchOperationInput[], user: ScimObject = bjensen()) {
  return applyPatch(user, operations, 'User');
}

function enterprise(resource: ScimObject): ScimObject | undefined {
  return resource[ENTERPRISE] as ScimObject | undefined;
}

describe('patch: request validation', () => {
  const body = (operations: unknown): unknown => ({ schemas: [PATCH_OP_SCHEMA], Operations: operations });

  it('patch: op names are accepted in any case ("Replace", "ADD", "remove")', () => {
    const operations = parsePatchRequest(
      body([
        { op: 'Replace', path: 'title', value: 'x' },
        { op: 'ADD', path: 'nickName', value: 'y' },
        { op: 'remove', path: 'displayName' },
      ]),
    );
    expect(operations.map((operation) => operation.op)).toEqual(['replace', 'add', 'remove']);
  });

  it('patch: a missing or wrong schemas member is invalidSyntax', () => {
    expectScimError(() => parsePatchRequest({ Operations: [{ op: 'add', path: 'title', value: 'x' }] }), 'invalidSyntax', /schemas/);
    expectScimError(
      () => parsePatchRequest({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], Operations: [{ op: 'add', path: 'title', value: 'x' }] }),
      'invalidSyntax',
      /PatchOp/,
    );
  });

  it('patch: non-array, missing or empty Operations is invalidSyntax', () => {
    expectScimError(() => parsePatchRequest(body({ op: 'add', path: 'title', value: 'x' })), 'invalidSyntax', /Operations/);
    expectScimError(() => parsePatchRequest({ schemas: [PATCH_OP_SCHEMA] }), 'invalidSyntax', /Operations/);
    expectScimError(() => parsePatchRequest(body([])), 'invalidSyntax', /non-empty/);
  });

  it('patch: a body that is not an object is invalidSyntax', () => {
    expectScimError(() => parsePatchRequest('[]'), 'invalidSyntax');
    expectScimError(() => parsePatchRequest(null), 'invalidSyntax');
  });

  it('patch: an unknown op or a non-object operation is invalidSyntax', () => {
    expectScimError(() => parsePatchRequest(body([{ op: 'update', path: 'title', value: 'x' }])), 'invalidSyntax', /Operations\[0\]\.op/);
    expectScimError(() => parsePatchRequest(body(['add'])), 'invalidSyntax', /Operations\[0\]/);
  });

  it('patch: a non-string path is invalidPath and add/replace without value is invalidValue', () => {
    expectScimError(() => parsePatchRequest(body([{ op: 'add', path: 3, value: 'x' }])), 'invalidPath');
    expectScimError(() => parsePatchRequest(body([{ op: 'replace', path: 'title' }])), 'invalidValue', /must carry a "value"/);
  });

  it('patch: an empty path string is treated as no path', () => {
    expect(parsePatchRequest(body([{ op: 'replace', path: '', value: { title: 'x' } }]))).toEqual([{ op: 'replace', value: { title: 'x' } }]);
  });

  it(`patch: more than ${MAX_PATCH_OPERATIONS} operations or ${MAX_PATCH_VALUES} values is invalidSyntax`, () => {
    const many = Array.from({ length: MAX_PATCH_OPERATIONS + 1 }, () => ({ op: 'add', path: 'title', value: 'x' }));
    expectScimError(() => parsePatchRequest(body(many)), 'invalidSyntax', /at most/);
    const bigValue = Array.from({ length: MAX_PATCH_VALUES + 1 }, (_, i) => ({ value: `m${i}` }));
    expectScimError(() => parsePatchRequest(body([{ op: 'add', path: 'members', value: bigValue }])), 'invalidSyntax', /values/);
  });

  it('patch: 1000 member changes in one request are accepted', () => {
    const members = Array.from({ length: 1000 }, (_, i) => ({ value: `m${i}` }));
    expect(parsePatchRequest(body([{ op: 'add', path: 'members', value: members }]))).toHaveLength(1);
  });
});

describe('patch: path parsing', () => {
  it('patch path: plain, sub-attribute and case-insensitive attribute paths resolve to canonical definitions', () => {
    expect(parsePatchPath('userName', 'User')).toMatchObject({ attribute: { name: 'userName' }, extension: false });
    const path = parsePatchPath('NAME.givenname', 'User');
    expect(path.attribute?.name).toBe('name');
    expect(path.subAttribute?.name).toBe('givenName');
  });

  it('patch path: `members[value eq "…"]` carries a value filter', () => {
    const path = parsePatchPath('members[value eq "2819c223"]', 'Group');
    expect(path.attribute?.name).toBe('members');
    expect(path.filter).toEqual({ type: 'compare', path: { attribute: 'value' }, operator: 'eq', value: '2819c223' });
  });

  it('patch path: `emails[type eq "work"].value` has a filter and a sub-attribute', () => {
    const path = parsePatchPath('emails[type eq "work"].value', 'User');
    expect(path.filter).toMatchObject({ type: 'compare', value: 'work' });
    expect(path.subAttribute?.name).toBe('value');
  });

  it('patch path: a "]" inside a quoted filter value does not end the filter', () => {
    const path = parsePatchPath('emails[value eq "a]b"].type', 'User');
    expect(path.filter).toMatchObject({ value: 'a]b' });
    expect(path.subAttribute?.name).toBe('type');
  });

  it('patch path: URN-prefixed extension attributes and the bare extension URN resolve', () => {
    const manager = parsePatchPath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', 'User');
    expect(manager).toMatchObject({ schema: ENTERPRISE, extension: true, attribute: { name: 'manager' } });
    const whole = parsePatchPath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', 'User');
    expect(whole.attribute).toBeUndefined();
    expect(whole.extension).toBe(true);
  });

  it('patch path: malformed or unknown paths are invalidPath', () => {
    expectScimError(() => parsePatchPath('favouriteColour', 'User'), 'invalidPath', /no attribute 'favouriteColour'/);
    expectScimError(() => parsePatchPath('name.nickname', 'User'), 'invalidPath');
    expectScimError(() => parsePatchPath('emails[type eq "work"', 'User'), 'invalidPath', /never closed/);
    expectScimError(() => parsePatchPath('emails[type eq]', 'User'), 'invalidPath', /expected a value/);
    expectScimError(() => parsePatchPath('name[givenName eq "x"]', 'User'), 'invalidPath', /multi-valued complex/);
    expectScimError(() => parsePatchPath('emails[type eq "work"].nope', 'User'), 'invalidPath', /'.nope'/);
    expectScimError(() => parsePatchPath('emails[type eq "work"]value', 'User'), 'invalidPath');
    expectScimError(() => parsePatchPath('bad path!', 'User'), 'invalidPath');
  });
});

describe('patch: add / replace / remove with a path', () => {
  it('patch: replace userName with a path changes it and reports the attribute', () => {
    const { resource, changed } = patchUser([{ op: 'replace', path: 'userName', value: 'babs@example.com' }]);
    expect(resource.userName).toBe('babs@example.com');
    expect(changed).toEqual(['userName']);
  });

  it('patch: op names in any case apply ("Replace", "ADD")', () => {
    const { resource } = patchUser([
      { op: 'Replace', path: 'title', value: 'Chief' },
      { op: 'ADD', path: 'nickName', value: 'Babs' },
    ]);
    expect(resource).toMatchObject({ title: 'Chief', nickName: 'Babs' });
  });

  it('patch: attribute paths in odd case write the canonical attribute name', () => {
    const { resource } = patchUser([{ op: 'replace', path: 'DisplayName', value: 'B' }]);
    expect(resource.displayName).toBe('B');
    expect(resource).not.toHaveProperty('DisplayName');
  });

  it('patch: add on a single-valued attribute replaces its value', () => {
    expect(patchUser([{ op: 'add', path: 'title', value: 'Boss' }]).resource.title).toBe('Boss');
  });

  it('patch: add on a sub-attribute path sets it (`name.givenName`)', () => {
    const { resource, changed } = patchUser([{ op: 'add', path: 'name.givenName', value: 'Babs' }]);
    expect(resource.name).toEqual({ formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Babs' });
    expect(changed).toEqual(['name']);
  });

  it('patch: replace on a complex attribute merges: sub-attributes not given are left unchanged', () => {
    const { resource } = patchUser([{ op: 'replace', path: 'name', value: { givenName: 'Babs' } }]);
    expect(resource.name).toEqual({ formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Babs' });
  });

  it('patch: remove deletes a single-valued attribute and a sub-attribute', () => {
    const { resource, changed } = patchUser([
      { op: 'remove', path: 'title' },
      { op: 'remove', path: 'name.formatted' },
    ]);
    expect(resource).not.toHaveProperty('title');
    expect(resource.name).toEqual({ familyName: 'Jensen', givenName: 'Barbara' });
    expect(changed.sort()).toEqual(['name', 'title']);
  });

  it('patch: removing an attribute that is absent is a no-op', () => {
    expect(patchUser([{ op: 'remove', path: 'nickName' }]).changed).toEqual([]);
  });

  it('patch: null or "" in replace/add clears the attribute', () => {
    const { resource } = patchUser([
      { op: 'replace', path: 'title', value: null },
      { op: 'add', path: 'displayName', value: '' },
      { op: 'replace', path: 'name.formatted', value: '' },
      { op: 'replace', path: 'emails', value: [] },
    ]);
    expect(resource).not.toHaveProperty('title');
    expect(resource).not.toHaveProperty('displayName');
    expect(resource).not.toHaveProperty('emails');
    expect(resource.name).toEqual({ familyName: 'Jensen', givenName: 'Barbara' });
  });

  it('patch: a null sub-attribute inside a complex replace value clears that sub-attribute', () => {
    const { resource } = patchUser([{ op: 'replace', path: 'name', value: { familyName: null, middleName: 'J' } }]);
    expect(resource.name).toEqual({ formatted: 'Ms. Barbara J Jensen III', givenName: 'Barbara', middleName: 'J' });
  });

  it('patch: password (writeOnly) can be set', () => {
    expect(patchUser([{ op: 'replace', path: 'password', value: 't1meMa$heen' }]).resource.password).toBe('t1meMa$heen');
  });

  it('patch: remove without a path is noTarget', () => {
    expectScimError(() => patchUser([{ op: 'remove' }]), 'noTarget', /needs a "path"/);
  });

  it('patch: unknown attribute paths are invalidPath', () => {
    expectScimError(() => patchUser([{ op: 'replace', path: 'favouriteColour', value: 'blue' }]), 'invalidPath');
  });

  it('patch: a value of the wrong type is invalidValue', () => {
    expectScimError(() => patchUser([{ op: 'replace', path: 'title', value: { x: 1 } }]), 'invalidValue', /expected a string/);
    expectScimError(() => patchUser([{ op: 'replace', path: 'name', value: 'Barbara' }]), 'invalidValue', /expected an object/);
    expectScimError(() => patchUser([{ op: 'add', path: 'emails', value: [{ value: 'a@b.c', colour: 'red' }] }]), 'invalidValue', /'colour'/);
  });

  it('patch: the input resource is not modified and a failing operation aborts the whole request', () => {
    const user = bjensen();
    const before = structuredClone(user);
    expectScimError(
      () =>
        applyPatch(
          user,
          [
            { op: 'replace', path: 'title', value: 'Changed' },
            { op: 'replace', path: 'id', value: 'other' },
          ],
          'User',
        ),
      'mutability',
    );
    applyPatch(user, [{ op: 'replace', path: 'title', value: 'Changed' }], 'User');
    expect(user).toEqual(before);
  });
});

describe('patch: booleans (Entra sends strings)', () => {
  it('patch: "False"/"True" in any case are coerced for boolean attributes', () => {
    expect(patchUser([{ op: 'Replace', path: 'active', value: 'False' }]).resource.active).toBe(false);
    expect(patchUser([{ op: 'Replace', path: 'active', value: 'TRUE' }], { ...bjensen(), active: false }).resource.active).toBe(true);
    expect(patchUser([{ op: 'replace', path: 'active', value: false }]).resource.active).toBe(false);
  });

  it('patch: Okta deactivation `{"op":"replace","value":{"active":false}}` works without a path', () => {
    const { resource, changed } = patchUser([{ op: 'replace', value: { active: false } }]);
    expect(resource.active).toBe(false);
    expect(changed).toEqual(['active']);
  });

  it('patch: a non-boolean string for a boolean attribute is invalidValue', () => {
    expectScimError(() => patchUser([{ op: 'replace', path: 'active', value: 'yes' }]), 'invalidValue', /true or false/);
  });
});

describe('patch: without a path', () => {
  it('patch: add without path sets each attribute of the value object', () => {
    const { resource, changed } = patchUser([{ op: 'add', value: { nickName: 'Babs', title: 'Lead' } }]);
    expect(resource).toMatchObject({ nickName: 'Babs', title: 'Lead' });
    expect(changed.sort()).toEqual(['nickName', 'title']);
  });

  it('patch: dotted keys (`"name.givenName"`) in a path-less value address sub-attributes', () => {
    const { resource } = patchUser([{ op: 'replace', value: { 'name.givenName': 'Babs', 'NAME.familyName': 'J' } }]);
    expect(resource.name).toEqual({ formatted: 'Ms. Barbara J Jensen III', familyName: 'J', givenName: 'Babs' });
  });

  it('patch: URN-qualified keys (`"urn:…:enterprise:2.0:User:department"`) in a path-less value', () => {
    const { resource, changed } = patchUser([{ op: 'replace', value: { [`${ENTERPRISE}:department`]: 'Sales' } }]);
    expect(enterprise(resource)?.department).toBe('Sales');
    expect(changed).toEqual([`${ENTERPRISE}:department`]);
  });

  it('patch: a nested object under the extension URN key in a path-less value', () => {
    const { resource } = patchUser([{ op: 'replace', value: { [ENTERPRISE]: { department: 'Sales', costCenter: 'CC-1' } } }]);
    expect(enterprise(resource)).toMatchObject({ department: 'Sales', costCenter: 'CC-1', employeeNumber: '701984' });
  });

  it('patch: a filtered path as a key of a path-less value is honoured', () => {
    const { resource } = patchUser([{ op: 'replace', value: { 'emails[type eq "work"].value': 'new@example.com' } }]);
    expect(resource.emails).toEqual([
      { value: 'new@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ]);
  });

  it('patch: `schemas` and `meta` keys in a path-less value are ignored', () => {
    const { resource, changed } = patchUser([
      { op: 'replace', value: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], meta: { version: 'x' }, title: 'New' } },
    ]);
    expect(resource.schemas).toEqual(bjensen().schemas);
    expect(resource.meta).toEqual(bjensen().meta);
    expect(changed).toEqual(['title']);
  });

  it('patch: unknown keys in a path-less value are invalidPath', () => {
    expectScimError(() => patchUser([{ op: 'add', value: { favouriteColour: 'blue' } }]), 'invalidPath', /favouriteColour/);
  });

  it('patch: a path-less add whose value is not an object is invalidValue', () => {
    expectScimError(() => patchUser([{ op: 'add', value: 'x' }]), 'invalidValue', /object value/);
  });
});

describe('patch: read-only, required and immutable attributes', () => {
  it('patch: modifying id, meta or groups through a path is mutability', () => {
    expectScimError(() => patchUser([{ op: 'replace', path: 'id', value: 'x' }]), 'mutability', /'id' is read-only/);
    expectScimError(() => patchUser([{ op: 'replace', path: 'meta.lastModified', value: '2020-01-01T00:00:00Z' }]), 'mutability');
    expectScimError(() => patchUser([{ op: 'add', path: 'groups', value: [{ value: 'g' }] }]), 'mutability', /groups/);
    expectScimError(() => patchUser([{ op: 'remove', path: 'groups' }]), 'mutability');
  });

  it('patch: a read-only sub-attribute addressed by path is mutability (`manager.displayName`)', () => {
    expectScimError(() => patchUser([{ op: 'replace', path: `${ENTERPRISE}:manager.displayName`, value: 'X' }]), 'mutability');
  });

  it('patch: Okta group rename repeating the unchanged id is accepted; a different id is mutability', () => {
    const renamed = applyPatch(group(), [{ op: 'replace', value: { id: 'g-1', displayName: 'Guides' } }], 'Group');
    expect(renamed.resource.displayName).toBe('Guides');
    expect(renamed.changed).toEqual(['displayName']);
    expectScimError(() => applyPatch(group(), [{ op: 'replace', value: { id: 'g-2', displayName: 'Guides' } }], 'Group'), 'mutability');
  });

  it('patch: with ignoreReadOnlyValues, read-only keys of a path-less value are dropped (POST semantics)', () => {
    const { resource } = applyPatch(
      { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'] },
      [{ op: 'add', value: { id: 'client-chosen', groups: [{ value: 'g' }], userName: 'new@x.org' } }],
      'User',
      { ignoreReadOnlyValues: true },
    );
    expect(resource).toEqual({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'new@x.org' });
    expectScimError(() => applyPatch(bjensen(), [{ op: 'replace', path: 'id', value: 'x' }], 'User', { ignoreReadOnlyValues: true }), 'mutability');
  });

  it('patch: removing or clearing a required attribute (userName, Group displayName) is mutability', () => {
    expectScimError(() => patchUser([{ op: 'remove', path: 'userName' }]), 'mutability', /required/);
    expectScimError(() => patchUser([{ op: 'replace', path: 'userName', value: null }]), 'mutability', /required/);
    expectScimError(() => applyPatch(group(), [{ op: 'replace', path: 'displayName', value: '' }], 'Group'), 'mutability');
  });

  it('patch: an immutable attribute may be added when unset but not replaced or removed', () => {
    expect(applyPatch({ id: 'w' }, [{ op: 'add', path: 'serial', value: 'S1' }], WIDGET).resource.serial).toBe('S1');
    expect(applyPatch({ id: 'w', serial: 'S1' }, [{ op: 'replace', path: 'serial', value: 'S1' }], WIDGET).changed).toEqual([]);
    expectScimError(() => applyPatch({ id: 'w', serial: 'S1' }, [{ op: 'replace', path: 'serial', value: 'S2' }], WIDGET), 'mutability', /immutable/);
    expectScimError(() => applyPatch({ id: 'w', serial: 'S1' }, [{ op: 'remove', path: 'serial' }], WIDGET), 'mutability');
  });

  it('patch: an immutable member sub-attribute cannot be changed through a filtered path', () => {
    expectScimError(
      () => applyPatch(group(), [{ op: 'replace', path: 'members[value eq "u1"].type', value: 'Group' }], 'Group'),
      'mutability',
      /immutable/,
    );
  });

  it('patch: integer and decimal values are type-checked, numeric strings coerced', () => {
    expect(applyPatch({}, [{ op: 'add', path: 'size', value: '12' }], WIDGET).resource.size).toBe(12);
    expectScimError(() => applyPatch({}, [{ op: 'add', path: 'size', value: 1.5 }], WIDGET), 'invalidValue', /integer/);
    expect(applyPatch({}, [{ op: 'add', path: 'weight', value: 1.5 }], WIDGET).resource.weight).toBe(1.5);
  });
});

describe('patch: multi-valued attributes', () => {
  it('patch: add appends new values to a multi-valued attribute', () => {
    const { resource, changed } = patchUser([{ op: 'add', path: 'emails', value: [{ value: 'other@x.org', type: 'other' }] }]);
    expect(resource.emails).toHaveLength(3);
    expect(changed).toEqual(['emails']);
  });

  it('patch: adding a value already present changes nothing', () => {
    const { changed } = patchUser([{ op: 'add', path: 'emails', value: [{ value: 'BJENSEN@example.com', type: 'work' }] }]);
    expect(changed).toEqual([]);
  });

  it('patch: add accepts a single object for a multi-valued attribute', () => {
    const { resource } = patchUser([{ op: 'add', path: 'phoneNumbers', value: { value: '555-0100', type: 'mobile' } }]);
    expect(resource.phoneNumbers).toEqual([
      { value: '555-555-8377', type: 'work' },
      { value: '555-0100', type: 'mobile' },
    ]);
  });

  it('patch: replace without a filter replaces all values', () => {
    const { resource } = patchUser([{ op: 'replace', path: 'emails', value: [{ value: 'only@x.org', type: 'work' }] }]);
    expect(resource.emails).toEqual([{ value: 'only@x.org', type: 'work' }]);
  });

  it('patch: replace `emails[type eq "work"].value` replaces the matching entry\'s value only', () => {
    const { resource } = patchUser([{ op: 'replace', path: 'emails[type eq "work"].value', value: 'babs@example.com' }]);
    expect(resource.emails).toEqual([
      { value: 'babs@example.com', type: 'work', primary: true },
      { value: 'babs@jensen.org', type: 'home' },
    ]);
  });

  it('patch: replace `addresses[type eq "work"].streetAddress` (RFC example)', () => {
    const { resource } = patchUser([{ op: 'replace', path: 'addresses[type eq "work"].streetAddress', value: '911 Universal City Plaza' }]);
    expect(resource.addresses).toEqual([{ type: 'work', streetAddress: '911 Universal City Plaza', locality: 'Hollywood', primary: true }]);
  });

  it('patch: replace with a value filter and no sub-attribute replaces the whole matching entry', () => {
    const { resource } = patchUser([{ op: 'replace', path: 'emails[type eq "home"]', value: { value: 'b@home.org', type: 'home' } }]);
    expect(resource.emails).toEqual([
      { value: 'bjensen@example.com', type: 'work', primary: true },
      { value: 'b@home.org', type: 'home' },
    ]);
  });

  it('patch: replace with a value filter that matches nothing is noTarget (RFC 7644 §3.5.2.3)', () => {
    expectScimError(() => patchUser([{ op: 'replace', path: 'emails[type eq "other"].value', value: 'x@y.z' }]), 'noTarget', /emails/);
    expectScimError(() => patchUser([{ op: 'replace', path: 'emails[type eq "other"]', value: { value: 'x@y.z' } }]), 'noTarget');
  });

  it('patch: with createOnReplaceNoMatch, a replace whose filter matches nothing creates the entry', () => {
    const { resource } = applyPatch(alice(), [{ op: 'Replace', path: 'emails[type eq "work"].value', value: 'alice@example.com' }], 'User', {
      createOnReplaceNoMatch: true,
    });
    expect(resource.emails).toEqual([{ type: 'work', value: 'alice@example.com' }]);
  });

  it('patch: add with a value filter that matches nothing creates the entry from the filter (Entra phoneNumbers)', () => {
    const { resource } = patchUser([{ op: 'Add', path: 'phoneNumbers[type eq "mobile"].value', value: '555-0199' }]);
    expect(resource.phoneNumbers).toEqual([
      { value: '555-555-8377', type: 'work' },
      { type: 'mobile', value: '555-0199' },
    ]);
  });

  it('patch: add with a value filter that cannot describe a new entry and matches nothing is noTarget', () => {
    expectScimError(() => patchUser([{ op: 'add', path: 'emails[value co "zzz"].type', value: 'work' }]), 'noTarget');
  });

  it('patch: remove with a value filter removes only the matching entries', () => {
    const { resource, changed } = patchUser([{ op: 'remove', path: 'emails[type eq "home"]' }]);
    expect(resource.emails).toEqual([{ value: 'bjensen@example.com', type: 'work', primary: true }]);
    expect(changed).toEqual(['emails']);
  });

  it('patch: remove with a value filter matching nothing is a no-op', () => {
    expect(patchUser([{ op: 'remove', path: 'emails[type eq "other"]' }]).changed).toEqual([]);
  });

  it('patch: removing the last value makes the attribute unassigned', () => {
    const { resource } = patchUser([{ op: 'remove', path: 'ims[type eq "aim"]' }]);
    expect(resource).not.toHaveProperty('ims');
  });

  it('patch: remove `emails[type eq "work"].value` drops the entry left with only type/primary', () => {
    const { resource } = patchUser([{ op: 'remove', path: 'emails[type eq "work"].value' }]);
    expect(resource.emails).toEqual([{ value: 'babs@jensen.org', type: 'home' }]);
  });

  it('patch: remove of a whole multi-valued attribute removes all values', () => {
    expect(patchUser([{ op: 'remove', path: 'emails' }]).resource).not.toHaveProperty('emails');
  });

  it('patch: a boolean filter value in a path (`emails[primary eq true]`) works', () => {
    const { resource } = patchUser([{ op: 'replace', path: 'emails[primary eq true].value', value: 'p@x.org' }]);
    expect(resource.emails).toMatchObject([{ value: 'p@x.org', primary: true }, { value: 'babs@jensen.org' }]);
  });
});

describe('patch: primary values (RFC 7643 §2.4)', () => {
  it('patch: adding a primary email clears primary on the others', () => {
    const { resource } = patchUser([{ op: 'add', path: 'emails', value: [{ value: 'new@x.org', type: 'other', primary: true }] }]);
    expect(resource.emails).toEqual([
      { value: 'bjensen@example.com', type: 'work' },
      { value: 'babs@jensen.org', type: 'home' },
      { value: 'new@x.org', type: 'other', primary: true },
    ]);
  });

  it('patch: setting primary "True" through a filtered path moves primary', () => {
    const { resource } = patchUser([{ op: 'replace', path: 'emails[type eq "home"].primary', value: 'True' }]);
    expect(resource.emails).toEqual([
      { value: 'bjensen@example.com', type: 'work' },
      { value: 'babs@jensen.org', type: 'home', primary: true },
    ]);
  });

  it('patch: a replacement list with two primaries keeps only the last', () => {
    const { resource } = patchUser([
      {
        op: 'replace',
        path: 'emails',
        value: [
          { value: 'a@x.org', primary: true },
          { value: 'b@x.org', primary: true },
        ],
      },
    ]);
    expect(resource.emails).toEqual([{ value: 'a@x.org' }, { value: 'b@x.org', primary: true }]);
  });

  it('patch: re-adding an existing email with primary true updates it in place', () => {
    const { resource } = patchUser([{ op: 'add', path: 'emails', value: [{ value: 'babs@jensen.org', type: 'home', primary: 'true' }] }]);
    expect(resource.emails).toEqual([
      { value: 'bjensen@example.com', type: 'work' },
      { value: 'babs@jensen.org', type: 'home', primary: true },
    ]);
  });
});

describe('patch: enterprise manager', () => {
  const managerPath = `${ENTERPRISE}:manager`;

  it('patch: manager given as an object `{value}` through its URN path', () => {
    const { resource, changed } = patchUser([{ op: 'replace', path: managerPath, value: { value: 'm-2' } }]);
    // A new manager id must not keep the previous manager's display name.
    expect(enterprise(resource)?.manager).toEqual({ value: 'm-2' });
    expect(changed).toEqual([managerPath]);
  });

  it('patch: manager given as a bare string id (Entra)', () => {
    const { resource } = patchUser([{ op: 'Add', path: managerPath, value: 'm-3' }]);
    expect(enterprise(resource)?.manager).toEqual({ value: 'm-3' });
  });

  it('patch: legacy `manager` path without the URN reaches the extension', () => {
    const { resource } = patchUser([{ op: 'Replace', path: 'manager', value: 'm-4' }]);
    expect(enterprise(resource)?.manager).toEqual({ value: 'm-4' });
  });

  it('patch: `manager.value` sub-attribute path', () => {
    const { resource } = patchUser([{ op: 'replace', path: `${managerPath}.value`, value: 'm-5' }]);
    expect(enterprise(resource)?.manager).toEqual({ value: 'm-5', displayName: 'John Smith' });
  });

  it('patch: remove manager, or replace it with "" or null, clears it', () => {
    for (const operation of [
      { op: 'remove', path: managerPath },
      { op: 'replace', path: managerPath, value: '' },
      { op: 'replace', path: managerPath, value: null },
      { op: 'replace', path: managerPath, value: { value: '' } },
    ]) {
      expect(enterprise(patchUser([operation]).resource)).not.toHaveProperty('manager');
    }
  });

  it('patch: remove manager with a value only removes when it matches', () => {
    expect(enterprise(patchUser([{ op: 'remove', path: managerPath, value: [{ value: 'someone-else' }] }]).resource)).toHaveProperty('manager');
    expect(enterprise(patchUser([{ op: 'remove', path: managerPath, value: { value: '26118915-6090-4610-87e4-49d8ca9f808d' } }]).resource)).not.toHaveProperty(
      'manager',
    );
  });

  it('patch: setting an extension attribute adds the extension URN to schemas', () => {
    const { resource, changed } = patchUser([{ op: 'add', path: `${ENTERPRISE}:department`, value: 'Legal' }], alice());
    expect(resource.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE]);
    expect(enterprise(resource)).toEqual({ department: 'Legal' });
    expect(changed).toEqual([`${ENTERPRISE}:department`]);
  });

  it('patch: emptying the extension removes its object and its URN from schemas', () => {
    const { resource } = patchUser([{ op: 'remove', path: ENTERPRISE }]);
    expect(resource).not.toHaveProperty(ENTERPRISE);
    expect(resource.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User']);
  });

  it('patch: clearing an extension attribute the user never had leaves schemas as it was', () => {
    const { resource, changed } = patchUser([{ op: 'replace', path: `${ENTERPRISE}:department`, value: null }], alice());
    expect(resource.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User']);
    expect(resource).not.toHaveProperty(ENTERPRISE);
    expect(changed).toEqual([]);
  });

  it('patch: add to the bare extension URN path sets its attributes', () => {
    const { resource } = patchUser([{ op: 'add', path: ENTERPRISE, value: { division: 'West', manager: 'm-9' } }]);
    expect(enterprise(resource)).toMatchObject({ division: 'West', manager: { value: 'm-9' }, employeeNumber: '701984' });
  });
});

describe('patch: roles (Entra encodings)', () => {
  it('patch: roles with "True" primary strings are normalised', () => {
    const { resource } = patchUser(
      [{ op: 'Add', path: 'roles', value: [{ primary: 'True', type: 'WindowsAzureActiveDirectoryRole', value: 'Admin' }] }],
      alice(),
    );
    expect(resource.roles).toEqual([{ primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'Admin' }]);
  });

  it('patch: a roles value that is a JSON-encoded string is parsed', () => {
    const encoded = JSON.stringify([{ primary: 'True', type: 'WindowsAzureActiveDirectoryRole', value: 'Admin' }]);
    const { resource } = patchUser([{ op: 'replace', path: 'roles', value: encoded }], alice());
    expect(resource.roles).toEqual([{ primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'Admin' }]);
  });

  it('patch: role entries that are JSON-encoded objects are parsed', () => {
    const { resource } = patchUser([{ op: 'add', path: 'roles', value: ['{"value":"Reader","display":"Reader"}'] }], alice());
    expect(resource.roles).toEqual([{ value: 'Reader', display: 'Reader' }]);
  });

  it('patch: an app-role entry whose value is a JSON object string keeps the inner value and display name', () => {
    const value = JSON.stringify({ id: '7c3d', value: 'Admin', displayName: 'Administrator' });
    const { resource } = patchUser([{ op: 'Add', path: 'roles', value: [{ value }] }], alice());
    expect(resource.roles).toEqual([{ value: 'Admin', display: 'Administrator' }]);
  });

  it('patch: bare role strings (the seed\'s `"roles": ["string"]`) become `{value}` entries', () => {
    const { resource } = patchUser([{ op: 'add', value: { roles: ['Auditor', 'Reader'] } }], alice());
    expect(resource.roles).toEqual([{ value: 'Auditor' }, { value: 'Reader' }]);
  });
});

describe('patch: group members in the resource', () => {
  const ids = (resource: ScimObject): unknown[] => ((resource.members as ScimObject[] | undefined) ?? []).map((member) => member.value);

  it('patch: adding members adds only those not already present', () => {
    const { resource, changed } = applyPatch(group(), [{ op: 'Add', path: 'members', value: [{ value: 'u2' }, { value: 'u3' }] }], 'Group');
    expect(ids(resource)).toEqual(['u1', 'u2', 'u3']);
    expect(changed).toEqual(['members']);
  });

  it('patch: adding members that are all present is a no-op', () => {
    expect(applyPatch(group(), [{ op: 'add', path: 'members', value: [{ value: 'u1' }] }], 'Group').changed).toEqual([]);
  });

  it('patch: Entra remove of members with a value list removes exactly the listed members, never all', () => {
    const { resource } = applyPatch(group(['u1', 'u2', 'u3']), [{ op: 'Remove', path: 'members', value: [{ value: 'u2' }, { value: 'absent' }] }], 'Group');
    expect(ids(resource)).toEqual(['u1', 'u3']);
  });

  it('patch: removing members that are absent is a no-op', () => {
    expect(applyPatch(group(), [{ op: 'remove', path: 'members', value: [{ value: 'nobody' }] }], 'Group').changed).toEqual([]);
  });

  it('patch: remove `members` without a value removes all members', () => {
    expect(applyPatch(group(), [{ op: 'remove', path: 'members' }], 'Group').resource).not.toHaveProperty('members');
  });

  it('patch: replace `members` with a list replaces the whole membership (Okta)', () => {
    const { resource } = applyPatch(group(['u1', 'u2']), [{ op: 'replace', path: 'members', value: [{ value: 'u3' }, { value: 'u1' }] }], 'Group');
    expect(ids(resource)).toEqual(['u3', 'u1']);
  });

  it('patch: remove `members[value eq "u1"]` and `members[value eq "u1" or value eq "u3"]`', () => {
    expect(ids(applyPatch(group(['u1', 'u2']), [{ op: 'remove', path: 'members[value eq "u1"]' }], 'Group').resource)).toEqual(['u2']);
    expect(
      ids(applyPatch(group(['u1', 'u2', 'u3']), [{ op: 'remove', path: 'members[value eq "u1" or value eq "u3"]' }], 'Group').resource),
    ).toEqual(['u2']);
  });

  it('patch: member ids are caseExact', () => {
    expect(ids(applyPatch(group(['u1']), [{ op: 'remove', path: 'members', value: [{ value: 'U1' }] }], 'Group').resource)).toEqual(['u1']);
  });
});

describe('patch: changed attributes', () => {
  it('patch: replacing a value with itself reports no change', () => {
    expect(patchUser([{ op: 'replace', path: 'userName', value: 'bjensen@example.com' }]).changed).toEqual([]);
  });

  it('patch: several operations report each changed top-level attribute once', () => {
    const { changed } = patchUser([
      { op: 'replace', path: 'name.givenName', value: 'B' },
      { op: 'replace', path: 'name.familyName', value: 'J' },
      { op: 'add', path: `${ENTERPRISE}:costCenter`, value: 'CC' },
      { op: 'replace', path: 'active', value: 'False' },
    ]);
    expect(changed.sort()).toEqual(['active', 'name', `${ENTERPRISE}:costCenter`].sort());
  });
});

/** What a call returns, or the error it throws as plain data (class, code, scimType, field, message). */
function outcome(action: () => unknown): unknown {
  try {
    return { returned: action() };
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { thrown: { name: error.name, code: error.code, scimType: error.scimType, field: error.field, message: error.message } };
  }
}

describe('patch: applyAttributes (POST/PUT bodies, plain attribute paths only)', () => {
  const userBodies: Record<string, ScimObject> = {
    'a full User with dotted and URN keys': {
      userName: 'bjensen',
      name: { givenName: 'Barbara', familyName: 'Jensen', formatted: '' },
      'name.middleName': 'Jane',
      emails: [{ value: 'bjensen@example.com', type: 'work', primary: 'True' }, { value: 'b@home.example', type: 'home', primary: true }],
      [`${ENTERPRISE}:department`]: 'Sales',
      [ENTERPRISE]: { employeeNumber: 42, manager: 'boss-id' },
    },
    'Entra dialect: string booleans, JSON-encoded roles, manager without URN object': {
      userName: 'entra@example.com',
      active: 'False',
      roles: '[{"value":"{\\"id\\":\\"r1\\",\\"value\\":\\"Admin\\",\\"displayName\\":\\"Admin\\"}"}]',
      [`${ENTERPRISE}:manager`]: { value: 'm1' },
    },
    'read-only attributes and schemas': { userName: 'x', schemas: ['urn:whatever'], meta: { version: 'W/"1"' }, groups: [{ value: 'g' }] },
    'cleared values and an empty extension': { userName: 'x', title: '', nickName: null, [ENTERPRISE]: {} },
    'a wrong type': { userName: 'x', active: 'maybe' },
    'a non-integer for an integer': { userName: 'x', [`${ENTERPRISE}:employeeNumber`]: 'x' },
    'an unknown sub-attribute': { userName: 'x', name: { nickname: 'x' } },
    'an unknown key inside the extension object': { userName: 'x', [ENTERPRISE]: { favouriteColour: 'blue' } },
    'a read-only id': { userName: 'x', id: 'other' },
    'a value filter on a single-valued complex attribute inside the extension': { userName: 'x', [ENTERPRISE]: { 'manager[value eq "a"]': 'b' } },
  };

  for (const [name, body] of Object.entries(userBodies)) {
    it(`applyAttributes: ${name} gives exactly what a path-less PATCH add gives`, () => {
      const start = { schemas: [USER_SCHEMA] };
      expect(outcome(() => applyAttributes(start, body, 'User'))).toEqual(outcome(() => applyPatch(start, [{ op: 'add', value: body }], 'User')));
      expect(outcome(() => applyAttributes(bjensen(), body, 'User'))).toEqual(outcome(() => applyPatch(bjensen(), [{ op: 'add', value: body }], 'User')));
    });
  }

  it('applyAttributes: a Group body gives exactly what a path-less PATCH add gives', () => {
    for (const body of [{ displayName: ' Admins ', externalId: 'e1' }, { displayName: '' }, { displayName: 'x', members: [{ value: 'u1' }] }]) {
      expect(outcome(() => applyAttributes({ schemas: [GROUP_SCHEMA] }, body, 'Group'))).toEqual(
        outcome(() => applyPatch({ schemas: [GROUP_SCHEMA] }, [{ op: 'add', value: body }], 'Group')),
      );
    }
  });

  it('applyAttributes: ignoreReadOnlyValues drops read-only keys as in PATCH', () => {
    const body = { userName: 'x', id: 'other', meta: { version: 'x' } };
    expect(applyAttributes(bjensen(), body, 'User', { ignoreReadOnlyValues: true })).toEqual(
      applyPatch(bjensen(), [{ op: 'add', value: body }], 'User', { ignoreReadOnlyValues: true }),
    );
  });

  it('applyAttributes: a value filter in a key is invalidPath (PATCH honours it), and the input is not modified', () => {
    const user = bjensen();
    expectScimError(() => applyAttributes(user, { 'emails[type eq "work"].value': 'new@example.com' }, 'User'), 'invalidPath', /emails\[type eq "work"\]\.value/);
    expectScimError(() => applyAttributes(user, { 'emails[type eq "work"': 'x' }, 'User'), 'invalidPath');
    expect(user).toEqual(bjensen());
  });
});
