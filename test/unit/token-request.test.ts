import { describe, expect, it } from 'vitest';
import { readTokenRequest } from '../../shared/identity/token-request.ts';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('reading a token request', () => {
  it('takes the audience from the query when the form has none', () => {
    expect(readTokenRequest({ grant_type: 'client_credentials' }, { audience: 'https://x/api' }, undefined).audience).toBe('https://x/api');
  });

  it('decodes form-urlencoded Basic credentials (RFC 6749 §2.3.1)', () => {
    const request = readTokenRequest({ grant_type: 'client_credentials' }, {}, basic('id%3Awith', 'se+cret'));
    expect(request).toMatchObject({ clientId: 'id:with', clientSecret: 'se cret' });
  });

  it('refuses two authentication methods and mismatched ids', () => {
    expect(() => readTokenRequest({ client_secret: 's' }, {}, basic('a', 'b'))).toThrow(/one client authentication method/);
    expect(() => readTokenRequest({ client_id: 'other' }, {}, basic('a', 'b'))).toThrow(/does not match/);
  });
});

describe('bounds of a token request', () => {
  it('refuses Basic credentials longer than any client id or secret the platform issues', () => {
    expect(() => readTokenRequest({}, {}, basic('x'.repeat(201), 's'))).toThrow(/longer than any client id or secret/);
    expect(() => readTokenRequest({}, {}, basic('id', 's'.repeat(501)))).toThrow(/longer than any client id or secret/);
    expect(readTokenRequest({}, {}, basic('x'.repeat(200), 's'.repeat(500)))).toMatchObject({ clientId: 'x'.repeat(200) });
  });
});
