import { ValidationError } from '../errors/domain-errors.ts';
import { fitsInKey, MAX_KEYED_VALUE_BYTES } from '../storage/limits.ts';
import { getMember, type ScimObject } from './json.ts';

/** The SCIM attributes stored in keys and indexes, per resource type (uniqueness, `eq` lookups). */
export const KEYED_ATTRIBUTES = { User: ['userName', 'externalId'], Group: ['displayName', 'externalId'] } as const;

/**
 * Refuses a resource whose keyed attributes are longer than storage allows
 * (MAX_KEYED_VALUE_BYTES UTF-8 bytes; shared/storage/limits.ts).
 *
 * @throws ValidationError — 400 with scimType invalidValue (RFC 7644 §3.12) naming the attribute.
 */
export function assertKeyedAttributesFit(resource: ScimObject, type: 'User' | 'Group'): void {
  for (const name of KEYED_ATTRIBUTES[type]) {
    const value = getMember(resource, name);
    if (typeof value === 'string' && !fitsInKey(value)) {
      throw new ValidationError(`${name} is too long: the most it can hold is ${MAX_KEYED_VALUE_BYTES} bytes (UTF-8).`, { scimType: 'invalidValue', field: name });
    }
  }
}

/**
 * Refuses filter comparison values no stored resource can have (longer than a keyed attribute may be).
 *
 * @throws ValidationError — 400 with scimType invalidFilter.
 */
export function assertFilterValuesFit(attribute: string, values: readonly string[]): void {
  if (values.some((value) => !fitsInKey(value))) {
    throw new ValidationError(`The filter compares ${attribute} with a value longer than ${MAX_KEYED_VALUE_BYTES} bytes (UTF-8), the most ${attribute} can hold.`, {
      scimType: 'invalidFilter',
      field: 'filter',
    });
  }
}
