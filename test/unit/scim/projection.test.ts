import { describe, expect, it } from 'vitest';
import { compileProjection, parseAttributeList, projectResource } from '../../../shared/scim/projection.ts';
import { ENTERPRISE, WIDGET, alice, bjensen, group } from './fixtures.ts';

describe('projection', () => {
  it('projection: with no parameters every attribute except returned:never (password) is kept', () => {
    const projected = projectResource(alice(), 'User');
    expect(projected).not.toHaveProperty('password');
    const { password: _password, ...rest } = alice();
    expect(projected).toEqual(rest);
  });

  it('projection: `attributes=userName` returns userName plus the always-returned id and schemas', () => {
    expect(projectResource(bjensen(), 'User', { attributes: 'userName' })).toEqual({
      schemas: bjensen().schemas,
      id: bjensen().id,
      userName: 'bjensen@example.com',
    });
  });

  it('projection: `attributes=name.givenName` returns just that sub-attribute', () => {
    expect(projectResource(bjensen(), 'User', { attributes: 'name.givenName' })).toMatchObject({ name: { givenName: 'Barbara' } });
    expect(projectResource(bjensen(), 'User', { attributes: 'name.givenName' }).name).toEqual({ givenName: 'Barbara' });
  });

  it('projection: `attributes=emails.value` returns the value of every email', () => {
    expect(projectResource(bjensen(), 'User', { attributes: 'emails.value' }).emails).toEqual([
      { value: 'bjensen@example.com' },
      { value: 'babs@jensen.org' },
    ]);
  });

  it('projection: attribute names are case-insensitive and output uses canonical names', () => {
    const projected = projectResource(bjensen(), 'User', { attributes: 'USERNAME, Name.GivenName,displayname' });
    expect(Object.keys(projected)).toEqual(['schemas', 'id', 'userName', 'name', 'displayName']);
  });

  it('projection: URN-qualified attributes select inside the extension', () => {
    const projected = projectResource(bjensen(), 'User', { attributes: `${ENTERPRISE}:manager.value,urn:ietf:params:scim:schemas:core:2.0:User:userName` });
    expect(projected).toEqual({
      schemas: bjensen().schemas,
      id: bjensen().id,
      userName: 'bjensen@example.com',
      [ENTERPRISE]: { manager: { value: '26118915-6090-4610-87e4-49d8ca9f808d' } },
    });
  });

  it('projection: the bare extension URN selects the whole extension', () => {
    const projected = projectResource(bjensen(), 'User', { attributes: ENTERPRISE });
    expect(projected[ENTERPRISE]).toEqual(bjensen()[ENTERPRISE]);
    expect(projected).not.toHaveProperty('userName');
  });

  it('projection: `excludedAttributes=members` drops members from a Group (Entra)', () => {
    const projected = projectResource(group(), 'Group', { excludedAttributes: 'members' });
    expect(projected).not.toHaveProperty('members');
    expect(projected).toMatchObject({ id: 'g-1', displayName: 'Tour Guides', meta: { resourceType: 'Group' } });
  });

  it('projection: always-returned attributes (id, schemas) survive excludedAttributes', () => {
    const projected = projectResource(bjensen(), 'User', { excludedAttributes: 'id,schemas,userName' });
    expect(projected.id).toBe(bjensen().id);
    expect(projected.schemas).toEqual(bjensen().schemas);
    expect(projected).not.toHaveProperty('userName');
  });

  it('projection: excluding a sub-attribute keeps the rest of the complex attribute', () => {
    expect(projectResource(bjensen(), 'User', { excludedAttributes: 'name.familyName' }).name).toEqual({
      formatted: 'Ms. Barbara J Jensen III',
      givenName: 'Barbara',
    });
    expect(projectResource(bjensen(), 'User', { excludedAttributes: 'emails.type' }).emails).toEqual([
      { value: 'bjensen@example.com', primary: true },
      { value: 'babs@jensen.org' },
    ]);
  });

  it('projection: excluding an extension attribute or the whole extension', () => {
    expect(projectResource(bjensen(), 'User', { excludedAttributes: `${ENTERPRISE}:manager` })[ENTERPRISE]).toEqual({
      employeeNumber: '701984',
      department: 'Tour Operations',
    });
    expect(projectResource(bjensen(), 'User', { excludedAttributes: ENTERPRISE })).not.toHaveProperty(ENTERPRISE);
  });

  it('projection: password is never returned, even when asked for', () => {
    expect(projectResource(alice(), 'User', { attributes: 'password,userName' })).not.toHaveProperty('password');
  });

  it('projection: returned:request attributes appear only when named in attributes', () => {
    const widget = { id: 'w1', label: 'L', internalNote: 'secret' };
    expect(projectResource(widget, WIDGET)).toEqual({ id: 'w1', label: 'L' });
    expect(projectResource(widget, WIDGET, { excludedAttributes: 'label' })).toEqual({ id: 'w1' });
    expect(projectResource(widget, WIDGET, { attributes: 'internalNote' })).toEqual({ id: 'w1', internalNote: 'secret' });
  });

  it('projection: meta is a default attribute: kept normally, dropped when attributes lists others', () => {
    expect(projectResource(group(), 'Group')).toHaveProperty('meta');
    expect(projectResource(group(), 'Group', { attributes: 'displayName' })).not.toHaveProperty('meta');
    expect(projectResource(group(), 'Group', { attributes: 'displayName,meta.lastModified' }).meta).toEqual({ lastModified: '2020-01-01T00:00:00Z' });
  });

  it('projection: unknown names in attributes/excludedAttributes are ignored', () => {
    expect(projectResource(bjensen(), 'User', { attributes: 'favouriteColour,userName' })).toEqual({
      schemas: bjensen().schemas,
      id: bjensen().id,
      userName: 'bjensen@example.com',
    });
    expect(projectResource(bjensen(), 'User', { excludedAttributes: 'favouriteColour' })).toEqual(bjensen());
  });

  it('projection: attributes and excludedAttributes may be arrays, and both apply together', () => {
    expect(projectResource(bjensen(), 'User', { attributes: ['userName', 'name'], excludedAttributes: ['name.formatted'] })).toEqual({
      schemas: bjensen().schemas,
      id: bjensen().id,
      userName: 'bjensen@example.com',
      name: { familyName: 'Jensen', givenName: 'Barbara' },
    });
  });

  it('projection: key order of the stored representation is preserved', () => {
    expect(Object.keys(projectResource(group(), 'Group'))).toEqual(['schemas', 'id', 'displayName', 'members', 'meta']);
  });

  it('projection: a compiled projector can be reused over a page', () => {
    const project = compileProjection('Group', { excludedAttributes: 'members' });
    const page = Array.from({ length: 1000 }, () => group());
    expect(page.map(project).every((resource) => !('members' in resource))).toBe(true);
  });

  it('projection: parseAttributeList splits on commas and drops blanks', () => {
    expect(parseAttributeList(' userName, ,name.givenName ,')).toEqual(['userName', 'name.givenName']);
    expect(parseAttributeList(undefined)).toEqual([]);
  });
});
