import { platformConfig } from '../config.ts';
import { PreconditionFailedError, ValidationError } from '../errors/domain-errors.ts';
import { SCIM_BASE_PATH } from './scim-config.ts';
import type { ScimObject } from './json.ts';

/** What SCIM needs of a stored resource to describe it: id, version and timestamps. */
type Versioned = { id: string; version: number; createdAt: string; updatedAt: string };

/** The strong ETag-like version of a stored resource, as SCIM shows it (meta.version). */
export function versionTag(item: Versioned): string {
  return `W/"${item.version}"`;
}

export function resourceLocation(resourceType: 'Users' | 'Groups', id: string): string {
  return `${platformConfig().publicBaseUrl}${SCIM_BASE_PATH}/${resourceType}/${id}`;
}

export function metaOf(item: Versioned, resourceType: 'User' | 'Group'): ScimObject {
  return {
    resourceType,
    created: item.createdAt,
    lastModified: item.updatedAt,
    location: resourceLocation(resourceType === 'User' ? 'Users' : 'Groups', item.id),
    version: versionTag(item),
  };
}

/**
 * Checks If-Match (RFC 7644 §3.14, RFC 7232): `*` or any listed tag equal to the current version
 * lets the change through; anything else is a 412 and nothing changes.
 */
export function assertIfMatch(ifMatch: string | undefined, item: Versioned): void {
  if (ifMatch === undefined) return;
  const tags = ifMatch.split(',').map((tag) => tag.trim());
  if (tags.includes('*')) return;
  const current = versionTag(item);
  const strip = (tag: string) => tag.replace(/^W\//, '');
  if (!tags.some((tag) => strip(tag) === strip(current))) {
    throw new PreconditionFailedError(`The resource has changed (current version ${current}); fetch it again before changing it.`);
  }
}

/** True when If-None-Match names the current version, so a GET can answer 304. */
export function matchesIfNoneMatch(ifNoneMatch: string | undefined, item: Versioned): boolean {
  if (ifNoneMatch === undefined) return false;
  const strip = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || strip(tag) === strip(versionTag(item)));
}

/**
 * Cursor pagination (IETF SCIM cursor draft): an opaque token holding a listing position (the
 * sort values of the last resource sent), never a storage key.
 */
export function encodeCursor(position: readonly string[]): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

/**
 * Reads a cursor made by `encodeCursor` for a listing whose positions have `length` values.
 *
 * @throws ValidationError (scimType invalidCursor) for anything else.
 */
export function decodeCursor(cursor: string, length: number): string[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(values) && values.length === length && values.every((value) => typeof value === 'string')) return values as string[];
  } catch {
    // falls through to the error below
  }
  throw new ValidationError('The cursor is not valid; start again with cursor= (empty).', { scimType: 'invalidCursor', field: 'cursor' });
}
