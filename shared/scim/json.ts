/**
 * Small helpers over SCIM JSON representations. Resources are handled as plain objects whose keys
 * are the canonical attribute names; lookups still fall back to a case-insensitive scan because
 * SCIM attribute names are case-insensitive (RFC 7643 §2.1) and clients send odd casings.
 */

export type ScimObject = Record<string, unknown>;

/** A plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is ScimObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The key of `object` naming `name`, exact match first, then case-insensitive. */
export function findKey(object: ScimObject, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(object, name)) return name;
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) {
    if (key.toLowerCase() === lower) return key;
  }
  return undefined;
}

/** The member of `object` named `name`, case-insensitively. */
export function getMember(object: ScimObject, name: string): unknown {
  const key = findKey(object, name);
  return key === undefined ? undefined : object[key];
}

/** Writes `value` under the canonical `name`, dropping any differently-cased duplicate key. */
export function setMember(object: ScimObject, name: string, value: unknown): void {
  const key = findKey(object, name);
  if (key !== undefined && key !== name) delete object[key];
  object[name] = value;
}

/** Deletes the member named `name`, whatever its case. */
export function deleteMember(object: ScimObject, name: string): void {
  const key = findKey(object, name);
  if (key !== undefined) delete object[key];
}

/** Structural equality of JSON values; members set to undefined count as absent. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => deepEqual(item, b[index]));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const keysA = Object.keys(a).filter((key) => a[key] !== undefined);
    const keysB = Object.keys(b).filter((key) => b[key] !== undefined);
    if (keysA.length !== keysB.length) return false;
    return keysA.every((key) => Object.prototype.hasOwnProperty.call(b, key) && deepEqual(a[key], b[key]));
  }
  return false;
}

/** A value is "present" for `pr` and for projection: not null, not "", not an empty array or object. */
export function hasValue(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.some(hasValue);
  if (isObject(value)) return Object.values(value).some(hasValue);
  return true;
}
