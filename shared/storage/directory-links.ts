/**
 * The directory links repository: for every synchronised user and group, one item keyed by its DN
 * in the source directory, so a sync run resolves manager and member DNs to platform ids without
 * reading every synchronised object (a delta run reads only what changed and what it references).
 *
 * Access pattern (README, "Storage"): directoryLinks.byDns — BatchGetItem on
 * `ORG#<org>#CONNECTION#<conn>#DN` / SHA-256 of the normalised DN (a digest, so DNs of any length
 * fit in a key). The sync engine writes a link in the transaction that creates the object or
 * changes its DN, and removes it in the one that deletes the object.
 */
import { createHash } from 'node:crypto';
import { EntityType } from './keys.ts';
import * as keys from './keys.ts';
import { batchGet } from './queries.ts';
import { put, remove, type TransactionStep } from './transactions.ts';

/** What a DN names in the platform. */
export interface DirectoryLink {
  /** The normalised DN (lower case, no spaces around separators). */
  dn: string;
  objectClass: 'user' | 'group';
  objectId: string;
}

const digest = (dnKey: string) => createHash('sha256').update(dnKey, 'utf8').digest('base64url');

/** directoryLinks.byDns — the links of the normalised DNs that have one, by DN (strongly consistent). */
export async function byDns(organizationId: string, connectionId: string, dnKeys: readonly string[]): Promise<Map<string, DirectoryLink>> {
  const unique = [...new Set(dnKeys)];
  if (unique.length === 0) return new Map();
  const items = await batchGet(unique.map((dn) => keys.directoryDnLink(organizationId, connectionId, digest(dn))), true);
  return new Map(items.map((item) => [item.dn as string, { dn: item.dn as string, objectClass: item.objectClass as DirectoryLink['objectClass'], objectId: item.objectId as string }]));
}

/** directoryLinks.putStep — links a normalised DN to a user or group (replacing any earlier link of that DN). */
export function putStep(organizationId: string, connectionId: string, link: DirectoryLink): TransactionStep {
  return put({ ...keys.directoryDnLink(organizationId, connectionId, digest(link.dn)), type: EntityType.DirectoryDnLink, ...link });
}

/**
 * directoryLinks.removeStep — removes the link of a normalised DN (unconditionally: the caller
 * leaves out the removal when the same change set links that DN to another object).
 */
export function removeStep(organizationId: string, connectionId: string, dnKey: string): TransactionStep {
  return remove(keys.directoryDnLink(organizationId, connectionId, digest(dnKey)));
}
