import { createHash } from 'node:crypto';
import * as audit from '../storage/audit.ts';
import type { AuditEntryRecord } from '../storage/audit.ts';
import * as pageBoundaries from '../storage/page-boundaries.ts';
import type { ListPosition } from '../storage/page-boundaries.ts';
import { ValidationError } from '../errors/domain-errors.ts';
import { isEmptyQuery, type AuditQuery, type TimeRange } from './audit-query.ts';
import { ulidBounds, ulidTime } from './ulid.ts';
import { pageInfo, type PageInfo } from '../http/paging.ts';

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

/** `totalCount` is exact up to this many matching entries; beyond it the page says `totalCountCapped`. */
export const AUDIT_COUNT_CAP = 10_000;
/**
 * The most entries one request reads for a query that needs a filter (free text, `target:`,
 * `ip:`, `actorType:`, `targetType:`, an action prefix): such a listing searches the first
 * 10,000 entries of its time range in its order (the newest by default) and says so with
 * `searchWindowLimited`; fromDate/toDate move the window. Also the most entries a page of an
 * indexed query passes over to reach a page no earlier page led to.
 */
export const AUDIT_SEARCH_WINDOW = 10_000;
/** A page further than this from the nearest recorded boundary of an unfiltered listing seeks with the per-day counters. */
const SEEK_DISTANCE = 1_000;
/** Counts that read at least this many entries are remembered with the listing's page boundaries. */
const REMEMBER_COUNT_AFTER = 1_000;

/** One stretch of an unfiltered listing: a whole day from its counter, or a partial day at the range's edges counted by key. */
interface DaySegment {
  from: number;
  to: number;
  count: number;
}

/**
 * The unfiltered listing's entries per day, oldest first: whole days from the per-day counters
 * written with every entry (one small query), the partial days at the edges of the range by a
 * key-only count.
 */
async function daySegments(organizationId: string, range: TimeRange): Promise<DaySegment[]> {
  const fromTime = range.from?.getTime();
  const toTime = range.to?.getTime();
  const firstFullDay = fromTime === undefined ? undefined : fromTime % DAY === 0 ? fromTime : fromTime - (fromTime % DAY) + DAY;
  const endOfFullDays = toTime === undefined ? undefined : (toTime + 1) % DAY === 0 ? toTime + 1 : toTime - (toTime % DAY);
  const countRange = async (from: number, to: number): Promise<DaySegment> => ({
    from,
    to,
    count: (await audit.countMatching(organizationId, { text: [] }, { from: new Date(from), to: new Date(to) })).count,
  });
  if (fromTime !== undefined && toTime !== undefined && firstFullDay !== undefined && endOfFullDays !== undefined && firstFullDay >= endOfFullDays) {
    return [await countRange(fromTime, toTime)];
  }
  const [days, leading, trailing] = await Promise.all([
    audit.dailyCounts(organizationId, firstFullDay === undefined ? undefined : dayOf(firstFullDay), endOfFullDays === undefined ? undefined : dayOf(endOfFullDays)),
    fromTime !== undefined && firstFullDay !== undefined && fromTime < firstFullDay ? countRange(fromTime, firstFullDay - 1) : undefined,
    toTime !== undefined && endOfFullDays !== undefined && endOfFullDays <= toTime ? countRange(endOfFullDays, toTime) : undefined,
  ]);
  const whole = [...days]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([day, count]) => ({ from: Date.parse(`${day}T00:00:00.000Z`), to: Date.parse(`${day}T00:00:00.000Z`) + DAY - 1, count }));
  return [...(leading ? [leading] : []), ...whole, ...(trailing ? [trailing] : [])].filter((segment) => segment.count > 0);
}

/** The number of entries a query selects, exact up to `cap` matches (`exact: false` beyond it). */
export interface AuditCount {
  total: number;
  exact: boolean;
}

/**
 * The number of entries a query selects. Without query terms it is exact, from the per-day
 * counters (plus a key-only count of the partial days at the edges of the range); with terms it
 * counts at most `cap` matches among at most `maxEvaluated` entries read — beyond either, `exact`
 * is false and `total` a lower bound.
 */
export async function countAuditEntries(
  organizationId: string,
  query: AuditQuery,
  range: TimeRange,
  limits: { cap: number; maxEvaluated: number } = { cap: AUDIT_COUNT_CAP, maxEvaluated: AUDIT_SEARCH_WINDOW },
): Promise<AuditCount> {
  if (isEmptyQuery(query)) {
    const segments = await daySegments(organizationId, range);
    return { total: segments.reduce((sum, segment) => sum + segment.count, 0), exact: true };
  }
  const counted = await audit.countMatching(organizationId, query, range, { maxMatches: limits.cap, maxEvaluated: limits.maxEvaluated });
  return { total: Math.min(counted.count, limits.cap), exact: counted.complete };
}

export interface AuditListRequest {
  pageSize: number;
  pageNumber: number;
  descending: boolean;
  query: AuditQuery;
  range: TimeRange;
}

/**
 * The seed's pageInfo, plus — only when they apply — `totalCountCapped: true` (more than 10,000
 * entries match: totalCount is 10,000, a lower bound, and pages past it are still served) and
 * `searchWindowLimited: true` with `searchWindowEnd` (a filtered query searched only the first
 * 10,000 entries of its range in its order; the last of them was written at that time).
 */
export interface AuditPageInfo extends PageInfo {
  totalCountCapped?: true;
  searchWindowLimited?: true;
  searchWindowEnd?: string;
}

export interface AuditPage {
  items: AuditLogEntry[];
  pageInfo: AuditPageInfo;
}

/**
 * One page of the audit log. Entries are keyed by organization and time, so a page reads only
 * what it returns plus, for filtered queries, what the filter passes over; the start of the next
 * page is remembered, so walking pages in order never re-reads earlier ones.
 *
 * - Unfiltered: `totalCount` is exact from the per-day counters; a page far from any recorded
 *   boundary (a jump to a deep pageNumber) finds its day from the same counters and counts keys
 *   within that day only, instead of reading every earlier entry.
 * - Filtered: the count is taken once per listing (query, range and order) and remembered with
 *   its page boundaries for an hour; it is exact up to {@link AUDIT_COUNT_CAP}. A query that needs a
 *   filter searches at most {@link AUDIT_SEARCH_WINDOW} entries of its range, so no page reads more
 *   than that whatever the size of the log.
 *
 * @throws ValidationError when a filtered page lies more than AUDIT_SEARCH_WINDOW entries beyond
 *   the nearest page served before (walk pages in order, or narrow the time range).
 */
export async function listAuditLog(organizationId: string, request: AuditListRequest): Promise<AuditPage> {
  return isEmptyQuery(request.query) ? listUnfiltered(organizationId, request) : listFiltered(organizationId, request);
}

async function listUnfiltered(organizationId: string, request: AuditListRequest): Promise<AuditPage> {
  const listing = `audit:${listingDigest(request)}`;
  const startIndex = (request.pageNumber - 1) * request.pageSize + 1;
  const [segments, boundary] = await Promise.all([daySegments(organizationId, request.range), pageBoundaries.nearest(organizationId, listing, startIndex)]);
  const totalCount = segments.reduce((sum, segment) => sum + segment.count, 0);
  if (startIndex > totalCount) return { items: [], pageInfo: pageInfo(totalCount, request.pageSize, request.pageNumber) };

  let after = boundary.position;
  let bounds: audit.IdBounds = {};
  let skip = startIndex - boundary.startIndex;
  if (skip > SEEK_DISTANCE) ({ after, bounds, skip } = await seek(organizationId, segments, request, startIndex - 1));
  const walked = await audit.walk(organizationId, request.query, request.range, {
    descending: request.descending,
    after,
    bounds,
    skip,
    take: request.pageSize,
    maxEvaluated: skip + request.pageSize + 1,
  });
  const last = walked.records.at(-1);
  if (last && walked.records.length === request.pageSize && startIndex + walked.records.length <= totalCount) {
    await pageBoundaries.record(organizationId, listing, startIndex + walked.records.length, audit.positionAfter(last));
  }
  return { items: walked.records.map(toAuditLogEntry), pageInfo: pageInfo(totalCount, request.pageSize, request.pageNumber) };
}

/**
 * Where an unfiltered listing stands after its first `before` entries: the day segment that holds
 * entry `before + 1` (from the counters, in the listing's order), then a key-only count within it.
 */
async function seek(
  organizationId: string,
  segments: DaySegment[],
  request: AuditListRequest,
  before: number,
): Promise<{ after: ListPosition | undefined; bounds: audit.IdBounds; skip: number }> {
  const ordered = request.descending ? [...segments].reverse() : segments;
  let passed = 0;
  for (const segment of ordered) {
    if (passed + segment.count > before) {
      const within = before - passed;
      const bounds: audit.IdBounds = request.descending ? { highest: ulidBounds(segment.to).highest } : { lowest: ulidBounds(segment.from).lowest };
      if (within === 0) return { after: undefined, bounds, skip: 0 };
      const position = await audit.positionAfterSkipping(organizationId, { from: new Date(segment.from), to: new Date(segment.to) }, request.descending, within);
      // A counter ahead of its entries (they expired by TTL first): walk the rest of the segment.
      return position ? { after: position, bounds: {}, skip: 0 } : { after: undefined, bounds, skip: within };
    }
    passed += segment.count;
  }
  return { after: undefined, bounds: {}, skip: before };
}

async function listFiltered(organizationId: string, request: AuditListRequest): Promise<AuditPage> {
  const listing = `audit:${listingDigest(request)}`;
  const startIndex = (request.pageNumber - 1) * request.pageSize + 1;
  const [remembered, boundary] = await Promise.all([pageBoundaries.summary(organizationId, listing), pageBoundaries.nearest(organizationId, listing, startIndex)]);
  const walkFrom = (bounds: audit.IdBounds) =>
    audit.walk(organizationId, request.query, request.range, {
      descending: request.descending,
      after: boundary.position,
      bounds,
      skip: startIndex - boundary.startIndex,
      take: request.pageSize,
      maxEvaluated: AUDIT_SEARCH_WINDOW,
    });
  const windowBounds = (end: string | undefined): audit.IdBounds => (end === undefined ? {} : request.descending ? { lowest: end } : { highest: end });

  let summary: pageBoundaries.ListingSummary;
  let walked: audit.WalkResult;
  if (remembered) {
    summary = remembered;
    walked = await walkFrom(windowBounds(summary.windowEnd?.[0]));
  } else {
    // The first request of a listing counts and reads its page at once; the page is then cut to
    // the search window the count found (a walk of at most the window's size from a position
    // inside the listing always reaches the window's end, so a cut or spent walk has reached it).
    const filtered = audit.isFiltered(organizationId, request.query);
    const [counted, early] = await Promise.all([
      audit.countMatching(organizationId, request.query, request.range, {
        maxMatches: AUDIT_COUNT_CAP,
        ...(filtered ? { maxEvaluated: AUDIT_SEARCH_WINDOW } : {}),
        descending: request.descending,
      }),
      walkFrom({}),
    ]);
    summary = {
      totalCount: Math.min(counted.count, AUDIT_COUNT_CAP),
      exact: !counted.capped,
      windowEnd: counted.stoppedAt ? [counted.stoppedAt] : undefined,
      countedAt: new Date().toISOString(),
    };
    walked = early;
    const end = counted.stoppedAt;
    if (end !== undefined) {
      const inside = early.records.filter((record) => (request.descending ? record.id >= end : record.id <= end));
      walked = { ...early, records: inside, reachedEnd: early.reachedEnd || inside.length < early.records.length || early.records.length < request.pageSize };
    }
    if (!counted.complete || counted.evaluated >= REMEMBER_COUNT_AFTER) await pageBoundaries.recordSummary(organizationId, listing, summary);
  }
  const windowEnd = summary.windowEnd?.[0];
  const info: AuditPageInfo = {
    ...pageInfo(summary.totalCount, request.pageSize, request.pageNumber),
    ...(summary.exact ? {} : { totalCountCapped: true as const }),
    ...(windowEnd ? { searchWindowLimited: true as const, searchWindowEnd: new Date(ulidTime(windowEnd)).toISOString() } : {}),
  };
  if (summary.exact && startIndex > summary.totalCount) return { items: [], pageInfo: info };
  if (walked.records.length < request.pageSize && !walked.reachedEnd && windowEnd === undefined) {
    throw new ValidationError(
      `pageNumber ${request.pageNumber} lies more than ${AUDIT_SEARCH_WINDOW.toLocaleString('en')} entries beyond the nearest page served for this query: ` +
        'request the pages before it in order, or narrow fromDate/toDate.',
      { field: 'pageNumber' },
    );
  }
  const last = walked.records.at(-1);
  if (last && walked.records.length === request.pageSize && (!summary.exact || startIndex + walked.records.length <= summary.totalCount)) {
    await pageBoundaries.record(organizationId, listing, startIndex + walked.records.length, audit.positionAfter(last));
  }
  return { items: walked.records.map(toAuditLogEntry), pageInfo: info };
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
