/**
 * The APIs repository: custom APIs (audiences) with their scopes, the uniqueness claims on their
 * identifiers, and API grants — which client registrations may get tokens for which API, with
 * which scopes. The built-in platform API is not stored (shared/identity/apis.ts describes it).
 *
 * Access patterns (README, "Storage"):
 * - apis.byId — GetItem on the organization partition; apis.list — begins_with(sk, 'API#');
 * - apis.byIdentifier — the identifier claim, then the API;
 * - apiGrants.byApi — the API's grant partition; apiGrants.byClient — gsi1, a client's grants;
 * - apiGrants.of — one client's grant for one API.
 */
import type { DomainError } from '../errors/domain-errors.ts';
import { EntityType, isUuid } from './keys.ts';
import * as keys from './keys.ts';
import { getItem, queryAll, queryPrefix } from './queries.ts';
import { put, putNew, remove, type TransactionStep } from './transactions.ts';

type Item = Record<string, unknown>;

/** One custom API. Timestamps are ISO 8601. */
export interface ApiRecord {
  id: string;
  organizationId: string;
  name: string;
  /** The audience tokens for this API carry; unique within the organization and immutable. */
  identifier: string;
  description?: string | undefined;
  enabled?: boolean | undefined;
  scopes?: { value: string; description: string }[] | undefined;
  createdAt: string;
  updatedAt: string;
}

/** One client's authorization for one API. */
export interface ApiGrantRecord {
  organizationId: string;
  apiId: string;
  /** The client registration's UUID. */
  clientId: string;
  /** Granted scope values, sorted. */
  scopes: string[];
  /** ISO 8601. */
  createdAt: string;
}

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'type'] as const;

function strip(item: Item): Item {
  const record: Item = { ...item };
  for (const name of KEY_ATTRIBUTES) delete record[name];
  return record;
}

const toRecord = (item: Item) => strip(item) as unknown as ApiRecord;

function toGrant(item: Item): ApiGrantRecord {
  const record = strip(item);
  // apiId is stored on every grant; the index sort key holds it too.
  record.apiId ??= item.gsi1sk;
  return record as unknown as ApiGrantRecord;
}

/** apis.byId — undefined when absent or when `apiId` is not a UUID; strongly consistent. */
export async function byId(organizationId: string, apiId: string): Promise<ApiRecord | undefined> {
  if (!isUuid(apiId)) return undefined;
  const item = await getItem(keys.api(organizationId, apiId));
  return item ? toRecord(item) : undefined;
}

/**
 * apis.byIdentifier — the API whose identifier (audience) is `identifier`: the claim is read
 * eventually consistent, the API strongly consistent. Undefined when there is none.
 */
export async function byIdentifier(organizationId: string, identifier: string): Promise<ApiRecord | undefined> {
  const claim = await getItem(keys.apiIdentifierClaim(organizationId, identifier), false);
  return typeof claim?.ownerId === 'string' ? byId(organizationId, claim.ownerId) : undefined;
}

/** apis.list — every custom API of an organization, in no particular order. */
export async function list(organizationId: string): Promise<ApiRecord[]> {
  const prefix = keys.apiPrefix(organizationId);
  return (await queryPrefix(prefix.pk, prefix.skPrefix)).map(toRecord);
}

/**
 * apis.putStep — writes a whole API. Without `expectedUpdatedAt` it must not exist yet; with it,
 * its stored `updatedAt` must still be that value (optimistic concurrency).
 */
export function putStep(record: ApiRecord, options: { expectedUpdatedAt: string | undefined; onConflict: () => DomainError }): TransactionStep {
  const item = { ...keys.api(record.organizationId, record.id), type: EntityType.Api, ...record };
  if (options.expectedUpdatedAt === undefined) return putNew(item, options.onConflict);
  return put(item, { expression: 'updatedAt = :seen', values: { ':seen': options.expectedUpdatedAt } }, options.onConflict);
}

/** apis.deleteStep — deletes an API that must exist (`onMissing` otherwise). Its claim and grants are separate steps. */
export function deleteStep(organizationId: string, apiId: string, onMissing: () => DomainError): TransactionStep {
  return remove(keys.api(organizationId, apiId), { expression: 'attribute_exists(pk)' }, onMissing);
}

/** apis.claimIdentifierStep — reserves an identifier for `apiId` within the organization; `onTaken` when another API holds it. */
export function claimIdentifierStep(organizationId: string, identifier: string, apiId: string, onTaken: () => DomainError): TransactionStep {
  return putNew({ ...keys.apiIdentifierClaim(organizationId, identifier), type: EntityType.UniqueConstraint, ownerId: apiId }, onTaken);
}

/** apis.releaseIdentifierStep — frees an identifier claim (idempotent). */
export function releaseIdentifierStep(organizationId: string, identifier: string): TransactionStep {
  return remove(keys.apiIdentifierClaim(organizationId, identifier));
}

// --- grants --------------------------------------------------------------------------------------

/** apiGrants.byApi — every grant of one API (eventually consistent). */
export async function grantsByApi(organizationId: string, apiId: string): Promise<ApiGrantRecord[]> {
  return (await queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.apiGrantPartition(organizationId, apiId) } })).map(toGrant);
}

/** apiGrants.byClient — every grant one client registration holds, across APIs (gsi1, eventually consistent). */
export async function grantsByClient(organizationId: string, clientId: string): Promise<ApiGrantRecord[]> {
  return (
    await queryAll({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': keys.clientGrantsIndex(organizationId, clientId) } })
  ).map(toGrant);
}

/** apiGrants.of — the grant of `clientId` for `apiId`, or undefined (eventually consistent; read by the token endpoint). */
export async function grantOf(organizationId: string, apiId: string, clientId: string): Promise<ApiGrantRecord | undefined> {
  if (!isUuid(apiId) || !isUuid(clientId)) return undefined;
  const item = await getItem(keys.apiGrant(organizationId, apiId, clientId), false);
  return item ? toGrant(item) : undefined;
}

/** apiGrants.putStep — authorizes a client for an API, replacing any earlier grant's scopes. */
export function grantPutStep(grant: ApiGrantRecord): TransactionStep {
  return put({
    ...keys.apiGrant(grant.organizationId, grant.apiId, grant.clientId),
    ...keys.apiGrantIndex(grant.organizationId, grant.apiId, grant.clientId),
    type: EntityType.ApiGrant,
    ...grant,
  });
}

/**
 * apiGrants.deleteStep — revokes a grant. With `onMissing` the grant must exist; without, the
 * delete is idempotent (cleanup when the API or the client goes).
 */
export function grantDeleteStep(organizationId: string, apiId: string, clientId: string, onMissing?: () => DomainError): TransactionStep {
  const key = keys.apiGrant(organizationId, apiId, clientId);
  return onMissing ? remove(key, { expression: 'attribute_exists(pk)' }, onMissing) : remove(key);
}
