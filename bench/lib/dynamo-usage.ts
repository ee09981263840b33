/**
 * DynamoDB usage counting for the benchmark: round trips per command and consumed capacity, per
 * measured piece of work and for the whole process. It hooks into the platform's one DynamoDB
 * client through `onDynamoClientCreated` (shared/storage/clients.ts), so production code carries
 * none of it. `installDynamoUsageCounting()` must run before the platform's first DynamoDB call
 * (bench/run.ts calls it first thing); without it, `measureDynamoUsage` throws and
 * `dynamoUsageTotals` is undefined.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ConsumedCapacity, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { dynamo, onDynamoClientCreated } from '../../shared/storage/clients.ts';

/** DynamoDB work done by one measured piece of work (or by the whole process). */
export interface DynamoUsage {
  /** Round trips to DynamoDB, retries included. */
  roundTrips: number;
  /** Round trips per command (GetItemCommand, TransactWriteItemsCommand, ...). */
  calls: Record<string, number>;
  readCapacityUnits: number;
  writeCapacityUnits: number;
  /** The part of those units spent on global secondary indexes. */
  indexCapacityUnits: number;
  /** What the engine itself reported for TransactWriteItems (DynamoDB Local under-counts them, see below). */
  engineReportedTransactionUnits: number;
}

/** An item as the middleware sees it: native values (document client) or AttributeValue maps (base client). */
type AnyItem = Record<string, unknown>;
interface ItemFootprint {
  bytes: number;
  indexEntries: number;
}

const READ_COMMANDS = new Set(['GetItemCommand', 'BatchGetItemCommand', 'QueryCommand', 'ScanCommand', 'TransactGetItemsCommand']);
const WRITE_COMMANDS = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);
const INDEX_KEYS = [['gsi1pk', 'gsi1sk'], ['gsi2pk', 'gsi2sk']] as const;

interface UsageScope {
  usage: DynamoUsage;
  /** Sizes of the items this scope has read or written, by key, to charge later updates and deletes. */
  footprints: Map<string, ItemFootprint>;
}

let usageScopes: AsyncLocalStorage<UsageScope> | undefined;
let processScope: UsageScope | undefined;
let callsInFlight = 0;

function emptyUsage(): DynamoUsage {
  return { roundTrips: 0, calls: {}, readCapacityUnits: 0, writeCapacityUnits: 0, indexCapacityUnits: 0, engineReportedTransactionUnits: 0 };
}

function activeScopes(): UsageScope[] {
  const scoped = usageScopes?.getStore();
  return [processScope, scoped].filter((scope): scope is UsageScope => scope !== undefined);
}

const ATTRIBUTE_VALUE_TAGS = new Set(['S', 'N', 'B', 'BOOL', 'NULL', 'M', 'L', 'SS', 'NS', 'BS']);

function isAttributeValue(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array || value instanceof Set) return false;
  const tags = Object.keys(value);
  return tags.length === 1 && ATTRIBUTE_VALUE_TAGS.has(tags[0] as string);
}

const numberBytes = (digits: string) => Math.ceil(digits.replace(/^-/, '').replace('.', '').replace(/^0+/, '').length / 2) + 1;

/** DynamoDB's documented size of a value: UTF-8 bytes, about a byte per two digits, 3 bytes per list or map plus 1 per element. */
function valueBytes(value: unknown): number {
  if (isAttributeValue(value)) {
    const [tag, inner] = Object.entries(value)[0] as [string, unknown];
    if (tag === 'N') return numberBytes(String(inner));
    if (tag === 'NS') return (inner as string[]).reduce((sum, element) => sum + numberBytes(element), 0);
    if (tag === 'BOOL' || tag === 'NULL') return 1;
    return valueBytes(inner);
  }
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberBytes(String(value));
  if (value instanceof Uint8Array) return value.length;
  if (value instanceof Set) return [...value].reduce((sum: number, element) => sum + valueBytes(element), 0);
  if (Array.isArray(value)) return 3 + value.reduce((sum: number, element) => sum + 1 + valueBytes(element), 0);
  if (typeof value === 'object') return 3 + Object.entries(value).reduce((sum, [name, element]) => sum + 1 + Buffer.byteLength(name) + valueBytes(element), 0);
  return 0;
}

const plain = (value: unknown): unknown => (isAttributeValue(value) ? Object.values(value)[0] : value);

function footprint(item: AnyItem): ItemFootprint {
  const bytes = Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueBytes(value), 0);
  return { bytes, indexEntries: INDEX_KEYS.filter(([pk, sk]) => plain(item[pk]) !== undefined && plain(item[sk]) !== undefined).length };
}

function keyOf(item: AnyItem | undefined): string | undefined {
  const pk = plain(item?.pk);
  const sk = plain(item?.sk);
  return typeof pk === 'string' && typeof sk === 'string' ? `${pk}\u0000${sk}` : undefined;
}

function remember(items: AnyItem[] | undefined): void {
  for (const item of items ?? []) {
    const key = keyOf(item);
    if (!key) continue;
    for (const scope of activeScopes()) {
      if (scope === processScope && scope.footprints.size > 50_000) scope.footprints.clear();
      scope.footprints.set(key, footprint(item));
    }
  }
}

/**
 * DynamoDB Local reports a TransactWriteItems as if it wrote one item per partition (five new items
 * in one partition: 2 units), so transactions are charged here by DynamoDB's documented rules:
 * 2 write units per KB of each item, for the table and for each index entry it maintains; an
 * update or delete is sized from what the same scope last read or wrote under that key (else the
 * 1 KB minimum); a condition check costs 2 read units per 4 KB.
 */
function chargeTransaction(input: { TransactItems?: { Put?: { Item?: AnyItem }; Update?: { Key?: AnyItem }; Delete?: { Key?: AnyItem }; ConditionCheck?: { Key?: AnyItem } }[] }): void {
  for (const scope of activeScopes()) {
    for (const step of input.TransactItems ?? []) {
      const item = step.Put?.Item;
      const known = item ? footprint(item) : scope.footprints.get(keyOf(step.Update?.Key ?? step.Delete?.Key ?? step.ConditionCheck?.Key) ?? '');
      const steps = Math.max(1, Math.ceil((known?.bytes ?? 0) / 1024));
      if (step.ConditionCheck) {
        scope.usage.readCapacityUnits += 2 * Math.max(1, Math.ceil((known?.bytes ?? 0) / 4096));
        continue;
      }
      const indexEntries = known?.indexEntries ?? 0;
      scope.usage.writeCapacityUnits += 2 * steps * (1 + indexEntries);
      scope.usage.indexCapacityUnits += 2 * steps * indexEntries;
    }
  }
  remember((input.TransactItems ?? []).flatMap((step) => (step.Put?.Item ? [step.Put.Item] : [])));
}

function instrument(client: DynamoDBClient): void {
  usageScopes = new AsyncLocalStorage<UsageScope>();
  processScope = { usage: emptyUsage(), footprints: new Map() };
  // Serialize step, ahead of the serializer and outside the retry loop (document-client commands
  // are still in native values here; base-client ones in AttributeValue maps: both are sized).
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      const input = args.input as Record<string, unknown>;
      const isRead = READ_COMMANDS.has(command);
      if (isRead || WRITE_COMMANDS.has(command)) input.ReturnConsumedCapacity ??= 'INDEXES';
      callsInFlight++;
      let result: Awaited<ReturnType<typeof next>>;
      try {
        result = await next(args);
      } finally {
        callsInFlight--;
      }
      const output = result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[]; Item?: AnyItem; Items?: AnyItem[]; Responses?: Record<string, AnyItem[]> };
      const reported = output.ConsumedCapacity === undefined ? [] : Array.isArray(output.ConsumedCapacity) ? output.ConsumedCapacity : [output.ConsumedCapacity];
      const units = reported.reduce((sum, capacity) => sum + (capacity.CapacityUnits ?? 0), 0);
      const indexUnits = reported.reduce(
        (sum, capacity) => sum + Object.values(capacity.GlobalSecondaryIndexes ?? {}).reduce((indexSum, index) => indexSum + (index.CapacityUnits ?? 0), 0),
        0,
      );
      if (command === 'TransactWriteItemsCommand') {
        for (const scope of activeScopes()) scope.usage.engineReportedTransactionUnits += units;
        chargeTransaction(input as Parameters<typeof chargeTransaction>[0]);
      } else {
        for (const scope of activeScopes()) {
          if (isRead) scope.usage.readCapacityUnits += units;
          else scope.usage.writeCapacityUnits += units;
          scope.usage.indexCapacityUnits += indexUnits;
        }
        remember([...(output.Item ? [output.Item] : []), ...(output.Items ?? []), ...Object.values(output.Responses ?? {}).flat()]);
        if (command === 'PutItemCommand') remember([(input as { Item: AnyItem }).Item]);
      }
      return result;
    },
    { step: 'serialize', priority: 'high', name: 'benchConsumedCapacity' },
  );
  // Inside the retry loop: one count per HTTP round trip.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const command = context.commandName ?? 'unknown';
      for (const scope of activeScopes()) {
        scope.usage.roundTrips += 1;
        scope.usage.calls[command] = (scope.usage.calls[command] ?? 0) + 1;
      }
      return next(args);
    },
    { step: 'deserialize', priority: 'low', name: 'benchRoundTrips' },
  );
}

/**
 * Counts every DynamoDB call of this process from now on: registers the middleware on the platform's
 * client when it is created. Call once, before anything sends a DynamoDB command (throws otherwise).
 */
export function installDynamoUsageCounting(): void {
  onDynamoClientCreated(instrument);
}

/** True when this process's DynamoDB client is counted (installDynamoUsageCounting ran before its creation). */
export function dynamoUsageInstrumented(): boolean {
  dynamo();
  return usageScopes !== undefined;
}

/**
 * Runs `work` and returns the DynamoDB usage of exactly that work (its own async context, so
 * concurrent work is not mixed in): the per-request accessor. Requires installDynamoUsageCounting().
 */
export async function measureDynamoUsage<T>(work: () => Promise<T>): Promise<{ result: T; usage: DynamoUsage }> {
  if (!dynamoUsageInstrumented() || !usageScopes) throw new Error('DynamoDB usage is measured only after installDynamoUsageCounting()');
  const scope: UsageScope = { usage: emptyUsage(), footprints: new Map() };
  const result = await usageScopes.run(scope, work);
  return { result, usage: scope.usage };
}

/** DynamoDB calls this process is still waiting for (work a timed-out request left running). */
export function dynamoCallsInFlight(): number {
  return callsInFlight;
}

/** Everything this process has sent to DynamoDB so far (a copy); undefined when not instrumented. */
export function dynamoUsageTotals(): DynamoUsage | undefined {
  return processScope ? { ...processScope.usage, calls: { ...processScope.usage.calls } } : undefined;
}
