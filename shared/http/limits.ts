/**
 * Input limits derived from the engines' own limits (stated once, in shared/storage/limits.ts). A caller's value that would
 * break an engine limit is refused as a validation error (400 in each API family's format)
 * before any engine sees it — never a 500 from DynamoDB or a stack overflow.
 */

import { DYNAMODB_MAX_PARTITION_KEY_BYTES, DYNAMODB_MAX_SORT_KEY_BYTES, utf8Bytes } from '../storage/limits.ts';

export { utf8Bytes };

/**
 * Room left in a key for what the platform puts around a caller's value: the longest prefix built
 * in shared/storage/keys.ts is `ORG#<uuid>#CLIENT#<uuid>#GRANTS` (88 bytes).
 */
export const KEY_PREFIX_RESERVE_BYTES = 128;

/** Longest caller value (UTF-8 bytes) that may become part of a sort key: 896 bytes. */
export const MAX_SORT_KEY_VALUE_BYTES = DYNAMODB_MAX_SORT_KEY_BYTES - KEY_PREFIX_RESERVE_BYTES;

/** Longest caller value (UTF-8 bytes) that may become part of a partition key: 1,920 bytes. */
export const MAX_PARTITION_KEY_VALUE_BYTES = DYNAMODB_MAX_PARTITION_KEY_BYTES - KEY_PREFIX_RESERVE_BYTES;

/**
 * Deepest JSON nesting a request body may have (objects and arrays). The deepest document any
 * API takes is a SCIM Bulk request carrying a PATCH of a multi-valued attribute (9 levels);
 * nesting is refused before JSON.parse and before any recursive walk of the value.
 */
export const MAX_JSON_DEPTH = 32;

/**
 * The message of a value refused for its size in bytes. A multi-byte string can be short in
 * characters and still too long for a key, so key-bound values are checked in bytes too.
 */
export function tooManyBytesMessage(limitBytes: number): string {
  return `must be at most ${limitBytes} bytes in UTF-8`;
}
