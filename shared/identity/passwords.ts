import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { ValidationError } from '../errors/domain-errors.ts';

/**
 * Password hashing with scrypt (memory-hard, in node:crypto, so no native addon has to be built
 * for Lambda's arm64): N=2^17, r=8, p=1 needs 128 MiB per hash, hence maxmem of 256 MiB.
 * Stored form: `scrypt$<log2 N>$<r>$<p>$<salt b64url>$<hash b64url>`, so parameters can be raised
 * later without breaking existing hashes.
 */
const LOG2_N = 17;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const MAX_MEMORY = 256 * 1024 * 1024;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

function derive(password: string, salt: Buffer, log2n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { N: 2 ** log2n, r, p, maxmem: MAX_MEMORY }, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/** Refuses passwords too short to resist guessing or long enough to be a denial-of-service lever. */
export function assertPasswordPolicy(password: string, field = 'password'): void {
  if (password.length < PASSWORD_MIN_LENGTH) {
    throw new ValidationError(`The ${field} must be at least ${PASSWORD_MIN_LENGTH} characters long.`, { field, scimType: 'invalidValue' });
  }
  if (password.length > PASSWORD_MAX_LENGTH) {
    throw new ValidationError(`The ${field} must be at most ${PASSWORD_MAX_LENGTH} characters long.`, { field, scimType: 'invalidValue' });
  }
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, LOG2_N, R, P);
  return ['scrypt', LOG2_N, R, P, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** A hash of a random password, verified against when the account does not exist. */
let decoyHash: Promise<string> | undefined;

/**
 * Checks a password against a stored hash in constant time. When there is no account
 * (`stored` undefined) the same scrypt work is done against a decoy, so response time does not
 * reveal whether an email is registered.
 */
export async function verifyPassword(password: string, stored: string | undefined): Promise<boolean> {
  decoyHash ??= hashPassword(randomBytes(24).toString('base64url'));
  const encoded = stored ?? (await decoyHash);
  const [scheme, log2n, r, p, salt, hash] = encoded.split('$');
  if (scheme !== 'scrypt' || !log2n || !r || !p || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await derive(password.slice(0, PASSWORD_MAX_LENGTH), Buffer.from(salt, 'base64url'), Number(log2n), Number(r), Number(p));
  return timingSafeEqual(actual, expected) && stored !== undefined;
}
