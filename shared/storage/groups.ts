/**
 * The groups repository: the only module that reads or writes group items and group memberships.
 * One group record serves every source (SCIM, directory sync); a membership is its own item, so
 * groups of any size fit and one member's change never rewrites the group.
 *
 * Access patterns (README, "Storage"):
 * - groups.byId / groups.byIds — GetItem / BatchGetItem on the organization partition;
 * - groups.byDisplayName — gsi1, lower-cased; groups.byExternalId — gsi2, case-exact;
 * - groups.all — the organization's group items; groups.scimListingPage — gsi1 in displayName order;
 * - groups.membersOf / membersOfPage — the group's membership partition;
 * - groups.ofUser — gsi1 on memberships: the groups one user belongs to;
 * - groups.membershipsAmong — which of some users are members (BatchGetItem);
 * - groups.byIdWithUsers — a group and some users in one strongly consistent BatchGetItem (a
 *   member change reads the group's version and the new members' names in one round trip).
 */
import type { DomainError } from '../errors/domain-errors.ts';
import { tableName } from './clients.ts';
import { EntityType, isUuid } from './keys.ts';
import * as keys from './keys.ts';
import { fitsInKey } from './limits.ts';
import type { ListPosition } from './page-boundaries.ts';
import { batchGet, getItem, gsi1OrderedPage, queryAll, queryPage } from './queries.ts';
import { keysOf as userKeysOf, recordOf as userRecordOf, type UserRecord } from './users.ts';
import { mustExist, put, putNew, remove, type TransactionStep } from './transactions.ts';
import { mapLimited } from '../concurrency/map-limited.ts';

type Item = Record<string, unknown>;

/** Where a group came from; `connectionId` names the directory connection of a synchronised one. */
export type GroupSource = 'scim' | 'ldap' | 'activeDirectory' | 'local';

/** One group. `resource` is its SCIM-shaped representation without members. */
export interface GroupRecord {
  id: string;
  organizationId: string;
  displayName: string;
  resource: Record<string, unknown>;
  source?: GroupSource | undefined;
  connectionId?: string | undefined;
  /** A synchronised group's stable id in its source directory and its DN there (see users.ts). */
  directoryId?: string | undefined;
  directoryDn?: string | undefined;
  /** The sync project that last wrote this synchronised group (its runs alone decide that it disappeared). */
  syncProjectId?: string | undefined;
  /** When a sync run found a synchronised group gone from its directory (ISO 8601); cleared when it reappears. */
  disappearedAt?: string | undefined;
  /** Digest of the synchronised entry's attribute snapshot (see users.ts). */
  directoryDigest?: string | undefined;
  roleIds?: Set<string> | undefined;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** One user's membership of one group; `display` is the member's name as shown in the group. */
export interface MembershipRecord {
  groupId: string;
  userId: string;
  display: string;
  /** ISO 8601. */
  addedAt: string;
}

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'type'] as const;

function toRecord(item: Item): GroupRecord {
  const record: Item = { ...item };
  for (const name of KEY_ATTRIBUTES) delete record[name];
  record.resource ??= { displayName: item.displayName };
  return record as unknown as GroupRecord;
}

function toMembership(item: Item): MembershipRecord {
  return { groupId: item.groupId as string, userId: item.userId as string, display: (item.display as string | undefined) ?? '', addedAt: (item.addedAt as string | undefined) ?? '' };
}

function toItem(record: GroupRecord): Item {
  const entry = Object.entries(record.resource).find(([name]) => name.toLowerCase() === 'externalid');
  const externalId = typeof entry?.[1] === 'string' && entry[1] !== '' ? entry[1] : undefined;
  return {
    ...keys.group(record.organizationId, record.id),
    ...keys.groupNameIndex(record.organizationId, record.displayName),
    ...(record.connectionId !== undefined && record.directoryId !== undefined
      ? keys.groupDirectoryIndex(record.organizationId, record.connectionId, record.directoryId)
      : externalId !== undefined
        ? keys.groupExternalIdIndex(record.organizationId, externalId)
        : {}),
    type: EntityType.Group,
    ...record,
  };
}

/** groups.byId — undefined when absent or when `id` is not a UUID; strongly consistent by default. */
export async function byId(organizationId: string, id: string, options: { consistent?: boolean } = {}): Promise<GroupRecord | undefined> {
  if (!isUuid(id)) return undefined;
  const item = await getItem(keys.group(organizationId, id), options.consistent ?? true);
  return item ? toRecord(item) : undefined;
}

/**
 * groups.byIdWithUsers — the group and the users among `userIds` that exist, read together in one
 * strongly consistent BatchGetItem (a second one only past 99 users). Malformed ids are skipped;
 * `group` is undefined when absent or when `id` is not a UUID.
 */
export async function byIdWithUsers(organizationId: string, id: string, userIds: readonly string[]): Promise<{ group: GroupRecord | undefined; users: UserRecord[] }> {
  const groupKey = isUuid(id) ? [keys.group(organizationId, id)] : [];
  const userKeys = userKeysOf(organizationId, userIds);
  if (groupKey.length + userKeys.length === 0) return { group: undefined, users: [] };
  const items = await batchGet([...groupKey, ...userKeys], true);
  const groupItem = items.find((item) => item.type === EntityType.Group);
  return { group: groupItem ? toRecord(groupItem) : undefined, users: items.filter((item) => item.type === EntityType.User).map(userRecordOf) };
}

/** groups.byIds — the groups that exist among `ids`, in no particular order. */
export async function byIds(organizationId: string, ids: readonly string[]): Promise<GroupRecord[]> {
  const valid = [...new Set(ids.filter(isUuid))];
  return valid.length === 0 ? [] : (await batchGet(valid.map((id) => keys.group(organizationId, id)))).map(toRecord);
}

async function byIndexValues(index: 'gsi1' | 'gsi2', partition: string, values: readonly string[]): Promise<GroupRecord[]> {
  const pages = await Promise.all(
    values.filter(fitsInKey).map((value) =>
      queryAll({ IndexName: index, KeyConditionExpression: `${index}pk = :pk AND ${index}sk = :value`, ExpressionAttributeValues: { ':pk': partition, ':value': value } }),
    ),
  );
  return pages.flat().map(toRecord);
}

/** groups.byDisplayName — case-insensitive exact match on each value. */
export function byDisplayNames(organizationId: string, displayNames: readonly string[]): Promise<GroupRecord[]> {
  return byIndexValues('gsi1', keys.groupNameIndex(organizationId, '').gsi1pk, displayNames.map((name) => name.toLowerCase()));
}

/** groups.byExternalId — case-exact match on each value. */
export function byExternalIds(organizationId: string, externalIds: readonly string[]): Promise<GroupRecord[]> {
  return byIndexValues('gsi2', keys.groupExternalIdIndex(organizationId, '').gsi2pk, externalIds);
}

/** groups.byConnection — every group synchronised from one directory connection (gsi2; eventually consistent). */
export async function byConnection(organizationId: string, connectionId: string, maxItems = 1_000_000): Promise<GroupRecord[]> {
  const partition = keys.groupDirectoryIndex(organizationId, connectionId, '').gsi2pk;
  return (await queryAll({ IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': partition } }, maxItems)).map(toRecord);
}

/** groups.byDirectoryIds — the groups of one connection with these stable directory ids (gsi2, one Query per id, 16 at a time). */
export async function byDirectoryIds(organizationId: string, connectionId: string, directoryIds: readonly string[]): Promise<GroupRecord[]> {
  const partition = keys.groupDirectoryIndex(organizationId, connectionId, '').gsi2pk;
  const values = [...new Set(directoryIds)].filter(fitsInKey);
  const pages = await mapLimited(values, 16, (value) =>
    queryAll({ IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk = :value', ExpressionAttributeValues: { ':pk': partition, ':value': value } }),
  );
  return pages.flat().map(toRecord);
}

/** groups.all — every group item of an organization, up to `maxItems`. */
export async function all(organizationId: string, maxItems = 1_000_000): Promise<GroupRecord[]> {
  const prefix = keys.groupPrefix(organizationId);
  return (await queryAll({ KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': prefix.pk, ':prefix': prefix.skPrefix } }, maxItems)).map(toRecord);
}

/** groups.scimListingPage — up to `limit` groups in lower-cased displayName order after `after` (see users.scimListingPage). */
export async function scimListingPage(
  organizationId: string,
  options: { after: ListPosition | undefined; limit: number; descending: boolean; skipOnly?: boolean },
): Promise<{ records: GroupRecord[]; count: number; next: ListPosition | undefined }> {
  const page = await gsi1OrderedPage(keys.groupNameIndex(organizationId, '').gsi1pk, keys.groupPrefix(organizationId).pk, options);
  return { records: options.skipOnly ? [] : page.items.map(toRecord), count: page.items.length, next: page.next };
}

/** groups.putStep — writes a whole group record: new when `expectedVersion` is undefined, else only over that version. */
export function putStep(record: GroupRecord, options: { expectedVersion: number | undefined; onConflict: () => DomainError }): TransactionStep {
  const item = toItem(record);
  if (options.expectedVersion === undefined) return putNew(item, options.onConflict);
  return put(item, { expression: 'version = :seen', values: { ':seen': options.expectedVersion } }, options.onConflict);
}

/** groups.touchStep — bumps a group's version and updatedAt (a membership-only change), never conflicting with another such change. */
export function touchStep(organizationId: string, id: string, now: string, onMissing: () => DomainError): TransactionStep {
  return {
    item: {
      Update: {
        TableName: tableName(),
        Key: keys.group(organizationId, id),
        UpdateExpression: 'ADD version :one SET updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1, ':now': now },
      },
    },
    onConditionFailed: onMissing,
  };
}

/**
 * groups.memberChangeStep — bumps the version and updatedAt of a group for a membership change,
 * only while the group still is exactly what the caller read: it exists at `expectedVersion` (so
 * an If-Match checked against that version still holds) and its `source` is absent or one of
 * `writableSources` (the rule that makes synchronised groups read-only to SCIM). `onFailed` when
 * any of that no longer holds.
 */
export function memberChangeStep(
  organizationId: string,
  id: string,
  options: { expectedVersion: number; writableSources: readonly string[]; now: string; onFailed: () => DomainError },
): TransactionStep {
  const sources = Object.fromEntries(options.writableSources.map((source, index) => [`:source${index}`, source]));
  const sourceCondition = options.writableSources.length > 0 ? `attribute_not_exists(#source) OR #source IN (${Object.keys(sources).join(', ')})` : 'attribute_not_exists(#source)';
  return {
    item: {
      Update: {
        TableName: tableName(),
        Key: keys.group(organizationId, id),
        UpdateExpression: 'SET version = version + :one, updatedAt = :now',
        ConditionExpression: `version = :seen AND (${sourceCondition})`,
        ExpressionAttributeNames: { '#source': 'source' },
        ExpressionAttributeValues: { ':one': 1, ':now': options.now, ':seen': options.expectedVersion, ...sources },
      },
    },
    onConditionFailed: options.onFailed,
  };
}

/** groups.deleteStep — deletes the group item if its version is still `expectedVersion` (memberships are removed separately). */
export function deleteStep(organizationId: string, id: string, options: { expectedVersion: number; onConflict: () => DomainError }): TransactionStep {
  return remove(keys.group(organizationId, id), { expression: 'version = :seen', values: { ':seen': options.expectedVersion } }, options.onConflict);
}

/** groups.mustExistStep — a precondition that the group exists. */
export function mustExistStep(organizationId: string, id: string, onMissing: () => DomainError): TransactionStep {
  return { item: { ConditionCheck: { TableName: tableName(), Key: keys.group(organizationId, id), ConditionExpression: 'attribute_exists(pk)' } }, onConditionFailed: onMissing };
}

/** groups.mustBeAbsentStep — a precondition that the group does not exist (a sweep of a deleted group's leftovers). */
export function mustBeAbsentStep(organizationId: string, id: string, onPresent: () => DomainError): TransactionStep {
  return { item: { ConditionCheck: { TableName: tableName(), Key: keys.group(organizationId, id), ConditionExpression: 'attribute_not_exists(pk)' } }, onConditionFailed: onPresent };
}

/** groups.grantsRoleStep — a precondition that the group still grants `roleId` to its members; `onFailed` otherwise. */
export function grantsRoleStep(organizationId: string, groupId: string, roleId: string, onFailed: () => DomainError): TransactionStep {
  return {
    item: { ConditionCheck: { TableName: tableName(), Key: keys.group(organizationId, groupId), ConditionExpression: 'contains(roleIds, :role)', ExpressionAttributeValues: { ':role': roleId } } },
    onConditionFailed: onFailed,
  };
}

/** groups.roleSetStep — atomic ADD/DELETE on a group's role set (team roles), bumping its version; `onMissing` when the group is gone. */
export function roleSetStep(organizationId: string, groupId: string, operation: 'ADD' | 'DELETE', roleIds: readonly string[], onMissing: () => DomainError): TransactionStep {
  return {
    item: {
      Update: {
        TableName: tableName(),
        Key: keys.group(organizationId, groupId),
        UpdateExpression: operation === 'ADD' ? 'ADD roleIds :roles, version :one' : 'DELETE roleIds :roles ADD version :one',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':roles': new Set(roleIds), ':one': 1 },
      },
    },
    onConditionFailed: onMissing,
  };
}

// --- memberships --------------------------------------------------------------------------------

/** groups.membersOf — every membership of a group, up to `maxItems`. */
export async function membersOf(organizationId: string, groupId: string, maxItems = 1_000_000): Promise<MembershipRecord[]> {
  if (!isUuid(groupId)) return [];
  return (await queryAll({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.groupMembersPartition(organizationId, groupId) } }, maxItems)).map(toMembership);
}

/** groups.membersOfPage — one page of a group's memberships in member-id order, after `after`. */
export async function membersOfPage(
  organizationId: string,
  groupId: string,
  options: { after: ListPosition | undefined; limit: number },
): Promise<{ members: MembershipRecord[]; next: ListPosition | undefined }> {
  const pk = keys.groupMembersPartition(organizationId, groupId);
  const page = await queryPage({
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': pk },
    ...(options.after ? { ExclusiveStartKey: { pk, sk: options.after[0] } } : {}),
    Limit: options.limit,
  });
  return { members: page.items.map(toMembership), next: page.lastKey ? [String(page.lastKey.sk)] : undefined };
}

/** groups.membershipsAmong — the memberships of `group` held by any of `userIds` (strongly consistent). */
export async function membershipsAmong(organizationId: string, groupId: string, userIds: readonly string[]): Promise<MembershipRecord[]> {
  const valid = [...new Set(userIds.filter(isUuid))];
  if (valid.length === 0) return [];
  return (await batchGet(valid.map((userId) => keys.groupMembership(organizationId, groupId, userId)), true)).map(toMembership);
}

/** groups.ofUser — the memberships of one user across the organization's groups (gsi1, eventually consistent). */
export async function ofUser(organizationId: string, userId: string): Promise<MembershipRecord[]> {
  if (!isUuid(userId)) return [];
  return (await queryAll({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': keys.userGroupsIndex(organizationId, userId) } })).map((item) => ({
    ...toMembership(item),
    groupId: (item.groupId as string | undefined) ?? (item.gsi1sk as string),
  }));
}

/**
 * memberships.addStep — makes `userId` a member of `groupId` (idempotent: re-adding rewrites the
 * same item). With `onPresent`, only if not a member yet (put-if-absent): a present member fails
 * the transaction with that error instead. `transact` adds the group to the user's group summary
 * in the same transaction (one more item per user changed).
 */
export function membershipAddStep(organizationId: string, membership: MembershipRecord, options: { onPresent?: () => DomainError } = {}): TransactionStep {
  const item = membershipItemOf(organizationId, membership);
  // The user's group summary gets the group in the same transaction (shared/storage/user-group-summaries.ts).
  const userGroups = { organizationId, userId: membership.userId, change: 'add' as const, groupId: membership.groupId };
  return { ...(options.onPresent ? putNew(item, options.onPresent) : put(item)), userGroups };
}

/** The stored item of a membership (keys and index attributes included); bench/ seeds with it. */
export function membershipItemOf(organizationId: string, membership: MembershipRecord): Item {
  return {
    ...keys.groupMembership(organizationId, membership.groupId, membership.userId),
    ...keys.groupMembershipIndex(organizationId, membership.groupId, membership.userId),
    type: EntityType.GroupMembership,
    ...membership,
  };
}

/** memberships.mustExistStep — a precondition that `userId` is a member of `groupId`; `onMissing` otherwise. */
export function membershipMustExistStep(organizationId: string, groupId: string, userId: string, onMissing: () => DomainError): TransactionStep {
  return mustExist(keys.groupMembership(organizationId, groupId, userId), onMissing);
}

/**
 * memberships.removeStep — removes a membership (idempotent). With `onAbsent`, only if it exists:
 * removing a non-member fails the transaction with that error instead. `transact` removes the group
 * from the user's group summary in the same transaction (one more item per user changed).
 */
export function membershipRemoveStep(organizationId: string, groupId: string, userId: string, options: { onAbsent?: () => DomainError } = {}): TransactionStep {
  const key = keys.groupMembership(organizationId, groupId, userId);
  const userGroups = { organizationId, userId, change: 'remove' as const, groupId };
  return { ...(options.onAbsent ? remove(key, { expression: 'attribute_exists(pk)' }, options.onAbsent) : remove(key)), userGroups };
}
