import * as pageBoundaries from '../storage/page-boundaries.ts';
import type { ListPosition } from '../storage/page-boundaries.ts';

/**
 * The Directory API's list envelope (seed "REST API Reference", Response Format):
 * `{ "data": [...], "totalCount": 150, "page": 1, "pageSize": 50 }`. `totalCount` counts every
 * item that matches, not only the page's; a page past the end has empty `data`.
 */
export interface DirectoryPage<T> {
  data: T[];
  totalCount: number;
  page: number;
  pageSize: number;
}

/** Page `page` (1-based) of `pageSize` items from a complete, already ordered list. */
export function pageOf<T>(all: readonly T[], page: number, pageSize: number): DirectoryPage<T> {
  const start = (page - 1) * pageSize;
  return { data: all.slice(start, start + pageSize), totalCount: all.length, page, pageSize };
}

/** One step of an ordered listing read from an index (a repository's listing page). */
export type OrderedPageReader<T> = (options: { after: ListPosition | undefined; limit: number; skipOnly?: boolean }) => Promise<{
  records: T[];
  count: number;
  next: ListPosition | undefined;
}>;

/** Keys skipped per round trip when a page starts where no earlier page ended. */
const SKIP_STEP = 1000;

/**
 * Page `page` of an index-ordered listing, read a page at a time instead of
 * whole: where the previous page of the same listing ended is recorded (`pageBoundaries`, one
 * small write per served page, kept an hour), so a client walking pages in order reads only its
 * page; a page no earlier page ended at is reached by reading keys only, 1,000 per round trip
 * (a keys-only projection still costs the items' read units), recording a boundary after each
 * 1,000 (one small write), so a later jump or a retry of one cut by the timeout starts nearer.
 * `countAll` (the exact total, from counters) runs in parallel with the boundary look-up; a page
 * past the total reads nothing more. Like any offset paging, pages of a listing that changes
 * between requests may shift by the items added or removed before them.
 */
export async function indexedPage<T>(
  organizationId: string,
  listing: string,
  countAll: () => Promise<number>,
  query: { page: number; pageSize: number },
  read: OrderedPageReader<T>,
): Promise<DirectoryPage<T>> {
  const startIndex = (query.page - 1) * query.pageSize + 1;
  const [totalCount, boundary] = await Promise.all([countAll(), pageBoundaries.nearest(organizationId, listing, startIndex)]);
  const empty = { data: [], totalCount, page: query.page, pageSize: query.pageSize };
  if (startIndex > totalCount) return empty;
  let position = boundary.position;
  let skip = startIndex - boundary.startIndex;
  let index = boundary.startIndex;
  while (skip > 0) {
    const step = await read({ after: position, limit: Math.min(skip, SKIP_STEP), skipOnly: true });
    skip -= step.count;
    index += step.count;
    position = step.next;
    if (!position || step.count === 0) return empty;
    // Every full step leaves a boundary, so the next jump (or a retry of one cut by the timeout) starts there.
    if (skip > 0 && step.count >= SKIP_STEP) await pageBoundaries.record(organizationId, listing, index, position);
  }
  const data: T[] = [];
  while (data.length < query.pageSize) {
    const step = await read({ after: position, limit: query.pageSize - data.length });
    data.push(...step.records);
    position = step.next;
    if (!position || step.count === 0) break;
  }
  if (position && data.length === query.pageSize) await pageBoundaries.record(organizationId, listing, startIndex + data.length, position);
  return { data, totalCount, page: query.page, pageSize: query.pageSize };
}
