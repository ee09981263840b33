/**
 * Domain errors. Each carries a stable `code` and knows nothing about HTTP: the one mapping from
 * codes to status and to each API family's body lives in shared/http/error-responses.ts.
 */

export type ErrorCode =
  | 'invalid_input'
  | 'malformed_body'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'not_found'
  | 'route_not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'precondition_failed'
  | 'unauthenticated'
  | 'forbidden'
  | 'rate_limited'
  | 'oauth_error'
  | 'unavailable';

/** SCIM's detail error keywords (RFC 7644 §3.12). */
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  | 'invalidCursor';

export interface DomainErrorOptions {
  /** SCIM detail keyword, used when the error surfaces through the SCIM API. */
  scimType?: ScimType;
  /** Name of the offending input (parameter or attribute). */
  field?: string;
  cause?: unknown;
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly scimType: ScimType | undefined;
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options: DomainErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.scimType = options.scimType;
    this.field = options.field;
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, options: DomainErrorOptions = {}) {
    super('invalid_input', message, options);
  }
}

export class MalformedBodyError extends DomainError {
  constructor(message: string) {
    super('malformed_body', message, { scimType: 'invalidSyntax' });
  }
}

export class UnsupportedMediaTypeError extends DomainError {
  constructor(message: string) {
    super('unsupported_media_type', message);
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(limitBytes: number, message?: string) {
    super('payload_too_large', message ?? `The request body exceeds the limit of ${limitBytes} bytes.`);
  }
}

export class NotFoundError extends DomainError {
  constructor(message: string) {
    super('not_found', message);
  }
}

export class RouteNotFoundError extends DomainError {
  constructor(method: string, path: string) {
    super('route_not_found', `No resource at ${method} ${path}.`);
  }
}

export class MethodNotAllowedError extends DomainError {
  readonly allow: readonly string[];

  constructor(method: string, path: string, allow: readonly string[]) {
    super('method_not_allowed', `${method} is not supported on ${path}; use ${allow.join(', ')}.`);
    this.allow = allow;
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, options: DomainErrorOptions = {}) {
    super('conflict', message, { scimType: 'uniqueness', ...options });
  }
}

export class PreconditionFailedError extends DomainError {
  constructor(message: string) {
    super('precondition_failed', message);
  }
}

export class AuthenticationError extends DomainError {
  /** Value for the WWW-Authenticate header (RFC 6750 §3). */
  readonly challenge: string;

  constructor(message: string, challenge = 'Bearer') {
    super('unauthenticated', message);
    this.challenge = challenge;
  }
}

export class PermissionError extends DomainError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

export class RateLimitError extends DomainError {
  readonly retryAfterSeconds: number;

  constructor(message: string, retryAfterSeconds: number) {
    super('rate_limited', message);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}

/** OAuth 2.0 token endpoint error (RFC 6749 §5.2). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope';

export class OAuthError extends DomainError {
  readonly oauthCode: OAuthErrorCode;

  constructor(oauthCode: OAuthErrorCode, description: string) {
    super('oauth_error', description);
    this.oauthCode = oauthCode;
  }
}

export class ServiceUnavailableError extends DomainError {
  /** Seconds the caller should wait before retrying (the Retry-After header, RFC 9110 §10.2.3). */
  readonly retryAfterSeconds: number;
  /** True when the cause is write contention a fresh attempt can resolve (DynamoDB TransactionConflict). */
  readonly contention: boolean;

  constructor(message: string, options: DomainErrorOptions & { retryAfterSeconds?: number; contention?: boolean } = {}) {
    super('unavailable', message, options);
    this.retryAfterSeconds = Math.max(1, Math.ceil(options.retryAfterSeconds ?? 1));
    this.contention = options.contention ?? false;
  }
}

/** An optimistic-concurrency check failed: someone else changed the item first. Safe to retry. */
export class ConcurrentChangeError extends DomainError {
  constructor(message: string) {
    super('conflict', message);
  }
}
