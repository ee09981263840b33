import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { retryOnConflict } from '../concurrency/optimistic-retry.ts';
import { auditStep, type AuditEvent, type RequestOrigin } from '../audit/audit-entry.ts';
import { decryptSecret, encryptSecret } from '../crypto/envelope.ts';
import { ConcurrentChangeError, NotFoundError, PermissionError } from '../errors/domain-errors.ts';
import * as apis from '../storage/apis.ts';
import * as clients from '../storage/client-registrations.ts';
import type { ClientCredentialsRecord, ClientRecord } from '../storage/client-registrations.ts';
import { transact, transactWithCleanup } from '../storage/transactions.ts';
import type { Principal } from '../auth/principal.ts';
import { isUuid } from '../uuid.ts';

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

function toRegistration(record: ClientRecord): ClientRegistration {
  return {
    clientId: record.id,
    name: record.name,
    description: record.description ?? '',
    enabled: record.enabled,
    clientType: 'machineToMachine',
    jwtSigningAlgorithm: 'rs256',
    refreshTokenRotation: record.refreshTokenRotation ?? false,
    grantTypeClientCredentials: record.grantTypeClientCredentials ?? true,
    createdOn: record.createdAt,
    updatedOn: record.updatedAt,
    secretRotatedOn: record.secretRotatedAt,
  };
}

async function credentialsRecord(credentialsClientId: string, clientId: string, organizationId: string, secret: string, now: string): Promise<ClientCredentialsRecord> {
  return {
    credentialsClientId,
    organizationId,
    clientId,
    secretDigest: secretDigest(secret),
    sealedSecret: await encryptSecret(secret, secretContext(organizationId, clientId)),
    rotatedAt: now,
  };
}

function notFound(clientId: string): NotFoundError {
  return new NotFoundError(`Client ${clientId} was not found.`);
}

async function loadClient(organizationId: string, clientId: string): Promise<ClientRecord> {
  if (!isUuid(clientId)) {
    throw new NotFoundError(`Client ${clientId} was not found: use the client registration's clientId (a UUID), not credentials.clientId.`);
  }
  const record = await clients.byId(organizationId, clientId);
  if (!record) throw notFound(clientId);
  return record;
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
  const record: ClientRecord = { id: clientId, organizationId, ...input, credentialsClientId, createdAt: now, updatedAt: now, secretRotatedAt: now };
  await transact([
    clients.putStep(record, { expectedUpdatedAt: undefined, onConflict: () => notFound(clientId) }),
    clients.credentialsPutStep(
      { ...(await credentialsRecord(credentialsClientId, clientId, organizationId, clientSecret, now)), ...clients.credentialsFlagsOf(record) },
      { onConflict: () => notFound(clientId) },
    ),
    auditStep({ organizationId, action: 'client.created', actor, origin, target: { type: 'client', id: clientId }, details: { name: input.name, enabled: input.enabled } }),
  ]);
  return { client: toRegistration(record), credentials: { clientId: credentialsClientId, clientSecret } };
}

export async function listClients(organizationId: string): Promise<ClientRegistration[]> {
  const records = await clients.list(organizationId);
  return records.map(toRegistration).sort((a, b) => a.createdOn.localeCompare(b.createdOn) || a.clientId.localeCompare(b.clientId));
}

export async function getClient(organizationId: string, clientId: string): Promise<ClientRegistration> {
  return toRegistration(await loadClient(organizationId, clientId));
}

/** Reads a client's credentials back. Only Owners may (the seeds: "Anyone with an Owner role can read them"). */
export async function readClientCredentials(principal: Principal, organizationId: string, clientId: string): Promise<ClientCredentials> {
  if (!(principal.kind !== 'operator' && principal.scopes.has('organization:owner'))) {
    throw new PermissionError('Only Owners can read client credentials (expand=credentials).');
  }
  const { credentialsClientId } = await loadClient(organizationId, clientId);
  const credentials = await clients.byCredentialsClientId(credentialsClientId, { consistent: true });
  if (!credentials) throw notFound(clientId);
  const clientSecret = await decryptSecret(credentials.sealedSecret, secretContext(organizationId, clientId));
  return { clientId: credentialsClientId, clientSecret };
}

export async function updateClient(
  organizationId: string,
  clientId: string,
  changes: Partial<Pick<ClientRegistration, 'name' | 'description' | 'enabled' | 'refreshTokenRotation' | 'grantTypeClientCredentials'>>,
  actor: AuditEvent['actor'],
  origin: RequestOrigin,
): Promise<ClientRegistration> {
  return retryOnConflict(async () => {
    const current = await loadClient(organizationId, clientId);
    const stored = current as unknown as Record<string, unknown>;
    const changed = Object.entries(changes).filter(([name, value]) => value !== undefined && stored[name] !== value);
    if (changed.length === 0) return toRegistration(current);
    const now = new Date().toISOString();
    const updated: ClientRecord = { ...current, ...Object.fromEntries(changed), updatedAt: now };
    const action = changes.enabled === false && current.enabled !== false ? 'client.disabled' : changes.enabled === true && current.enabled === false ? 'client.enabled' : 'client.updated';
    const concurrentChange = () => new ConcurrentChangeError(`Client ${clientId} was changed or deleted concurrently; retry.`);
    await transact([
      clients.putStep(updated, { expectedUpdatedAt: current.updatedAt, onConflict: concurrentChange }),
      // Every registration write copies the flags the token endpoint checks onto the credentials
      // (also filling them in on credentials written before the copies existed).
      clients.credentialsFlagsStep(updated.credentialsClientId, clients.credentialsFlagsOf(updated), concurrentChange),
      auditStep({ organizationId, action, actor, origin, target: { type: 'client', id: clientId }, details: { changedAttributes: changed.map(([name]) => name) } }),
    ]);
    return toRegistration(updated);
  });
}

export async function rotateClientSecret(
  organizationId: string,
  clientId: string,
  actor: AuditEvent['actor'],
  origin: RequestOrigin,
): Promise<ClientCredentials> {
  const { credentialsClientId } = await loadClient(organizationId, clientId);
  const clientSecret = newClientSecret();
  const now = new Date().toISOString();
  await transact([
    clients.secretRotatedStep(organizationId, clientId, now, () => notFound(clientId)),
    clients.credentialsRotateStep(await credentialsRecord(credentialsClientId, clientId, organizationId, clientSecret, now), () => notFound(clientId)),
    auditStep({ organizationId, action: 'client.secret.rotated', actor, origin, target: { type: 'client', id: clientId } }),
  ]);
  return { clientId: credentialsClientId, clientSecret };
}

/** Deletes a client, its credentials and every API authorization it held, with one audit entry. */
export async function deleteClient(organizationId: string, clientId: string, actor: AuditEvent['actor'], origin: RequestOrigin): Promise<void> {
  const current = await loadClient(organizationId, clientId);
  const grants = await apis.grantsByClient(organizationId, clientId);
  await transactWithCleanup(
    grants.map((grant) => apis.grantDeleteStep(organizationId, grant.apiId, clientId)),
    () => [
      clients.deleteStep(organizationId, clientId, () => notFound(clientId)),
      clients.credentialsDeleteStep(current.credentialsClientId),
      auditStep({ organizationId, action: 'client.deleted', actor, origin, target: { type: 'client', id: clientId }, details: { name: current.name, revokedApis: grants.map((grant) => grant.apiId) } }),
    ],
    (chunk) => [auditStep({ organizationId, action: 'client.revoked', actor, origin, target: { type: 'client', id: clientId }, details: { reason: 'client.deleted', grants: chunk.length } })],
  );
}

/** What the token endpoint learns from a client's credentials. */
export interface ClientAuthentication {
  /**
   * The registration the credentials client id names, when it exists, with the registration's
   * `enabled` and `grantTypeClientCredentials` flags as copied onto the credentials — undefined
   * when the credentials predate the copies (then only the registration can tell).
   */
  client: { organizationId: string; clientId: string; flags: clients.ClientCredentialsFlags | undefined } | undefined;
  /** True only when the client exists and the secret matches. */
  authenticated: boolean;
}

/**
 * Checks client credentials in constant time. Unknown ids and wrong secrets fail alike, and the
 * digest comparison runs for unknown ids too.
 */
export async function authenticateClientCredentials(credentialsClientId: string, clientSecret: string): Promise<ClientAuthentication> {
  const plausible = /^[A-Za-z0-9]{32}$/.test(credentialsClientId);
  const credentials = plausible ? await clients.byCredentialsClientId(credentialsClientId) : undefined;
  const expected = Buffer.from(credentials?.secretDigest ?? secretDigest(randomBytes(32).toString('base64url')), 'base64url');
  const presented = Buffer.from(secretDigest(clientSecret), 'base64url');
  const matches = expected.length === presented.length && timingSafeEqual(expected, presented);
  const flags =
    credentials?.enabled !== undefined && credentials.grantTypeClientCredentials !== undefined
      ? { enabled: credentials.enabled, grantTypeClientCredentials: credentials.grantTypeClientCredentials }
      : undefined;
  const client = credentials ? { organizationId: credentials.organizationId, clientId: credentials.clientId, flags } : undefined;
  return { client, authenticated: client !== undefined && matches };
}

/**
 * The flags the token endpoint checks for an authenticated client: from its credentials item
 * when they are there (no read), else from its registration (one eventually consistent GetItem)
 * — a registration that is gone counts as disabled. Never assumes a flag it could not read.
 */
export async function clientTokenFlags(client: NonNullable<ClientAuthentication['client']>): Promise<clients.ClientCredentialsFlags> {
  if (client.flags) return client.flags;
  const registration = await clients.byId(client.organizationId, client.clientId, { consistent: false });
  return registration ? clients.credentialsFlagsOf(registration) : { enabled: false, grantTypeClientCredentials: false };
}

