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
 * - audit.walk — the same query, bounded: skip, take and an evaluation budget (the list's pages);
 * - audit.countMatching — the same query, counting (Select COUNT), optionally capped;
 * - audit.positionAfterSkipping — where a listing stands after its first n entries (Select COUNT);
 * - audit.dailyCountTotal, audit.dailyCounts — the per-day counters of a range of whole days;
 * - platformAudit.putStep — entries of no organization.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AuditQuery, TimeRange } from '../audit/audit-query.ts';
import { ulidBounds } from '../audit/ulid.ts';
import { dynamo, tableName } from './clients.ts';
import { EntityType } from './keys.ts';
import * as keys from './keys.ts';
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

/**
 * Inclusive bounds on the entry id (a ULID) beyond the time range: where a listing resumes (a
 * page boundary, a seek) and where a bounded search window ends. They become part of the key
 * condition rather than an ExclusiveStartKey, so the engine seeks by key (DynamoDB Local, SQLite
 * underneath, walks from the partition's start to reach an ExclusiveStartKey deep in it).
 */
export interface IdBounds {
  lowest?: string | undefined;
  highest?: string | undefined;
}

const maxOf = (a: string | undefined, b: string | undefined) => (a === undefined ? b : b === undefined ? a : a > b ? a : b);
const minOf = (a: string | undefined, b: string | undefined) => (a === undefined ? b : b === undefined ? a : a < b ? a : b);

/**
 * The id bounds of "strictly after `position`" in a listing's order. Every key of an entry ends in
 * its ULID (26 characters), so a position is just that id: ascending, the next id is at least
 * `id + '0'` (longer, so greater, and below every greater 26-character id); descending, the bound
 * includes the id itself and the walk drops it (see {@link startsAfter}).
 */
function afterBounds(position: ListPosition | undefined, descending: boolean): IdBounds {
  const id = position?.[0];
  if (!id) return {};
  return descending ? { highest: id } : { lowest: `${id}0` };
}

/** Whether a descending walk must drop its first item (the resume position itself). */
const startsAfter = (position: ListPosition | undefined, descending: boolean) => (descending ? position?.[0] : undefined);

interface QueryPlan {
  indexName?: 'gsi1' | 'gsi2';
  /** The partition the query reads: the organization's entries, one action's, or one actor's. */
  partition: string;
  keyCondition: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
  filter?: string;
  /** The bounds exclude every id: nothing to read. */
  empty: boolean;
}

/**
 * One DynamoDB Query for an audit query and time range: the organization's time-ordered entries,
 * or the action / actor index when the query names one, bounded by the range on the ULID sort key;
 * the remaining terms become a filter expression.
 */
function plan(organizationId: string, query: AuditQuery, range: TimeRange, bounds: IdBounds = {}): QueryPlan {
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
  const low = maxOf(range.from ? ulidBounds(range.from.getTime()).lowest : undefined, bounds.lowest);
  const high = minOf(range.to ? ulidBounds(range.to.getTime()).highest : undefined, bounds.highest);
  let keyCondition = '#pk = :pk';
  // An empty window (DynamoDB refuses BETWEEN with low > high): callers read nothing.
  const empty = low !== undefined && high !== undefined && low > high;
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
  return { ...(indexName ? { indexName } : {}), partition, keyCondition, names, values, ...(filters.length > 0 ? { filter: filters.join(' AND ') } : {}), empty };
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
  const queryPlan = plan(organizationId, query, range, afterBounds(options.after, options.descending));
  if (queryPlan.empty) return;
  const input = queryInput(queryPlan, options.descending);
  const drop = startsAfter(options.after, options.descending);
  let exclusiveStartKey: Item | undefined;
  do {
    const page = await queryPage({ ...input, Limit: options.pageLimit ?? 1000, ExclusiveStartKey: exclusiveStartKey });
    for (const item of page.items) if (item.sk !== drop) yield toRecord(item);
    exclusiveStartKey = page.lastKey;
  } while (exclusiveStartKey);
}

/** Does the query need a filter expression (terms no key or index serves), so reads evaluate more than they return? */
export function isFiltered(organizationId: string, query: AuditQuery): boolean {
  return plan(organizationId, query, { from: undefined, to: undefined }).filter !== undefined;
}

export interface WalkResult {
  records: AuditEntryRecord[];
  /** Matching entries passed over before the first returned one. */
  skipped: number;
  /** Entries the engine read (before the filter). */
  evaluated: number;
  /** True when the walk reached the end of the listing (nothing more matches). */
  reachedEnd: boolean;
}

/**
 * audit.walk — one bounded walk for a list page: from just after `after`, passes over `skip`
 * matching entries, then returns up to `take`, reading (evaluating) at most `maxEvaluated` entries.
 * A walk that runs out of budget returns what it has with `reachedEnd: false`.
 */
export async function walk(
  organizationId: string,
  query: AuditQuery,
  range: TimeRange,
  options: { descending: boolean; after: ListPosition | undefined; bounds?: IdBounds; skip: number; take: number; maxEvaluated: number },
): Promise<WalkResult> {
  const bounds = options.bounds ?? {};
  const after = afterBounds(options.after, options.descending);
  const queryPlan = plan(organizationId, query, range, { lowest: maxOf(bounds.lowest, after.lowest), highest: minOf(bounds.highest, after.highest) });
  const input = queryInput(queryPlan, options.descending);
  const drop = startsAfter(options.after, options.descending);
  const records: AuditEntryRecord[] = [];
  let skipped = 0;
  let evaluated = 0;
  if (queryPlan.empty) return { records, skipped, evaluated, reachedEnd: true };
  let exclusiveStartKey: Item | undefined;
  // With a filter, how many entries match is unknown: start with what is wanted and double the
  // read each round (a dense filter costs one small read, a sparse one a few growing ones).
  let filteredChunk = 0;
  do {
    const wanted = options.skip - skipped + options.take - records.length + (drop ? 1 : 0);
    filteredChunk = Math.min(4000, Math.max(filteredChunk * 2, wanted, 100));
    const limit = Math.min(options.maxEvaluated - evaluated, queryPlan.filter ? filteredChunk : Math.min(1000, wanted));
    const result = await dynamo().send(new QueryCommand({ ...input, TableName: tableName(), Limit: Math.max(1, limit), ExclusiveStartKey: exclusiveStartKey }));
    evaluated += result.ScannedCount ?? 0;
    for (const item of result.Items ?? []) {
      if (item.sk === drop) continue;
      if (skipped < options.skip) skipped++;
      else if (records.length < options.take) records.push(toRecord(item));
    }
    exclusiveStartKey = result.LastEvaluatedKey;
    if (records.length === options.take) return { records, skipped, evaluated, reachedEnd: false };
  } while (exclusiveStartKey && evaluated < options.maxEvaluated);
  return { records, skipped, evaluated, reachedEnd: exclusiveStartKey === undefined };
}

export interface CountResult {
  /** Matching entries counted. */
  count: number;
  /** Entries the engine read (before the filter). */
  evaluated: number;
  /** True when every entry of the listing was counted (no cap or budget stopped it). */
  complete: boolean;
  /** True when counting stopped because more than `maxMatches` matched. */
  capped: boolean;
  /** When the evaluation budget stopped the count: the id of the last entry read (in the listing's order). */
  stoppedAt: string | undefined;
}

/**
 * audit.countMatching — how many entries an audit query selects within a time range (Select COUNT,
 * page after page). With `maxMatches` it stops once more than that many match; with `maxEvaluated`
 * once it has read that many entries, naming the last one read (`stoppedAt`) so the caller can
 * bound later reads to the same window.
 */
export async function countMatching(
  organizationId: string,
  query: AuditQuery,
  range: TimeRange,
  limits: { maxMatches?: number; maxEvaluated?: number; descending?: boolean } = {},
): Promise<CountResult> {
  const queryPlan = plan(organizationId, query, range);
  if (queryPlan.empty) return { count: 0, evaluated: 0, complete: true, capped: false, stoppedAt: undefined };
  const input = queryInput(queryPlan, limits.descending ?? false);
  const maxMatches = limits.maxMatches ?? Number.POSITIVE_INFINITY;
  const maxEvaluated = limits.maxEvaluated ?? Number.POSITIVE_INFINITY;
  let count = 0;
  let evaluated = 0;
  let exclusiveStartKey: Item | undefined;
  do {
    // Without a filter every entry read matches, so the match cap bounds the read as well.
    const remaining = Math.min(maxEvaluated - evaluated, queryPlan.filter ? Number.POSITIVE_INFINITY : maxMatches + 1 - count);
    const result = await dynamo().send(
      new QueryCommand({
        ...input,
        TableName: tableName(),
        Select: 'COUNT',
        ...(Number.isFinite(remaining) ? { Limit: Math.max(1, remaining) } : {}),
        ExclusiveStartKey: exclusiveStartKey,
      }),
    );
    count += result.Count ?? 0;
    evaluated += result.ScannedCount ?? 0;
    exclusiveStartKey = result.LastEvaluatedKey;
    if (count > maxMatches) return { count, evaluated, complete: false, capped: true, stoppedAt: undefined };
    if (exclusiveStartKey && evaluated >= maxEvaluated) return { count, evaluated, complete: false, capped: false, stoppedAt: String(exclusiveStartKey.sk) };
  } while (exclusiveStartKey);
  return { count, evaluated, complete: true, capped: false, stoppedAt: undefined };
}

/**
 * audit.positionAfterSkipping — the listing position after its first `skip` entries (an
 * unfiltered query within `range`, in the given order): Select COUNT pages, so only keys are read.
 * Undefined when the listing holds no more than `skip` entries.
 */
export async function positionAfterSkipping(organizationId: string, range: TimeRange, descending: boolean, skip: number): Promise<ListPosition | undefined> {
  if (skip <= 0) return undefined;
  const queryPlan = plan(organizationId, { text: [] }, range);
  if (queryPlan.empty) return undefined;
  const input = queryInput(queryPlan, descending);
  let counted = 0;
  let exclusiveStartKey: Item | undefined;
  do {
    const result = await dynamo().send(new QueryCommand({ ...input, TableName: tableName(), Select: 'COUNT', Limit: skip - counted, ExclusiveStartKey: exclusiveStartKey }));
    counted += result.Count ?? 0;
    exclusiveStartKey = result.LastEvaluatedKey;
    if (counted >= skip && exclusiveStartKey) return [String(exclusiveStartKey.sk)];
  } while (exclusiveStartKey);
  return undefined;
}

/**
 * audit.dailyCounts — the entries written on each day from `fromDay` (inclusive) to
 * `toDayExclusive` (exclusive), `YYYY-MM-DD` UTC, from the per-day counters (one strongly
 * consistent query, shards summed). Days without entries are absent.
 */
export async function dailyCounts(organizationId: string, fromDay: string | undefined, toDayExclusive: string | undefined): Promise<Map<string, number>> {
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
  const days = new Map<string, number>();
  for (const item of result.Items ?? []) {
    const day = String(item.sk).slice('audit#'.length, 'audit#'.length + 10);
    if (day === toDayExclusive) continue;
    days.set(day, (days.get(day) ?? 0) + ((item.count as number | undefined) ?? 0));
  }
  return days;
}

/**
 * audit.dailyCountTotal — the number of entries written on the days from `fromDay` (inclusive)
 * to `toDayExclusive` (exclusive), both `YYYY-MM-DD` UTC and open-ended when undefined, from the
 * per-day counters: one strongly consistent query of one page (16 small shards a day stay well
 * under 1 MB over the default 400-day retention).
 */
export async function dailyCountTotal(organizationId: string, fromDay: string | undefined, toDayExclusive: string | undefined): Promise<number> {
  let total = 0;
  for (const count of (await dailyCounts(organizationId, fromDay, toDayExclusive)).values()) total += count;
  return total;
}
