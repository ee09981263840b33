/**
 * The user group summaries repository: the only module that reads or writes a user's group
 * membership summary — one item per user (beside the user item, not under `USER#`) holding the ids
 * of the groups it belongs to as a DynamoDB String Set and a `complete` marker. The memberships
 * themselves stay under their group (shared/storage/groups.ts); the summary lets a list page read
 * the groups of 100 users with one BatchGetItem instead of one gsi1 query per user.
 *
 * Writers never call this module for a membership change: the membership and user steps carry a
 * {@link UserGroupsEffect} and `transact` (shared/storage/transactions.ts) adds
 * {@link summaryStepsFor}'s updates to the same transaction — one update per user, merged, with
 * idempotent set operations (`ADD`/`DELETE groupIds`, no read), so no writer can forget it.
 *
 * `complete` is set when the summary is known to hold every membership: from the user's creation
 * on, or once the backfill (shared/workers/backfill-user-group-summaries.ts) verified the
 * memberships of a user written before summaries existed. Readers fall back to the gsi1 query for
 * users whose summary is not complete, so answers are right either way.
 *
 * Access patterns (README, "Storage"):
 * - userGroupSummaries.ofUsers — BatchGetItem of the users' summaries (complete ones only);
 * - userGroupSummaries.incompleteAmong — the users among some whose summary is not complete;
 * - userGroupSummaries.pendingOrganizations — the platform partition of organizations to backfill.
 */
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from './clients.ts';
import { EntityType, isUuid } from './keys.ts';
import * as keys from './keys.ts';
import { batchGet, queryPage } from './queries.ts';
import type { TransactionStep } from './transactions.ts';

/**
 * What a transaction step does to a user's group summary: a membership added or removed, the user
 * created (its summary starts complete) or deleted (its summary goes too).
 */
export type UserGroupsEffect =
  | { organizationId: string; userId: string; change: 'add' | 'remove'; groupId: string }
  | { organizationId: string; userId: string; change: 'created' | 'deleted' };

interface Pending {
  organizationId: string;
  userId: string;
  add: Set<string>;
  remove: Set<string>;
  created: boolean;
  deleted: boolean;
}

/**
 * The summary writes for the effects `steps` carry: one step per user (DynamoDB refuses two
 * operations on one item in a transaction), an Update with `ADD groupIds` and/or `DELETE groupIds`
 * (upserting, so users written before summaries get an incomplete one), `SET complete` when the
 * user is created, or a Delete when the user is deleted.
 *
 * @throws Error when one transaction both adds and removes memberships of the same user (no writer
 *   does; DynamoDB refuses ADD and DELETE of one attribute in one update).
 */
export function summaryStepsFor(steps: readonly TransactionStep[]): TransactionStep[] {
  const byUser = new Map<string, Pending>();
  for (const { userGroups: effect } of steps) {
    if (!effect) continue;
    const id = `${effect.organizationId}|${effect.userId}`;
    const pending = byUser.get(id) ?? { organizationId: effect.organizationId, userId: effect.userId, add: new Set(), remove: new Set(), created: false, deleted: false };
    byUser.set(id, pending);
    if (effect.change === 'add') pending.add.add(effect.groupId);
    else if (effect.change === 'remove') pending.remove.add(effect.groupId);
    else if (effect.change === 'created') pending.created = true;
    else pending.deleted = true;
  }
  return [...byUser.values()].map((pending): TransactionStep => {
    const Key = keys.userGroupSummary(pending.organizationId, pending.userId);
    if (pending.deleted) return { item: { Delete: { TableName: tableName(), Key } } };
    if (pending.add.size > 0 && pending.remove.size > 0) throw new Error(`One transaction adds and removes group memberships of user ${pending.userId}; split it`);
    const values: Record<string, unknown> = { ':type': EntityType.UserGroupSummary, ':user': pending.userId };
    let expression = 'SET #type = :type, userId = :user';
    if (pending.created) {
      expression += ', complete = :true';
      values[':true'] = true;
    }
    if (pending.add.size > 0) {
      expression += ' ADD groupIds :groups';
      values[':groups'] = pending.add;
    } else if (pending.remove.size > 0) {
      expression += ' DELETE groupIds :groups';
      values[':groups'] = pending.remove;
    }
    return { item: { Update: { TableName: tableName(), Key, UpdateExpression: expression, ExpressionAttributeNames: { '#type': 'type' }, ExpressionAttributeValues: values } } };
  });
}

/**
 * userGroupSummaries.ofUsers — the group ids of each user among `userIds` whose summary is complete
 * (one BatchGetItem per 100 users, unprocessed keys retried); users without one are absent from the
 * map (read their memberships with groups.ofUser). Eventually consistent unless `consistent`.
 */
export async function ofUsers(organizationId: string, userIds: readonly string[], options: { consistent?: boolean } = {}): Promise<Map<string, string[]>> {
  const valid = [...new Set(userIds.filter(isUuid))];
  if (valid.length === 0) return new Map();
  const items = await batchGet(valid.map((userId) => keys.userGroupSummary(organizationId, userId)), options.consistent ?? false);
  return new Map(items.filter((item) => item.complete === true).map((item) => [item.userId as string, [...((item.groupIds as Set<string> | undefined) ?? [])]] as const));
}

/** userGroupSummaries.incompleteAmong — the users among `userIds` whose summary is missing or not complete (strongly consistent). */
export async function incompleteAmong(organizationId: string, userIds: readonly string[]): Promise<string[]> {
  const complete = await ofUsers(organizationId, userIds, { consistent: true });
  return [...new Set(userIds)].filter((userId) => isUuid(userId) && !complete.has(userId));
}

/**
 * userGroupSummaries.backfillStep — adds verified group ids to a user's summary and, when `complete`,
 * marks it complete. The caller puts a membership condition check for each id in the same
 * transaction, so a membership removed concurrently fails it rather than staying in the summary;
 * a membership added concurrently is added by its own transaction.
 */
export function backfillStep(organizationId: string, userId: string, groupIds: readonly string[], complete: boolean): TransactionStep {
  const values: Record<string, unknown> = { ':type': EntityType.UserGroupSummary, ':user': userId };
  const sets = ['#type = :type', 'userId = :user'];
  if (complete) {
    sets.push('complete = :true');
    values[':true'] = true;
  }
  let expression = `SET ${sets.join(', ')}`;
  if (groupIds.length > 0) {
    expression += ' ADD groupIds :groups';
    values[':groups'] = new Set(groupIds);
  }
  return {
    item: {
      Update: { TableName: tableName(), Key: keys.userGroupSummary(organizationId, userId), UpdateExpression: expression, ExpressionAttributeNames: { '#type': 'type' }, ExpressionAttributeValues: values },
    },
  };
}

/** The stored item of a complete summary (bench/ seeds with it). */
export function summaryItemOf(organizationId: string, userId: string, groupIds: readonly string[]): Record<string, unknown> {
  return { ...keys.userGroupSummary(organizationId, userId), type: EntityType.UserGroupSummary, userId, complete: true, ...(groupIds.length > 0 ? { groupIds: new Set(groupIds) } : {}) };
}

// --- organizations to backfill ------------------------------------------------------------------

/** An organization where users without a complete summary were seen, and where the backfill got to. */
export interface PendingBackfill {
  organizationId: string;
  /** ISO 8601: when a reader last noted it (the backfill clears the note only if it is unchanged). */
  notedAt: string;
  /** The last user id the backfill finished with, to continue after it; absent: from the start. */
  after?: string | undefined;
}

/** How long a function instance trusts its own note of an organization before writing it again. */
const NOTE_REFRESH_MS = 3_600_000;
const notedHere = new Map<string, number>();

/**
 * userGroupSummaries.notePending — notes that `organizationId` has users to backfill: a put-if-absent
 * (an existing note keeps the backfill's progress), written at most once an hour per function instance.
 */
export async function notePending(organizationId: string): Promise<void> {
  const now = Date.now();
  if (now - (notedHere.get(organizationId) ?? -Infinity) < NOTE_REFRESH_MS) return;
  notedHere.set(organizationId, now);
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.userGroupSummaryBackfill(organizationId), type: EntityType.UserGroupSummaryBackfill, organizationId, notedAt: new Date(now).toISOString() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if (!(error instanceof Error && error.name === 'ConditionalCheckFailedException')) throw error;
  }
}

/** userGroupSummaries.pendingOrganizations — up to `limit` noted organizations (one Query of the platform partition). */
export async function pendingOrganizations(limit = 1000): Promise<PendingBackfill[]> {
  const page = await queryPage({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.userGroupSummaryBackfillPartition() }, Limit: limit, ConsistentRead: true });
  return page.items.map((item) => ({ organizationId: item.organizationId as string, notedAt: item.notedAt as string, ...(typeof item.after === 'string' ? { after: item.after } : {}) }));
}

/**
 * userGroupSummaries.recordProgress — the backfill's progress on a note: `done` removes it,
 * `continueAfter` records where the next run continues (absent: from the first user). Either only
 * while the note is the one the backfill read (another pass may have ended it and a reader noted
 * the organization again); returns whether it held.
 */
export async function recordProgress(pending: PendingBackfill, progress: { done: true } | { done: false; continueAfter?: string | undefined }): Promise<boolean> {
  const Key = keys.userGroupSummaryBackfill(pending.organizationId);
  const condition = { ConditionExpression: 'notedAt = :noted', ExpressionAttributeValues: { ':noted': pending.notedAt } as Record<string, unknown> };
  const item = { ...Key, type: EntityType.UserGroupSummaryBackfill, organizationId: pending.organizationId, notedAt: pending.notedAt };
  try {
    if (progress.done) await dynamo().send(new DeleteCommand({ TableName: tableName(), Key, ...condition }));
    else await dynamo().send(new PutCommand({ TableName: tableName(), Item: { ...item, ...(progress.continueAfter !== undefined ? { after: progress.continueAfter } : {}) }, ...condition }));
    return true;
  } catch (error) {
    if (error instanceof Error && error.name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
