const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Whether `value` is a UUID in the lower-case textual form of RFC 9562 §4 — the form of every id
 * this platform mints (organizations, users, groups, clients, APIs, roles). Domain modules use it
 * to tell a caller "that is not an id" before asking storage; repositories treat such ids as absent.
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
