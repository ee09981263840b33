import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { call, login } from './support/platform-client.ts';
import { workers } from '../../shared/workers.ts';

describe('platform foundation over HTTP', () => {
  it('reports health of the table and the export bucket without authentication', async () => {
    const result = await call('GET', '/api/health');
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ status: 'ok', region: 'local', checks: { table: { status: 'ok' }, exportBucket: { status: 'ok' } } });
    expect(result.body.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('reports the signing key (age, next rotation) and every worker queue\'s backlog, next to the unchanged fields', async () => {
    // A sign-in makes sure the signing key is published.
    await login(inject('bootstrapOwnerEmail'), inject('bootstrapOwnerPassword'));
    const result = await call('GET', '/api/health');
    expect(result.status).toBe(200);
    const { signingKey, workerQueues } = result.body;
    expect(signingKey).toMatchObject({ status: 'ok', rotationPeriodDays: 365, ageDays: 0 });
    expect(signingKey.kid).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(signingKey.nextRotationAt) - Date.parse(signingKey.createdAt)).toBe(365 * 86_400_000);
    const queueWorkers = workers.filter((worker) => worker.trigger.kind === 'queue').map((worker) => worker.id);
    const reported = workerQueues.workers as { worker: string; messages?: number; inFlight?: number; deadLetters?: number }[];
    expect(reported.filter((entry) => entry.messages !== undefined).map((entry) => entry.worker).sort()).toEqual([...queueWorkers].sort());
    for (const entry of reported) {
      expect(Number.isInteger(entry.deadLetters)).toBe(true);
      if (entry.messages !== undefined) expect(Number.isInteger(entry.inFlight)).toBe(true);
    }
    expect(workerQueues.status).toBe(reported.some((entry) => (entry.deadLetters ?? 0) > 0) ? 'deadLetters' : 'ok');
  });

  it('answers an unknown path with 404 in each API family error format', async () => {
    const scim = await call('GET', '/api/scim/v2/NoSuchResource');
    expect(scim.status).toBe(404);
    expect(scim.headers.get('content-type')).toContain('application/scim+json');
    expect(scim.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '404' });

    const identity = await call('GET', '/api/identity/v1/nothing-here');
    expect(identity.status).toBe(404);
    expect(identity.body).toMatchObject({ error: 'route_not_found', statusCode: 404 });

    const directory = await call('GET', '/api/nothing-here');
    expect(directory.status).toBe(404);
    expect(directory.body).toEqual({ error: 'Not Found', message: 'No resource at GET /api/nothing-here.', statusCode: 404 });
  });

  it('answers a known path with the wrong method with 405 and an Allow header', async () => {
    const result = await call('DELETE', '/api/health');
    expect(result.status).toBe(405);
    expect(result.headers.get('allow')).toBe('GET');
    expect(result.body).toMatchObject({ error: 'Method Not Allowed', statusCode: 405 });
  });

  it('refuses malformed JSON with 400 and names the problem', async () => {
    const result = await call('POST', '/api/identity/v1/userCredentials/login', { body: '{"emailAddress": ', headers: { 'Content-Type': 'application/json' } });
    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ error: 'malformed_body', statusCode: 400 });
    expect(result.body.message).toMatch(/not valid JSON/);
  });

  it('refuses a body of the wrong content type with 415', async () => {
    const result = await call('POST', '/api/identity/v1/userCredentials/login', { body: 'emailAddress=a', headers: { 'Content-Type': 'text/plain' } });
    expect(result.status).toBe(415);
    expect(result.body.message).toContain('application/json');
  });

  it('refuses an oversized body with 413', async () => {
    const big = JSON.stringify({ emailAddress: 'a@example.com', password: 'x'.repeat(1024 * 1024 + 10) });
    const result = await call('POST', '/api/identity/v1/userCredentials/login', { body: big, headers: { 'Content-Type': 'application/json' } });
    expect(result.status).toBe(413);
    expect(result.body).toMatchObject({ error: 'payload_too_large', statusCode: 413 });
  });

  it('never leaks a stack trace: every error body is a small JSON document', async () => {
    const result = await call('POST', '/api/identity/v1/clients', { body: '[1,2', headers: { 'Content-Type': 'application/json' } });
    expect(result.status).toBe(401);
    expect(result.text).not.toMatch(/at .*\.ts:\d+/);
  });
});
