/**
 * The engine's limits, stated once, and the input limits derived from them. Every attribute that
 * becomes part of a key or an index key is bounded here, and every item is sized before it is
 * written, so a caller's input can never reach DynamoDB's own validation (which would be a 500).
 *
 * DynamoDB (Developer Guide, "Service, account, and table quotas"): partition key values at most
 * 2,048 bytes, sort key values at most 1,024 bytes (UTF-8), items at most 400 KB including
 * attribute names.
 */
import { PayloadTooLargeError } from '../errors/domain-errors.ts';

export const DYNAMODB_MAX_PARTITION_KEY_BYTES = 2048;
export const DYNAMODB_MAX_SORT_KEY_BYTES = 1024;
export const DYNAMODB_MAX_ITEM_BYTES = 400 * 1024;
/** TransactWriteItems carries at most 4 MB in all (Developer Guide, "Transaction conflict handling" quotas). */
export const DYNAMODB_MAX_TRANSACTION_BYTES = 4 * 1024 * 1024;

/**
 * Longest value, in UTF-8 bytes, of an attribute that is stored inside a key: SCIM userName,
 * externalId and group displayName, sign-in emails, API identifiers, role names. Half the sort-key
 * limit leaves room for the key's prefix and for lower-casing, which can lengthen a string by up
 * to half (e.g. U+0130 'İ', 2 bytes, lower-cases to 3).
 */
export const MAX_KEYED_VALUE_BYTES = 512;

/** UTF-8 length of a string, in bytes. */
export function utf8Bytes(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/** True when a string can be stored in a key (see MAX_KEYED_VALUE_BYTES). */
export function fitsInKey(value: string): boolean {
  return utf8Bytes(value) <= MAX_KEYED_VALUE_BYTES;
}

const numberBytes = (text: string) => Math.ceil(text.replace(/^-/, '').replace('.', '').replace(/^0+/, '').length / 2) + 1;

/**
 * An item's size by DynamoDB's documented rules: attribute names and string values in UTF-8
 * bytes, numbers about one byte per two digits plus one, binary by length, booleans and nulls one
 * byte, lists and maps three bytes plus one per element. Iterative, so any nesting is sized safely.
 */
export function itemBytes(item: Record<string, unknown>): number {
  let total = 0;
  const stack: unknown[] = [item];
  let first = true;
  while (stack.length > 0) {
    const value = stack.pop();
    if (value === null || value === undefined || typeof value === 'boolean') total += 1;
    else if (typeof value === 'string') total += utf8Bytes(value);
    else if (typeof value === 'number' || typeof value === 'bigint') total += numberBytes(String(value));
    else if (value instanceof Uint8Array) total += value.length;
    else if (value instanceof Set) for (const element of value) stack.push(element);
    else if (Array.isArray(value)) {
      total += 3 + value.length;
      for (const element of value) stack.push(element);
    } else if (typeof value === 'object') {
      const entries = Object.entries(value as Record<string, unknown>).filter(([, element]) => element !== undefined);
      // The item itself is not a map value: only its attribute names count.
      if (!first) total += 3 + entries.length;
      for (const [name, element] of entries) {
        total += utf8Bytes(name);
        stack.push(element);
      }
    }
    first = false;
  }
  return total;
}

/**
 * Refuses an item DynamoDB would refuse for its size.
 *
 * @throws PayloadTooLargeError (413) naming the size and the limit.
 */
export function assertItemFits(item: Record<string, unknown>): void {
  const bytes = itemBytes(item);
  if (bytes > DYNAMODB_MAX_ITEM_BYTES) {
    throw new PayloadTooLargeError(
      DYNAMODB_MAX_ITEM_BYTES,
      `The resource would be stored as ${bytes} bytes; the most one resource can hold is ${DYNAMODB_MAX_ITEM_BYTES} bytes (400 KB). Shorten its largest attributes.`,
    );
  }
}

const KEY_LIMITS: Record<string, number> = {
  pk: DYNAMODB_MAX_PARTITION_KEY_BYTES,
  sk: DYNAMODB_MAX_SORT_KEY_BYTES,
  gsi1pk: DYNAMODB_MAX_PARTITION_KEY_BYTES,
  gsi1sk: DYNAMODB_MAX_SORT_KEY_BYTES,
  gsi2pk: DYNAMODB_MAX_PARTITION_KEY_BYTES,
  gsi2sk: DYNAMODB_MAX_SORT_KEY_BYTES,
};

/** True when every key attribute of `item` (table and index keys) is within DynamoDB's key limits. */
export function keysFit(item: Record<string, unknown>): boolean {
  return Object.entries(KEY_LIMITS).every(([name, limit]) => typeof item[name] !== 'string' || utf8Bytes(item[name] as string) <= limit);
}

/**
 * Refuses a transaction whose items together exceed DynamoDB's 4 MB transaction payload.
 *
 * @throws PayloadTooLargeError (413) naming the size and the limit.
 */
export function assertTransactionFits(items: readonly Record<string, unknown>[]): void {
  const bytes = items.reduce((sum, item) => sum + itemBytes(item), 0);
  if (bytes > DYNAMODB_MAX_TRANSACTION_BYTES) {
    throw new PayloadTooLargeError(
      DYNAMODB_MAX_TRANSACTION_BYTES,
      `The change would write ${bytes} bytes in one transaction; the most one change can write is ${DYNAMODB_MAX_TRANSACTION_BYTES} bytes (4 MB). Send it in smaller parts.`,
    );
  }
}
