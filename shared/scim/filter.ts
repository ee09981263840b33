/**
 * SCIM filter expressions (RFC 7644 §3.4.2.2, ABNF in Figure 1): a hand-written recursive-descent
 * parser producing an AST, a compiler turning the AST into a predicate over SCIM JSON
 * representations, and an analyser spotting the shapes a repository can answer from an index.
 *
 * Precedence is `not` > `and` > `or`; operators, keywords and attribute names are
 * case-insensitive (`userName Eq "x"` is what some clients send).
 */
import { ValidationError } from '../errors/domain-errors.ts';
import { getMember, hasValue, isObject, type ScimObject } from './json.ts';
import {
  canonicalPath,
  findSubAttribute,
  getResourceSchema,
  resolveAttributeParts,
  splitAttributePath,
  type AttributeDefinition,
  type AttributePathParts,
  type ResolvedAttribute,
  type ResourceSchema,
  type ResourceTypeName,
} from './schema.ts';

/** Longer filters are refused before parsing: no legitimate client needs more. */
export const MAX_FILTER_LENGTH = 4096;
/** Maximum nesting of parentheses, `not` and value paths, so recursion stays shallow. */
export const MAX_FILTER_DEPTH = 32;

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type CompareValue = string | number | boolean | null;

/**
 * Filter AST. `and`/`or` are n-ary (a chain `a or b or c` is one node) so that long chains do not
 * build deep trees. Inside a `valuePath` filter, paths are relative to the complex attribute.
 */
export type FilterNode =
  | { readonly type: 'compare'; readonly path: AttributePathParts; readonly operator: CompareOperator; readonly value: CompareValue }
  | { readonly type: 'present'; readonly path: AttributePathParts }
  | { readonly type: 'and'; readonly filters: readonly FilterNode[] }
  | { readonly type: 'or'; readonly filters: readonly FilterNode[] }
  | { readonly type: 'not'; readonly filter: FilterNode }
  | { readonly type: 'valuePath'; readonly path: AttributePathParts; readonly filter: FilterNode };

const COMPARE_OPERATORS: ReadonlySet<string> = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);

function filterError(message: string): ValidationError {
  return new ValidationError(message, { scimType: 'invalidFilter', field: 'filter' });
}

// ---------------------------------------------------------------------------------------------
// Lexer

type Token =
  | { readonly kind: '(' | ')' | '[' | ']' | '.' | 'end'; readonly pos: number }
  | { readonly kind: 'word'; readonly text: string; readonly pos: number }
  | { readonly kind: 'string'; readonly value: string; readonly pos: number }
  | { readonly kind: 'number'; readonly value: number; readonly text: string; readonly pos: number };

const WORD_START = /[A-Za-z$_]/;
const WORD_CHAR = /[A-Za-z0-9_:.$-]/;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES: Readonly<Record<string, string>> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  while (pos < text.length) {
    const char = text[pos] as string;
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      pos += 1;
    } else if (char === '(' || char === ')' || char === '[' || char === ']' || char === '.') {
      tokens.push({ kind: char, pos });
      pos += 1;
    } else if (char === '"') {
      const start = pos;
      let value = '';
      pos += 1;
      for (;;) {
        if (pos >= text.length) throw filterError(`Invalid filter: unterminated string starting at position ${start + 1}.`);
        const c = text[pos] as string;
        if (c === '"') break;
        if (c === '\\') {
          const escape = text[pos + 1];
          if (escape === 'u') {
            const hex = text.slice(pos + 2, pos + 6);
            if (!/^[0-9A-Fa-f]{4}$/.test(hex)) throw filterError(`Invalid filter: bad \\u escape in string at position ${pos + 1}.`);
            value += String.fromCharCode(parseInt(hex, 16));
            pos += 6;
            continue;
          }
          const replacement = escape === undefined ? undefined : ESCAPES[escape];
          if (replacement === undefined) throw filterError(`Invalid filter: bad escape sequence in string at position ${pos + 1}.`);
          value += replacement;
          pos += 2;
          continue;
        }
        value += c;
        pos += 1;
      }
      tokens.push({ kind: 'string', value, pos: start });
      pos += 1;
    } else if (char === '-' || (char >= '0' && char <= '9')) {
      NUMBER.lastIndex = pos;
      const match = NUMBER.exec(text);
      const end = match ? pos + match[0].length : pos;
      if (!match || (end < text.length && WORD_CHAR.test(text[end] as string))) {
        throw filterError(`Invalid filter: malformed number at position ${pos + 1}.`);
      }
      tokens.push({ kind: 'number', value: Number(match[0]), text: match[0], pos });
      pos = end;
    } else if (WORD_START.test(char)) {
      const start = pos;
      while (pos < text.length && WORD_CHAR.test(text[pos] as string)) pos += 1;
      tokens.push({ kind: 'word', text: text.slice(start, pos), pos: start });
    } else {
      throw filterError(`Invalid filter: unexpected character '${char}' at position ${pos + 1}.`);
    }
  }
  tokens.push({ kind: 'end', pos: text.length });
  return tokens;
}

function describe(token: Token): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the filter';
    case 'word':
      return `'${token.text}'`;
    case 'string':
      return `the string ${JSON.stringify(token.value)}`;
    case 'number':
      return `the number ${token.text}`;
    default:
      return `'${token.kind}'`;
  }
}

// ---------------------------------------------------------------------------------------------
// Parser

class Parser {
  private readonly tokens: Token[];
  private index = 0;
  private depth = 0;
  private inValueFilter: boolean;

  constructor(text: string, valueFilter: boolean) {
    this.tokens = tokenize(text);
    this.inValueFilter = valueFilter;
  }

  parse(): FilterNode {
    if (this.peek().kind === 'end') throw filterError('Invalid filter: the filter is empty.');
    const node = this.parseOr();
    const next = this.peek();
    if (next.kind !== 'end') {
      throw filterError(`Invalid filter: unexpected ${describe(next)} at position ${next.pos + 1}; expected 'and', 'or' or the end of the filter.`);
    }
    return node;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.index += 1;
    return token;
  }

  private isKeyword(token: Token, keyword: string): boolean {
    return token.kind === 'word' && token.text.toLowerCase() === keyword;
  }

  private expect(kind: ')' | ']', context: string): void {
    const token = this.next();
    if (token.kind !== kind) {
      throw filterError(`Invalid filter: expected '${kind}' ${context} at position ${token.pos + 1} but found ${describe(token)}.`);
    }
  }

  private enter(pos: number): void {
    this.depth += 1;
    if (this.depth > MAX_FILTER_DEPTH) throw filterError(`Invalid filter: nesting deeper than ${MAX_FILTER_DEPTH} levels at position ${pos + 1}.`);
  }

  private parseOr(): FilterNode {
    const filters = [this.parseAnd()];
    while (this.isKeyword(this.peek(), 'or')) {
      this.next();
      filters.push(this.parseAnd());
    }
    return filters.length === 1 ? (filters[0] as FilterNode) : { type: 'or', filters };
  }

  private parseAnd(): FilterNode {
    const filters = [this.parseUnary()];
    while (this.isKeyword(this.peek(), 'and')) {
      this.next();
      filters.push(this.parseUnary());
    }
    return filters.length === 1 ? (filters[0] as FilterNode) : { type: 'and', filters };
  }

  private parseUnary(): FilterNode {
    const token = this.peek();
    // `not` is a negation only when a parenthesis follows (Figure 1: "not" "(" FILTER ")").
    if (this.isKeyword(token, 'not') && this.peek(1).kind === '(') {
      this.next();
      const open = this.next();
      this.enter(open.pos);
      const filter = this.parseOr();
      this.expect(')', `to close the 'not (' opened at position ${open.pos + 1}`);
      this.depth -= 1;
      return { type: 'not', filter };
    }
    if (token.kind === '(') {
      this.next();
      this.enter(token.pos);
      const filter = this.parseOr();
      this.expect(')', `to close the '(' opened at position ${token.pos + 1}`);
      this.depth -= 1;
      return filter;
    }
    if (token.kind === 'word') return this.parseAttributeExpression();
    throw filterError(`Invalid filter: expected an attribute path, '(' or 'not' at position ${token.pos + 1} but found ${describe(token)}.`);
  }

  private parsePath(token: Token & { kind: 'word' }): AttributePathParts {
    const parts = splitAttributePath(token.text);
    if (!parts) throw filterError(`Invalid filter: '${token.text}' at position ${token.pos + 1} is not a valid attribute path.`);
    return parts;
  }

  private parseAttributeExpression(): FilterNode {
    const token = this.next() as Token & { kind: 'word' };
    const path = this.parsePath(token);
    const following = this.peek();
    if (following.kind === '[') {
      if (this.inValueFilter) throw filterError(`Invalid filter: value filters cannot be nested (position ${following.pos + 1}).`);
      this.next();
      this.enter(following.pos);
      this.inValueFilter = true;
      const filter = this.parseOr();
      this.expect(']', `to close the '[' opened at position ${following.pos + 1}`);
      this.inValueFilter = false;
      this.depth -= 1;
      // Lenient extension: `emails[type eq "work"].value eq "x"` is read as
      // `emails[type eq "work" and value eq "x"]`; some clients send it although Figure 1 does not.
      if (this.peek().kind === '.') {
        const dot = this.next();
        const sub = this.next();
        if (sub.kind !== 'word' || sub.text.includes(':') || sub.text.includes('.')) {
          throw filterError(`Invalid filter: expected a sub-attribute name after '.' at position ${dot.pos + 1}.`);
        }
        const subPath = this.parsePath(sub);
        const comparison = this.parseOperation(subPath, sub);
        return { type: 'valuePath', path, filter: { type: 'and', filters: [filter, comparison] } };
      }
      return { type: 'valuePath', path, filter };
    }
    return this.parseOperation(path, token);
  }

  private parseOperation(path: AttributePathParts, pathToken: Token & { kind: 'word' }): FilterNode {
    const operator = this.next();
    if (operator.kind !== 'word') {
      throw filterError(
        `Invalid filter: expected an operator after '${pathToken.text}' at position ${operator.pos + 1} but found ${describe(operator)}.`,
      );
    }
    const name = operator.text.toLowerCase();
    if (name === 'pr') return { type: 'present', path };
    if (!COMPARE_OPERATORS.has(name)) {
      throw filterError(
        `Invalid filter: unknown operator '${operator.text}' at position ${operator.pos + 1}; expected one of eq, ne, co, sw, ew, gt, ge, lt, le, pr.`,
      );
    }
    return { type: 'compare', path, operator: name as CompareOperator, value: this.parseValue(operator.text) };
  }

  private parseValue(operator: string): CompareValue {
    const token = this.next();
    if (token.kind === 'string' || token.kind === 'number') return token.value;
    if (token.kind === 'word') {
      const word = token.text.toLowerCase();
      if (word === 'true') return true;
      if (word === 'false') return false;
      if (word === 'null') return null;
    }
    throw filterError(
      `Invalid filter: expected a value (a quoted string, number, true, false or null) after '${operator}' at position ${token.pos + 1} but found ${describe(token)}.`,
    );
  }
}

function checkLength(text: string): void {
  if (text.length > MAX_FILTER_LENGTH) throw filterError(`Invalid filter: longer than ${MAX_FILTER_LENGTH} characters.`);
}

/** Parses a filter (RFC 7644 §3.4.2.2) into an AST; syntax errors are ValidationError/invalidFilter naming the position. */
export function parseFilter(text: string): FilterNode {
  checkLength(text);
  return new Parser(text, false).parse();
}

/** Parses the filter inside a value path's brackets, where paths are relative and cannot nest. */
export function parseValueFilter(text: string): FilterNode {
  checkLength(text);
  return new Parser(text, true).parse();
}

// ---------------------------------------------------------------------------------------------
// Compiler

export type FilterPredicate = (resource: ScimObject) => boolean;
type Getter = (object: ScimObject) => unknown[];

const NEVER: FilterPredicate = () => false;

function pathText(path: AttributePathParts): string {
  const base = path.uri !== undefined ? `${path.uri}:${path.attribute}` : path.attribute;
  return path.subAttribute !== undefined ? `${base}.${path.subAttribute}` : base;
}

function pushValues(target: unknown[], value: unknown): void {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    for (const item of value) target.push(item);
  } else {
    target.push(value);
  }
}

/** Reads the values at `attribute[.subAttribute]` of an object, flattening multi-valued attributes. */
function attributeGetter(attribute: AttributeDefinition, subAttribute: AttributeDefinition | undefined): Getter {
  return (object) => {
    const values: unknown[] = [];
    pushValues(values, getMember(object, attribute.name));
    if (!subAttribute) return values;
    const leaves: unknown[] = [];
    for (const value of values) if (isObject(value)) pushValues(leaves, getMember(value, subAttribute.name));
    return leaves;
  };
}

function resolvedGetter(resolved: ResolvedAttribute): Getter {
  const inner = attributeGetter(resolved.attribute, resolved.subAttribute);
  if (!resolved.extension) return inner;
  const schema = resolved.schema;
  return (resource) => {
    const container = getMember(resource, schema);
    return isObject(container) ? inner(container) : [];
  };
}

type Scope = { readonly kind: 'resource'; readonly schema: ResourceSchema } | { readonly kind: 'element'; readonly parent: AttributeDefinition };

interface Target {
  readonly getter: Getter;
  readonly definition: AttributeDefinition;
}

function resolveTarget(path: AttributePathParts, scope: Scope): Target | undefined {
  if (scope.kind === 'resource') {
    const resolved = resolveAttributeParts(path, scope.schema);
    if (!resolved) return undefined;
    return { getter: resolvedGetter(resolved), definition: resolved.subAttribute ?? resolved.attribute };
  }
  // Inside `emails[...]` names refer to sub-attributes of emails; a URN or a further dot cannot.
  if (path.uri !== undefined || path.subAttribute !== undefined) return undefined;
  const definition = findSubAttribute(scope.parent, path.attribute);
  return definition ? { getter: attributeGetter(definition, undefined), definition } : undefined;
}

function isOrdering(operator: CompareOperator): boolean {
  return operator === 'gt' || operator === 'ge' || operator === 'lt' || operator === 'le';
}

function orderingHolds(operator: CompareOperator, comparison: number): boolean {
  switch (operator) {
    case 'gt':
      return comparison > 0;
    case 'ge':
      return comparison >= 0;
    case 'lt':
      return comparison < 0;
    default:
      return comparison <= 0;
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function stringTest(operator: CompareOperator, expected: string, caseExact: boolean): (leaf: unknown) => boolean {
  const wanted = caseExact ? expected : expected.toLowerCase();
  const fold = (leaf: unknown): string | undefined => (typeof leaf === 'string' ? (caseExact ? leaf : leaf.toLowerCase()) : undefined);
  switch (operator) {
    case 'eq':
    case 'ne':
      return (leaf) => fold(leaf) === wanted;
    case 'co':
      return (leaf) => fold(leaf)?.includes(wanted) ?? false;
    case 'sw':
      return (leaf) => fold(leaf)?.startsWith(wanted) ?? false;
    case 'ew':
      return (leaf) => fold(leaf)?.endsWith(wanted) ?? false;
    default:
      return (leaf) => {
        const actual = fold(leaf);
        return actual !== undefined && orderingHolds(operator, compareStrings(actual, wanted));
      };
  }
}

function toBoolean(value: CompareValue | unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

/**
 * The per-value test for `attribute op value`, chosen once at compile time from the attribute's
 * type and caseExact. `ne` returns the equality test; the caller negates it over all values.
 */
function valueTest(definition: AttributeDefinition, operator: CompareOperator, value: string | number | boolean, path: string): (leaf: unknown) => boolean {
  const invalid = (what: string): ValidationError =>
    filterError(`Invalid filter: operator '${operator}' cannot be applied to ${what} attribute '${path}'.`);
  switch (definition.type) {
    case 'boolean': {
      if (operator !== 'eq' && operator !== 'ne') throw invalid('the boolean');
      const expected = toBoolean(value);
      if (expected === undefined) return () => false;
      return (leaf) => toBoolean(leaf) === expected;
    }
    case 'integer':
    case 'decimal': {
      if (operator === 'co' || operator === 'sw' || operator === 'ew') throw invalid(`the ${definition.type}`);
      const expected = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (Number.isNaN(expected)) return () => false;
      if (operator === 'eq' || operator === 'ne') return (leaf) => leaf === expected;
      return (leaf) => typeof leaf === 'number' && orderingHolds(operator, leaf - expected);
    }
    case 'dateTime': {
      if (typeof value !== 'string') return () => false;
      const expected = Date.parse(value);
      if (operator === 'co' || operator === 'sw' || operator === 'ew') return stringTest(operator, value, false);
      if (Number.isNaN(expected)) {
        if (isOrdering(operator)) throw filterError(`Invalid filter: '${value}' is not a valid dateTime for attribute '${path}'.`);
        return stringTest(operator, value, false);
      }
      // Chronological, not textual: "2015-01-01T00:00:00Z" equals "2015-01-01T00:00:00.000Z".
      return (leaf) => {
        if (typeof leaf !== 'string') return false;
        const actual = Date.parse(leaf);
        if (Number.isNaN(actual)) return false;
        return operator === 'eq' || operator === 'ne' ? actual === expected : orderingHolds(operator, actual - expected);
      };
    }
    case 'binary': {
      if (isOrdering(operator)) throw invalid('the binary');
      if (typeof value !== 'string') return () => false;
      return stringTest(operator, value, true);
    }
    case 'complex':
      throw filterError(`Invalid filter: '${path}' is a complex attribute; compare one of its sub-attributes instead.`);
    default: {
      if (typeof value === 'boolean') return () => false;
      return stringTest(operator, typeof value === 'number' ? String(value) : value, definition.caseExact);
    }
  }
}

function compileCompare(node: Extract<FilterNode, { type: 'compare' }>, scope: Scope): FilterPredicate {
  const { operator, value } = node;
  const path = pathText(node.path);
  // Checks that do not depend on the attribute come first so that an unknown attribute does not
  // hide a client error.
  if (value === null && operator !== 'eq' && operator !== 'ne') {
    throw filterError(`Invalid filter: operator '${operator}' cannot compare with null (attribute '${path}').`);
  }
  if (typeof value === 'boolean' && operator !== 'eq' && operator !== 'ne') {
    throw filterError(`Invalid filter: operator '${operator}' cannot compare with a boolean (attribute '${path}').`);
  }
  const target = resolveTarget(node.path, scope);
  if (!target) return NEVER;
  let { getter, definition } = target;
  if (value === null) {
    // `eq null` reads as "has no value", `ne null` as "has a value" (RFC 7644 leaves null open).
    return operator === 'eq' ? (object) => !getter(object).some(hasValue) : (object) => getter(object).some(hasValue);
  }
  if (definition.type === 'complex') {
    // A comparison on a complex attribute applies to its "value" sub-attribute
    // (RFC 7644 §3.4.2.2 example: `emails co "example.com"`).
    const valueAttribute = findSubAttribute(definition, 'value');
    if (valueAttribute) {
      const outer = getter;
      getter = (object) => {
        const leaves: unknown[] = [];
        for (const item of outer(object)) if (isObject(item)) pushValues(leaves, getMember(item, 'value'));
        return leaves;
      };
      definition = valueAttribute;
    }
  }
  const test = valueTest(definition, operator, value, path);
  if (operator === 'ne') return (object) => !getter(object).some(test);
  return (object) => getter(object).some(test);
}

function compileNode(node: FilterNode, scope: Scope): FilterPredicate {
  switch (node.type) {
    case 'compare':
      return compileCompare(node, scope);
    case 'present': {
      const target = resolveTarget(node.path, scope);
      if (!target) return NEVER;
      const getter = target.getter;
      return (object) => getter(object).some(hasValue);
    }
    case 'and': {
      const parts = node.filters.map((filter) => compileNode(filter, scope));
      return (object) => parts.every((part) => part(object));
    }
    case 'or': {
      const parts = node.filters.map((filter) => compileNode(filter, scope));
      return (object) => parts.some((part) => part(object));
    }
    case 'not': {
      const inner = compileNode(node.filter, scope);
      return (object) => !inner(object);
    }
    case 'valuePath': {
      if (scope.kind !== 'resource') throw filterError('Invalid filter: value filters cannot be nested.');
      const resolved = resolveAttributeParts(node.path, scope.schema);
      if (!resolved) return NEVER;
      if (resolved.subAttribute || resolved.attribute.type !== 'complex') {
        throw filterError(`Invalid filter: '${pathText(node.path)}[...]' needs a complex attribute before the '['.`);
      }
      const getter = resolvedGetter(resolved);
      const inner = compileNode(node.filter, { kind: 'element', parent: resolved.attribute });
      return (object) => getter(object).some((element) => isObject(element) && inner(element));
    }
  }
}

/**
 * Compiles a filter (text or AST) into a predicate over SCIM representations of `resourceType`.
 * Compile once per request and reuse the predicate over the page. Attributes the schema does not
 * define never match; misuse of a known attribute (e.g. `active gt true`) is invalidFilter.
 */
export function compileFilter(filter: string | FilterNode, resourceType: ResourceTypeName | ResourceSchema): FilterPredicate {
  const node = typeof filter === 'string' ? parseFilter(filter) : filter;
  return compileNode(node, { kind: 'resource', schema: getResourceSchema(resourceType) });
}

/** Compiles a value-path filter into a predicate over the elements of the complex attribute `parent`. */
export function compileValueFilter(filter: FilterNode, parent: AttributeDefinition): FilterPredicate {
  return compileNode(filter, { kind: 'element', parent });
}

/** One-off convenience: whether `resource` matches `filter`. Prefer compileFilter for lists. */
export function matchesFilter(resource: ScimObject, filter: string | FilterNode, resourceType: ResourceTypeName | ResourceSchema): boolean {
  return compileFilter(filter, resourceType)(resource);
}

// ---------------------------------------------------------------------------------------------
// Index analysis

/**
 * A lookup the repository can answer from an index. `values` are as the client sent them: when
 * `caseExact` is false the index must be case-folded. `exact` false means the filter has further
 * conditions, so candidates must still be checked with the compiled predicate.
 */
export interface IndexableLookup {
  readonly attribute: string;
  readonly values: readonly string[];
  readonly caseExact: boolean;
  readonly exact: boolean;
}

const DEFAULT_INDEXED: Readonly<Record<string, readonly string[]>> = {
  User: ['id', 'userName', 'externalId', 'emails.value'],
  Group: ['id', 'displayName', 'externalId'],
};

/**
 * Recognises `attr eq "v"`, `attr eq "a" or attr eq "b"`, `emails[value eq "v"]` and a conjunction
 * containing one of those, for an attribute in `indexed` (default: User id/userName/externalId/
 * emails.value, Group id/displayName/externalId). Returns undefined for any other shape.
 */
export function findIndexableLookup(
  filter: string | FilterNode,
  resourceType: ResourceTypeName | ResourceSchema,
  indexed?: readonly string[],
): IndexableLookup | undefined {
  const schema = getResourceSchema(resourceType);
  const node = typeof filter === 'string' ? parseFilter(filter) : filter;
  const allowed = new Set((indexed ?? DEFAULT_INDEXED[schema.name] ?? []).map((name) => name.toLowerCase()));

  const equality = (candidate: FilterNode, prefix?: ResolvedAttribute): { resolved: ResolvedAttribute; value: string } | undefined => {
    if (candidate.type !== 'compare' || candidate.operator !== 'eq' || typeof candidate.value !== 'string') return undefined;
    let resolved: ResolvedAttribute | undefined;
    if (prefix) {
      if (candidate.path.uri !== undefined || candidate.path.subAttribute !== undefined) return undefined;
      const subAttribute = findSubAttribute(prefix.attribute, candidate.path.attribute);
      resolved = subAttribute ? { ...prefix, subAttribute } : undefined;
    } else {
      resolved = resolveAttributeParts(candidate.path, schema);
    }
    if (!resolved || !allowed.has(canonicalPath(resolved).toLowerCase())) return undefined;
    return { resolved, value: candidate.value };
  };

  const analyse = (candidate: FilterNode): IndexableLookup | undefined => {
    if (candidate.type === 'compare') {
      const found = equality(candidate);
      if (!found) return undefined;
      const definition = found.resolved.subAttribute ?? found.resolved.attribute;
      return { attribute: canonicalPath(found.resolved), values: [found.value], caseExact: definition.caseExact, exact: true };
    }
    if (candidate.type === 'valuePath') {
      const prefix = resolveAttributeParts(candidate.path, schema);
      if (!prefix || prefix.subAttribute) return undefined;
      const inner = candidate.filter;
      const terms = inner.type === 'and' ? inner.filters : [inner];
      for (const term of terms) {
        const found = equality(term, prefix);
        if (found) {
          const definition = found.resolved.subAttribute ?? found.resolved.attribute;
          return { attribute: canonicalPath(found.resolved), values: [found.value], caseExact: definition.caseExact, exact: terms.length === 1 };
        }
      }
      return undefined;
    }
    if (candidate.type === 'or') {
      const lookups = candidate.filters.map(analyse);
      const first = lookups[0];
      if (!first) return undefined;
      for (const lookup of lookups) {
        if (!lookup || !lookup.exact || lookup.attribute !== first.attribute) return undefined;
      }
      const values = [...new Set(lookups.flatMap((lookup) => lookup?.values ?? []))];
      return { ...first, values };
    }
    if (candidate.type === 'and') {
      for (const part of candidate.filters) {
        const lookup = analyse(part);
        if (lookup) return { ...lookup, exact: false };
      }
    }
    return undefined;
  };

  return analyse(node);
}
