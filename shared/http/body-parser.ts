import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { RouteDefinition } from '../routes.ts';
import { MalformedBodyError, PayloadTooLargeError, UnsupportedMediaTypeError } from '../errors/domain-errors.ts';

/** Default request-body limit; SCIM advertises its own (maxPayloadSize) through the route. */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

const acceptedTypes: Record<'json' | 'scim' | 'form', (mediaType: string) => boolean> = {
  json: (type) => type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json')),
  scim: (type) => type === 'application/scim+json' || type === 'application/json',
  form: (type) => type === 'application/x-www-form-urlencoded',
};

const expectedLabel = {
  json: 'application/json',
  scim: 'application/scim+json or application/json',
  form: 'application/x-www-form-urlencoded',
};

/** Reads the body as text, enforcing the size limit and decoding API Gateway's base64 form. */
export function readRawBody(event: APIGatewayProxyEvent, limitBytes = DEFAULT_MAX_BODY_BYTES): string | undefined {
  if (event.body === null || event.body === undefined || event.body === '') return undefined;
  const buffer = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : undefined;
  const size = buffer ? buffer.length : Buffer.byteLength(event.body, 'utf8');
  if (size > limitBytes) throw new PayloadTooLargeError(limitBytes);
  return buffer ? buffer.toString('utf8') : event.body;
}

/**
 * Parses the body the route declares. A body of the wrong media type is a 415, malformed JSON
 * a 400; routes that take no body ignore one (as API Gateway passes it through).
 */
export function parseBody(route: RouteDefinition, contentType: string | undefined, raw: string | undefined): unknown {
  const kind = route.body ?? 'none';
  if (kind === 'none' || raw === undefined) return undefined;
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!acceptedTypes[kind](mediaType)) {
    throw new UnsupportedMediaTypeError(
      `Content-Type ${mediaType === '' ? '(none)' : `'${mediaType}'`} is not supported here; send ${expectedLabel[kind]}.`,
    );
  }
  if (kind === 'form') {
    const fields: Record<string, string> = {};
    for (const [name, value] of new URLSearchParams(raw)) {
      // RFC 6749 §3.2: request parameters must not be repeated.
      if (name in fields) throw new MalformedBodyError(`The form field '${name}' appears more than once.`);
      fields[name] = value;
    }
    return fields;
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'unparsable';
    throw new MalformedBodyError(`The request body is not valid JSON (${reason}).`);
  }
}
