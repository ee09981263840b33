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

/**
 * Counts the items a query matches without returning them (`Select: COUNT`, following
 * LastEvaluatedKey); read units are those of the items counted. For small collections.
 */
export async function countAll(input: Omit<QueryCommandInput, 'TableName' | 'Select'>): Promise<number> {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  // Each round trip counts up to 1 MB of items; 1,000 of them is far beyond a small collection.
  for (let pages = 0; pages < 1000; pages++) {
    const page = await dynamo().send(new QueryCommand({ ...input, TableName: tableName(), Select: 'COUNT', ExclusiveStartKey: startKey }));
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
    if (!startKey) break;
  }
  return count;
}

/** Items of one partition whose sort key starts with a prefix. */
export function queryPrefix(pk: string, skPrefix: string, maxItems?: number): Promise<Item[]> {
  return queryAll(
    { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': pk, ':prefix': skPrefix } },
    maxItems,
  );
}

/** BatchGetItem takes at most 100 keys per request. */
const BATCH_GET_MAX_KEYS = 100;
/** Chunks in flight at once: enough to hide round-trip latency, few enough not to flood the table's partitions. */
const BATCH_GET_PARALLELISM = 8;
/** Attempts per chunk while DynamoDB leaves keys unprocessed (throttling, 16 MB response limit). */
const BATCH_GET_ATTEMPTS = 5;

async function batchGetChunk(chunk: Record<string, unknown>[], consistent: boolean): Promise<Item[]> {
  const items: Item[] = [];
  let pending: Record<string, unknown>[] | undefined = chunk;
  for (let attempt = 0; pending && pending.length > 0 && attempt < BATCH_GET_ATTEMPTS; attempt++) {
    if (attempt > 0) {
      // Exponential backoff with jitter, so parallel chunks that were throttled together do not retry together.
      const ceiling = 25 * 2 ** attempt;
      await new Promise((resolve) => setTimeout(resolve, ceiling / 2 + Math.random() * (ceiling / 2)));
    }
    const result = await dynamo().send(new BatchGetCommand({ RequestItems: { [tableName()]: { Keys: pending, ...(consistent ? { ConsistentRead: true } : {}) } } }));
    items.push(...((result.Responses?.[tableName()] ?? []) as Item[]));
    pending = result.UnprocessedKeys?.[tableName()]?.Keys as Record<string, unknown>[] | undefined;
  }
  if (pending && pending.length > 0) throw new Error('BatchGetItem left keys unprocessed after retries');
  return items;
}

/**
 * Reads items by key with BatchGetItem: chunks of 100 keys, up to 8 chunks in flight at once
 * (10,000 keys are 100 round trips but about 13 round-trip times), each chunk retrying the keys
 * DynamoDB leaves unprocessed with exponential backoff (5 attempts). Keys that do not exist are
 * simply absent from the result; results are grouped by chunk, in no particular order within one.
 * `consistent` asks for strongly consistent reads (twice the read units) for read-your-writes.
 *
 * @throws Error when keys stay unprocessed after the retries, or the first error of any chunk; no
 *   request of this call is still running when it throws.
 */
export async function batchGet(requested: { pk: string; sk: string }[], consistent = false): Promise<Item[]> {
  // DynamoDB refuses a batch with duplicate keys or over-long key values; neither can add a result.
  const keyList = [...new Map(requested.filter(keysFit).map((key) => [`${key.pk}\u0000${key.sk}`, key])).values()];
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < keyList.length; i += BATCH_GET_MAX_KEYS) chunks.push(keyList.slice(i, i + BATCH_GET_MAX_KEYS));
  const results: Item[][] = [];
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < chunks.length) {
      const index = next++;
      try {
        results[index] = await batchGetChunk(chunks[index] as Record<string, unknown>[], consistent);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.min(BATCH_GET_PARALLELISM, chunks.length) }, worker));
  const rejection = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (rejection) throw rejection.reason;
  return results.flat();
}

/**
 * One page of a gsi1 listing ordered by its sort key, after `after` (a position of `[gsi1sk, sk]`
 * values, rebuilt here into the start key so a caller-supplied cursor can only name this
 * partition). With `skipOnly`, only keys are read, to move forward cheaply.
 */
export async function gsi1OrderedPage(
  partition: string,
  tablePartition: string,
  options: { after: readonly string[] | undefined; limit: number; descending: boolean; skipOnly?: boolean | undefined },
): Promise<{ items: Item[]; next: string[] | undefined }> {
  const page = await queryPage({
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': partition },
    ...(options.after ? { ExclusiveStartKey: { gsi1pk: partition, gsi1sk: options.after[0], pk: tablePartition, sk: options.after[1] } } : {}),
    ScanIndexForward: !options.descending,
    Limit: options.limit,
    ...(options.skipOnly ? { ProjectionExpression: 'pk, sk, gsi1pk, gsi1sk' } : {}),
  });
  return { items: page.items, next: page.lastKey ? [String(page.lastKey.gsi1sk), String(page.lastKey.sk)] : undefined };
}
