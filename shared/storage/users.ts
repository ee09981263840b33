/**
 * The users repository: the only module that reads or writes user items, userName claims and
 * sign-in identities. One user record serves every source (SCIM, LDAP and Active Directory sync,
 * SAML just-in-time sign-in, local accounts); `source` and `connectionId` are attributes of it.
 *
 * Access patterns (README, "Storage"):
 * - users.byId — GetItem on the organization partition;
 * - users.byIds — BatchGetItem;
 * - users.byUserName — the userName uniqueness claim, then the user (both strongly consistent);
 * - users.byExternalId — gsi2, case-exact (RFC 7643 §3.1);
 * - users.all — the organization's user items (filtered SCIM listings, directory scans);
 * - users.idsPage — the organization's user ids, a page at a time (keys only);
 * - users.scimListingPage — gsi1 in lower-cased userName order, holding the users SCIM lists;
 * - users.directoryListingPage — every user of every source in the same order: the SCIM partition
 *   merged with the local accounts' own gsi1 partition; users.localAccountCount counts the latter;
 * - users.loginIdentityByEmail — the deployment-wide sign-in identity of an email.
 */
import type { DomainError } from '../errors/domain-errors.ts';
import { scimVisible } from '../scim/visibility.ts';
import { tableName } from './clients.ts';
import { EntityType, isUuid } from './keys.ts';
import * as keys from './keys.ts';
import { fitsInKey } from './limits.ts';
import type { ListPosition } from './page-boundaries.ts';
import { mergeOrderedPages } from './ordered-merge.ts';
import { batchGet, countAll, getItem, gsi1OrderedPage, queryAll, queryPage } from './queries.ts';
import { put, putNew, remove, type TransactionStep } from './transactions.ts';
import { mapLimited } from '../concurrency/map-limited.ts';

type Item = Record<string, unknown>;

/** Where a user record came from; the source owns it (seed 004, "Users"). */
export type UserSource = 'scim' | 'ldap' | 'activeDirectory' | 'saml-jit' | 'local';

/** One user, whatever its source. `resource` is its SCIM-shaped representation (core and extension attributes). */
export interface UserRecord {
  id: string;
  organizationId: string;
  userName: string;
  active: boolean;
  resource: Record<string, unknown>;
  hasPassword: boolean;
  source: UserSource;
  /** The directory connection a synchronised user came from (ldap, activeDirectory). */
  connectionId?: string | undefined;
  /**
   * A synchronised user's stable id in its source directory (OpenLDAP entryUUID, Active Directory
   * objectGUID as a lower-case UUID) and its DN there. With `connectionId` it indexes the user for
   * sync (users.byConnection); such a user carries no SCIM externalId index entry.
   */
  directoryId?: string | undefined;
  directoryDn?: string | undefined;
  /** The sync project that last wrote this synchronised user (its runs alone decide that it disappeared). */
  syncProjectId?: string | undefined;
  /** When a sync run found a synchronised user gone from its directory (ISO 8601); cleared when it reappears. */
  disappearedAt?: string | undefined;
  /** Digest of the synchronised entry's attribute snapshot (shared/directory/sync-objects.ts), to notice changes without reading it. */
  directoryDigest?: string | undefined;
  /** Legacy marker of SAML JIT users stored before `source: 'saml-jit'` existed. */
  provisionedBy?: string | undefined;
  roleIds?: Set<string> | undefined;
  /** Optimistic-concurrency version, 1 on create. */
  version: number;
  /** ISO 8601 timestamps. */
  createdAt: string;
  updatedAt: string;
  lastSignInAt?: string | undefined;
}

/** The deployment-wide password sign-in identity of one email address. */
export interface LoginIdentityRecord {
  email: string;
  organizationId: string;
  userId: string;
  /** The scrypt hash string (shared/identity/passwords.ts). */
  passwordHash: string;
}

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'type'] as const;

/**
 * users.keysOf / users.recordOf — the item keys of users (malformed ids skipped, duplicates
 * removed) and the record of a user item read with them: for a repository that reads users in the
 * same BatchGetItem as its own items (groups.byIdWithUsers), while only this module builds user keys.
 */
export function keysOf(organizationId: string, ids: readonly string[]): { pk: string; sk: string }[] {
  return [...new Set(ids.filter(isUuid))].map((id) => keys.user(organizationId, id));
}

/** See {@link keysOf}. */
export function recordOf(item: Item): UserRecord {
  return toRecord(item);
}

function toRecord(item: Item): UserRecord {
  const record: Item = { ...item };
  for (const name of KEY_ATTRIBUTES) delete record[name];
  // Records written before every source had its own tag: a SAML JIT user was tagged 'scim'.
  if (record.source === 'scim' && record.provisionedBy === 'saml-jit') record.source = 'saml-jit';
  record.resource ??= { userName: item.userName, active: item.active !== false };
  return record as unknown as UserRecord;
}

function externalIdOf(record: UserRecord): string | undefined {
  const entry = Object.entries(record.resource).find(([name]) => name.toLowerCase() === 'externalid');
  return typeof entry?.[1] === 'string' && entry[1] !== '' ? entry[1] : undefined;
}

/** The stored item of a user record (keys and index attributes included); bench/ seeds with it. */
export function itemOf(record: UserRecord): Item {
  const externalId = externalIdOf(record);
  return {
    ...keys.user(record.organizationId, record.id),
    // The userName index holds exactly the users SCIM lists, so its pages need no filtering; local
    // accounts get a partition of their own that the Directory API merges in.
    ...(scimVisible(record) ? keys.userNameIndex(record.organizationId, record.userName) : keys.localUserNameIndex(record.organizationId, record.userName)),
    ...(record.connectionId !== undefined && record.directoryId !== undefined
      ? keys.userDirectoryIndex(record.organizationId, record.connectionId, record.directoryId)
      : externalId !== undefined
        ? keys.userExternalIdIndex(record.organizationId, externalId)
        : {}),
    type: EntityType.User,
    ...record,
  };
}

/** users.byId — undefined when absent (or when `id` is not a UUID). Strongly consistent by default. */
export async function byId(organizationId: string, id: string, options: { consistent?: boolean } = {}): Promise<UserRecord | undefined> {
  if (!isUuid(id)) return undefined;
  const item = await getItem(keys.user(organizationId, id), options.consistent ?? true);
  return item ? toRecord(item) : undefined;
}

/** users.byIds — the users that exist among `ids` (malformed ids are skipped), in no particular order. */
export async function byIds(organizationId: string, ids: readonly string[], options: { consistent?: boolean } = {}): Promise<UserRecord[]> {
  const valid = [...new Set(ids.filter(isUuid))];
  if (valid.length === 0) return [];
  return (await batchGet(valid.map((id) => keys.user(organizationId, id)), options.consistent ?? false)).map(toRecord);
}

/**
 * users.byUserName — case-insensitive (RFC 7643 §4.1.1: userName is caseExact false), read through
 * the uniqueness claim strongly consistent, so a user created a moment ago is found.
 */
export async function byUserNames(organizationId: string, userNames: readonly string[]): Promise<UserRecord[]> {
  if (userNames.length === 0) return [];
  const claims = await batchGet(userNames.map((userName) => keys.userNameClaim(organizationId, userName)), true);
  const owners = claims.map((claim) => claim.ownerId).filter((id): id is string => typeof id === 'string' && isUuid(id));
  return owners.length === 0 ? [] : (await batchGet(owners.map((id) => keys.user(organizationId, id)), true)).map(toRecord);
}

/** users.byUserName for one name. */
export async function byUserName(organizationId: string, userName: string): Promise<UserRecord | undefined> {
  const claim = await getItem(keys.userNameClaim(organizationId, userName));
  if (!claim || typeof claim.ownerId !== 'string') return undefined;
  return byId(organizationId, claim.ownerId);
}

/** users.byExternalId — exact match on each value (gsi2, eventually consistent). */
export async function byExternalIds(organizationId: string, externalIds: readonly string[]): Promise<UserRecord[]> {
  const partition = keys.userExternalIdIndex(organizationId, '').gsi2pk;
  const pages = await Promise.all(
    externalIds.filter(fitsInKey).map((value) =>
      queryAll({ IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk = :value', ExpressionAttributeValues: { ':pk': partition, ':value': value } }),
    ),
  );
  return pages.flat().map(toRecord);
}

/**
 * users.byConnection — every user synchronised from one directory connection (gsi2 partition of
 * the connection, in directory-id order; eventually consistent), up to `maxItems`.
 */
export async function byConnection(organizationId: string, connectionId: string, maxItems = 1_000_000): Promise<UserRecord[]> {
  const partition = keys.userDirectoryIndex(organizationId, connectionId, '').gsi2pk;
  return (await queryAll({ IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': partition } }, maxItems)).map(toRecord);
}

/**
 * users.byDirectoryIds — the users of one connection with these stable directory ids (gsi2, one
 * equality Query per id, at most 16 at a time; eventually consistent). Cost scales with the ids
 * asked for, not with the connection's users.
 */
export async function byDirectoryIds(organizationId: string, connectionId: string, directoryIds: readonly string[]): Promise<UserRecord[]> {
  const partition = keys.userDirectoryIndex(organizationId, connectionId, '').gsi2pk;
  return (await queryEach(partition, [...new Set(directoryIds)].filter(fitsInKey))).map(toRecord);
}

/** One gsi2 equality Query per value, `QUERY_PARALLELISM` at a time. */
async function queryEach(partition: string, values: readonly string[]): Promise<Item[]> {
  const pages = await mapLimited(values, QUERY_PARALLELISM, (value) =>
    queryAll({ IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk = :value', ExpressionAttributeValues: { ':pk': partition, ':value': value } }),
  );
  return pages.flat();
}

const QUERY_PARALLELISM = 16;

/** users.all — every user item of an organization, up to `maxItems` (1,000,000 by default). */
export async function all(organizationId: string, maxItems = 1_000_000): Promise<UserRecord[]> {
  const prefix = keys.userPrefix(organizationId);
  return (await queryAll({ KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': prefix.pk, ':prefix': prefix.skPrefix } }, maxItems)).map(toRecord);
}

/**
 * users.idsPage — up to `limit` user ids of an organization (every source) in id order, after
 * `after` (a user id): one keys-only Query of the user items, for background passes over every
 * user that must not hold them all in memory. `next` is the last id when more may follow.
 */
export async function idsPage(organizationId: string, options: { after: string | undefined; limit: number }): Promise<{ ids: string[]; next: string | undefined }> {
  const prefix = keys.userPrefix(organizationId);
  const page = await queryPage({
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': prefix.pk, ':prefix': prefix.skPrefix },
    ProjectionExpression: 'sk',
    Limit: options.limit,
    ...(options.after !== undefined && isUuid(options.after) ? { ExclusiveStartKey: keys.user(organizationId, options.after) } : {}),
  });
  const ids = page.items.map((item) => String(item.sk).slice(prefix.skPrefix.length));
  return { ids, next: page.lastKey ? ids[ids.length - 1] : undefined };
}

/**
 * users.scimListingPage — up to `limit` SCIM-visible users in lower-cased userName order, after
 * `after`. With `skipOnly`, only keys are read (to move forward cheaply) and `records` is empty.
 * Positions are opaque to callers: `[userName key, item key]`.
 */
export async function scimListingPage(
  organizationId: string,
  options: { after: ListPosition | undefined; limit: number; descending: boolean; skipOnly?: boolean },
): Promise<{ records: UserRecord[]; count: number; next: ListPosition | undefined }> {
  const page = await gsi1OrderedPage(keys.userNameIndex(organizationId, '').gsi1pk, keys.userPrefix(organizationId).pk, options);
  return { records: options.skipOnly ? [] : page.items.map(toRecord), count: page.items.length, next: page.next };
}

/**
 * users.localAccountCount — how many local accounts (source `local`: an organization's Owner and
 * the like, invisible to SCIM) the organization has: one keys-only count Query over their gsi1
 * partition (eventually consistent), a fraction of a read unit for the few such accounts there are.
 */
export async function localAccountCount(organizationId: string): Promise<number> {
  return countAll({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': keys.localUserNameIndex(organizationId, '').gsi1pk } });
}

/**
 * users.directoryListingPage — up to `limit` users of every source in lower-cased userName order
 * (UTF-8 byte order; userNames are unique per organization), after `after`: one Query on the SCIM
 * userName partition and one on the local accounts' partition (both gsi1, eventually consistent,
 * in parallel), merged. It may return fewer than `limit` users while more follow (`next` set).
 * With `skipOnly`, only keys are read and `records` is empty. Positions are opaque to callers.
 */
export async function directoryListingPage(
  organizationId: string,
  options: { after: ListPosition | undefined; limit: number; skipOnly?: boolean },
): Promise<{ records: UserRecord[]; count: number; next: ListPosition | undefined }> {
  const table = keys.userPrefix(organizationId).pk;
  const read = { after: options.after, limit: options.limit, descending: false, skipOnly: options.skipOnly };
  const pages = await Promise.all([
    gsi1OrderedPage(keys.userNameIndex(organizationId, '').gsi1pk, table, read),
    gsi1OrderedPage(keys.localUserNameIndex(organizationId, '').gsi1pk, table, read),
  ]);
  const { items, exhausted } = mergeOrderedPages(pages, options.limit);
  const last = items[items.length - 1];
  const next = exhausted || last === undefined ? undefined : [String(last.gsi1sk), String(last.sk)];
  return { records: options.skipOnly ? [] : items.map(toRecord), count: items.length, next };
}

/**
 * users.putStep — writes a whole user record. Without `expectedVersion` the user must not exist
 * yet (and `transact` writes its group summary, complete and empty, in the same transaction); with
 * it, the stored version must still be that one (optimistic concurrency).
 */
export function putStep(record: UserRecord, options: { expectedVersion: number | undefined; onConflict: () => DomainError }): TransactionStep {
  const item = itemOf(record);
  // A new user's group summary starts complete, in the same transaction (shared/storage/user-group-summaries.ts).
  if (options.expectedVersion === undefined) return { ...putNew(item, options.onConflict), userGroups: { organizationId: record.organizationId, userId: record.id, change: 'created' } };
  return put(item, { expression: 'version = :seen', values: { ':seen': options.expectedVersion } }, options.onConflict);
}

/** users.deleteStep — deletes a user if its stored version is still `expectedVersion` (`transact` deletes its group summary with it). */
export function deleteStep(organizationId: string, id: string, options: { expectedVersion: number; onConflict: () => DomainError }): TransactionStep {
  const step = remove(keys.user(organizationId, id), { expression: 'version = :seen', values: { ':seen': options.expectedVersion } }, options.onConflict);
  return { ...step, userGroups: { organizationId, userId: id, change: 'deleted' } };
}

/** users.mustExistStep — a precondition that the user exists. */
export function mustExistStep(organizationId: string, id: string, onMissing: () => DomainError): TransactionStep {
  return { item: { ConditionCheck: { TableName: tableName(), Key: keys.user(organizationId, id), ConditionExpression: 'attribute_exists(pk)' } }, onConditionFailed: onMissing };
}

/**
 * users.roleSetStep — atomically adds to or deletes from a user's role set (a DynamoDB string set),
 * so concurrent assignments never lose each other, and bumps the version so a concurrent
 * read-modify-write of the record re-reads instead of writing the old role set back. Fails with
 * `onMissing` when the user is gone.
 */
export function roleSetStep(organizationId: string, userId: string, operation: 'ADD' | 'DELETE', roleIds: readonly string[], onMissing: () => DomainError): TransactionStep {
  return {
    item: {
      Update: {
        TableName: tableName(),
        Key: keys.user(organizationId, userId),
        UpdateExpression: operation === 'ADD' ? 'ADD roleIds :roles, version :one' : 'DELETE roleIds :roles ADD version :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':roles': new Set(roleIds), ':one': 1 },
      },
    },
    onConditionFailed: onMissing,
  };
}

/**
 * users.holdsRoleStep — a precondition that the user is active and holds `roleId` directly (e.g.
 * that another Owner still exists while one is revoked); `onFailed` otherwise.
 */
export function holdsRoleStep(organizationId: string, userId: string, roleId: string, onFailed: () => DomainError): TransactionStep {
  return {
    item: {
      ConditionCheck: {
        TableName: tableName(),
        Key: keys.user(organizationId, userId),
        ConditionExpression: 'active = :active AND contains(roleIds, :role)',
        ExpressionAttributeValues: { ':active': true, ':role': roleId },
      },
    },
    onConditionFailed: onFailed,
  };
}

/**
 * users.signInStep — records a successful sign-in (`lastSignInAt`, ISO 8601) without bumping the
 * version: a sign-in is not a change of the resource, so it neither changes its ETag nor makes a
 * concurrent SCIM write re-read. Fails with `onMissing` when the user is gone.
 */
export function signInStep(organizationId: string, userId: string, at: string, onMissing: () => DomainError): TransactionStep {
  return {
    item: {
      Update: {
        TableName: tableName(),
        Key: keys.user(organizationId, userId),
        UpdateExpression: 'SET lastSignInAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at },
      },
    },
    onConditionFailed: onMissing,
  };
}

// --- userName uniqueness claims -----------------------------------------------------------------

/** users.claimUserNameStep — reserves a userName (case-insensitive) for `ownerId`; fails with `onTaken` if held. */
export function claimUserNameStep(organizationId: string, userName: string, ownerId: string, onTaken: () => DomainError): TransactionStep {
  return putNew({ ...keys.userNameClaim(organizationId, userName), type: EntityType.UniqueConstraint, ownerId }, onTaken);
}

/** users.releaseUserNameStep — frees a userName claim. */
export function releaseUserNameStep(organizationId: string, userName: string): TransactionStep {
  return remove(keys.userNameClaim(organizationId, userName));
}

// --- sign-in identities -------------------------------------------------------------------------

/** users.loginIdentityByEmail — the sign-in identity of an email (trimmed, case-insensitive), eventually consistent. */
export async function loginIdentityByEmail(email: string, options: { consistent?: boolean } = {}): Promise<LoginIdentityRecord | undefined> {
  const item = await getItem(keys.loginIdentity(email), options.consistent ?? false);
  if (!item) return undefined;
  return { email: email.trim().toLowerCase(), organizationId: item.organizationId as string, userId: item.userId as string, passwordHash: item.passwordHash as string };
}

/**
 * users.putLoginIdentityStep — sets the password sign-in identity of an email. It may replace an
 * existing identity only when that identity belongs to the same user; otherwise `onTaken`.
 */
export function putLoginIdentityStep(identity: LoginIdentityRecord, onTaken: () => DomainError): TransactionStep {
  return {
    item: {
      Put: {
        TableName: tableName(),
        Item: { ...keys.loginIdentity(identity.email), type: EntityType.LoginIdentity, organizationId: identity.organizationId, userId: identity.userId, passwordHash: identity.passwordHash },
        ConditionExpression: 'attribute_not_exists(pk) OR (organizationId = :org AND userId = :id)',
        ExpressionAttributeValues: { ':org': identity.organizationId, ':id': identity.userId },
      },
    },
    onConditionFailed: onTaken,
  };
}

/** users.deleteLoginIdentityStep — removes an email's sign-in identity if it is absent or belongs to `userId`. */
export function deleteLoginIdentityStep(email: string, userId: string): TransactionStep {
  return remove(keys.loginIdentity(email), { expression: 'attribute_not_exists(pk) OR userId = :id', values: { ':id': userId } });
}
