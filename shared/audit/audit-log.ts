import { createHash } from 'node:crypto';
import * as audit from '../storage/audit.ts';
import type { AuditEntryRecord } from '../storage/audit.ts';
import * as pageBoundaries from '../storage/page-boundaries.ts';
import { isEmptyQuery, type AuditQuery, type TimeRange } from './audit-query.ts';
import { pageInfo, type Page } from '../http/paging.ts';

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

export function toAuditLogEntry(record: AuditEntryRecord): AuditLogEntry {
  return {
    id: record.id,
    organizationId: record.organizationId as string,
    userId: record.actorType === 'user' ? record.actorId : null,
    actor: { type: record.actorType, id: record.actorId },
    action: record.action,
    target: record.targetType ? { type: record.targetType, id: record.targetId as string } : null,
    timestamp: record.timestamp,
    details: record.details ?? {},
  };
}

const DAY = 86_400_000;
const dayOf = (time: number) => new Date(time).toISOString().slice(0, 10);

/**
 * The exact number of entries a query selects. Without query terms it comes from the per-day
 * counters written with every entry (one small query), plus a key-only count of the partial days
 * at the edges of the range; with terms it is a count over the (indexed where possible) range.
 */
export async function countAuditEntries(organizationId: string, query: AuditQuery, range: TimeRange): Promise<number> {
  if (!isEmptyQuery(query)) return audit.countMatching(organizationId, query, range);
  const fromTime = range.from?.getTime();
  const toTime = range.to?.getTime();
  const firstFullDay = fromTime === undefined ? undefined : fromTime % DAY === 0 ? fromTime : fromTime - (fromTime % DAY) + DAY;
  const endOfFullDays = toTime === undefined ? undefined : (toTime + 1) % DAY === 0 ? toTime + 1 : toTime - (toTime % DAY);
  if (firstFullDay !== undefined && endOfFullDays !== undefined && firstFullDay >= endOfFullDays) {
    return audit.countMatching(organizationId, query, range);
  }
  let total = await audit.dailyCountTotal(organizationId, firstFullDay === undefined ? undefined : dayOf(firstFullDay), endOfFullDays === undefined ? undefined : dayOf(endOfFullDays));
  if (fromTime !== undefined && firstFullDay !== undefined && fromTime < firstFullDay) {
    total += await audit.countMatching(organizationId, query, { from: range.from, to: new Date(firstFullDay - 1) });
  }
  if (toTime !== undefined && endOfFullDays !== undefined && endOfFullDays <= toTime) {
    total += await audit.countMatching(organizationId, query, { from: new Date(endOfFullDays), to: range.to });
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
  const listing = `audit:${listingDigest(request)}`;
  const startIndex = (request.pageNumber - 1) * request.pageSize + 1;
  const [totalCount, boundary] = await Promise.all([
    countAuditEntries(organizationId, request.query, request.range),
    pageBoundaries.nearest(organizationId, listing, startIndex),
  ]);
  let skip = startIndex - boundary.startIndex;
  const records: AuditEntryRecord[] = [];
  if (startIndex <= totalCount) {
    const walk = audit.entries(organizationId, request.query, request.range, {
      descending: request.descending,
      after: boundary.position,
      pageLimit: Math.min(1000, request.pageSize + skip),
    });
    for await (const record of walk) {
      if (skip > 0) {
        skip--;
        continue;
      }
      records.push(record);
      if (records.length === request.pageSize) break;
    }
  }
  const last = records.at(-1);
  if (last && records.length === request.pageSize && startIndex + records.length <= totalCount) {
    await pageBoundaries.record(organizationId, listing, startIndex + records.length, audit.positionAfter(last));
  }
  return { items: records.map(toAuditLogEntry), pageInfo: pageInfo(totalCount, request.pageSize, request.pageNumber) };
}

/**
 * Names one listing (query, range and order) for its page boundaries: the same listing always
 * gets the same name, whatever order the query's terms were written in.
 */
function listingDigest(request: AuditListRequest): string {
  const { query, range } = request;
  const identity = [
    query.action?.value ?? null,
    query.action?.prefix ?? null,
    query.actor ?? null,
    query.actorType ?? null,
    query.target ?? null,
    query.targetType ?? null,
    query.ip ?? null,
    [...query.text].sort(),
    range.from?.getTime() ?? null,
    range.to?.getTime() ?? null,
    request.descending,
  ];
  return createHash('sha256').update(JSON.stringify(identity)).digest('base64url').slice(0, 22);
}
