import { PermissionError } from '../errors/domain-errors.ts';

/**
 * What SCIM may see and change, as rules over the one user or group record (seed "Identity SCIM
 * v2"; issue 13: one store, several views).
 *
 * - Visible: every user except local accounts (an organization's first Owner): users an IdP
 *   provisioned, users created at SAML sign-in, and users synchronised from LDAP or Active
 *   Directory. Local accounts stay invisible, and their userNames reserved (409 on create).
 * - Writable: only what SCIM itself or SAML JIT created. A record owned by a directory connection
 *   is read-only to SCIM — its source directory is authoritative — so an IdP that tries to change
 *   or delete it gets a 403 naming the connection (`assertScimWritable`).
 *
 * The SCIM user counter (`users`) counts exactly the visible users: any writer of a visible user
 * adds to it in the same transaction.
 */
export function scimVisible(record: { source?: string | undefined }): boolean {
  return record.source !== 'local';
}

/** The sources whose records SCIM may change; a record with no source at all is writable too. */
export const SCIM_WRITABLE_SOURCES: readonly string[] = ['scim', 'saml-jit'];

/** True when SCIM may change or delete the record (source `scim`, `saml-jit`, or a group with no source). */
export function scimWritable(record: { source?: string | undefined }): boolean {
  return record.source === undefined || SCIM_WRITABLE_SOURCES.includes(record.source);
}

/**
 * Refuses a SCIM change to a record another source owns.
 *
 * @throws PermissionError — 403 (RFC 7644 §3.12) naming the source and connection.
 */
export function assertScimWritable(record: { id: string; source?: string | undefined; connectionId?: string | undefined }, resourceType: 'User' | 'Group'): void {
  if (scimWritable(record)) return;
  const connection = record.connectionId ? ` connection ${record.connectionId}` : '';
  throw new PermissionError(
    `${resourceType} ${record.id} is synchronised from the ${record.source} directory${connection}; it is read-only to SCIM. Change it in the source directory.`,
  );
}
