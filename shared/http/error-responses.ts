import type { APIGatewayProxyResult } from 'aws-lambda';
import type { ApiFamily } from '../routes.ts';
import {
  AuthenticationError,
  DomainError,
  MethodNotAllowedError,
  OAuthError,
  RateLimitError,
  ServiceUnavailableError,
  type ErrorCode,
} from '../errors/domain-errors.ts';

/** The one mapping from domain error codes to HTTP status codes. */
const statusByCode: Record<ErrorCode, number> = {
  invalid_input: 400,
  malformed_body: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  not_found: 404,
  route_not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  precondition_failed: 412,
  unauthenticated: 401,
  forbidden: 403,
  rate_limited: 429,
  oauth_error: 400,
  unavailable: 503,
};

const reasonPhrases: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';
const SCIM_ERROR_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** Which API family's error format applies to a path, for requests that matched no route. */
export function familyForPath(path: string): ApiFamily {
  if (path === '/api/scim/v2' || path.startsWith('/api/scim/v2/')) return 'scim';
  if (path.startsWith('/api/identity/') || path.startsWith('/oauth/') || path.startsWith('/.well-known/')) {
    return 'identity';
  }
  if (path === '/api/reviews' || path.startsWith('/api/reviews/')) return 'governance';
  if (path === '/api/policies' || path.startsWith('/api/policies/') || path === '/api/violations' || path.startsWith('/api/violations/')) return 'governance';
  if (path.startsWith('/api/')) return 'directory';
  return 'platform';
}

/**
 * Turns an error into the response of the caller's API family. Errors that are not domain errors
 * are internal: the caller gets a generic 500 with the request id, never the message or stack.
 *
 * @param family the API family whose error body to answer with. In a Lambda bundle it is the
 *   route's, fixed at build time (`globalThis.__PLATFORM_API_FAMILY__`, shared/http/route-source.ts),
 *   and the argument is ignored — only that family's body is carried (the pipeline and SCIM Bulk
 *   pass the route's own family anyway); a platform route's bundle keeps every body, its family
 *   coming from the path (familyForPath).
 * @param format `oauth`: the route answers only with RFC 6749 §5.2 bodies (the token endpoint):
 *   any other domain error but a 429 becomes `invalid_request`.
 */
export function errorResponse(error: unknown, family: ApiFamily, requestId: string, format?: 'oauth'): APIGatewayProxyResult {
  // Errors only one family's code raises are handled unbundled and in that family's bundles only
  // (direct tests of the global, which esbuild folds; test/infra/route-bundles.test.ts checks that
  // other bundles carry neither): RFC 6749 errors in identity routes (the token endpoint is one, and
  // validateRouteTable allows `errorFormat: 'oauth'` on identity routes only) and platform routes;
  // 405 Method Not Allowed in the platform fallback route (functions/platform/route-not-found.ts).
  if (globalThis.__PLATFORM_API_FAMILY__ === undefined || globalThis.__PLATFORM_API_FAMILY__ === 'identity' || globalThis.__PLATFORM_API_FAMILY__ === 'platform') {
    if (format === 'oauth' && error instanceof DomainError && !(error instanceof OAuthError) && error.code !== 'rate_limited') {
      // The token endpoint speaks only RFC 6749 errors: malformed or unsupported input is invalid_request.
      return errorResponse(new OAuthError('invalid_request', error.message), family, requestId);
    }
    if (error instanceof OAuthError) return oauthErrorResponse(error);
  }
  if (!(error instanceof DomainError)) {
    return familyBody(family, 500, 'internal_error', `An internal error occurred. Request id: ${requestId}.`, undefined, {});
  }
  const status = statusByCode[error.code];
  const headers: Record<string, string> = {};
  if (error instanceof RateLimitError || error instanceof ServiceUnavailableError) headers['Retry-After'] = String(error.retryAfterSeconds);
  if ((globalThis.__PLATFORM_API_FAMILY__ === undefined || globalThis.__PLATFORM_API_FAMILY__ === 'platform') && error instanceof MethodNotAllowedError) {
    headers.Allow = error.allow.join(', ');
  }
  if (error instanceof AuthenticationError) headers['WWW-Authenticate'] = error.challenge;
  return familyBody(family, status, error.code, error.message, error.scimType, headers);
}

/** RFC 6749 §5.2: the token endpoint's own error body; responses must not be cached. */
function oauthErrorResponse(error: OAuthError): APIGatewayProxyResult {
  const headers: Record<string, string> = {};
  if (error.oauthCode === 'invalid_client') headers['WWW-Authenticate'] = 'Basic realm="oauth", charset="UTF-8"';
  return {
    statusCode: error.oauthCode === 'invalid_client' ? 401 : 400,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, 'Cache-Control': 'no-store', Pragma: 'no-cache', ...headers },
    body: JSON.stringify({ error: error.oauthCode, error_description: error.message }),
  };
}

function familyBody(
  family: ApiFamily,
  status: number,
  code: string,
  message: string,
  scimType: string | undefined,
  headers: Record<string, string>,
): APIGatewayProxyResult {
  // In a bundle of a route of another family than platform, its family (a literal esbuild folds,
  // keeping one case); unbundled, and for a platform route, the argument.
  switch (globalThis.__PLATFORM_API_FAMILY__ === undefined || globalThis.__PLATFORM_API_FAMILY__ === 'platform' ? family : globalThis.__PLATFORM_API_FAMILY__) {
    case 'scim': {
      const body: Record<string, unknown> = { schemas: [SCIM_ERROR_SCHEMA], status: String(status) };
      // scimType is only defined for 400 (and 409 uniqueness) responses (RFC 7644 §3.12).
      if (scimType && (status === 400 || status === 409)) body.scimType = scimType;
      body.detail = message;
      return { statusCode: status, headers: { 'Content-Type': SCIM_CONTENT_TYPE, ...headers }, body: JSON.stringify(body) };
    }
    case 'identity':
      return {
        statusCode: status,
        headers: { 'Content-Type': JSON_CONTENT_TYPE, ...headers },
        body: JSON.stringify({ error: code, message, statusCode: status }),
      };
    default:
      return {
        statusCode: status,
        headers: { 'Content-Type': JSON_CONTENT_TYPE, ...headers },
        body: JSON.stringify({ error: reasonPhrases[status] ?? 'Error', message, statusCode: status }),
      };
  }
}
