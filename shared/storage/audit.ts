/**
 * The audit repository: audit entries, written in the same transaction as the change they record,
 * and the queries behind the audit list and export.
 *
 * An entry of an organization is keyed by organization and ULID (time-ordered), and indexed by
 * action (gsi1) and by actor (gsi2), both also ULID-ordered. Entries that belong to no organization
 * (a sign-in attempt for an unknown email) go to the platform's own audit partition. Per-day
 * counters for the list's totalCount are added by `transact` (shared/storage/transactions.ts).
 *
 * Access patterns (README, "Storage"):
 * - audit.entries — the organization's entries in time order, or audit.byAction (gsi1) when the
 *   query names one action exactly, or audit.byActor (gsi2) when it names an actor; the time range
 *   bounds the ULID sort key and the remaining terms become a filter;
 * - audit.countMatching — the same query, counting (Select COUNT);
 * - audit.dailyCountTotal — the per-day counters of a range of whole days;
 * - platformAudit.putStep — entries of no organization.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditQuery, TimeRange } from '../audit/audit-query.ts';
import { ulidBounds } from '../audit/ulid.ts';
import { dynamo, tableName } from './clients.ts';
import { EntityType, keys } from './keys.ts';
import type { ListPosition } from './page-boundaries.ts';
import { queryPage } from './queries.ts';
import { put, type TransactionStep } from './transactions.ts';

type Item = Record<string, unknown>;

/** One audit entry as stored. */
export interface AuditEntryRecord {
  /** A ULID: sorts by creation time. */
  id: string;
  /** null for entries that belong to no organization. */
  organizationId: string | null;
  action: string;
  actorType: string;
  actorId: string;
  targetType?: string | undefined;
  targetId?: string | undefined;
  /** ISO 8601 UTC. */
  timestamp: string;
  /** Request origin (ipAddress, userAgent) and facts about the change — never secrets. */
  details: Record<string, unknown>;
  /** Lower-cased text the list's free-text terms search (DynamoDB's `contains` is case-sensitive). */
  searchText: string;
  /** Epoch seconds at which DynamoDB TTL removes the entry (the retention period). */
  expiresAt: number;
}

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'type'] as const;

function toRecord(item: Item): AuditEntryRecord {
  const record: Item = { ...item };
  for (const name of KEY_ATTRIBUTES) delete record[name];
  return record as unknown as AuditEntryRecord;
}

/**
 * audit.toItem — the stored item of an entry, keys included. For `putStep` and for seeding many
 * entries at once in tests and benchmarks (BatchWriteItem); domain code writes entries with `putStep`.
 */
export function toItem(record: AuditEntryRecord): Item {
  return {
    ...(record.organizationId
      ? {
          ...keys.auditEntry(record.organizationId, record.id),
          ...keys.auditActionIndex(record.organizationId, record.action, record.id),
          ...keys.auditActorIndex(record.organizationId, record.actorId, record.id),
        }
      : keys.platformAuditEntry(record.id)),
    type: EntityType.AuditEntry,
    ...record,
  };
}

/** audit.putStep — records an entry in the transaction of the change it describes (and, through `transact`, its day's counter). */
export function putStep(record: AuditEntryRecord): TransactionStep {
  return put(toItem(record));
}

// --- queries -------------------------------------------------------------------------------------

interface QueryPlan {
  indexName?: 'gsi1' | 'gsi2';
  /** The partition the query reads: the organization's entries, one action's, or one actor's. */
  partition: string;
  keyCondition: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
  filter?: string;
}

/**
 * One DynamoDB Query for an audit query and time range: the organization's time-ordered entries,
 * or the action / actor index when the query names one, bounded by the range on the ULID sort key;
 * the remaining terms become a filter expression.
 */
function plan(organizationId: string, query: AuditQuery, range: TimeRange): QueryPlan {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  let partitionAttribute = 'pk';
  let sortAttribute = 'sk';
  let indexName: QueryPlan['indexName'];
  let partition = keys.auditPartition(organizationId);
  let actionHandled = false;
  if (query.action && !query.action.prefix) {
    indexName = 'gsi1';
    partitionAttribute = 'gsi1pk';
    sortAttribute = 'gsi1sk';
    partition = keys.auditActionIndex(organizationId, query.action.value, '').gsi1pk;
    actionHandled = true;
  } else if (query.actor) {
    indexName = 'gsi2';
    partitionAttribute = 'gsi2pk';
    sortAttribute = 'gsi2sk';
    partition = keys.auditActorIndex(organizationId, query.actor, '').gsi2pk;
  }
  names['#pk'] = partitionAttribute;
  values[':pk'] = partition;
  const low = range.from ? ulidBounds(range.from.getTime()).lowest : undefined;
  const high = range.to ? ulidBounds(range.to.getTime()).highest : undefined;
  let keyCondition = '#pk = :pk';
  if (low || high) names['#sk'] = sortAttribute;
  if (low && high) {
    keyCondition += ' AND #sk BETWEEN :low AND :high';
    values[':low'] = low;
    values[':high'] = high;
  } else if (low) {
    keyCondition += ' AND #sk >= :low';
    values[':low'] = low;
  } else if (high) {
    keyCondition += ' AND #sk <= :high';
    values[':high'] = high;
  }

  const filters: string[] = [];
  const add = (expression: string, name: string, attribute: string, value: unknown) => {
    names[name] = attribute;
    values[`:${name.slice(1)}`] = value;
    filters.push(expression);
  };
  if (query.action && !actionHandled) {
    add(query.action.prefix ? 'begins_with(#action, :action)' : '#action = :action', '#action', 'action', query.action.value);
  }
  if (query.actor && indexName !== 'gsi2') add('#actorId = :actorId', '#actorId', 'actorId', query.actor);
  if (query.actorType) add('#actorType = :actorType', '#actorType', 'actorType', query.actorType);
  if (query.target) add('#targetId = :targetId', '#targetId', 'targetId', query.target);
  if (query.targetType) add('#targetType = :targetType', '#targetType', 'targetType', query.targetType);
  if (query.ip) {
    names['#details'] = 'details';
    names['#ip'] = 'ipAddress';
    values[':ip'] = query.ip;
    filters.push('#details.#ip = :ip');
  }
  query.text.forEach((text, index) => {
    names['#searchText'] = 'searchText';
    values[`:text${index}`] = text;
    filters.push(`contains(#searchText, :text${index})`);
  });
  return { ...(indexName ? { indexName } : {}), partition, keyCondition, names, values, ...(filters.length > 0 ? { filter: filters.join(' AND ') } : {}) };
}

function queryInput(queryPlan: QueryPlan, descending: boolean) {
  return {
    ...(queryPlan.indexName ? { IndexName: queryPlan.indexName } : {}),
    KeyConditionExpression: queryPlan.keyCondition,
    ExpressionAttributeNames: queryPlan.names,
    ExpressionAttributeValues: queryPlan.values,
    ...(queryPlan.filter ? { FilterExpression: queryPlan.filter } : {}),
    ScanIndexForward: !descending,
  };
}

/**
 * Where a query resumes after an entry: the table key plus, on an index, the index key. Every
 * key of an entry ends in its ULID, so the position is just that id, rebuilt here into the
 * partition the plan reads — a stored position can never name another organization.
 */
function startKeyAfter(organizationId: string, queryPlan: QueryPlan, position: ListPosition): Item {
  const id = position[0] ?? '';
  const key: Item = { pk: keys.auditPartition(organizationId), sk: id };
  if (queryPlan.indexName === 'gsi1') Object.assign(key, { gsi1pk: queryPlan.partition, gsi1sk: id });
  if (queryPlan.indexName === 'gsi2') Object.assign(key, { gsi2pk: queryPlan.partition, gsi2sk: id });
  return key;
}

/** The position just after `entry` in any audit listing of its organization (for page boundaries). */
export function positionAfter(entry: AuditEntryRecord): ListPosition {
  return [entry.id];
}

/**
 * audit.entries — walks the entries an audit query selects within a time range, in time order
 * (newest first with `descending`), from just after `after` when given. Reads one DynamoDB page
 * of at most `pageLimit` items (default 1,000) at a time, so memory stays flat however many
 * entries there are.
 */
export async function* entries(
  organizationId: string,
  query: AuditQuery,
  range: TimeRange,
  options: { descending: boolean; after?: ListPosition | undefined; pageLimit?: number },
): AsyncGenerator<AuditEntryRecord> {
  const queryPlan = plan(organizationId, query, range);
  const input = queryInput(queryPlan, options.descending);
  let exclusiveStartKey: Item | undefined = options.after ? startKeyAfter(organizationId, queryPlan, options.after) : undefined;
  do {
    const page = await queryPage({ ...input, Limit: options.pageLimit ?? 1000, ExclusiveStartKey: exclusiveStartKey });
    for (const item of page.items) yield toRecord(item);
    exclusiveStartKey = page.lastKey;
  } while (exclusiveStartKey);
}

/** audit.countMatching — how many entries an audit query selects within a time range (Select COUNT over every page). */
export async function countMatching(organizationId: string, query: AuditQuery, range: TimeRange): Promise<number> {
  let total = 0;
  let exclusiveStartKey: Item | undefined;
  const input = queryInput(plan(organizationId, query, range), false);
  do {
    const result = await dynamo().send(new QueryCommand({ ...input, TableName: tableName(), Select: 'COUNT', ExclusiveStartKey: exclusiveStartKey }));
    total += result.Count ?? 0;
    exclusiveStartKey = result.LastEvaluatedKey;
  } while (exclusiveStartKey);
  return total;
}

/**
 * audit.dailyCountTotal — the number of entries written on the days from `fromDay` (inclusive)
 * to `toDayExclusive` (exclusive), both `YYYY-MM-DD` UTC and open-ended when undefined, from the
 * per-day counters: one strongly consistent query of one page (16 small shards a day stay well
 * under 1 MB over the default 400-day retention).
 */
export async function dailyCountTotal(organizationId: string, fromDay: string | undefined, toDayExclusive: string | undefined): Promise<number> {
  const result = await dynamo().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
      ExpressionAttributeValues: {
        ':pk': keys.countersPartition(organizationId),
        ':low': `audit#${fromDay ?? '0000-00-00'}#`,
        ':high': `audit#${toDayExclusive ?? '9999-99-99'}#`,
      },
      ConsistentRead: true,
    }),
  );
  return (result.Items ?? [])
    .filter((item) => toDayExclusive === undefined || !String(item.sk).startsWith(`audit#${toDayExclusive}#`))
    .reduce((sum, item) => sum + ((item.count as number | undefined) ?? 0), 0);
}
