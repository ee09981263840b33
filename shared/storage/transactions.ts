import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { dynamo, tableName } from './clients.ts';
import { DomainError, ServiceUnavailableError } from '../errors/domain-errors.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** One write in a transaction, with the domain error to raise if its condition fails. */
export interface TransactionStep {
  item: TransactItem;
  onConditionFailed?: () => DomainError;
}

export function put(item: Record<string, unknown>, condition?: string, onConditionFailed?: () => DomainError): TransactionStep {
  return {
    item: { Put: { TableName: tableName(), Item: item, ...(condition ? { ConditionExpression: condition } : {}) } },
    ...(onConditionFailed ? { onConditionFailed } : {}),
  };
}

/** Puts an item that must not exist yet (uniqueness claims, new entities). */
export function putNew(item: Record<string, unknown>, onConditionFailed: () => DomainError): TransactionStep {
  return put(item, 'attribute_not_exists(pk)', onConditionFailed);
}

/**
 * Writes all steps atomically (a change and its audit entry always land together). A failed
 * condition becomes the step's domain error; contention that outlasts the SDK's retries is a 503.
 */
export async function transact(steps: TransactionStep[], attempts = 3): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await dynamo().send(new TransactWriteCommand({ TransactItems: steps.map((step) => step.item) }));
      return;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failedIndex = reasons.findIndex((reason) => reason.Code === 'ConditionalCheckFailed');
      if (failedIndex >= 0) {
        const step = steps[failedIndex];
        if (step?.onConditionFailed) throw step.onConditionFailed();
        throw new DomainError('conflict', 'The resource was changed concurrently; retry the request.');
      }
      if (reasons.some((reason) => reason.Code === 'TransactionConflict') && attempt < attempts) {
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt + Math.random() * 30));
        continue;
      }
      throw new ServiceUnavailableError('The change could not be completed because of concurrent writes; retry the request.', { cause: error });
    }
  }
}
