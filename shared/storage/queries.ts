import { BatchGetCommand, GetCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from './clients.ts';
import { keysFit } from './limits.ts';

type Item = Record<string, unknown>;

/** One item by key; strongly consistent unless `consistent` is false. Internal to shared/storage. */
export async function getItem(key: { pk: string; sk: string }, consistent = true): Promise<Item | undefined> {
  // A key longer than the engine allows cannot name a stored item.
  if (!keysFit(key)) return undefined;
  const result = await dynamo().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: consistent }));
  return result.Item;
}

export interface QueryPage {
  items: Item[];
  lastKey: Record<string, unknown> | undefined;
}

/** One page of a query (at most `Limit` items), with the key to continue from. */
export async function queryPage(input: Omit<QueryCommandInput, 'TableName'>): Promise<QueryPage> {
  const result = await dynamo().send(new QueryCommand({ ...input, TableName: tableName() }));
  return { items: (result.Items ?? []) as Item[], lastKey: result.LastEvaluatedKey };
}

/**
 * Reads every item of a bounded collection (an organization's clients, APIs, roles), following
 * LastEvaluatedKey; `maxItems` guards against a collection that outgrew its design.
 */
export async function queryAll(input: Omit<QueryCommandInput, 'TableName'>, maxItems = 5000): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynamo().send(new QueryCommand({ ...input, TableName: tableName(), ExclusiveStartKey: startKey }));
    items.push(...((page.Items ?? []) as Item[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey && items.length < maxItems);
  return items;
}

/** Items of one partition whose sort key starts with a prefix. */
export function queryPrefix(pk: string, skPrefix: string, maxItems?: number): Promise<Item[]> {
  return queryAll(
    { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix } },
    maxItems,
  );
}

/**
 * BatchGetItem in chunks of 100, retrying unprocessed keys; order of results is not preserved.
 * `consistent` asks for strongly consistent reads (twice the read units) for read-your-writes.
 */
export async function batchGet(requested: { pk: string; sk: string }[], consistent = false): Promise<Item[]> {
  // DynamoDB refuses a batch with duplicate keys or over-long key values; neither can add a result.
  const keyList = [...new Map(requested.filter(keysFit).map((key) => [`${key.pk}\u0000${key.sk}`, key])).values()];
  const items: Item[] = [];
  for (let i = 0; i < keyList.length; i += 100) {
    let pending: Record<string, unknown>[] | undefined = keyList.slice(i, i + 100);
    for (let attempt = 0; pending && pending.length > 0 && attempt < 5; attempt++) {
      const result = await dynamo().send(new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: pending, ...(consistent ? { ConsistentRead: true } : {}) } } }));
      items.push(...((result.Responses?.[tableName()] ?? []) as Item[]));
      pending = result.UnprocessedKeys?.[tableName()]?.Keys as Record<string, unknown>[] | undefined;
      if (pending && pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 25 * 2 ** attempt));
    }
    if (pending && pending.length > 0) throw new Error('BatchGetItem left keys unprocessed after retries');
  }
  return items;
}
