/**
 * The client registrations repository: machine-to-machine OAuth clients and their credentials
 * (seed "Client registrations"). Not to be confused with shared/storage/clients.ts, the DynamoDB
 * and S3 SDK clients.
 *
 * Access patterns (README, "Storage"):
 * - clients.byId / clients.byIds — GetItem / BatchGetItem on the organization partition;
 * - clients.list — the organization's registrations (begins_with(sk, 'CLIENT#'));
 * - clients.byCredentialsClientId — the credentials item, found without knowing the organization
 *   (the token endpoint learns the organization from it, and the registration's `enabled` and
 *   `grantTypeClientCredentials` flags, copied onto it in every transaction that changes them).
 */
import type { SealedSecret } from '../crypto/envelope.ts';
import type { DomainError } from '../errors/domain-errors.ts';
import { tableName } from './clients.ts';
import { EntityType, isUuid } from './keys.ts';
import * as keys from './keys.ts';
import { batchGet, getItem, queryPrefix } from './queries.ts';
import { put, putNew, remove, type TransactionStep } from './transactions.ts';

type Item = Record<string, unknown>;

/** One client registration as stored. Timestamps are ISO 8601. */
export interface ClientRecord {
  /** The registration's UUID (the management API's `clientId`). */
  id: string;
  organizationId: string;
  name: string;
  description?: string | undefined;
  enabled: boolean;
  clientType: 'machineToMachine';
  jwtSigningAlgorithm: 'rs256';
  refreshTokenRotation?: boolean | undefined;
  grantTypeClientCredentials?: boolean | undefined;
  /** The OAuth `client_id` (32 alphanumerics), the key of the credentials item. */
  credentialsClientId: string;
  createdAt: string;
  updatedAt: string;
  secretRotatedAt: string;
}

/** A client's credentials: the secret's SHA-256 digest for verification and its envelope-encrypted copy for Owners. */
export interface ClientCredentialsRecord {
  credentialsClientId: string;
  organizationId: string;
  /** The registration's UUID. */
  clientId: string;
  /** base64url SHA-256 of the secret. */
  secretDigest: string;
  sealedSecret: SealedSecret;
  /** ISO 8601. */
  rotatedAt: string;
  /**
   * Copies of the registration's `enabled` and `grantTypeClientCredentials` (an absent
   * `grantTypeClientCredentials` there is stored here as true), written in the same transaction as
   * every registration change, so the token endpoint needs no read of the registration. Undefined
   * on credentials written before the copies existed: then the registration decides.
   */
  enabled?: boolean | undefined;
  grantTypeClientCredentials?: boolean | undefined;
}

/** The registration flags the token endpoint checks, as kept on the credentials item. */
export type ClientCredentialsFlags = Required<Pick<ClientCredentialsRecord, 'enabled' | 'grantTypeClientCredentials'>>;

function toRecord(item: Item): ClientRecord {
  const { pk: _pk, sk: _sk, type: _type, ...record } = item;
  return record as unknown as ClientRecord;
}

function toCredentials(credentialsClientId: string, item: Item): ClientCredentialsRecord {
  return {
    credentialsClientId,
    organizationId: item.organizationId as string,
    clientId: item.clientId as string,
    secretDigest: item.secretDigest as string,
    sealedSecret: item.sealedSecret as SealedSecret,
    rotatedAt: item.rotatedAt as string,
    // Only real booleans count: a missing or malformed copy is "unknown", never "enabled".
    ...(typeof item.enabled === 'boolean' ? { enabled: item.enabled } : {}),
    ...(typeof item.grantTypeClientCredentials === 'boolean' ? { grantTypeClientCredentials: item.grantTypeClientCredentials } : {}),
  };
}

/** clients.byId — undefined when absent or when `clientId` is not a UUID. Strongly consistent by default. */
export async function byId(organizationId: string, clientId: string, options: { consistent?: boolean } = {}): Promise<ClientRecord | undefined> {
  if (!isUuid(clientId)) return undefined;
  const item = await getItem(keys.client(organizationId, clientId), options.consistent ?? true);
  return item ? toRecord(item) : undefined;
}

/** clients.byIds — the registrations that exist among `clientIds` (eventually consistent), in no particular order. */
export async function byIds(organizationId: string, clientIds: readonly string[]): Promise<ClientRecord[]> {
  const valid = [...new Set(clientIds.filter(isUuid))];
  return valid.length === 0 ? [] : (await batchGet(valid.map((id) => keys.client(organizationId, id)))).map(toRecord);
}

/** clients.list — every registration of an organization, in no particular order. */
export async function list(organizationId: string): Promise<ClientRecord[]> {
  const prefix = keys.clientPrefix(organizationId);
  return (await queryPrefix(prefix.pk, prefix.skPrefix)).map(toRecord);
}

/**
 * clients.putStep — writes a whole registration. Without `expectedUpdatedAt` it must not exist
 * yet; with it, it must still exist with that `updatedAt` (optimistic concurrency: registrations
 * carry no version number, their last-change time serves as one).
 */
export function putStep(record: ClientRecord, options: { expectedUpdatedAt: string | undefined; onConflict: () => DomainError }): TransactionStep {
  const item = { ...keys.client(record.organizationId, record.id), type: EntityType.Client, ...record };
  if (options.expectedUpdatedAt === undefined) return putNew(item, options.onConflict);
  return put(item, { expression: 'attribute_exists(pk) AND updatedAt = :seen', values: { ':seen': options.expectedUpdatedAt } }, options.onConflict);
}

/** clients.secretRotatedStep — records that the client's secret was rotated at `now` (ISO 8601); `onMissing` when the client is gone. */
export function secretRotatedStep(organizationId: string, clientId: string, now: string, onMissing: () => DomainError): TransactionStep {
  return {
    item: {
      Update: {
        TableName: tableName(),
        Key: keys.client(organizationId, clientId),
        UpdateExpression: 'SET secretRotatedAt = :now, updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':now': now },
      },
    },
    onConditionFailed: onMissing,
  };
}

/** clients.deleteStep — deletes a registration that must exist (`onMissing` otherwise). Its credentials and grants are separate steps. */
export function deleteStep(organizationId: string, clientId: string, onMissing: () => DomainError): TransactionStep {
  return remove(keys.client(organizationId, clientId), { expression: 'attribute_exists(pk)' }, onMissing);
}

// --- credentials ---------------------------------------------------------------------------------

/**
 * clients.byCredentialsClientId — the credentials an OAuth `client_id` names, or undefined.
 * Eventually consistent unless `consistent` (the token endpoint reads it on every request).
 */
export async function byCredentialsClientId(credentialsClientId: string, options: { consistent?: boolean } = {}): Promise<ClientCredentialsRecord | undefined> {
  const item = await getItem(keys.clientCredentials(credentialsClientId), options.consistent ?? false);
  return item ? toCredentials(credentialsClientId, item) : undefined;
}

/** The flags a registration puts on its credentials item: `grantTypeClientCredentials` absent on the registration means allowed. */
export function credentialsFlagsOf(record: Pick<ClientRecord, 'enabled' | 'grantTypeClientCredentials'>): ClientCredentialsFlags {
  return { enabled: record.enabled !== false, grantTypeClientCredentials: record.grantTypeClientCredentials !== false };
}

/**
 * clients.credentialsPutStep — writes a new client's credentials with its registration's flags
 * (the OAuth client id must be unused, `onConflict` otherwise).
 */
export function credentialsPutStep(credentials: ClientCredentialsRecord & ClientCredentialsFlags, options: { onConflict: () => DomainError }): TransactionStep {
  const { credentialsClientId, ...attributes } = credentials;
  const item = { ...keys.clientCredentials(credentialsClientId), type: EntityType.ClientCredentials, ...attributes };
  return putNew(item, options.onConflict);
}

/**
 * clients.credentialsRotateStep — replaces the secret (digest, sealed copy, rotation time) of
 * credentials that must still exist (`onMissing` otherwise), leaving the registration's flags on
 * the item as they are.
 */
export function credentialsRotateStep(
  credentials: Pick<ClientCredentialsRecord, 'credentialsClientId' | 'secretDigest' | 'sealedSecret' | 'rotatedAt'>,
  onMissing: () => DomainError,
): TransactionStep {
  return {
    item: {
      Update: {
        TableName: tableName(),
        Key: keys.clientCredentials(credentials.credentialsClientId),
        UpdateExpression: 'SET secretDigest = :digest, sealedSecret = :sealed, rotatedAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':digest': credentials.secretDigest, ':sealed': credentials.sealedSecret, ':at': credentials.rotatedAt },
      },
    },
    onConditionFailed: onMissing,
  };
}

/**
 * clients.credentialsFlagsStep — copies the registration's flags onto its credentials item, which
 * must exist (`onMissing` otherwise); joins the transaction that writes the registration.
 */
export function credentialsFlagsStep(credentialsClientId: string, flags: ClientCredentialsFlags, onMissing: () => DomainError): TransactionStep {
  return {
    item: {
      Update: {
        TableName: tableName(),
        Key: keys.clientCredentials(credentialsClientId),
        UpdateExpression: 'SET enabled = :enabled, grantTypeClientCredentials = :grant',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':enabled': flags.enabled, ':grant': flags.grantTypeClientCredentials },
      },
    },
    onConditionFailed: onMissing,
  };
}

/** clients.credentialsDeleteStep — removes a client's credentials (unconditional, idempotent). */
export function credentialsDeleteStep(credentialsClientId: string): TransactionStep {
  return remove(keys.clientCredentials(credentialsClientId));
}
