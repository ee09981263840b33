import { describe, expect, it } from 'vitest';
import {
  assertItemFits,
  assertTransactionFits,
  DYNAMODB_MAX_ITEM_BYTES,
  DYNAMODB_MAX_TRANSACTION_BYTES,
  fitsInKey,
  itemBytes,
  keysFit,
  MAX_KEYED_VALUE_BYTES,
} from '../../shared/storage/limits.ts';

describe('engine limits (shared/storage/limits.ts)', () => {
  it('sizes items by DynamoDB’s rules: names and strings in UTF-8 bytes, lists and maps with overhead', () => {
    expect(itemBytes({ a: 'xyz' })).toBe(1 + 3);
    expect(itemBytes({ name: '€' })).toBe(4 + 3);
    expect(itemBytes({ flag: true, none: null })).toBe(4 + 1 + 4 + 1);
    expect(itemBytes({ list: ['ab', 'c'] })).toBe(4 + 3 + 2 + 2 + 1);
    expect(itemBytes({ map: { k: 'v' } })).toBe(3 + 3 + 1 + 1 + 1);
  });

  it('sizes a deeply nested value without recursion', () => {
    let value: unknown = 'leaf';
    for (let depth = 0; depth < 100_000; depth++) value = { v: value };
    expect(itemBytes({ deep: value })).toBeGreaterThan(100_000);
  });

  it('refuses an item over 400 KB with a 413 naming the limit, and accepts one at the limit', () => {
    const name = 'n';
    expect(() => assertItemFits({ [name]: 'x'.repeat(DYNAMODB_MAX_ITEM_BYTES - 1) })).not.toThrow();
    expect(() => assertItemFits({ [name]: 'x'.repeat(DYNAMODB_MAX_ITEM_BYTES) })).toThrow(/409600 bytes/);
    try {
      assertItemFits({ [name]: 'x'.repeat(DYNAMODB_MAX_ITEM_BYTES) });
    } catch (error) {
      expect((error as { code: string }).code).toBe('payload_too_large');
    }
  });

  it('refuses a transaction whose items together exceed 4 MB', () => {
    const item = { v: 'x'.repeat(350_000) };
    expect(() => assertTransactionFits(Array.from({ length: 11 }, () => item))).not.toThrow();
    expect(() => assertTransactionFits(Array.from({ length: 12 }, () => item))).toThrow(new RegExp(`${DYNAMODB_MAX_TRANSACTION_BYTES} bytes`));
  });

  it('bounds keyed values in UTF-8 bytes, and checks table and index keys against their limits', () => {
    expect(fitsInKey('a'.repeat(MAX_KEYED_VALUE_BYTES))).toBe(true);
    expect(fitsInKey('a'.repeat(MAX_KEYED_VALUE_BYTES + 1))).toBe(false);
    expect(fitsInKey('€'.repeat(171))).toBe(false);
    expect(keysFit({ pk: 'p'.repeat(2048), sk: 's'.repeat(1024) })).toBe(true);
    expect(keysFit({ pk: 'p', sk: 's'.repeat(1025) })).toBe(false);
    expect(keysFit({ pk: 'p', sk: 's', gsi2sk: 'g'.repeat(1025) })).toBe(false);
    expect(keysFit({ pk: 'p'.repeat(2049), sk: 's' })).toBe(false);
  });
});
