import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

let lastTime = -1;
let lastRandom: Uint8Array = new Uint8Array(10);

function encodeTime(time: number): string {
  let out = '';
  let value = time;
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  // 80 bits -> 16 base32 characters, most significant first.
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let out = '';
  for (let i = 0; i < 16; i++) {
    out = ALPHABET[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return out;
}

function increment(bytes: Uint8Array): Uint8Array {
  const next: Uint8Array = Uint8Array.from(bytes);
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i] === 255) {
      next[i] = 0;
    } else {
      next[i] = (next[i] as number) + 1;
      return next;
    }
  }
  return next;
}

/**
 * A ULID: 48-bit millisecond time + 80 random bits, Crockford base32, lexicographically sortable.
 * Within one millisecond the random part increments, so ids from one process stay ordered.
 */
export function ulid(now = Date.now()): string {
  if (now === lastTime) {
    lastRandom = increment(lastRandom);
  } else {
    lastTime = now;
    lastRandom = new Uint8Array(randomBytes(10));
  }
  return encodeTime(now) + encodeRandom(lastRandom);
}

/** The smallest and largest ULIDs of a millisecond, for time-range key conditions. */
export function ulidBounds(time: number): { lowest: string; highest: string } {
  return { lowest: `${encodeTime(time)}${'0'.repeat(16)}`, highest: `${encodeTime(time)}${'Z'.repeat(16)}` };
}

/** The millisecond time a ULID encodes (its first 10 characters), or NaN when it is not one. */
export function ulidTime(id: string): number {
  let time = 0;
  for (const character of id.slice(0, 10)) {
    const digit = ALPHABET.indexOf(character);
    if (digit < 0) return Number.NaN;
    time = time * 32 + digit;
  }
  return time;
}
