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

export function statusFor(error: DomainError): number {
  if (error instanceof OAuthError) return error.oauthCode === 'invalid_client' ? 401 : 400;
  return statusByCode[error.code];
}

/**
 * Turns an error into the response of the caller's API family. Errors that are not domain errors
 * are internal: the caller gets a generic 500 with the request id, never the message or stack.
 */
export function errorResponse(error: unknown, family: ApiFamily, requestId: string, format?: 'oauth'): APIGatewayProxyResult {
  if (format === 'oauth' && error instanceof DomainError && !(error instanceof OAuthError) && error.code !== 'rate_limited') {
    // The token endpoint speaks only RFC 6749 errors: malformed or unsupported input is invalid_request.
    return errorResponse(new OAuthError('invalid_request', error.message), family, requestId);
  }
  if (!(error instanceof DomainError)) {
    return familyBody(family, 500, 'internal_error', `An internal error occurred. Request id: ${requestId}.`, undefined, {});
  }
  const status = statusFor(error);
  const headers: Record<string, string> = {};
  if (error instanceof RateLimitError || error instanceof ServiceUnavailableError) headers['Retry-After'] = String(error.retryAfterSeconds);
  if (error instanceof MethodNotAllowedError) headers.Allow = error.allow.join(', ');
  if (error instanceof AuthenticationError) headers['WWW-Authenticate'] = error.challenge;

  if (error instanceof OAuthError) {
    // RFC 6749 §5.2: the token endpoint's own error body; responses must not be cached.
    if (error.oauthCode === 'invalid_client') headers['WWW-Authenticate'] = 'Basic realm="oauth", charset="UTF-8"';
    return {
      statusCode: status,
      headers: { 'Content-Type': JSON_CONTENT_TYPE, 'Cache-Control': 'no-store', Pragma: 'no-cache', ...headers },
      body: JSON.stringify({ error: error.oauthCode, error_description: error.message }),
    };
  }
  return familyBody(family, status, error.code, error.message, error.scimType, headers);
}

function familyBody(
  family: ApiFamily,
  status: number,
  code: string,
  message: string,
  scimType: string | undefined,
  headers: Record<string, string>,
): APIGatewayProxyResult {
  if (family === 'scim') {
    const body: Record<string, unknown> = { schemas: [SCIM_ERROR_SCHEMA], status: String(status) };
    // scimType is only defined for 400 (and 409 uniqueness) responses (RFC 7644 §3.12).
    if (scimType && (status === 400 || status === 409)) body.scimType = scimType;
    body.detail = message;
    return { statusCode: status, headers: { 'Content-Type': SCIM_CONTENT_TYPE, ...headers }, body: JSON.stringify(body) };
  }
  if (family === 'identity') {
    return {
      statusCode: status,
      headers: { 'Content-Type': JSON_CONTENT_TYPE, ...headers },
      body: JSON.stringify({ error: code, message, statusCode: status }),
    };
  }
  return {
    statusCode: status,
    headers: { 'Content-Type': JSON_CONTENT_TYPE, ...headers },
    body: JSON.stringify({ error: reasonPhrases[status] ?? 'Error', message, statusCode: status }),
  };
}
