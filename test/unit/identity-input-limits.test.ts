import { describe, expect, it } from 'vitest';
import { apiBody, issueTokenRequest, roleBody, tokenForm } from '../../shared/identity/schemas.ts';
import { MAX_SORT_KEY_VALUE_BYTES, utf8Bytes } from '../../shared/http/limits.ts';

describe('identity inputs that become DynamoDB keys are bounded in bytes, not only in characters', () => {
  const euros = '€'.repeat(300); // 300 characters, 900 bytes
  it('derives the sort-key value limit from DynamoDB’s 1,024-byte sort key', () => {
    expect(MAX_SORT_KEY_VALUE_BYTES).toBe(1024 - 128);
    expect(utf8Bytes(euros)).toBeGreaterThan(MAX_SORT_KEY_VALUE_BYTES);
  });

  it('refuses an API identifier or a token audience of 900 bytes in 322 characters', () => {
    const identifier = `https://a.example.com/${euros}`;
    expect(apiBody().safeParse({ name: 'A', identifier }).error?.issues[0]?.message).toBe(`must be at most ${MAX_SORT_KEY_VALUE_BYTES} bytes in UTF-8`);
    expect(tokenForm().safeParse({ audience: euros }).success).toBe(false);
    expect(issueTokenRequest.query.safeParse({ audience: euros }).success).toBe(false);
  });

  it('accepts the longest ASCII values the character limits allow', () => {
    expect(apiBody().safeParse({ name: 'A', identifier: `https://a.example.com/${'p'.repeat(570)}` }).success).toBe(true);
    expect(tokenForm().safeParse({ audience: 'a'.repeat(600) }).success).toBe(true);
    expect(roleBody().safeParse({ name: '€'.repeat(200), scopes: ['audit:read'] }).success).toBe(true);
  });
});
