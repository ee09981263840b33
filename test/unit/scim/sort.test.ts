import { describe, expect, it } from 'vitest';
import type { ScimObject } from '../../../shared/scim/json.ts';
import { compileSortComparator, parseSortOrder, sortResources } from '../../../shared/scim/sort.ts';
import { ENTERPRISE, alice, bjensen, expectScimError, jsmith, users } from './fixtures.ts';

const names = (resources: ScimObject[]): unknown[] => resources.map((resource) => resource.userName);
const B = 'bjensen@example.com';
const J = 'JSmith@Example.org';
const A = 'alice';

describe('sort', () => {
  it('sort: userName ascending is case-insensitive (userName is not caseExact)', () => {
    expect(names(sortResources(users(), 'userName', undefined, 'User'))).toEqual([A, B, J]);
  });

  it('sort: descending reverses the order; sortOrder is case-insensitive', () => {
    expect(names(sortResources(users(), 'userName', 'DESCENDING', 'User'))).toEqual([J, B, A]);
  });

  it('sort: caseExact attributes (externalId) sort by code unit, upper case first', () => {
    const list = [{ ...bjensen(), externalId: 'b' }, { ...jsmith(), externalId: 'B' }, { ...alice(), externalId: 'a' }];
    expect(names(sortResources(list, 'externalId', 'ascending', 'User'))).toEqual([J, A, B]);
  });

  it('sort: resources without a value go last when ascending and first when descending (RFC 7644 §3.4.2.3)', () => {
    // Only bjensen has a non-empty title; alice's "" counts as no value.
    expect(names(sortResources(users(), 'title', 'ascending', 'User'))).toEqual([B, J, A]);
    expect(names(sortResources(users(), 'title', 'descending', 'User'))).toEqual([J, A, B]);
  });

  it('sort: a multi-valued attribute sorts by its primary value, else its first', () => {
    const x = { userName: 'x', emails: [{ value: 'z@x.org' }, { value: 'a@x.org', primary: true }] };
    const y = { userName: 'y', emails: [{ value: 'm@x.org' }, { value: 'b@x.org' }] };
    expect(names(sortResources([y, x], 'emails.value', undefined, 'User'))).toEqual(['x', 'y']);
    expect(names(sortResources([x, y], 'emails', undefined, 'User'))).toEqual(['x', 'y']);
  });

  it('sort: dateTime sorts chronologically across formats', () => {
    expect(names(sortResources(users(), 'meta.created', 'descending', 'User'))).toEqual([A, J, B]);
  });

  it('sort: booleans sort false before true', () => {
    expect(names(sortResources(users(), 'active', undefined, 'User'))).toEqual([J, B, A]);
  });

  it('sort: extension attributes sort through their URN path', () => {
    const list = [{ userName: 'p', [ENTERPRISE]: { department: 'Zoo' } }, { userName: 'q', [ENTERPRISE]: { department: 'art' } }, { userName: 'r' }];
    expect(names(sortResources(list, `${ENTERPRISE}:department`, undefined, 'User'))).toEqual(['q', 'p', 'r']);
  });

  it('sort: ties keep their input order (stable)', () => {
    const list = ['one', 'two', 'three'].map((userName) => ({ userName, userType: 'Same' }));
    expect(names(sortResources(list, 'userType', 'descending', 'User'))).toEqual(['one', 'two', 'three']);
  });

  it('sort: the comparator form sorts like sortResources', () => {
    const compare = compileSortComparator('name.familyName', 'ascending', 'User');
    expect(names([...users()].sort(compare))).toEqual([B, A, J]);
  });

  it('sort: unknown sortBy, a complex attribute without value, and a bad sortOrder are invalidValue', () => {
    expectScimError(() => sortResources(users(), 'favouriteColour', undefined, 'User'), 'invalidValue', /sortBy/);
    expectScimError(() => sortResources(users(), 'name', undefined, 'User'), 'invalidValue', /name\.formatted/);
    expectScimError(() => parseSortOrder('upwards'), 'invalidValue', /sortOrder/);
  });

  it('sort: sortOrder defaults to ascending', () => {
    expect(parseSortOrder(undefined)).toBe('ascending');
    expect(parseSortOrder('')).toBe('ascending');
  });
});
