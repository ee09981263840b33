/**
 * Every organization's one `scim` connection (inbound SCIM 2.0 provisioning). Kept apart from
 * shared/directory/connections.ts so that organization creation does not bundle the LDAP client.
 */
import { createHash } from 'node:crypto';
import { ConflictError } from '../errors/domain-errors.ts';
import * as connections from '../storage/connections.ts';
import type { ConnectionRecord } from '../storage/connections.ts';
import type { TransactionStep } from '../storage/transactions.ts';

const SCIM_CONNECTION_NAME = 'SCIM provisioning';
/** Namespace of these name-based ids (RFC 9562 §5.5): a random UUID fixed once, never to change. */
const SCIM_CONNECTION_NAMESPACE = '6f1e2c8a-9d0b-4c1e-8a55-3b7d2f4e9c10';

/** A name-based (SHA-1, version 5) UUID per RFC 9562 §5.5. */
export function nameBasedUuid(namespace: string, name: string): string {
  const hash = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The id of an organization's `scim` connection, derived from the organization id: no read is
 * needed to know it (SCIM-provisioned users name it as their source connection), and writing the
 * connection under it is its own uniqueness claim.
 */
export function scimConnectionId(organizationId: string): string {
  return nameBasedUuid(SCIM_CONNECTION_NAMESPACE, `scim-connection:${organizationId}`);
}

/** The `scim` connection record of an organization, as first written at `now` (ISO 8601). */
export function scimConnectionRecord(organizationId: string, now: string): ConnectionRecord {
  return { id: scimConnectionId(organizationId), organizationId, name: SCIM_CONNECTION_NAME, type: 'scim', status: 'active', version: 1, createdAt: now, updatedAt: now };
}

/**
 * The transaction step that creates an organization's `scim` connection; organization creation
 * (shared/identity/organizations.ts) writes it in the same transaction as the organization.
 * Fails with ConflictError when the organization already has it.
 */
export function scimConnectionStep(organizationId: string, now: string): TransactionStep {
  return connections.putStep(scimConnectionRecord(organizationId, now), {
    expectedVersion: undefined,
    onConflict: () => new ConflictError('The organization already has its SCIM connection.'),
  });
}
