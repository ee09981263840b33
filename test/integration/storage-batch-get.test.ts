import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useLocalEngines } from './support/in-process.ts';
import type * as ClientsModule from '../../shared/storage/clients.ts';
import type * as QueriesModule from '../../shared/storage/queries.ts';

/**
 * shared/storage/queries.ts batchGet against DynamoDB Local: chunks of 100 keys with bounded
 * parallelism (a 10,000-member SCIM PATCH validates its ids through it), every present item once,
 * absent keys simply missing. The test watches the SDK client through the same creation hook the
 * benchmark uses, to see how many requests were in flight at once.
 */

let queries: typeof QueriesModule;
let clients: typeof ClientsModule;
const partition = `TEST#batch-get#${randomUUID()}`;
const present = 1_050;
let inFlight = 0;
let maxInFlight = 0;
let batchGetCalls = 0;

const keyOf = (n: number) => ({ pk: partition, sk: `ITEM#${String(n).padStart(5, '0')}` });

beforeAll(async () => {
  useLocalEngines();
  clients = await import('../../shared/storage/clients.ts');
  clients.onDynamoClientCreated((client) => {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'BatchGetItemCommand') return next(args);
        batchGetCalls++;
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        try {
          return await next(args);
        } finally {
          inFlight--;
        }
      },
      { step: 'initialize', name: 'testBatchGetConcurrency' },
    );
  });
  queries = await import('../../shared/storage/queries.ts');
  const { BatchWriteCommand } = await import('@aws-sdk/lib-dynamodb');
  for (let i = 0; i < present; i += 25) {
    let pending: Record<string, unknown>[] | undefined = Array.from({ length: Math.min(25, present - i) }, (_, offset) => ({
      PutRequest: { Item: { ...keyOf(i + offset), n: i + offset } },
    }));
    for (let attempt = 0; pending && pending.length > 0 && attempt < 8; attempt++) {
      const result = await clients.dynamo().send(new BatchWriteCommand({ RequestItems: { [clients.tableName()]: pending } }));
      pending = result.UnprocessedItems?.[clients.tableName()] as Record<string, unknown>[] | undefined;
    }
  }
});

describe('batchGet (BatchGetItem in parallel chunks)', () => {
  it('returns every present item exactly once and leaves out keys that do not exist', async () => {
    // 1,050 present keys interleaved with 350 absent ones: 14 chunks, more than are allowed in flight.
    const keys = Array.from({ length: present + 350 }, (_, n) => keyOf(n % 4 === 3 ? 100_000 + n : n));
    const expected = keys.filter((key) => Number(key.sk.slice(5)) < present).map((key) => key.sk).sort();
    batchGetCalls = 0;
    maxInFlight = 0;
    const items = await queries.batchGet(keys);
    expect(items.map((item) => item.sk).sort()).toEqual(expected);
    expect(batchGetCalls).toBe(14);
    expect(maxInFlight).toBeGreaterThan(1);
    expect(maxInFlight).toBeLessThanOrEqual(8);
  });

  it('reads strongly consistent when asked, and sends nothing for no keys', async () => {
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    const fresh = keyOf(99_999);
    await clients.dynamo().send(new PutCommand({ TableName: clients.tableName(), Item: { ...fresh, n: 'fresh' } }));
    expect((await queries.batchGet([fresh], true)).map((item) => item.n)).toEqual(['fresh']);
    batchGetCalls = 0;
    expect(await queries.batchGet([])).toEqual([]);
    expect(batchGetCalls).toBe(0);
  });
});
