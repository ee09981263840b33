import { describe, expect, it } from 'vitest';
import { assertPasswordPolicy, hashPassword, verifyPassword } from '../../shared/identity/passwords.ts';

describe('password hashing', () => {
  it('stores a salted scrypt hash with its parameters and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$17\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(hash).not.toContain('correct');
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', hash)).toBe(false);
    expect(await hashPassword('correct horse battery staple')).not.toBe(hash);
    // Four scrypt runs at N=2^17 (about 0.4 s each on one idle core) share two cores with the
    // integration suite, so this test gets more than vitest's 5 s default.
  }, 30_000);

  it('does the same work and returns false when there is no account', async () => {
    expect(await verifyPassword('anything at all', undefined)).toBe(false);
  });

  it('refuses short and absurdly long passwords', () => {
    expect(() => assertPasswordPolicy('short')).toThrow(/at least 12/);
    expect(() => assertPasswordPolicy('x'.repeat(300))).toThrow(/at most 256/);
  });
});
