import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { auditStep, type AuditEvent, type RequestOrigin } from '../audit/audit-entry.ts';
import { decryptSecret, encryptSecret, type SealedSecret } from '../crypto/envelope.ts';
import { DomainError, NotFoundError, PermissionError } from '../errors/domain-errors.ts';
import { dynamo, tableName } from '../storage/clients.ts';
import { EntityType, isUuid, keys } from '../storage/keys.ts';
import { queryAll, queryPrefix } from '../storage/queries.ts';
import { putNew, transact, transactWithCleanup, type TransactionStep } from '../storage/transactions.ts';
import type { Principal } from '../auth/principal.ts';

/** A client registration (machine-to-machine OAuth client) as the management API shows it. */
export interface ClientRegistration {
  clientId: string;
  name: string;
  description: string;
  enabled: boolean;
  clientType: 'machineToMachine';
  jwtSigningAlgorithm: 'rs256';
  refreshTokenRotation: boolean;
  grantTypeClientCredentials: boolean;
  createdOn: string;
  updatedOn: string;
  secretRotatedOn: string;
}

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export type ClientInput = Pick<
  ClientRegistration,
  'name' | 'description' | 'enabled' | 'clientType' | 'jwtSigningAlgorithm' | 'refreshTokenRotation' | 'grantTypeClientCredentials'
>;

const CREDENTIALS_ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** 32 alphanumeric characters: a different form from the registration's UUID, so the two are never confused. */
function newCredentialsClientId(): string {
  const bytes = randomBytes(32);
  let id = '';
  for (const byte of bytes) id += CREDENTIALS_ID_ALPHABET[byte % CREDENTIALS_ID_ALPHABET.length];
  return id;
}

/** 256 random bits. */
function newClientSecret(): string {
  return randomBytes(32).toString('base64url');
}

function secretDigest(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

function secretContext(organizationId: string, clientId: string) {
  return { organizationId, clientId, purpose: 'client-secret' };
}

function toRegistration(item: Record<string, unknown>): ClientRegistration {
  return {
    clientId: item.id as string,
    name: item.name as string,
    description: (item.description as string | undefined) ?? '',
    enabled: item.enabled as boolean,
    clientType: 'machineToMachine',
    jwtSigningAlgorithm: 'rs256',
    refreshTokenRotation: (item.refreshTokenRotation as boolean | undefined) ?? false,
    grantTypeClientCredentials: (item.grantTypeClientCredentials as boolean | undefined) ?? true,
    createdOn: item.createdAt as string,
    updatedOn: item.updatedAt as string,
    secretRotatedOn: item.secretRotatedAt as string,
  };
}

async function credentialsItem(credentialsClientId: string, clientId: string, organizationId: string, secret: string, now: string) {
  const sealed = await encryptSecret(secret, secretContext(organizationId, clientId));
  return {
    ...keys.clientCredentials(credentialsClientId),
    type: EntityType.ClientCredentials,
    organizationId,
    clientId,
    secretDigest: secretDigest(secret),
    sealedSecret: sealed,
    rotatedAt: now,
  };
}

function notFound(clientId: string): NotFoundError {
  return new NotFoundError(`Client ${clientId} was not found.`);
}

async function loadClientItem(organizationId: string, clientId: string): Promise<Record<string, unknown>> {
  if (!isUuid(clientId)) {
    throw new NotFoundError(`Client ${clientId} was not found: use the client registration's clientId (a UUID), not credentials.clientId.`);
  }
  const result = await dynamo().send(new GetCommand({ TableName: tableName(), Key: keys.client(organizationId, clientId), ConsistentRead: true }));
  if (!result.Item) throw notFound(clientId);
  return result.Item;
}

export async function createClient(
  organizationId: string,
  input: ClientInput,
  actor: AuditEvent['actor'],
  origin: RequestOrigin,
): Promise<{ client: ClientRegistration; credentials: ClientCredentials }> {
  const clientId = randomUUID();
  const credentialsClientId = newCredentialsClientId();
  const clientSecret = newClientSecret();
  const now = new Date().toISOString();
  const item = {
    ...keys.client(organizationId, clientId),
    type: EntityType.Client,
    id: clientId,
    organizationId,
    ...input,
    credentialsClientId,
    createdAt: now,
    updatedAt: now,
    secretRotatedAt: now,
  };
  await transact([
    putNew(item, () => notFound(clientId)),
    putNew(await credentialsItem(credentialsClientId, clientId, organizationId, clientSecret, now), () => notFound(clientId)),
    auditStep({ organizationId, action: 'client.created', actor, origin, target: { type: 'client', id: clientId }, details: { name: input.name, enabled: input.enabled } }),
  ]);
  return { client: toRegistration(item), credentials: { clientId: credentialsClientId, clientSecret } };
}

export async function listClients(organizationId: string): Promise<ClientRegistration[]> {
  const prefix = keys.clientPrefix(organizationId);
  const items = await queryPrefix(prefix.pk, prefix.skPrefix);
  return items.map(toRegistration).sort((a, b) => a.createdOn.localeCompare(b.createdOn) || a.clientId.localeCompare(b.clientId));
}

export async function getClient(organizationId: string, clientId: string): Promise<ClientRegistration> {
  return toRegistration(await loadClientItem(organizationId, clientId));
}

/** Reads a client's credentials back. Only Owners may (the seeds: "Anyone with an Owner role can read them"). */
export async function readClientCredentials(principal: Principal, organizationId: string, clientId: string): Promise<ClientCredentials> {
  if (!(principal.kind !== 'operator' && principal.scopes.has('organization:owner'))) {
    throw new PermissionError('Only Owners can read client credentials (expand=credentials).');
  }
  const item = await loadClientItem(organizationId, clientId);
  const credentialsClientId = item.credentialsClientId as string;
  const result = await dynamo().send(new GetCommand({ TableName: tableName(), Key: keys.clientCredentials(credentialsClientId), ConsistentRead: true }));
  if (!result.Item) throw notFound(clientId);
  const clientSecret = await decryptSecret(result.Item.sealedSecret as SealedSecret, secretContext(organizationId, clientId));
  return { clientId: credentialsClientId, clientSecret };
}

export async function updateClient(
  organizationId: string,
  clientId: string,
  changes: Partial<Pick<ClientRegistration, 'name' | 'description' | 'enabled' | 'refreshTokenRotation' | 'grantTypeClientCredentials'>>,
  actor: AuditEvent['actor'],
  origin: RequestOrigin,
): Promise<ClientRegistration> {
  const current = await loadClientItem(organizationId, clientId);
  const changed = Object.entries(changes).filter(([name, value]) => value !== undefined && current[name] !== value);
  if (changed.length === 0) return toRegistration(current);
  const now = new Date().toISOString();
  const updated = { ...current, ...Object.fromEntries(changed), updatedAt: now };
  const action = changes.enabled === false && current.enabled !== false ? 'client.disabled' : changes.enabled === true && current.enabled === false ? 'client.enabled' : 'client.updated';
  await transact([
    {
      item: {
        Put: {
          TableName: tableName(),
          Item: updated,
          ConditionExpression: 'attribute_exists(pk) AND updatedAt = :seen',
          ExpressionAttributeValues: { ':seen': current.updatedAt },
        },
      },
      onConditionFailed: () => new DomainError('conflict', `Client ${clientId} was changed or deleted concurrently; retry.`),
    },
    auditStep({ organizationId, action, actor, origin, target: { type: 'client', id: clientId }, details: { changedAttributes: changed.map(([name]) => name) } }),
  ]);
  return toRegistration(updated);
}

export async function rotateClientSecret(
  organizationId: string,
  clientId: string,
  actor: AuditEvent['actor'],
  origin: RequestOrigin,
): Promise<ClientCredentials> {
  const current = await loadClientItem(organizationId, clientId);
  const credentialsClientId = current.credentialsClientId as string;
  const clientSecret = newClientSecret();
  const now = new Date().toISOString();
  await transact([
    {
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.client(organizationId, clientId),
          UpdateExpression: 'SET secretRotatedAt = :now, updatedAt = :now',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':now': now },
        },
      },
      onConditionFailed: () => notFound(clientId),
    },
    {
      item: {
        Put: {
          TableName: tableName(),
          Item: await credentialsItem(credentialsClientId, clientId, organizationId, clientSecret, now),
          ConditionExpression: 'attribute_exists(pk)',
        },
      },
      onConditionFailed: () => notFound(clientId),
    },
    auditStep({ organizationId, action: 'client.secret.rotated', actor, origin, target: { type: 'client', id: clientId } }),
  ]);
  return { clientId: credentialsClientId, clientSecret };
}

/** Deletes a client, its credentials and every API authorization it held, with one audit entry. */
export async function deleteClient(organizationId: string, clientId: string, actor: AuditEvent['actor'], origin: RequestOrigin): Promise<void> {
  const current = await loadClientItem(organizationId, clientId);
  const grants = await queryAll({
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.clientGrantsIndex(organizationId, clientId) },
  });
  const grantDeletes: TransactionStep[] = grants.map((grant) => ({
    item: { Delete: { TableName: tableName(), Key: { pk: grant.pk as string, sk: grant.sk as string } } },
  }));
  await transactWithCleanup(
    grantDeletes,
    () => [
      {
        item: { Delete: { TableName: tableName(), Key: keys.client(organizationId, clientId), ConditionExpression: 'attribute_exists(pk)' } },
        onConditionFailed: () => notFound(clientId),
      },
      { item: { Delete: { TableName: tableName(), Key: keys.clientCredentials(current.credentialsClientId as string) } } },
      auditStep({ organizationId, action: 'client.deleted', actor, origin, target: { type: 'client', id: clientId }, details: { name: current.name, revokedApis: grants.map((grant) => grant.gsi1sk) } }),
    ],
    (chunk) => [auditStep({ organizationId, action: 'client.revoked', actor, origin, target: { type: 'client', id: clientId }, details: { reason: 'client.deleted', grants: chunk.length } })],
  );
}

/** What the token endpoint learns from a client's credentials. */
export interface ClientAuthentication {
  /** The registration the credentials client id names, when it exists. */
  client: { organizationId: string; clientId: string } | undefined;
  /** True only when the client exists and the secret matches. */
  authenticated: boolean;
}

/**
 * Checks client credentials in constant time. Unknown ids and wrong secrets fail alike, and the
 * digest comparison runs for unknown ids too.
 */
export async function authenticateClientCredentials(credentialsClientId: string, clientSecret: string): Promise<ClientAuthentication> {
  const plausible = /^[A-Za-z0-9]{32}$/.test(credentialsClientId);
  const result = plausible
    ? await dynamo().send(new GetCommand({ TableName: tableName(), Key: keys.clientCredentials(credentialsClientId) }))
    : { Item: undefined };
  const expected = Buffer.from((result.Item?.secretDigest as string | undefined) ?? secretDigest(randomBytes(32).toString('base64url')), 'base64url');
  const presented = Buffer.from(secretDigest(clientSecret), 'base64url');
  const matches = expected.length === presented.length && timingSafeEqual(expected, presented);
  const client = result.Item ? { organizationId: result.Item.organizationId as string, clientId: result.Item.clientId as string } : undefined;
  return { client, authenticated: client !== undefined && matches };
}
