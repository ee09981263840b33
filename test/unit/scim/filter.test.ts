import { describe, expect, it } from 'vitest';
import {
  MAX_FILTER_DEPTH,
  MAX_FILTER_LENGTH,
  compileFilter,
  findIndexableLookup,
  matchesFilter,
  parseFilter,
} from '../../../shared/scim/filter.ts';
import type { ScimObject } from '../../../shared/scim/json.ts';
import { WIDGET, alice, bjensen, expectScimError, jsmith, users } from './fixtures.ts';

/** The userNames of the fixture users matching `filter`, in fixture order. */
function matching(filter: string): string[] {
  const predicate = compileFilter(filter, 'User');
  return users()
    .filter(predicate)
    .map((user) => user.userName as string);
}

const B = 'bjensen@example.com';
const J = 'JSmith@Example.org';
const A = 'alice';

describe('filter: comparison operators', () => {
  it('filter: `userName eq` matches case-insensitively because userName is not caseExact', () => {
    expect(matching('userName eq "BJENSEN@Example.COM"')).toEqual([B]);
  });

  it('filter: operator keywords are case-insensitive (`Eq`, `EQ`, the seed\'s `userName Eq "…"`)', () => {
    expect(matching('userName Eq "bjensen@example.com"')).toEqual([B]);
    expect(matching('userName EQ "bjensen@example.com"')).toEqual([B]);
    expect(matching('userName eQ "alice"')).toEqual([A]);
  });

  it('filter: attribute names are case-insensitive (`USERNAME`, `Name.FamilyName`)', () => {
    expect(matching('USERNAME eq "alice"')).toEqual([A]);
    expect(matching('Name.FamilyName eq "smith"')).toEqual([J]);
  });

  it('filter: `ne` matches resources where no value equals, including those without the attribute', () => {
    expect(matching('userType ne "employee"')).toEqual([J, A]);
    expect(matching('title ne "Tour Guide"')).toEqual([J, A]);
  });

  it('filter: `co` matches substrings (RFC example `name.familyName co "O\'Malley"`)', () => {
    expect(matching('name.familyName co "O\'Malley"')).toEqual([A]);
    expect(matching('displayName co "jen"')).toEqual([B]);
  });

  it('filter: `sw` matches prefixes case-insensitively (RFC example `userName sw "J"`)', () => {
    expect(matching('userName sw "J"')).toEqual([J]);
    expect(matching('userName sw "j"')).toEqual([J]);
  });

  it('filter: `ew` matches suffixes', () => {
    expect(matching('userName ew "@EXAMPLE.com"')).toEqual([B]);
  });

  it('filter: `pr` is false for absent, null and empty-string values', () => {
    expect(matching('title pr')).toEqual([B]);
    expect(matching('emails pr')).toEqual([B, J]);
    expect(matching('password pr')).toEqual([A]);
    const user = { ...alice(), nickName: null, emails: [] };
    expect(matchesFilter(user, 'nickName pr', 'User')).toBe(false);
    expect(matchesFilter(user, 'emails pr', 'User')).toBe(false);
  });

  it('filter: `gt`/`ge`/`lt`/`le` on strings compare lexicographically, case-folded when not caseExact', () => {
    expect(matching('userName gt "b"')).toEqual([B, J]);
    expect(matching('userName lt "c"')).toEqual([B, A]);
    expect(matching('userName ge "alice"')).toEqual([B, J, A]);
    expect(matching('userName le "ALICE"')).toEqual([A]);
  });

  it('filter: `gt`/`ge`/`lt`/`le` on dateTime compare chronologically, not textually', () => {
    expect(matching('meta.lastModified gt "2011-05-13T04:42:34Z"')).toEqual([J, A]);
    expect(matching('meta.lastModified ge "2011-05-13T04:42:34Z"')).toEqual([B, J, A]);
    expect(matching('meta.created lt "2012-06-01T10:00:00Z"')).toEqual([B]);
    expect(matching('meta.created le "2012-06-01T10:00:00Z"')).toEqual([B, J]);
    // alice was created 2015-03-04T03:06:07Z; textual comparison would get this wrong.
    expect(matching('meta.created gt "2015-03-04T04:00:00Z"')).toEqual([]);
    expect(matching('meta.created ge "2012-01-01T00:00:00Z" and meta.created lt "2014-01-01T00:00:00Z"')).toEqual([J]);
  });

  it('filter: dateTime `eq` is chronological, so fractional seconds and offsets do not matter', () => {
    expect(matching('meta.created eq "2012-06-01T10:00:00Z"')).toEqual([J]);
    expect(matching('meta.created eq "2010-01-23T06:56:22.000+02:00"')).toEqual([B]);
  });

  it('filter: an invalid dateTime with an ordering operator is invalidFilter', () => {
    expectScimError(() => compileFilter('meta.created gt "yesterday"', 'User'), 'invalidFilter', /dateTime/);
  });

  it('filter: integer and decimal attributes compare numerically', () => {
    const widgets: ScimObject[] = [
      { id: 'w1', size: 2, weight: 1.5 },
      { id: 'w2', size: 10, weight: -0.25 },
    ];
    const ids = (filter: string): unknown[] => widgets.filter(compileFilter(filter, WIDGET)).map((w) => w.id);
    expect(ids('size gt 3')).toEqual(['w2']);
    expect(ids('size le 10')).toEqual(['w1', 'w2']);
    expect(ids('size eq 2')).toEqual(['w1']);
    expect(ids('weight lt -1e-1')).toEqual(['w2']);
    expect(ids('weight ge 1.5')).toEqual(['w1']);
    expect(ids('size ne 2')).toEqual(['w2']);
    expect(ids('size eq "10"')).toEqual(['w2']);
  });

  it('filter: `co`/`sw`/`ew` on a number attribute is invalidFilter', () => {
    expectScimError(() => compileFilter('size co 1', WIDGET), 'invalidFilter', /integer/);
  });

  it('filter: binary attributes support `eq` but not ordering', () => {
    expect(matchesFilter({ blob: 'AAEC' }, 'blob eq "AAEC"', WIDGET)).toBe(true);
    expect(matchesFilter({ blob: 'AAEC' }, 'blob eq "aaec"', WIDGET)).toBe(false);
    expectScimError(() => compileFilter('blob gt "A"', WIDGET), 'invalidFilter', /binary/);
  });
});

describe('filter: booleans and null', () => {
  it('filter: `active eq true` / `active eq false` match booleans', () => {
    expect(matching('active eq true')).toEqual([B, A]);
    expect(matching('active eq false')).toEqual([J]);
    expect(matching('active eq TRUE')).toEqual([B, A]);
  });

  it('filter: a boolean attribute compared with "True"/"false" strings is coerced (Entra style)', () => {
    expect(matching('active eq "False"')).toEqual([J]);
    expect(matching('active ne "true"')).toEqual([J]);
  });

  it('filter: `gt`/`ge`/`lt`/`le` on a boolean attribute is invalidFilter', () => {
    for (const operator of ['gt', 'ge', 'lt', 'le']) {
      expectScimError(() => compileFilter(`active ${operator} "x"`, 'User'), 'invalidFilter', /boolean/);
    }
  });

  it('filter: ordering against a boolean or null value is invalidFilter even for an unknown attribute', () => {
    expectScimError(() => compileFilter('anything gt true', 'User'), 'invalidFilter', /boolean/);
    expectScimError(() => compileFilter('title lt null', 'User'), 'invalidFilter', /null/);
    expectScimError(() => compileFilter('title co false', 'User'), 'invalidFilter');
  });

  it('filter: `eq null` means "has no value" and `ne null` means "has a value"', () => {
    expect(matching('title eq null')).toEqual([J, A]);
    expect(matching('title ne null')).toEqual([B]);
  });
});

describe('filter: caseExact', () => {
  it('filter: `id` is caseExact (RFC 7643 §3.1), so a differently-cased id does not match', () => {
    expect(matching('id eq "2819c223-7f76-453a-919d-413861904646"')).toEqual([B]);
    expect(matching('id eq "2819C223-7F76-453A-919D-413861904646"')).toEqual([]);
  });

  it('filter: `externalId` is caseExact', () => {
    expect(matching('externalId eq "bjensen"')).toEqual([B]);
    expect(matching('externalId eq "BJENSEN"')).toEqual([]);
    expect(matching('externalId sw "js"')).toEqual([]);
    expect(matching('externalId sw "JS"')).toEqual([J]);
  });

  it('filter: `emails.value` is not caseExact', () => {
    expect(matching('emails.value eq "BJENSEN@EXAMPLE.COM"')).toEqual([B]);
  });

  it('filter: a caseExact custom attribute orders by code unit (upper case first)', () => {
    expect(matchesFilter({ code: 'Zeta' }, 'code lt "a"', WIDGET)).toBe(true);
    expect(matchesFilter({ code: 'zeta' }, 'code lt "a"', WIDGET)).toBe(false);
  });
});

describe('filter: multi-valued and complex attributes', () => {
  it('filter: a multi-valued attribute matches when any value matches', () => {
    expect(matching('emails.type eq "home"')).toEqual([B]);
    expect(matching('emails.value co "example"')).toEqual([B, J]);
  });

  it('filter: a comparison on a multi-valued complex attribute applies to its "value" (RFC `emails co "example.com"`)', () => {
    expect(matching('emails co "example.com"')).toEqual([B]);
    expect(matching('emails.value co "example.org"')).toEqual([J]);
  });

  it('filter: `emails[type eq "work" and value co "@example.com"]` matches only work emails', () => {
    expect(matching('emails[type eq "work" and value co "@example.com"]')).toEqual([B]);
    // bjensen has an example.com email, but not a *home* one: both conditions must hold on one entry.
    expect(matching('emails[type eq "home" and value co "@example.com"]')).toEqual([]);
  });

  it('filter: RFC example with two value paths joined by or', () => {
    expect(matching('emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]')).toEqual([B, J]);
  });

  it('filter: RFC example `userType eq "Employee" and emails[type eq "work" and value co "@example.com"]`', () => {
    expect(matching('userType eq "Employee" and emails[type eq "work" and value co "@example.com"]')).toEqual([B]);
  });

  it('filter: value paths accept or, not and parentheses inside the brackets', () => {
    expect(matching('emails[type eq "home" or (value ew ".org" and not (type eq "home"))]')).toEqual([B, J]);
  });

  it('filter: `emails[type eq "work"].value eq "…"` is accepted as a lenient extension', () => {
    expect(matching('emails[type eq "work"].value eq "JOHN@example.org"')).toEqual([J]);
    expect(matching('emails[type eq "home"].value eq "john@example.org"')).toEqual([]);
  });

  it('filter: sub-attribute paths reach into complex attributes (`name.familyName`)', () => {
    expect(matching('name.familyName eq "jensen"')).toEqual([B]);
    expect(matching('name.givenName pr and name.formatted pr')).toEqual([B]);
  });

  it('filter: comparing a complex attribute without a "value" sub-attribute is invalidFilter', () => {
    expectScimError(() => compileFilter('name eq "Barbara"', 'User'), 'invalidFilter', /complex/);
  });

  it('filter: a value path on a simple attribute is invalidFilter', () => {
    expectScimError(() => compileFilter('userName[value eq "x"]', 'User'), 'invalidFilter');
  });
});

describe('filter: schema URNs and extensions', () => {
  it('filter: a core-URN-prefixed path works (`urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"`)', () => {
    expect(matching('urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"')).toEqual([J]);
  });

  it('filter: enterprise extension attributes are reached through their URN', () => {
    expect(matching('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "tour operations"')).toEqual([B]);
    expect(matching('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"')).toEqual([B]);
    expect(matching('URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER:employeeNumber pr')).toEqual([B]);
  });

  it('filter: an unqualified extension attribute name resolves to the extension', () => {
    expect(matching('employeeNumber eq "701984"')).toEqual([B]);
  });

  it('filter: `schemas eq "<extension URN>"` finds resources carrying the extension (RFC example)', () => {
    expect(matching('schemas eq "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"')).toEqual([B]);
  });

  it('filter: unknown attributes and unknown schema URNs never match (no error)', () => {
    expect(matching('favouriteColour eq "blue"')).toEqual([]);
    expect(matching('favouriteColour pr')).toEqual([]);
    expect(matching('favouriteColour ne "blue"')).toEqual([]);
    expect(matching('urn:example:unknown:1.0:userName eq "alice"')).toEqual([]);
    expect(matching('name.nickname eq "x"')).toEqual([]);
    expect(matching('not (favouriteColour eq "blue")')).toEqual([B, J, A]);
  });
});

describe('filter: logical operators and precedence', () => {
  it('filter: `and` binds tighter than `or`', () => {
    // Employee or (Contractor and inactive): only bjensen.
    expect(matching('userType eq "Employee" or userType eq "Contractor" and active eq false')).toEqual([B]);
    expect(matching('(userType eq "Employee" or userType eq "Contractor") and active eq false')).toEqual([]);
  });

  it('filter: `not` binds tighter than `and`', () => {
    expect(matching('not (userType eq "Employee") and active eq true')).toEqual([A]);
    expect(matching('not (userType eq "Employee" and active eq true)')).toEqual([J, A]);
  });

  it('filter: RFC example `userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")`', () => {
    expect(matching('userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")')).toEqual([A]);
  });

  it('filter: logical keywords are case-insensitive (`AND`, `Or`, `NOT`)', () => {
    expect(matching('userType eq "Intern" Or userType eq "Contractor" AND NOT (active eq false)')).toEqual([J, A]);
  });

  it('filter: nested parentheses are honoured', () => {
    expect(matching('((userName eq "alice") or ((userName eq "bjensen@example.com")))')).toEqual([B, A]);
  });

  it('filter: `not(` without a space is accepted', () => {
    expect(matching('not(active eq true)')).toEqual([J]);
  });

  it('filter: the AST keeps and/or n-ary with and under or', () => {
    const ast = parseFilter('a eq 1 or b eq 2 and c eq 3 and d pr');
    expect(ast).toEqual({
      type: 'or',
      filters: [
        { type: 'compare', path: { attribute: 'a' }, operator: 'eq', value: 1 },
        {
          type: 'and',
          filters: [
            { type: 'compare', path: { attribute: 'b' }, operator: 'eq', value: 2 },
            { type: 'compare', path: { attribute: 'c' }, operator: 'eq', value: 3 },
            { type: 'present', path: { attribute: 'd' } },
          ],
        },
      ],
    });
  });

  it('filter: the AST splits URN, attribute and sub-attribute', () => {
    expect(parseFilter('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "x"')).toEqual({
      type: 'compare',
      path: { uri: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', attribute: 'manager', subAttribute: 'value' },
      operator: 'eq',
      value: 'x',
    });
  });
});

describe('filter: values', () => {
  it('filter: JSON string escapes are decoded (\\", \\\\, \\u, \\n)', () => {
    const user = { ...alice(), title: 'Say "hi"\\ok', nickName: 'Babs J\n' };
    expect(matchesFilter(user, 'title eq "Say \\"hi\\"\\\\ok"', 'User')).toBe(true);
    expect(matchesFilter(user, 'nickName eq "Babs \\u004a\\n"', 'User')).toBe(true);
  });

  it('filter: compare values may be numbers, true, false or null', () => {
    expect(parseFilter('x eq -12.5e2')).toMatchObject({ value: -1250 });
    expect(parseFilter('x eq 0')).toMatchObject({ value: 0 });
    expect(parseFilter('x eq true')).toMatchObject({ value: true });
    expect(parseFilter('x eq false')).toMatchObject({ value: false });
    expect(parseFilter('x eq null')).toMatchObject({ value: null });
  });

  it('filter: a number compared with a string attribute matches its decimal text', () => {
    expect(matching('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq 701984')).toEqual([B]);
  });
});

describe('filter: syntax errors are invalidFilter naming the position', () => {
  const cases: [string, string, RegExp][] = [
    ['unbalanced opening parenthesis', '(userName eq "x"', /expected '\)'.*position 17/],
    ['unbalanced closing parenthesis', 'userName eq "x")', /unexpected '\)' at position 16/],
    ['unknown operator', 'userName equals "x"', /unknown operator 'equals' at position 10/],
    ['unterminated string', 'userName eq "abc', /unterminated string starting at position 13/],
    ['trailing garbage', 'userName eq "x" garbage', /unexpected 'garbage' at position 17/],
    ['missing value', 'userName eq', /expected a value.*end of the filter/],
    ['missing operator', 'userName', /expected an operator/],
    ['dangling and', 'userName eq "x" and', /expected an attribute path/],
    ['empty filter', '', /empty/],
    ['whitespace-only filter', '   ', /empty/],
    ['unclosed value filter', 'emails[type eq "work"', /expected '\]'/],
    ['nested value filter', 'emails[type[value eq "x"] eq "y"]', /cannot be nested/],
    ['single-quoted string', "userName eq 'x'", /unexpected character ''' at position 13/],
    ['bad escape', 'userName eq "a\\qb"', /bad escape/],
    ['bad unicode escape', 'userName eq "\\u12"', /\\u escape/],
    ['malformed number', 'x eq 12abc', /malformed number at position 6/],
    ['too many dots in a path', 'name.givenName.first eq "x"', /not a valid attribute path/],
    ['not without parentheses', 'not userName eq "x"', /unknown operator 'userName'/],
    ['unquoted word as value', 'userName eq bjensen', /expected a value/],
    ['operator without attribute', 'eq "x"', /unknown operator|expected an operator/],
    ['stray bracket', ']', /expected an attribute path/],
  ];
  for (const [name, filter, message] of cases) {
    it(`filter: ${name} (\`${filter}\`) is invalidFilter`, () => {
      const error = expectScimError(() => parseFilter(filter), 'invalidFilter', message);
      expect(error.field).toBe('filter');
    });
  }

  it(`filter: filters longer than ${MAX_FILTER_LENGTH} characters are refused before parsing`, () => {
    const long = `userName eq "${'x'.repeat(MAX_FILTER_LENGTH)}"`;
    expectScimError(() => parseFilter(long), 'invalidFilter', /longer than 4096/);
  });

  it(`filter: nesting deeper than ${MAX_FILTER_DEPTH} levels is refused`, () => {
    const deep = `${'('.repeat(MAX_FILTER_DEPTH + 1)}userName eq "x"${')'.repeat(MAX_FILTER_DEPTH + 1)}`;
    expectScimError(() => parseFilter(deep), 'invalidFilter', /nesting deeper/);
    const ok = `${'not ('.repeat(MAX_FILTER_DEPTH)}userName eq "alice"${')'.repeat(MAX_FILTER_DEPTH)}`;
    expect(matching(ok)).toEqual([A]);
  });

  it('filter: a long flat or-chain within the length limit parses and evaluates', () => {
    const chain = Array.from({ length: 150 }, (_, i) => `userName eq "user${i}"`).join(' or ');
    expect(chain.length).toBeLessThan(MAX_FILTER_LENGTH);
    expect(matching(`${chain} or userName eq "alice"`)).toEqual([A]);
  });
});

describe('filter: evaluation over a page', () => {
  it('filter: a compiled predicate evaluates 1000 resources', () => {
    const predicate = compileFilter('emails[type eq "work" and value co "@example.com"] and active eq true', 'User');
    const page = Array.from({ length: 1000 }, (_, i) => (i % 2 === 0 ? bjensen() : jsmith()));
    expect(page.filter(predicate)).toHaveLength(500);
  });
});

describe('filter: indexable shapes', () => {
  it('index: `userName eq "x"` (any case) is an exact userName lookup, case-folded', () => {
    expect(findIndexableLookup('userName Eq "Joe.Bloggs@example.com"', 'User')).toEqual({
      attribute: 'userName',
      values: ['Joe.Bloggs@example.com'],
      caseExact: false,
      exact: true,
    });
    expect(findIndexableLookup('USERNAME eq "x"', 'User')?.attribute).toBe('userName');
  });

  it('index: `externalId eq` and `id eq` are caseExact lookups', () => {
    expect(findIndexableLookup('externalId eq "abc"', 'User')).toEqual({ attribute: 'externalId', values: ['abc'], caseExact: true, exact: true });
    expect(findIndexableLookup('id eq "abc"', 'Group')).toEqual({ attribute: 'id', values: ['abc'], caseExact: true, exact: true });
  });

  it('index: Group `displayName eq` (Entra) is a lookup; User displayName is not indexed by default', () => {
    expect(findIndexableLookup('displayName eq "Admins"', 'Group')).toMatchObject({ attribute: 'displayName', values: ['Admins'], exact: true });
    expect(findIndexableLookup('displayName eq "Babs"', 'User')).toBeUndefined();
  });

  it('index: a URN-qualified userName is recognised', () => {
    expect(findIndexableLookup('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"', 'User')?.attribute).toBe('userName');
  });

  it('index: an or of eqs on the same attribute yields all values', () => {
    expect(findIndexableLookup('userName eq "a" or userName eq "b" or (userName eq "a")', 'User')).toEqual({
      attribute: 'userName',
      values: ['a', 'b'],
      caseExact: false,
      exact: true,
    });
  });

  it('index: an or across different attributes is not indexable', () => {
    expect(findIndexableLookup('userName eq "a" or externalId eq "b"', 'User')).toBeUndefined();
  });

  it('index: an and with one indexable term is a lookup that still needs the full filter', () => {
    expect(findIndexableLookup('active eq true and userName eq "a"', 'User')).toEqual({
      attribute: 'userName',
      values: ['a'],
      caseExact: false,
      exact: false,
    });
  });

  it('index: `emails.value eq` and `emails[value eq]` map to emails.value', () => {
    expect(findIndexableLookup('emails.value eq "a@b.c"', 'User')).toMatchObject({ attribute: 'emails.value', exact: true });
    expect(findIndexableLookup('emails[value eq "a@b.c"]', 'User')).toMatchObject({ attribute: 'emails.value', values: ['a@b.c'], exact: true });
    expect(findIndexableLookup('emails[type eq "work" and value eq "a@b.c"]', 'User')).toMatchObject({ attribute: 'emails.value', exact: false });
  });

  it('index: other operators, negation and unknown attributes are not indexable', () => {
    expect(findIndexableLookup('userName co "a"', 'User')).toBeUndefined();
    expect(findIndexableLookup('userName ne "a"', 'User')).toBeUndefined();
    expect(findIndexableLookup('not (userName eq "a")', 'User')).toBeUndefined();
    expect(findIndexableLookup('userName eq null', 'User')).toBeUndefined();
    expect(findIndexableLookup('title eq "x"', 'User')).toBeUndefined();
  });

  it('index: the indexed attribute list can be overridden', () => {
    expect(findIndexableLookup('title eq "x"', 'User', ['title'])).toMatchObject({ attribute: 'title', values: ['x'] });
  });
});
