import { describe, expect, it } from 'vitest';
import type { RouteDefinition } from '../../shared/routes.ts';
import { jsonNestingDepth, parseBody } from '../../shared/http/body-parser.ts';
import { MAX_JSON_DEPTH } from '../../shared/http/limits.ts';
import { MalformedBodyError } from '../../shared/errors/domain-errors.ts';

const route = (body: RouteDefinition['body']) => ({ body }) as RouteDefinition;
const nested = (depth: number, leaf = '1') => '{"a":'.repeat(depth) + leaf + '}'.repeat(depth);

describe('JSON nesting depth', () => {
  it('counts objects and arrays, not brackets inside strings or escaped quotes', () => {
    expect(jsonNestingDepth('1')).toBe(0);
    expect(jsonNestingDepth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(jsonNestingDepth('{"a":"[[[[{{{{"}')).toBe(1);
    expect(jsonNestingDepth('["\\"[[[", ["\\\\"]]')).toBe(2);
    expect(jsonNestingDepth('[[],[],[[]]]')).toBe(3);
  });

  it('stops counting as soon as the limit is passed', () => {
    expect(jsonNestingDepth('['.repeat(1_000_000), 10)).toBe(11);
  });
});

describe('parsing a JSON body', () => {
  it(`accepts ${MAX_JSON_DEPTH} levels and refuses one more with a 400 invalidSyntax error, for every JSON family`, () => {
    expect(parseBody(route('json'), 'application/json', nested(MAX_JSON_DEPTH - 1, '[]'))).toBeTruthy();
    for (const kind of ['json', 'scim'] as const) {
      let error: unknown;
      try {
        parseBody(route(kind), 'application/json', nested(MAX_JSON_DEPTH, '[]'));
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(MalformedBodyError);
      expect(error).toMatchObject({ code: 'malformed_body', scimType: 'invalidSyntax', message: `The request body nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep.` });
    }
  });

  it('refuses 5,000 levels before parsing (no stack overflow in any later walk)', () => {
    expect(() => parseBody(route('scim'), 'application/scim+json', '['.repeat(5000) + ']'.repeat(5000))).toThrow(MalformedBodyError);
    expect(() => parseBody(route('json'), 'application/json', `{"value":${nested(5000)}}`)).toThrow(/more than 32 levels/);
  });

  it('still reports malformed JSON as such', () => {
    expect(() => parseBody(route('json'), 'application/json', '{"a":')).toThrow(/not valid JSON/);
  });

  it('never echoes the malformed body (it may hold a password), only where parsing failed', () => {
    for (const text of ['{"password":hunter2SECRETxyz}', '{"password":"hunter2SECRETxyz",}', '{"password":"hunter2SECRETxyz"}x', "{'password':'hunter2SECRETxyz'}"]) {
      let message = '';
      try {
        parseBody(route('json'), 'application/json', text);
      } catch (caught) {
        message = (caught as Error).message;
      }
      expect(message, text).toMatch(/^The request body is not valid JSON/);
      expect(message, text).not.toMatch(/hunter|SECRET|password/);
    }
    expect(() => parseBody(route('json'), 'application/json', '{"a":')).toThrow('The request body is not valid JSON (it ends too early).');
    expect(() => parseBody(route('json'), 'application/json', '{"a":1}\n x')).toThrow('The request body is not valid JSON (line 2, column 2).');
  });

  it('refuses unpaired surrogate escapes in values and member names, accepts real pairs and the same text unescaped', () => {
    for (const text of ['{"displayName":"Bad \\ud800 name"}', '{"a":["ok",{"b":"\\udc00"}]}', '{"\\ud83d":1}', '["\\ude00\\ud83d"]']) {
      expect(() => parseBody(route('scim'), 'application/scim+json', text), text).toThrow(/unpaired UTF-16 surrogate/);
    }
    expect(parseBody(route('json'), 'application/json', '{"emoji":"\\ud83d\\ude00","plain":"😀 ü"}')).toEqual({ emoji: '😀', plain: '😀 ü' });
  });
});

describe('parsing a body in a bundle', () => {
  it("parses the body the bundle's route takes (esbuild `define`), whatever the row passed says", () => {
    // Setting the global in process stands for a bundle (lib/platform-function.ts `routeConstantsDefine`).
    try {
      globalThis.__PLATFORM_ROUTE_BODY__ = 'none';
      expect(parseBody(route('json'), 'application/json', '{"a":1}')).toBeUndefined();
      globalThis.__PLATFORM_ROUTE_BODY__ = 'form';
      expect(parseBody(route('json'), 'application/x-www-form-urlencoded', 'a=1&b=2')).toEqual({ a: '1', b: '2' });
      globalThis.__PLATFORM_ROUTE_BODY__ = 'scim';
      expect(() => parseBody(route('form'), 'application/x-www-form-urlencoded', 'a=1')).toThrow('send application/scim+json or application/json');
    } finally {
      delete globalThis.__PLATFORM_ROUTE_BODY__;
    }
  });
});
