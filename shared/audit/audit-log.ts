import { createHash } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from '../storage/clients.ts';
import { keys } from '../storage/keys.ts';
import { queryPage, readPageBoundary, writePageBoundary } from '../scim/resource-store.ts';
import { isEmptyQuery, planAuditQuery, type AuditQuery, type AuditQueryPlan, type TimeRange } from './audit-query.ts';
import { pageInfo, type Page } from '../http/paging.ts';

type Item = Record<string, unknown>;

/** An audit entry as the Identity Management API shows it (the seed's shape, plus actor and target). */
export interface AuditLogEntry {
  id: string;
  organizationId: string;
  /** The acting user's id (the seed's field); null when the actor is a client or the system. */
  userId: string | null;
  actor: { type: string; id: string };
  action: string;
  target: { type: string; id: string } | null;
  timestamp: string;
  details: Record<string, unknown>;
}

export function toAuditLogEntry(item: Item): AuditLogEntry {
  return {
    id: item.id as string,
    organizationId: item.organizationId as string,
    userId: item.actorType === 'user' ? (item.actorId as string) : null,
    actor: { type: item.actorType as string, id: item.actorId as string },
    action: item.action as string,
    target: item.targetType ? { type: item.targetType as string, id: item.targetId as string } : null,
    timestamp: item.timestamp as string,
    details: (item.details as Record<string, unknown> | undefined) ?? {},
  };
}

function queryInput(plan: AuditQueryPlan, descending: boolean) {
  return {
    ...(plan.indexName ? { IndexName: plan.indexName } : {}),
    KeyConditionExpression: plan.keyCondition,
    ExpressionAttributeNames: plan.names,
    ExpressionAttributeValues: plan.values,
    ...(plan.filter ? { FilterExpression: plan.filter } : {}),
    ScanIndexForward: !descending,
  };
}

/** Where a query resumes after an item: the table key plus, on an index, the index key. */
function resumeKey(plan: AuditQueryPlan, item: Item): Record<string, unknown> {
  const key: Record<string, unknown> = { pk: item.pk, sk: item.sk };
  if (plan.indexName === 'gsi1') Object.assign(key, { gsi1pk: item.gsi1pk, gsi1sk: item.gsi1sk });
  if (plan.indexName === 'gsi2') Object.assign(key, { gsi2pk: item.gsi2pk, gsi2sk: item.gsi2sk });
  return key;
}

/**
 * Walks the entries a plan selects, in order, from an optional start key. The generator reads one
 * DynamoDB page at a time, so memory stays flat however many entries there are.
 */
export async function* auditEntries(plan: AuditQueryPlan, descending: boolean, startKey?: Record<string, unknown>, pageLimit = 1000): AsyncGenerator<Item> {
  let exclusiveStartKey = startKey;
  do {
    const page = await queryPage({ ...queryInput(plan, descending), Limit: pageLimit, ExclusiveStartKey: exclusiveStartKey });
    for (const item of page.items) yield item;
    exclusiveStartKey = page.lastKey;
  } while (exclusiveStartKey);
}

async function countQuery(plan: AuditQueryPlan): Promise<number> {
  let total = 0;
  let exclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const result = await dynamo().send(new QueryCommand({ ...queryInput(plan, false), TableName: tableName(), Select: 'COUNT', ExclusiveStartKey: exclusiveStartKey }));
    total += result.Count ?? 0;
    exclusiveStartKey = result.LastEvaluatedKey;
  } while (exclusiveStartKey);
  return total;
}

const DAY = 86_400_000;
const dayOf = (time: number) => new Date(time).toISOString().slice(0, 10);

async function counterTotal(organizationId: string, fromDay: string | undefined, toDayExclusive: string | undefined): Promise<number> {
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
  return (result.Items ?? []).filter((item) => toDayExclusive === undefined || !String(item.sk).startsWith(`audit#${toDayExclusive}#`)).reduce((sum, item) => sum + ((item.count as number | undefined) ?? 0), 0);
}

/**
 * The exact number of entries a query selects. Without query terms it comes from the per-day
 * counters written with every entry (one small query), plus a key-only count of the partial days
 * at the edges of the range; with terms it is a count over the (indexed where possible) range.
 */
export async function countAuditEntries(organizationId: string, query: AuditQuery, range: TimeRange): Promise<number> {
  if (!isEmptyQuery(query)) return countQuery(planAuditQuery(organizationId, query, range));
  const fromTime = range.from?.getTime();
  const toTime = range.to?.getTime();
  const firstFullDay = fromTime === undefined ? undefined : fromTime % DAY === 0 ? fromTime : fromTime - (fromTime % DAY) + DAY;
  const endOfFullDays = toTime === undefined ? undefined : (toTime + 1) % DAY === 0 ? toTime + 1 : toTime - (toTime % DAY);
  if (firstFullDay !== undefined && endOfFullDays !== undefined && firstFullDay >= endOfFullDays) {
    return countQuery(planAuditQuery(organizationId, query, range));
  }
  let total = await counterTotal(organizationId, firstFullDay === undefined ? undefined : dayOf(firstFullDay), endOfFullDays === undefined ? undefined : dayOf(endOfFullDays));
  if (fromTime !== undefined && firstFullDay !== undefined && fromTime < firstFullDay) {
    total += await countQuery(planAuditQuery(organizationId, query, { from: range.from, to: new Date(firstFullDay - 1) }));
  }
  if (toTime !== undefined && endOfFullDays !== undefined && endOfFullDays <= toTime) {
    total += await countQuery(planAuditQuery(organizationId, query, { from: new Date(endOfFullDays), to: range.to }));
  }
  return total;
}

export interface AuditListRequest {
  pageSize: number;
  pageNumber: number;
  descending: boolean;
  query: AuditQuery;
  range: TimeRange;
}

/**
 * One page of the audit log. Entries are keyed by organization and time, so a page reads only
 * what it returns plus, for filtered queries, what the filter passes over; the start of the next
 * page is remembered, so walking pages in order never re-reads earlier ones.
 */
export async function listAuditLog(organizationId: string, request: AuditListRequest): Promise<Page<AuditLogEntry>> {
  const plan = planAuditQuery(organizationId, request.query, request.range);
  const listing = `audit:${createHash('sha256').update(JSON.stringify([plan, request.descending])).digest('base64url').slice(0, 22)}`;
  const startIndex = (request.pageNumber - 1) * request.pageSize + 1;
  const [totalCount, boundary] = await Promise.all([
    countAuditEntries(organizationId, request.query, request.range),
    readPageBoundary(organizationId, listing, startIndex),
  ]);
  let skip = startIndex - boundary.startIndex;
  const items: Item[] = [];
  if (startIndex <= totalCount) {
    for await (const item of auditEntries(plan, request.descending, boundary.key, Math.min(1000, request.pageSize + skip))) {
      if (skip > 0) {
        skip--;
        continue;
      }
      items.push(item);
      if (items.length === request.pageSize) break;
    }
  }
  const last = items.at(-1);
  if (last && items.length === request.pageSize && startIndex + items.length <= totalCount) {
    await writePageBoundary(organizationId, listing, startIndex + items.length, resumeKey(plan, last));
  }
  return { items: items.map(toAuditLogEntry), pageInfo: pageInfo(totalCount, request.pageSize, request.pageNumber) };
}
