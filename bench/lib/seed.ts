/**
 * Seeding straight into the table with BatchWriteItem, using the builders the SCIM and audit code
 * write with, so seeded data has exactly the shape of provisioned data:
 * - users: normalizeUserInput + userRecord (shared/scim/users.ts) stored with itemOf (shared/storage/users.ts), the userName uniqueness claim
 *   (keys.userNameClaim, as identitySteps writes it), the user's group summary, complete and empty
 *   (summaryItemOf, shared/storage/user-group-summaries.ts) and the sharded user counter (counterStep);
 * - group memberships: membershipItemOf (shared/storage/groups.ts), then each member's group summary
 *   update as `transact` derives it (summaryStepsFor);
 * - audit entries: auditEntryItem (shared/audit/audit-entry.ts) and the per-day counters
 *   (counterStep on `audit#<day>`, the key withAuditCounters adds to every audited transaction).
 * Seeding uses its own (uninstrumented) client so it never shows up in the measured usage.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand, type QueryCommandInput, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { normalizeUserInput, userRecord, USER_COUNTER } from '../../shared/scim/users.ts';
import { itemOf as userItemOf } from '../../shared/storage/users.ts';
import { membershipAddStep, membershipItemOf } from '../../shared/storage/groups.ts';
import { summaryItemOf, summaryStepsFor } from '../../shared/storage/user-group-summaries.ts';
import { mapLimited } from '../../shared/concurrency/map-limited.ts';
import { auditEntryItem } from '../../shared/audit/audit-entry.ts';
import { counterStep } from '../../shared/storage/counters.ts';
import { EntityType, keys } from '../../shared/storage/keys.ts';
import { userBody } from './fixtures.ts';

type Item = Record<string, unknown>;

export interface SeedResult {
  items: number;
  seconds: number;
  itemsPerSecond: number;
}

export class Seeder {
  private readonly client: DynamoDBDocumentClient;

  constructor(
    endpoint: string,
    private readonly tableName: string,
    private readonly parallelism = 12,
  ) {
    this.client = DynamoDBDocumentClient.from(
      new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 8 }),
      { marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false } },
    );
  }

  destroy(): void {
    this.client.destroy();
  }

  /** Writes `count` items produced in batches of 25 by `batch(start, size)`, a few batches in flight. */
  async writeAll(count: number, batch: (start: number, size: number) => Item[], deadline = Date.now() + 600_000): Promise<SeedResult> {
    const started = performance.now();
    let next = 0;
    let items = 0;
    const worker = async () => {
      while (next < count && Date.now() < deadline) {
        const start = next;
        const size = Math.min(25, count - start);
        next += size;
        const produced = batch(start, size);
        items += produced.length;
        for (let i = 0; i < produced.length; i += 25) {
          let pending: Record<string, unknown>[] | undefined = produced.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
          for (let attempt = 0; pending && pending.length > 0; attempt++) {
            if (attempt >= 10) throw new Error('BatchWriteItem kept items unprocessed after 10 attempts');
            if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt));
            const result = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending } }));
            pending = result.UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined;
          }
        }
      }
    };
    await Promise.all(Array.from({ length: this.parallelism }, worker));
    const seconds = (performance.now() - started) / 1000;
    return { items, seconds, itemsPerSecond: items / seconds };
  }

  async get(key: { pk: string; sk: string }): Promise<Item | undefined> {
    return (await this.client.send(new GetCommand({ TableName: this.tableName, Key: key }))).Item;
  }

  async query(input: Omit<QueryCommandInput, 'TableName'>): Promise<Item[]> {
    return ((await this.client.send(new QueryCommand({ ...input, TableName: this.tableName }))).Items ?? []) as Item[];
  }

  async page(input: Omit<QueryCommandInput, 'TableName'>): Promise<{ items: Item[]; lastKey: Record<string, unknown> | undefined }> {
    const result = await this.client.send(new QueryCommand({ ...input, TableName: this.tableName }));
    return { items: (result.Items ?? []) as Item[], lastKey: result.LastEvaluatedKey };
  }

  async update(input: Omit<UpdateCommandInput, 'TableName'> & { TableName?: string }): Promise<void> {
    await this.client.send(new UpdateCommand({ ...input, TableName: this.tableName } as UpdateCommandInput));
  }

  /** Adds `delta` to a sharded counter exactly as counterStep's transaction step would. */
  async addToCounter(organizationId: string, counter: string, delta: number): Promise<void> {
    const update = counterStep(organizationId, counter, delta).item.Update;
    if (!update) throw new Error('counterStep is expected to be an Update');
    await this.update(update as Omit<UpdateCommandInput, 'TableName'>);
  }
}

export interface SeededUsers {
  ids: string[];
  userNames: string[];
  externalIds: string[];
}

/**
 * SCIM users `prefix<index>@bench.example` for index in [from, from + count). `groupIds`: groups
 * their summaries already name (seed the memberships with `seedMemberships(…, { summaries: false })`).
 */
export async function seedUsers(
  seeder: Seeder,
  organizationId: string,
  from: number,
  count: number,
  prefix = 'user',
  groupIds: readonly string[] = [],
): Promise<{ users: SeededUsers; result: SeedResult }> {
  const users: SeededUsers = { ids: [], userNames: [], externalIds: [] };
  const now = new Date().toISOString();
  const result = await seeder.writeAll(count, (start, size) => {
    const items: Item[] = [];
    for (let k = 0; k < size; k++) {
      const index = from + start + k;
      const { resource } = normalizeUserInput(userBody(index, prefix));
      const id = randomUUID();
      const item = userItemOf(userRecord(organizationId, id, resource, undefined, false, now));
      const userName = item.userName as string;
      items.push(item, { ...keys.userNameClaim(organizationId, userName), type: EntityType.UniqueConstraint, ownerId: id }, summaryItemOf(organizationId, id, groupIds));
      users.ids.push(id);
      users.userNames.push(userName);
      users.externalIds.push(resource.externalId as string);
    }
    return items;
  });
  await seeder.addToCounter(organizationId, USER_COUNTER, count);
  return { users, result };
}

/**
 * Memberships of `userIds` in a group, as PATCH add members writes them (without the audit
 * entries). With `summaries: false` the members' group summaries are left alone (users seeded with
 * the group already in them: `seedUsers(…, groupIds)`), which saves one UpdateItem per member.
 */
export async function seedMemberships(seeder: Seeder, organizationId: string, groupId: string, userIds: readonly string[], options: { summaries?: boolean } = {}): Promise<SeedResult> {
  const started = performance.now();
  const now = new Date().toISOString();
  const memberships = userIds.map((userId) => ({ groupId, userId, display: `Member ${userId.slice(0, 8)}`, addedAt: now }));
  const written = await seeder.writeAll(userIds.length, (start, size) => memberships.slice(start, start + size).map((membership) => membershipItemOf(organizationId, membership)));
  // The members' group summaries, one UpdateItem each (a set ADD; BatchWriteItem only puts).
  if (options.summaries === false) return { ...written, seconds: (performance.now() - started) / 1000 };
  await mapLimited(memberships, 12, async (membership) => {
    for (const step of summaryStepsFor([membershipAddStep(organizationId, membership)])) await seeder.update(step.item.Update as Omit<UpdateCommandInput, 'TableName'>);
  });
  const seconds = (performance.now() - started) / 1000;
  return { items: written.items + memberships.length, seconds, itemsPerSecond: (written.items + memberships.length) / seconds };
}

/**
 * `count` audit entries spread evenly over the `span` milliseconds before `end` (an hour by
 * default), with their per-day counters.
 */
export async function seedAuditEntries(seeder: Seeder, organizationId: string, count: number, deadline: number, end = Date.now(), span = 3_600_000): Promise<SeedResult> {
  const start = end - span;
  const perDay = new Map<string, number>();
  const actions = ['user.created', 'user.updated', 'group.member.added', 'client.token.issued'];
  const result = await seeder.writeAll(
    count,
    (first, size) =>
      Array.from({ length: size }, (_, offset) => {
        const n = first + offset;
        const item = auditEntryItem(
          {
            organizationId,
            action: actions[n % actions.length] as string,
            actor: { actorType: 'client', actorId: '11111111-1111-4111-8111-111111111111' },
            target: { type: 'user', id: '22222222-2222-4222-8222-222222222222' },
            origin: { ipAddress: '192.0.2.10', userAgent: 'Microsoft.Identity.Provisioning' },
            details: { changedAttributes: ['title', 'name.familyName'], seq: n },
          },
          new Date(start + Math.floor((n * span) / count)),
        );
        const day = String(item.timestamp).slice(0, 10);
        perDay.set(day, (perDay.get(day) ?? 0) + 1);
        return item;
      }),
    deadline,
  );
  for (const [day, entries] of perDay) await seeder.addToCounter(organizationId, `audit#${day}`, entries);
  return result;
}
