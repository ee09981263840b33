import { afterEach, describe, expect, it } from 'vitest';
import { errorResponse, familyForPath } from '../../shared/http/error-responses.ts';
import { ConflictError, MethodNotAllowedError, OAuthError, RateLimitError, ValidationError } from '../../shared/errors/domain-errors.ts';

describe('error responses per API family', () => {
  it('renders SCIM errors per RFC 7644 §3.12 with status as a string and scimType', () => {
    const response = errorResponse(new ConflictError('userName taken'), 'scim', 'r1');
    expect(response.statusCode).toBe(409);
    expect(response.headers?.['Content-Type']).toContain('application/scim+json');
    expect(JSON.parse(response.body)).toEqual({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409', scimType: 'uniqueness', detail: 'userName taken' });
  });

  it('renders directory errors as { error, message, statusCode }', () => {
    const response = errorResponse(new ValidationError('bad page'), 'directory', 'r1');
    expect(JSON.parse(response.body)).toEqual({ error: 'Bad Request', message: 'bad page', statusCode: 400 });
  });

  it('turns an unexpected error into a generic 500 that reveals nothing', () => {
    const response = errorResponse(new Error('connect ECONNREFUSED 10.0.0.1 at secret.ts:12'), 'identity', 'req-9');
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('ECONNREFUSED');
    expect(response.body).toContain('req-9');
  });

  it('renders OAuth errors per RFC 6749 §5.2, invalid_client as 401, and converts other errors on the token endpoint', () => {
    const invalidClient = errorResponse(new OAuthError('invalid_client', 'nope'), 'identity', 'r');
    expect(invalidClient.statusCode).toBe(401);
    expect(JSON.parse(invalidClient.body)).toEqual({ error: 'invalid_client', error_description: 'nope' });
    const converted = errorResponse(new ValidationError('grant_type: required'), 'identity', 'r', 'oauth');
    expect(converted.statusCode).toBe(400);
    expect(JSON.parse(converted.body).error).toBe('invalid_request');
  });

  it('puts an integer Retry-After on 429', () => {
    const response = errorResponse(new RateLimitError('slow down', 12.2), 'scim', 'r');
    expect(response.statusCode).toBe(429);
    expect(response.headers?.['Retry-After']).toBe('13');
  });

  it('knows each family by its path prefix', () => {
    expect(familyForPath('/api/scim/v2/Users')).toBe('scim');
    expect(familyForPath('/oauth/token')).toBe('identity');
    expect(familyForPath('/api/users')).toBe('directory');
    expect(familyForPath('/favicon.ico')).toBe('platform');
  });
});

/**
 * In a Lambda bundle the route's family is a literal (esbuild `define`, lib/platform-function.ts
 * `routeConstantsDefine`) that the error responder tests directly; setting the global in process
 * stands for a bundle (esbuild folds the same expressions to the same answers).
 */
describe('error responses in a bundle of one family', () => {
  afterEach(() => {
    delete globalThis.__PLATFORM_API_FAMILY__;
  });

  it("answer in the bundle's family, whatever family is passed", () => {
    globalThis.__PLATFORM_API_FAMILY__ = 'scim';
    expect(JSON.parse(errorResponse(new ConflictError('userName taken'), 'directory', 'r').body).schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
    globalThis.__PLATFORM_API_FAMILY__ = 'directory';
    expect(JSON.parse(errorResponse(new ValidationError('bad page'), 'scim', 'r').body)).toEqual({ error: 'Bad Request', message: 'bad page', statusCode: 400 });
  });

  it("answer in the caller's family for a platform route (the family follows the path)", () => {
    globalThis.__PLATFORM_API_FAMILY__ = 'platform';
    expect(JSON.parse(errorResponse(new ValidationError('bad'), 'identity', 'r').body)).toEqual({ error: 'invalid_input', message: 'bad', statusCode: 400 });
    expect(errorResponse(new MethodNotAllowedError('PUT', '/api/users', ['GET', 'POST']), 'directory', 'r').headers?.Allow).toBe('GET, POST');
  });

  it('keep RFC 6749 bodies in identity and platform bundles only', () => {
    globalThis.__PLATFORM_API_FAMILY__ = 'identity';
    expect(JSON.parse(errorResponse(new ValidationError('grant_type: required'), 'identity', 'r', 'oauth').body).error).toBe('invalid_request');
    globalThis.__PLATFORM_API_FAMILY__ = 'scim';
    // A SCIM bundle carries no OAuthError (test/infra/route-bundles.test.ts), so it never meets one.
    expect(JSON.parse(errorResponse(new OAuthError('invalid_client', 'nope'), 'scim', 'r').body).status).toBe('400');
  });
});
