import { AsyncLocalStorage } from 'node:async_hooks';
import type { ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB work of one invocation, counted by SDK middleware on the platform's own client (so it
 * costs no extra request): the figures the request pipeline publishes as metrics.
 */
export interface DynamoUsageCount {
  /** HTTP round trips to DynamoDB, retries included. */
  roundTrips: number;
  /** Read capacity units DynamoDB reported (ReturnConsumedCapacity). */
  readCapacityUnits: number;
  /** Write capacity units DynamoDB reported (condition checks inside a write transaction included). */
  writeCapacityUnits: number;
}

const WRITE_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);
const CAPACITY_COMMANDS = new Set([...WRITE_COMMANDS, 'GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand', 'TransactGetItemsCommand']);

const counts = new AsyncLocalStorage<DynamoUsageCount>();

/** A zeroed count to pass to {@link countDynamoUsage}. */
export function emptyDynamoUsage(): DynamoUsageCount {
  return { roundTrips: 0, readCapacityUnits: 0, writeCapacityUnits: 0 };
}

/**
 * Runs `work` and adds every DynamoDB call it makes through the platform's client (shared/storage/clients.ts)
 * to `usage` — also when `work` throws, so a failed request still reports what it sent. Concurrent
 * work keeps its own count (an async-local scope).
 */
export function countDynamoUsage<T>(usage: DynamoUsageCount, work: () => Promise<T>): Promise<T> {
  return counts.run(usage, work);
}

function units(reported: ConsumedCapacity | ConsumedCapacity[] | undefined, write: boolean): { read: number; write: number } {
  const list = reported === undefined ? [] : Array.isArray(reported) ? reported : [reported];
  let read = 0;
  let written = 0;
  for (const capacity of list) {
    if (capacity.ReadCapacityUnits !== undefined || capacity.WriteCapacityUnits !== undefined) {
      read += capacity.ReadCapacityUnits ?? 0;
      written += capacity.WriteCapacityUnits ?? 0;
    } else if (write) written += capacity.CapacityUnits ?? 0;
    else read += capacity.CapacityUnits ?? 0;
  }
  return { read, write: written };
}

/**
 * Adds the usage counting to the platform's DynamoDB client (called once, when it is created).
 * Reads and writes ask DynamoDB for their consumed capacity (`ReturnConsumedCapacity: TOTAL`,
 * free: it only adds a few bytes to the response) unless the caller asked for more detail.
 */
export function addDynamoUsageMiddleware(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? '';
      const input = args.input as { ReturnConsumedCapacity?: string };
      if (CAPACITY_COMMANDS.has(command)) input.ReturnConsumedCapacity ??= 'TOTAL';
      const result = await next(args);
      const usage = counts.getStore();
      if (usage) {
        const consumed = units((result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity, WRITE_COMMANDS.has(command));
        usage.readCapacityUnits += consumed.read;
        usage.writeCapacityUnits += consumed.write;
      }
      return result;
    },
    { step: 'serialize', priority: 'high', name: 'platformConsumedCapacity' },
  );
  // Inside the retry loop: one count per HTTP round trip.
  client.middlewareStack.add(
    (next) => async (args) => {
      const usage = counts.getStore();
      if (usage) usage.roundTrips += 1;
      return next(args);
    },
    { step: 'deserialize', priority: 'low', name: 'platformRoundTrips' },
  );
}
