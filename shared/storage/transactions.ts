import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { dynamo, tableName } from './clients.ts';
import { EntityType } from './keys.ts';
import * as keys from './keys.ts';
import { COUNTER_SHARDS } from './counters.ts';
import type { DomainError} from '../errors/domain-errors.ts';
import { ConcurrentChangeError, ServiceUnavailableError, ValidationError } from '../errors/domain-errors.ts';
import { assertItemFits, assertTransactionFits, keysFit, MAX_KEYED_VALUE_BYTES } from './limits.ts';
import { summaryStepsFor, type UserGroupsEffect } from './user-group-summaries.ts';

/** The SDK's TransactionCanceledException, recognised by name (see its use below). */
function isTransactionCanceled(error: unknown): error is TransactionCanceledException {
  return error instanceof Error && error.name === 'TransactionCanceledException';
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** One write in a transaction, with the domain error to raise if its condition fails. */
export interface TransactionStep {
  item: TransactItem;
  onConditionFailed?: () => DomainError;
  /**
   * What the step does to a user's group summary (membership and user steps set it): `transact`
   * adds the summary's update to the same transaction (shared/storage/user-group-summaries.ts).
   */
  userGroups?: UserGroupsEffect;
}

/** Puts an item, optionally only when `condition` holds (a bare expression, or one with values bound as `:name`). */
export function put(
  item: Record<string, unknown>,
  condition?: string | { expression: string; values?: Record<string, unknown> },
  onConditionFailed?: () => DomainError,
): TransactionStep {
  const when = typeof condition === 'string' ? { expression: condition } : condition;
  return {
    item: {
      Put: {
        TableName: tableName(),
        Item: item,
        ...(when ? { ConditionExpression: when.expression, ...(when.values ? { ExpressionAttributeValues: when.values } : {}) } : {}),
      },
    },
    ...(onConditionFailed ? { onConditionFailed } : {}),
  };
}

/** Deletes an item, optionally only when `condition` holds (values bound as `:name`). */
export function remove(
  key: { pk: string; sk: string },
  condition?: { expression: string; values?: Record<string, unknown> },
  onConditionFailed?: () => DomainError,
): TransactionStep {
  return {
    item: {
      Delete: {
        TableName: tableName(),
        Key: key,
        ...(condition ? { ConditionExpression: condition.expression, ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}) } : {}),
      },
    },
    ...(onConditionFailed ? { onConditionFailed } : {}),
  };
}

/** Requires an item to exist without writing it (a transaction's precondition). */
export function mustExist(key: { pk: string; sk: string }, onConditionFailed: () => DomainError): TransactionStep {
  return { item: { ConditionCheck: { TableName: tableName(), Key: key, ConditionExpression: 'attribute_exists(pk)' } }, onConditionFailed };
}

/** Puts an item that must not exist yet (uniqueness claims, new entities). */
export function putNew(item: Record<string, unknown>, onConditionFailed: () => DomainError): TransactionStep {
  return put(item, 'attribute_not_exists(pk)', onConditionFailed);
}

/**
 * Audit entries are counted per organization and day (sharded counters read by the audit list's
 * totalCount). The counter update joins whatever transaction writes the entries, so the count can
 * never drift from the log: one Update per organization-day, added here so no caller can forget.
 */
function withAuditCounters(steps: TransactionStep[]): TransactionStep[] {
  const perDay = new Map<string, { organizationId: string; day: string; count: number; expiresAt: number }>();
  for (const step of steps) {
    const item = step.item.Put?.Item;
    if (!item || item.type !== EntityType.AuditEntry || typeof item.organizationId !== 'string') continue;
    const day = String(item.timestamp).slice(0, 10);
    const key = `${item.organizationId}|${day}`;
    const entry = perDay.get(key) ?? { organizationId: item.organizationId, day, count: 0, expiresAt: item.expiresAt as number };
    entry.count += 1;
    perDay.set(key, entry);
  }
  const counters = [...perDay.values()].map(({ organizationId, day, count, expiresAt }): TransactionStep => ({
    item: {
      Update: {
        TableName: tableName(),
        Key: keys.counterShard(organizationId, `audit#${day}`, Math.floor(Math.random() * COUNTER_SHARDS)),
        UpdateExpression: 'ADD #count :n SET #type = :type, expiresAt = :ttl',
        ExpressionAttributeNames: { '#count': 'count', '#type': 'type' },
        ExpressionAttributeValues: { ':n': count, ':type': EntityType.Counter, ':ttl': expiresAt + 86_400 },
      },
    },
  }));
  return [...steps, ...counters];
}

/** DynamoDB's limit on items per transaction. */
export const MAX_TRANSACTION_ITEMS = 100;

/** The steps with the writes `transact` adds: one group summary update per user whose memberships change, and the audit counters. */
function withDerivedSteps(changes: TransactionStep[]): TransactionStep[] {
  return withAuditCounters([...changes, ...summaryStepsFor(changes)]);
}

/**
 * How many items `transact(changes)` writes: the changes plus the writes it adds (group summaries,
 * audit counters). Chunking callers keep it at or below {@link MAX_TRANSACTION_ITEMS}.
 */
export function transactionItemCount(changes: TransactionStep[]): number {
  return withDerivedSteps(changes).length;
}

/**
 * Writes all steps atomically (a change and its audit entry always land together). A failed
 * condition becomes the step's domain error; contention that outlasts the SDK's retries is a 503.
 */
export async function transact(changes: TransactionStep[], attempts = 3): Promise<void> {
  const steps = withDerivedSteps(changes);
  if (steps.length > MAX_TRANSACTION_ITEMS) throw new Error(`A transaction of ${steps.length} items exceeds DynamoDB's limit`);
  assertWithinEngineLimits(steps);
  for (let attempt = 1; ; attempt++) {
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: steps.map((step) => step.item) }));
      return;
    } catch (error) {
      // By name, not instanceof: importing the class bundles every error schema of the DynamoDB client (~45 KB).
      if (!isTransactionCanceled(error)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failedIndex = reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
      if (failedIndex >= 0) {
        const step = steps[failedIndex];
        if (step?.onConditionFailed) throw step.onConditionFailed();
        throw new ConcurrentChangeError('The resource was changed concurrently; retry the request.');
      }
      const contended = reasons.some((reason) => reason.Code === 'TransactionConflict');
      // Anything else (ValidationError, ItemCollectionSizeLimitExceeded…) is a defect: input limits
      // are checked before writing, so it surfaces as an internal error, not as a retryable one.
      if (!contended) throw error;
      if (attempt < attempts) {
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 30));
        continue;
      }
      throw new ServiceUnavailableError('The change could not be completed because of concurrent writes; retry the request.', { cause: error, contention: true });
    }
  }
}

/**
 * Checks every write against DynamoDB's key and item-size limits before sending it, so input the
 * domain did not bound yet is a clear 400/413 rather than the engine's ValidationException (a 500).
 *
 * @throws ValidationError when a key value is too long; PayloadTooLargeError when an item exceeds 400 KB.
 */
function assertWithinEngineLimits(steps: TransactionStep[]): void {
  for (const step of steps) {
    const { Put, Update, Delete, ConditionCheck } = step.item;
    const item = Put?.Item;
    const key = item ?? Update?.Key ?? Delete?.Key ?? ConditionCheck?.Key;
    if (key && !keysFit(key)) {
      throw new ValidationError(`A value is too long to be stored: identifiers and names are limited to ${MAX_KEYED_VALUE_BYTES} bytes (UTF-8).`, { scimType: 'invalidValue' });
    }
    if (item) assertItemFits(item);
  }
  assertTransactionFits(steps.flatMap((step) => (step.item.Put?.Item ? [step.item.Put.Item] : [])));
}

/**
 * Writes a change that needs `cleanup` writes (revoking grants, removing memberships) before its
 * `final` writes (told whether the cleanup rides along). When everything fits, it is one transaction. Otherwise the cleanup goes first,
 * in chunks that each carry the audit entries `auditChunk` makes for them — every landed write
 * has its entry and the cleanup is idempotent, so a retry converges — and `final` goes last.
 * Sizes count the writes `transact` adds (group summaries, audit counters).
 */
export async function transactWithCleanup(
  cleanup: TransactionStep[],
  final: (cleanupIncluded: boolean) => TransactionStep[],
  auditChunk: (chunk: TransactionStep[]) => TransactionStep[],
): Promise<void> {
  if (transactionItemCount([...cleanup, ...final(true)]) <= MAX_TRANSACTION_ITEMS) {
    await transact([...cleanup, ...final(true)]);
    return;
  }
  for (let i = 0; i < cleanup.length; ) {
    // The largest chunk that fits from here (at least one step): a summary update per user changed.
    let size = Math.min(cleanup.length - i, MAX_TRANSACTION_ITEMS);
    const fits = (n: number) => transactionItemCount([...cleanup.slice(i, i + n), ...auditChunk(cleanup.slice(i, i + n))]) <= MAX_TRANSACTION_ITEMS;
    while (size > 1 && !fits(size)) size -= 1;
    const chunk = cleanup.slice(i, i + size);
    await transact([...chunk, ...auditChunk(chunk)]);
    i += size;
  }
  await transact(final(false));
}
