import { randomUUID } from 'node:crypto';
import { retryOnConflict } from '../concurrency/optimistic-retry.ts';
import { auditStep, type AuditEvent, type RequestOrigin } from '../audit/audit-entry.ts';
import type { DomainError} from '../errors/domain-errors.ts';
import { ConcurrentChangeError, ConflictError, NotFoundError, ValidationError } from '../errors/domain-errors.ts';
import * as apis from '../storage/apis.ts';
import type { ApiRecord } from '../storage/apis.ts';
import * as clients from '../storage/client-registrations.ts';
import { transact, transactWithCleanup, type TransactionStep } from '../storage/transactions.ts';
import { isUuid } from '../uuid.ts';
import { platformAudience } from '../auth/access-tokens.ts';
import { platformScopes, type PlatformScope } from './scopes.ts';
import { getClient } from './clients.ts';

/** The platform's own API: present in every organization, with the platform's scopes. */
export const PLATFORM_API_ID = '00000000-0000-0000-0000-000000000001';

/**
 * Scopes a client receives for the platform API when it is authorized without naming scopes: what
 * a provisioning or reporting integration needs, but not identity administration or owner rights.
 */
export const DEFAULT_MACHINE_SCOPES: readonly PlatformScope[] = ['scim:read', 'scim:write', 'directory:read', 'directory:write', 'audit:read', 'identity:read'];

export interface ApiScope {
  value: string;
  description: string;
}

export interface ApiResource {
  id: string;
  name: string;
  identifier: string;
  description: string;
  enabled: boolean;
  builtIn: boolean;
  createdOn: string;
  updatedOn: string;
  scopes: ApiScope[];
}

export interface AuthorizedClient {
  clientId: string;
  name: string;
  scopes: string[];
  authorizedOn: string;
}

function platformApi(): ApiResource {
  return {
    id: PLATFORM_API_ID,
    name: 'Identity Platform API',
    identifier: platformAudience(),
    description: 'The platform API: SCIM provisioning, directory, audit and identity management.',
    enabled: true,
    builtIn: true,
    createdOn: '1970-01-01T00:00:00.000Z',
    updatedOn: '1970-01-01T00:00:00.000Z',
    scopes: Object.entries(platformScopes).map(([value, description]) => ({ value, description })),
  };
}

function toApi(record: ApiRecord): ApiResource {
  return {
    id: record.id,
    name: record.name,
    identifier: record.identifier,
    description: record.description ?? '',
    enabled: record.enabled !== false,
    builtIn: false,
    createdOn: record.createdAt,
    updatedOn: record.updatedAt,
    scopes: record.scopes ?? [],
  };
}

function notFound(apiId: string): NotFoundError {
  return new NotFoundError(`API ${apiId} was not found.`);
}

function builtInRefusal(): DomainError {
  return new ValidationError('The built-in platform API cannot be changed or deleted.', { field: 'apiId' });
}

export async function getApi(organizationId: string, apiId: string): Promise<ApiResource> {
  if (apiId === PLATFORM_API_ID) return platformApi();
  const record = await apis.byId(organizationId, apiId);
  if (!record) throw notFound(apiId);
  return toApi(record);
}

/** The API a token request names by its identifier (audience), if the organization has it. */
export async function findApiByIdentifier(organizationId: string, identifier: string): Promise<ApiResource | undefined> {
  if (identifier === platformAudience()) return platformApi();
  const record = await apis.byIdentifier(organizationId, identifier);
  return record ? toApi(record) : undefined;
}

export async function listApis(organizationId: string): Promise<ApiResource[]> {
  const custom = (await apis.list(organizationId)).map(toApi);
  custom.sort((a, b) => a.createdOn.localeCompare(b.createdOn) || a.id.localeCompare(b.id));
  return [platformApi(), ...custom];
}

export interface ApiInput {
  name: string;
  identifier: string;
  description: string;
  enabled: boolean;
  scopes: ApiScope[];
}

function assertIdentifierAllowed(identifier: string): void {
  if (identifier === platformAudience()) {
    throw new ConflictError('That identifier belongs to the built-in platform API.', { field: 'identifier' });
  }
}

export async function createApi(organizationId: string, input: ApiInput, actor: AuditEvent['actor'], origin: RequestOrigin): Promise<ApiResource> {
  assertIdentifierAllowed(input.identifier);
  const id = randomUUID();
  const now = new Date().toISOString();
  const record: ApiRecord = { id, organizationId, ...input, createdAt: now, updatedAt: now };
  const taken = () => new ConflictError(`An API with identifier ${input.identifier} already exists.`, { field: 'identifier' });
  await transact([
    apis.putStep(record, { expectedUpdatedAt: undefined, onConflict: taken }),
    apis.claimIdentifierStep(organizationId, input.identifier, id, taken),
    auditStep({ organizationId, action: 'api.created', actor, origin, target: { type: 'api', id }, details: { identifier: input.identifier, scopes: input.scopes.map((scope) => scope.value) } }),
  ]);
  return toApi(record);
}

/** Replaces an API's fields (name, description, enabled, scopes); the identifier is immutable. */
export async function updateApi(
  organizationId: string,
  apiId: string,
  changes: Partial<Omit<ApiInput, 'identifier'>>,
  actor: AuditEvent['actor'],
  origin: RequestOrigin,
  action?: string,
): Promise<ApiResource> {
  return retryOnConflict(async () => {
    if (apiId === PLATFORM_API_ID) throw builtInRefusal();
    const current = await getApi(organizationId, apiId);
    const changed = Object.entries(changes).filter(([name, value]) => value !== undefined && JSON.stringify(current[name as keyof ApiResource]) !== JSON.stringify(value));
    if (changed.length === 0) return current;
    const now = new Date().toISOString();
    const next = { ...current, ...Object.fromEntries(changed), updatedOn: now };
    await transact([
      apis.putStep(
        {
          id: apiId,
          organizationId,
          name: next.name,
          identifier: next.identifier,
          description: next.description,
          enabled: next.enabled,
          scopes: next.scopes,
          createdAt: current.createdOn,
          updatedAt: now,
        },
        { expectedUpdatedAt: current.updatedOn, onConflict: () => new ConcurrentChangeError(`API ${apiId} was changed or deleted concurrently; retry.`) },
      ),
      auditStep({
        organizationId,
        action: action ?? (changes.enabled === false && current.enabled ? 'api.disabled' : changes.enabled === true && !current.enabled ? 'api.enabled' : 'api.updated'),
        actor,
        origin,
        target: { type: 'api', id: apiId },
        details: { changedAttributes: changed.map(([name]) => name) },
      }),
    ]);
    return next;
  });
}

export async function addApiScopes(organizationId: string, apiId: string, scopes: ApiScope[], actor: AuditEvent['actor'], origin: RequestOrigin): Promise<ApiScope[]> {
  if (apiId === PLATFORM_API_ID) throw builtInRefusal();
  const current = await getApi(organizationId, apiId);
  const byValue = new Map(current.scopes.map((scope) => [scope.value, scope]));
  for (const scope of scopes) byValue.set(scope.value, scope);
  const updated = await updateApi(organizationId, apiId, { scopes: [...byValue.values()] }, actor, origin, 'api.scopes.added');
  return updated.scopes;
}

export async function removeApiScope(organizationId: string, apiId: string, scope: string, actor: AuditEvent['actor'], origin: RequestOrigin): Promise<void> {
  if (apiId === PLATFORM_API_ID) throw builtInRefusal();
  const current = await getApi(organizationId, apiId);
  if (!current.scopes.some((candidate) => candidate.value === scope)) throw new NotFoundError(`API ${apiId} has no scope '${scope}'.`);
  await updateApi(organizationId, apiId, { scopes: current.scopes.filter((candidate) => candidate.value !== scope) }, actor, origin, 'api.scopes.removed');
}

export async function deleteApi(organizationId: string, apiId: string, actor: AuditEvent['actor'], origin: RequestOrigin): Promise<void> {
  if (apiId === PLATFORM_API_ID) throw builtInRefusal();
  const current = await getApi(organizationId, apiId);
  const grants = await apis.grantsByApi(organizationId, apiId);
  await transactWithCleanup(
    grants.map((grant) => apis.grantDeleteStep(organizationId, apiId, grant.clientId)),
    () => [
      apis.deleteStep(organizationId, apiId, () => notFound(apiId)),
      apis.releaseIdentifierStep(organizationId, current.identifier),
      auditStep({ organizationId, action: 'api.deleted', actor, origin, target: { type: 'api', id: apiId }, details: { identifier: current.identifier } }),
    ],
    (chunk) => [auditStep({ organizationId, action: 'client.revoked', actor, origin, target: { type: 'api', id: apiId }, details: { reason: 'api.deleted', grants: chunk.length } })],
  );
}

/** Clients authorized to get tokens for an API, with the scopes each was granted. */
export async function listAuthorizedClients(organizationId: string, apiId: string): Promise<AuthorizedClient[]> {
  await getApi(organizationId, apiId);
  const grants = await apis.grantsByApi(organizationId, apiId);
  const registrations = await clients.byIds(organizationId, grants.map((grant) => grant.clientId));
  const names = new Map(registrations.map((client) => [client.id, client.name]));
  return grants
    .filter((grant) => names.has(grant.clientId))
    .map((grant) => ({
      clientId: grant.clientId,
      name: names.get(grant.clientId) as string,
      scopes: grant.scopes,
      authorizedOn: grant.createdAt,
    }));
}

/** At most this many clients per authorization request: each needs a grant and an audit entry in one transaction. */
export const MAX_CLIENTS_PER_AUTHORIZATION = 40;

/**
 * Authorizes clients (by their registration UUID) to get tokens for an API. Re-authorizing an
 * already authorized client replaces its scopes. All grants and their audit entries land together.
 */
export async function authorizeClients(
  organizationId: string,
  apiId: string,
  requests: { clientId: string; scopes?: string[] | undefined }[],
  actor: AuditEvent['actor'],
  origin: RequestOrigin,
): Promise<AuthorizedClient[]> {
  const api = await getApi(organizationId, apiId);
  const available = new Set(api.scopes.map((scope) => scope.value));
  const steps: TransactionStep[] = [];
  const now = new Date().toISOString();
  for (const [index, request] of requests.entries()) {
    if (!isUuid(request.clientId)) {
      throw new ValidationError(
        `Item ${index}: '${request.clientId}' is not a client registration id. Use the clientId UUID returned when the client was created, not credentials.clientId.`,
        { field: `[${index}].clientId` },
      );
    }
    await getClient(organizationId, request.clientId);
    const scopes = request.scopes ?? (apiId === PLATFORM_API_ID ? [...DEFAULT_MACHINE_SCOPES] : [...available]);
    const unknown = scopes.filter((scope) => !available.has(scope));
    if (unknown.length > 0) {
      throw new ValidationError(`Item ${index}: API ${apiId} has no scope ${unknown.map((scope) => `'${scope}'`).join(', ')}.`, { field: `[${index}].scopes` });
    }
    steps.push(
      apis.grantPutStep({ organizationId, apiId, clientId: request.clientId, scopes: [...new Set(scopes)].sort(), createdAt: now }),
      auditStep({ organizationId, action: 'client.authorized', actor, origin, target: { type: 'client', id: request.clientId }, details: { apiId, scopes } }),
    );
  }
  if (new Set(requests.map((request) => request.clientId)).size !== requests.length) {
    throw new ValidationError('Each client may appear only once per request.');
  }
  await transact(steps);
  return listAuthorizedClients(organizationId, apiId);
}

export async function revokeClient(organizationId: string, apiId: string, clientId: string, actor: AuditEvent['actor'], origin: RequestOrigin): Promise<void> {
  await getApi(organizationId, apiId);
  if (!isUuid(clientId)) {
    throw new NotFoundError(`'${clientId}' is not a client registration id: use the clientId UUID, not credentials.clientId.`);
  }
  await transact([
    apis.grantDeleteStep(organizationId, apiId, clientId, () => new NotFoundError(`Client ${clientId} is not authorized for API ${apiId}.`)),
    auditStep({ organizationId, action: 'client.revoked', actor, origin, target: { type: 'client', id: clientId }, details: { apiId } }),
  ]);
}

/** The scopes a client was granted for an API, or undefined when it is not authorized. */
export async function grantedScopes(organizationId: string, apiId: string, clientId: string): Promise<string[] | undefined> {
  return (await apis.grantOf(organizationId, apiId, clientId))?.scopes;
}
