import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../shared/errors/domain-errors.ts';
import { MAX_PATCH_VALUES, planGroupMemberChanges, replacementMemberIds } from '../../../shared/scim/patch.ts';
import { expectScimError } from './fixtures.ts';

describe('planGroupMemberChanges', () => {
  it('members plan: add with a member list yields the ids to add', () => {
    expect(planGroupMemberChanges([{ op: 'Add', path: 'members', value: [{ value: 'u1' }, { value: 'u2', display: 'Two' }] }])).toEqual({
      add: ['u1', 'u2'],
      remove: [],
      otherOps: [],
    });
  });

  it('members plan: Entra remove with a value list yields exactly those ids, never remove-all', () => {
    const plan = planGroupMemberChanges([{ op: 'Remove', path: 'members', value: [{ value: 'u1' }, { value: 'u3' }] }]);
    expect(plan).toEqual({ add: [], remove: ['u1', 'u3'], otherOps: [] });
    expect(plan.removeAll).toBeUndefined();
  });

  it('members plan: remove `members` without a value is removeAll', () => {
    expect(planGroupMemberChanges([{ op: 'remove', path: 'members' }])).toEqual({ add: [], remove: [], removeAll: true, otherOps: [] });
  });

  it('members plan: replace `members` is a full membership replacement (Okta)', () => {
    expect(planGroupMemberChanges([{ op: 'replace', path: 'members', value: [{ value: 'u1' }, { value: 'u2' }] }])).toEqual({
      add: [],
      remove: [],
      replaceAll: ['u1', 'u2'],
      otherOps: [],
    });
    expect(planGroupMemberChanges([{ op: 'replace', path: 'members', value: [] }]).replaceAll).toEqual([]);
  });

  it('members plan: remove by filter `members[value eq "x"]` maps to the id', () => {
    expect(planGroupMemberChanges([{ op: 'remove', path: 'members[value eq "u9"]' }]).remove).toEqual(['u9']);
  });

  it('members plan: remove by filter `members[value eq "x" or value eq "y"]` maps to both ids', () => {
    expect(planGroupMemberChanges([{ op: 'remove', path: 'members[Value EQ "x" or (value eq "y")]' }]).remove).toEqual(['x', 'y']);
  });

  it('members plan: other member filter shapes are invalidFilter with a clear message', () => {
    for (const path of ['members[display eq "Joe"]', 'members[value ne "x"]', 'members[value eq "x" and type eq "User"]', 'members[value co "x"]', 'members[value pr]']) {
      expectScimError(() => planGroupMemberChanges([{ op: 'remove', path }]), 'invalidFilter', /use value eq "<id>"/);
    }
  });

  it('members plan: a members filter with add or replace, or a member sub-attribute path, is invalidPath', () => {
    expectScimError(() => planGroupMemberChanges([{ op: 'add', path: 'members[value eq "x"]', value: [{ value: 'y' }] }]), 'invalidPath', /only with remove/);
    expectScimError(() => planGroupMemberChanges([{ op: 'replace', path: 'members[value eq "x"].display', value: 'Y' }]), 'invalidPath', /sub-attributes/);
  });

  it('members plan: operations not about members are passed through in order', () => {
    const plan = planGroupMemberChanges([
      { op: 'Replace', path: 'displayName', value: 'New name' },
      { op: 'Add', path: 'members', value: [{ value: 'u1' }] },
      { op: 'add', path: 'externalId', value: 'ext' },
    ]);
    expect(plan.add).toEqual(['u1']);
    expect(plan.otherOps).toEqual([
      { op: 'replace', path: 'displayName', value: 'New name' },
      { op: 'add', path: 'externalId', value: 'ext' },
    ]);
  });

  it('members plan: a path-less value is split into members and the other attributes', () => {
    const plan = planGroupMemberChanges([{ op: 'replace', value: { id: 'g-1', displayName: 'Guides', members: [{ value: 'u5' }] } }]);
    expect(plan.replaceAll).toEqual(['u5']);
    expect(plan.otherOps).toEqual([{ op: 'replace', value: { id: 'g-1', displayName: 'Guides' } }]);
    expect(planGroupMemberChanges([{ op: 'add', value: { Members: [{ value: 'u6' }] } }])).toEqual({ add: ['u6'], remove: [], otherOps: [] });
  });

  it('members plan: the core Group URN as path is treated like no path', () => {
    const plan = planGroupMemberChanges([{ op: 'add', path: 'urn:ietf:params:scim:schemas:core:2.0:Group', value: { members: [{ value: 'u7' }], externalId: 'e' } }]);
    expect(plan.add).toEqual(['u7']);
    expect(plan.otherOps).toEqual([{ op: 'add', value: { externalId: 'e' } }]);
  });

  it('members plan: a URN-qualified members path is recognised', () => {
    expect(planGroupMemberChanges([{ op: 'add', path: 'urn:ietf:params:scim:schemas:core:2.0:Group:members', value: [{ value: 'u8' }] }]).add).toEqual(['u8']);
  });

  it('members plan: operations combine in order (add then remove cancels; remove then add re-adds)', () => {
    expect(
      planGroupMemberChanges([
        { op: 'add', path: 'members', value: [{ value: 'a' }, { value: 'b' }] },
        { op: 'remove', path: 'members', value: [{ value: 'a' }] },
      ]),
    ).toEqual({ add: ['b'], remove: ['a'], otherOps: [] });
    expect(
      planGroupMemberChanges([
        { op: 'remove', path: 'members[value eq "a"]' },
        { op: 'add', path: 'members', value: [{ value: 'a' }] },
      ]),
    ).toEqual({ add: ['a'], remove: [], otherOps: [] });
  });

  it('members plan: add and remove after a replace edit the replacement list', () => {
    const plan = planGroupMemberChanges([
      { op: 'replace', path: 'members', value: [{ value: 'a' }, { value: 'b' }] },
      { op: 'add', path: 'members', value: [{ value: 'c' }] },
      { op: 'remove', path: 'members[value eq "a"]' },
    ]);
    expect(plan).toEqual({ add: [], remove: [], replaceAll: ['b', 'c'], otherOps: [] });
  });

  it('members plan: remove-all followed by add keeps removeAll and the added ids', () => {
    expect(
      planGroupMemberChanges([
        { op: 'remove', path: 'members' },
        { op: 'add', path: 'members', value: [{ value: 'z' }] },
        { op: 'remove', path: 'members', value: [{ value: 'gone' }] },
      ]),
    ).toEqual({ add: ['z'], remove: [], removeAll: true, otherOps: [] });
  });

  it('members plan: duplicate ids are reported once and bare string ids are accepted', () => {
    expect(planGroupMemberChanges([{ op: 'add', path: 'members', value: ['u1', { value: 'u1' }, ' u2 '] }]).add).toEqual(['u1', 'u2']);
  });

  it('members plan: a member without a string value is invalidValue', () => {
    expectScimError(() => planGroupMemberChanges([{ op: 'add', path: 'members', value: [{ display: 'x' }] }]), 'invalidValue', /value/);
    expectScimError(() => planGroupMemberChanges([{ op: 'add', path: 'members', value: [{ value: 42 }] }]), 'invalidValue');
  });

  it('members plan: remove without a path is noTarget; unknown paths are invalidPath', () => {
    expectScimError(() => planGroupMemberChanges([{ op: 'remove' }]), 'noTarget');
    expectScimError(() => planGroupMemberChanges([{ op: 'add', path: 'owners', value: [] }]), 'invalidPath');
  });

  it('members plan: 1000 member additions are planned; more than the value cap is invalidSyntax', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => ({ value: `m${i}` }));
    expect(planGroupMemberChanges([{ op: 'add', path: 'members', value: ids }]).add).toHaveLength(1000);
    const tooMany = Array.from({ length: MAX_PATCH_VALUES + 1 }, (_, i) => ({ value: `m${i}` }));
    expectScimError(() => planGroupMemberChanges([{ op: 'add', path: 'members', value: tooMany }]), 'invalidSyntax');
  });
});

describe('replacementMemberIds (POST/PUT members)', () => {
  /** What a call returns, or the error it throws as plain data. */
  const outcome = (action: () => unknown): unknown => {
    try {
      return { returned: action() };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return { thrown: { name: error.name, scimType: error.scimType, field: error.field, message: error.message } };
    }
  };
  const viaPlan = (raw: unknown) => planGroupMemberChanges([{ op: 'replace', path: 'members', value: raw }]).replaceAll;

  it('members input: the same ids and errors as a PATCH replace of members', () => {
    const inputs: unknown[] = [
      [{ value: 'u1' }, { value: ' u2 ', display: 'Two' }, 'u3', { value: 'u1' }],
      '[{"value":"u1"},{"value":"u2"}]',
      { value: 'u1' },
      'u1',
      '',
      [],
      [{ display: 'no id' }],
      [{ value: 42 }],
      [{ value: '  ' }],
      Array.from({ length: MAX_PATCH_VALUES }, (_, i) => ({ value: `m${i}` })),
      Array.from({ length: MAX_PATCH_VALUES + 1 }, (_, i) => ({ value: `m${i}` })),
    ];
    for (const raw of inputs) expect(outcome(() => replacementMemberIds(raw))).toEqual(outcome(() => viaPlan(raw)));
    expect(replacementMemberIds([{ value: 'u1' }, ' u2 ', { value: 'u1' }])).toEqual(['u1', 'u2']);
    expectScimError(() => replacementMemberIds([{ display: 'x' }]), 'invalidValue', /value/);
  });
});
