/**
 * Input limits derived from the engines' own limits, stated once. A caller's value that would
 * break an engine limit is refused as a validation error (400 in each API family's format)
 * before any engine sees it — never a 500 from DynamoDB or a stack overflow.
 */

/** DynamoDB's hard limits (Developer Guide, "Quotas": attributes, keys and items). */
export const DYNAMODB_PARTITION_KEY_MAX_BYTES = 2048;
export const DYNAMODB_SORT_KEY_MAX_BYTES = 1024;
export const DYNAMODB_ITEM_MAX_BYTES = 400 * 1024;

/**
 * Room left in a key for what the platform puts around a caller's value: the longest prefix built
 * in shared/storage/keys.ts is `ORG#<uuid>#CLIENT#<uuid>#GRANTS` (88 bytes).
 */
export const KEY_PREFIX_RESERVE_BYTES = 128;

/** Longest caller value (UTF-8 bytes) that may become part of a sort key: 896 bytes. */
export const MAX_SORT_KEY_VALUE_BYTES = DYNAMODB_SORT_KEY_MAX_BYTES - KEY_PREFIX_RESERVE_BYTES;

/** Longest caller value (UTF-8 bytes) that may become part of a partition key: 1,920 bytes. */
export const MAX_PARTITION_KEY_VALUE_BYTES = DYNAMODB_PARTITION_KEY_MAX_BYTES - KEY_PREFIX_RESERVE_BYTES;

/**
 * Deepest JSON nesting a request body may have (objects and arrays). The deepest document any
 * API takes is a SCIM Bulk request carrying a PATCH of a multi-valued attribute (9 levels);
 * nesting is refused before JSON.parse and before any recursive walk of the value.
 */
export const MAX_JSON_DEPTH = 32;

/** Size of a string in UTF-8, the unit of DynamoDB's key and item limits. */
export function utf8Bytes(value: string): number {
  return Buffer.byteLength(value, 'utf8');
}

/**
 * The message of a value refused for its size in bytes. A multi-byte string can be short in
 * characters and still too long for a key, so key-bound values are checked in bytes too.
 */
export function tooManyBytesMessage(limitBytes: number): string {
  return `must be at most ${limitBytes} bytes in UTF-8`;
}
