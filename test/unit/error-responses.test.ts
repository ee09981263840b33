import { describe, expect, it } from 'vitest';
import { errorResponse, familyForPath } from '../../shared/http/error-responses.ts';
import { ConflictError, OAuthError, RateLimitError, ValidationError } from '../../shared/errors/domain-errors.ts';

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
