import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from './clients.ts';
import { EntityType } from './keys.ts';
import * as keys from './keys.ts';
import type { TransactionStep } from './transactions.ts';

/** Shards per counter: enough that an IdP creating users in parallel rarely collides inside a transaction. */
export const COUNTER_SHARDS = 16;

/** The transaction step that adds `delta` to a counter, on a random shard. */
export function counterStep(organizationId: string, counter: string, delta: number): TransactionStep {
  const shard = Math.floor(Math.random() * COUNTER_SHARDS);
  return {
    item: {
      Update: {
        TableName: tableName(),
        Key: keys.counterShard(organizationId, counter, shard),
        UpdateExpression: 'ADD #count :delta SET #type = :type',
        ExpressionAttributeNames: { '#count': 'count', '#type': 'type' },
        ExpressionAttributeValues: { ':delta': delta, ':type': EntityType.Counter },
      },
    },
  };
}

/** Reads a counter: one strongly consistent query over its shards. */
export async function readCounter(organizationId: string, counter: string): Promise<number> {
  const result = await dynamo().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.countersPartition(organizationId), ':prefix': `${counter}#` },
      ConsistentRead: true,
    }),
  );
  return Math.max(0, (result.Items ?? []).reduce((sum, item) => sum + ((item.count as number | undefined) ?? 0), 0));
}
