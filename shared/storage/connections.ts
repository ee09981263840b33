/**
 * The connections repository: an organization's directory connections (Directory API seed,
 * "Connections"). Every organization has one `scim` connection (inbound provisioning) and any
 * number of `ldap` and `activeDirectory` connections that sync projects read from.
 *
 * Access patterns (README, "Storage"):
 * - connections.byId — GetItem on the organization partition (`CONNECTION#<id>`);
 * - connections.list — the organization's connections (begins_with(sk, 'CONNECTION#')): tens per
 *   organization at most, read whole and paged in memory.
 *
 * The `scim` connection's id is derived from the organization id (shared/directory/connections.ts),
 * so writing it with `putStep` and no expected version is its own uniqueness claim: a second
 * creation, however concurrent, fails its condition instead of adding a duplicate.
 */
import type { SealedSecret } from '../crypto/envelope.ts';
import type { DomainError } from '../errors/domain-errors.ts';
import { EntityType, isUuid } from './keys.ts';
import * as keys from './keys.ts';
import { getItem, queryPrefix } from './queries.ts';
import { mustExist, put, putNew, remove, type TransactionStep } from './transactions.ts';

type Item = Record<string, unknown>;

export type ConnectionType = 'scim' | 'ldap' | 'activeDirectory';
export type ConnectionTlsMode = 'ldaps' | 'startTLS' | 'none';
export type ConnectionStatus = 'active' | 'disabled';

/** How to reach and read an LDAP directory (ldap and activeDirectory connections only). */
export interface DirectorySettings {
  host: string;
  port: number;
  tlsMode: ConnectionTlsMode;
  /** True only when the operator explicitly allowed `tlsMode: 'none'`. */
  allowInsecure: boolean;
  /** PEM certificate(s) trusted for the server's certificate; absent: the system's trust store. */
  caCertificate?: string | undefined;
  /** Name the server certificate must carry when it differs from `host`. */
  tlsServerName?: string | undefined;
  baseDn: string;
  /** A DN, or for Active Directory a userPrincipalName (user@domain). */
  bindDn: string;
  /** The bind password, envelope-encrypted (shared/crypto/envelope.ts); never returned. */
  sealedPassword: SealedSecret;
  /** Entries per page of a paged search (RFC 2696). */
  pageSize: number;
  /** Milliseconds. */
  connectTimeoutMs: number;
  operationTimeoutMs: number;
}

/** One connection as stored. Timestamps are ISO 8601. */
export interface ConnectionRecord {
  id: string;
  organizationId: string;
  name: string;
  type: ConnectionType;
  status: ConnectionStatus;
  /** Present for ldap and activeDirectory connections, absent for scim. */
  directory?: DirectorySettings | undefined;
  /** Optimistic-concurrency version, 1 on create. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

function toRecord(item: Item): ConnectionRecord {
  const { pk: _pk, sk: _sk, type: _type, connectionType, ...rest } = item;
  return { ...rest, type: connectionType } as unknown as ConnectionRecord;
}

function itemOf(record: ConnectionRecord): Item {
  // `type` is the item's entity tag on every item of the table; the connection's own type is `connectionType`.
  const { type, ...rest } = record;
  return { ...keys.connection(record.organizationId, record.id), type: EntityType.DirectoryConnection, connectionType: type, ...rest };
}

/** connections.byId — undefined when absent or when `connectionId` is not a UUID. Strongly consistent by default. */
export async function byId(organizationId: string, connectionId: string, options: { consistent?: boolean } = {}): Promise<ConnectionRecord | undefined> {
  if (!isUuid(connectionId)) return undefined;
  const item = await getItem(keys.connection(organizationId, connectionId), options.consistent ?? true);
  return item ? toRecord(item) : undefined;
}

/** connections.list — every connection of an organization (eventually consistent), in no particular order. */
export async function list(organizationId: string): Promise<ConnectionRecord[]> {
  const prefix = keys.connectionPrefix(organizationId);
  return (await queryPrefix(prefix.pk, prefix.skPrefix)).map(toRecord);
}

/**
 * connections.putStep — writes a whole connection. Without `expectedVersion` it must not exist yet
 * (`onConflict` otherwise); with it, the stored version must still be that one (optimistic
 * concurrency; `onConflict` when it changed or the connection is gone).
 */
export function putStep(record: ConnectionRecord, options: { expectedVersion: number | undefined; onConflict: () => DomainError }): TransactionStep {
  const item = itemOf(record);
  if (options.expectedVersion === undefined) return putNew(item, options.onConflict);
  return put(item, { expression: 'version = :seen', values: { ':seen': options.expectedVersion } }, options.onConflict);
}

/** connections.deleteStep — deletes a connection whose stored version is still `expectedVersion` (`onConflict` otherwise). */
export function deleteStep(organizationId: string, connectionId: string, options: { expectedVersion: number; onConflict: () => DomainError }): TransactionStep {
  return remove(keys.connection(organizationId, connectionId), { expression: 'version = :seen', values: { ':seen': options.expectedVersion } }, options.onConflict);
}

/** connections.mustExistStep — a precondition that the connection exists (`onMissing` otherwise). */
export function mustExistStep(organizationId: string, connectionId: string, onMissing: () => DomainError): TransactionStep {
  return mustExist(keys.connection(organizationId, connectionId), onMissing);
}
