import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { RouteDefinition } from '../routes.ts';
import { MalformedBodyError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors/domain-errors.ts';
import { MAX_JSON_DEPTH } from './limits.ts';

/** Default request-body limit; SCIM advertises its own (maxPayloadSize) through the route. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** Reads the body as text, enforcing the size limit and decoding API Gateway's base64 form. */
export function readRawBody(event: APIGatewayProxyEvent, limitBytes = DEFAULT_MAX_BODY_BYTES): string | undefined {
  if (event.body === null || event.body === undefined || event.body === '') return undefined;
  const buffer = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : undefined;
  const size = buffer ? buffer.length : Buffer.byteLength(event.body, 'utf8');
  if (size > limitBytes) throw new PayloadTooLargeError(limitBytes);
  return buffer ? buffer.toString('utf8') : event.body;
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The deepest nesting of objects and arrays in a JSON text, counted in one pass without
 * recursion, stopping as soon as it exceeds `limit` (then it returns limit + 1). Brackets inside
 * strings do not count. Malformed text is left for JSON.parse to report.
 */
export function jsonNestingDepth(text: string, limit: number = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === BACKSLASH) index++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
  return deepest;
}

/**
 * Where JSON.parse failed, without quoting the body (its message quotes the text around the
 * error, which may be a password): ` (line L, column C)` when the engine reports a character
 * offset, ` (it ends too early)` for truncated input, otherwise ''.
 */
export function jsonErrorWhere(raw: string, error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const offset = /\bat position (\d+)/.exec(message)?.[1];
  if (offset !== undefined) {
    const before = raw.slice(0, Math.min(Number(offset), raw.length));
    const lines = before.split('\n');
    return ` (line ${lines.length}, column ${(lines.at(-1)?.length ?? 0) + 1})`;
  }
  if (/^Unexpected end of JSON input/.test(message)) return ' (it ends too early)';
  return '';
}

/**
 * Parses the body the route declares. A body of the wrong media type is a 415, malformed JSON
 * or JSON nested deeper than MAX_JSON_DEPTH a 400 (SCIM `invalidSyntax`); routes that take no
 * body ignore one (as API Gateway passes it through).
 *
 * In a Lambda bundle the body kind is the route's, fixed at build time
 * (`globalThis.__PLATFORM_ROUTE_BODY__`, shared/http/route-source.ts), so esbuild keeps only that
 * case: a route that takes no body carries no JSON or form parser.
 */
export function parseBody(route: RouteDefinition, contentType: string | undefined, raw: string | undefined): unknown {
  if (raw === undefined) return undefined;
  switch (globalThis.__PLATFORM_ROUTE_BODY__ ?? route.body ?? 'none') {
    case 'none':
      return undefined;
    case 'json':
      requireMediaType(contentType, (type) => type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json')), 'application/json');
      return parseJson(raw);
    case 'scim':
      requireMediaType(contentType, (type) => type === 'application/scim+json' || type === 'application/json', 'application/scim+json or application/json');
      return parseJson(raw);
    case 'form':
      requireMediaType(contentType, (type) => type === 'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded');
      return parseForm(raw);
  }
}

/** Refuses (415) a body whose media type (Content-Type without parameters, lower case) `accepts` does not take; `expected` names what to send. */
function requireMediaType(contentType: string | undefined, accepts: (mediaType: string) => boolean, expected: string): void {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!accepts(mediaType)) {
    throw new UnsupportedMediaTypeError(`Content-Type ${mediaType === '' ? '(none)' : `'${mediaType}'`} is not supported here; send ${expected}.`);
  }
}

/** An application/x-www-form-urlencoded body as its fields; a repeated field is a 400. */
function parseForm(raw: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    // RFC 6749 §3.2: request parameters must not be repeated.
    if (name in fields) throw new MalformedBodyError(`The form field '${name}' appears more than once.`);
    fields[name] = value;
  }
  return fields;
}

/** A JSON body, parsed once its nesting is known to be within MAX_JSON_DEPTH; malformed or ill-formed (lone surrogate) JSON is a 400. */
function parseJson(raw: string): unknown {
  // Before JSON.parse and before anything walks the value recursively (validation, SCIM PATCH,
  // Bulk, audit details): a deep document must not cost a stack overflow anywhere.
  if (jsonNestingDepth(raw, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw new MalformedBodyError(`The request body nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(raw) as unknown;
  } catch (error) {
    throw new MalformedBodyError(`The request body is not valid JSON${jsonErrorWhere(raw, error)}.`);
  }
  const unpaired = firstIllFormedString(value);
  if (unpaired !== undefined) {
    throw new MalformedBodyError(
      `The request body contains a string with an unpaired UTF-16 surrogate escape (near '${unpaired}'): JSON strings must be valid Unicode (RFC 8259 §8.2), and such a string cannot be stored or signed faithfully.`,
    );
  }
  return value;
}

/**
 * The first string (member name or value) in a parsed JSON value that holds a lone UTF-16
 * surrogate — which JSON's `\uD800` escapes can produce but UTF-8 cannot represent — shown as
 * its first 20 well-formed characters; undefined when every string is well formed. The value's
 * depth is already bounded (MAX_JSON_DEPTH), and the walk uses an explicit stack anyway.
 */
/** With the `u` flag a surrogate pair is one code point, so only an unpaired surrogate is `Cs`. */
const LONE_SURROGATE = /\p{Cs}/u;
const shown = (text: string) => text.replace(/\p{Cs}/gu, '\uFFFD').slice(0, 20);

export function firstIllFormedString(value: unknown): string | undefined {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (typeof next === 'string') {
      if (LONE_SURROGATE.test(next)) return shown(next);
    } else if (Array.isArray(next)) {
      pending.push(...next);
    } else if (next !== null && typeof next === 'object') {
      for (const [name, member] of Object.entries(next)) {
        if (LONE_SURROGATE.test(name)) return shown(name);
        pending.push(member);
      }
    }
  }
  return undefined;
}
