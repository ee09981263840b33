/**
 * Directory API `GET /api/users?page=N&pageSize=200` at each organization size: what one page
 * costs in process (round trips, capacity units, wall time) next to the minimum a page needs, for
 * the cases a CSV export script meets — the first page, the next page of a walk in order, a jump
 * to a page no earlier page ended at — and, for contrast, a filtered page (status=active), which
 * reads every user of the organization by design (shared/directory/users.ts).
 */
import { call } from './fixtures.ts';
import type { RequestSpec } from './load-protocol.ts';
import type { Level } from './operations.ts';
import { readUnits, writeUnits } from './item-size.ts';

/** What a measured set of in-process invocations reports (a subset of main.ts's CostMeasurement). */
export interface PageCost {
  runs: number;
  statuses: Record<string, number>;
  roundTrips: number;
  roundTripsMax: number;
  readCapacityUnits: number;
  writeCapacityUnits: number;
  calls: Record<string, number>;
  cpuMsMedian: number;
  wallMsMedian: number;
}

/** In-process invocations; with `settle`, each one's leftover reads (after a timeout) finish before the next. */
export type MeasureInProcess = (specs: RequestSpec[], warmup?: number, settle?: boolean) => Promise<PageCost>;

/** Above this size a filtered page is not measured: it reads every user (about 1 s per 1,000 here), far past the route's timeout. */
const FILTERED_MAX_USERS = 20_000;

export const DIRECTORY_PAGE_SIZE = 200;

export interface DirectoryListingPoint {
  users: number;
  /** Users the listing counts: the seeded ones, the users the SCIM phases created, and the local Owner. */
  totalCount: number;
  pageSize: number;
  firstPage: PageCost;
  /** Pages 2..k requested right after the previous one (the export loop): each starts at a recorded boundary. */
  nextPageInOrder: PageCost & { pages: string };
  /** The last page requested directly after the walk: it skips keys from the last boundary the walk recorded. */
  jump: PageCost & { page: number; keysSkipped: number };
  /** The same page requested again: the first jump recorded a boundary every 1,000 keys it skipped. */
  jumpAgain: PageCost;
  /** status=active: a filter reads every user of the organization (users.all) and pages in memory; not measured above 20,000 users. */
  filteredStatusActive: PageCost | undefined;
  minimum: { roundTrips: number; readUnits: number; writeUnits: number; note: string };
  gap: { roundTrips: number; readCapacityUnits: number; writeCapacityUnits: number };
  explanation: string;
}

/**
 * The least a page of 200 needs: the rate-limit counter update (platform policy), the exact
 * total (the sharded users counter, strongly consistent: one Query), the page's user items from an
 * index in account-name order (eventually consistent, 0.5 RCU per 4 KB of the items' summed
 * size), and the boundary write that lets the next page start where this one ended.
 */
export function directoryPageMinimum(pageBytes: number, boundaryBytes: number, rateCounterBytes: number): DirectoryListingPoint['minimum'] {
  const touches = [
    { trip: true, read: 0, write: writeUnits(rateCounterBytes, 0, false) },
    { trip: true, read: readUnits(16 * 60, true), write: 0 },
    { trip: true, read: readUnits(pageBytes, false), write: 0 },
    { trip: true, read: 0, write: writeUnits(boundaryBytes, 0, false) },
  ];
  return {
    roundTrips: touches.filter((touch) => touch.trip).length,
    readUnits: touches.reduce((sum, touch) => sum + touch.read, 0),
    writeUnits: touches.reduce((sum, touch) => sum + touch.write, 0),
    note: 'rate-limit counter UpdateItem; users counter shards (1 strongly consistent Query) for the exact totalCount; 200 user items from the userName index (eventually consistent); page-boundary PutItem for the next page',
  };
}

function explain(point: Omit<DirectoryListingPoint, 'gap' | 'explanation'>): string {
  const page = point.nextPageInOrder;
  const extraTrips = page.roundTrips - point.minimum.roundTrips;
  const notes: string[] = [];
  if (extraTrips > 0) {
    notes.push(
      `${extraTrips} round trips more than the minimum: local accounts (the Owner) are not in the SCIM userName index, so each page also queries their own gsi1 partition (merged in order) and counts them (a keys-only Query), and a page after the first looks up its recorded boundary (1 Query); the three reads run in parallel with the others where they can (calls ${JSON.stringify(page.calls)}).`,
    );
  }
  const readGap = page.readCapacityUnits - point.minimum.readUnits;
  if (Math.abs(readGap) >= 1) notes.push(`Reads differ from the minimum by ${Math.round(readGap * 10) / 10} RCU (the page's items are charged per Query response, rounded up per 4 KB).`);
  if (notes.length === 0) notes.push('Matches the minimum.');
  return notes.join(' ');
}

/** Measures the directory page at one organization size; `measure` runs in-process invocations (main.ts measureInProcess). */
export async function measureDirectoryListing(options: { baseUrl: string; level: Level; measure: MeasureInProcess; minimum: DirectoryListingPoint['minimum'] }): Promise<DirectoryListingPoint> {
  const { level, measure } = options;
  const headers = { Authorization: `Bearer ${level.tenant.token}` };
  const counted = await call<{ totalCount?: number }>(options.baseUrl, 'GET', '/api/users?pageSize=1', { headers });
  if (counted.status !== 200) throw new Error(`GET /api/users: ${counted.status} ${counted.text.slice(0, 300)}`);
  const totalCount = counted.body.totalCount ?? level.users + 1;
  const page = (number: number, extra = '') => ({ method: 'GET', path: `/api/users?page=${number}&pageSize=${DIRECTORY_PAGE_SIZE}${extra}`, headers });
  // The first page: also warms the handler module; it records the boundary where page 2 starts.
  const firstPage = await measure([page(1), page(1), page(1), page(1), page(1), page(1), page(1)], 2);
  const lastPage = Math.max(2, Math.ceil(totalCount / DIRECTORY_PAGE_SIZE));
  // Walk at most 8 pages, and leave at least the last page to jump to.
  const inOrderPages = Math.max(2, Math.min(8, lastPage - 1));
  const walk = await measure(Array.from({ length: inOrderPages }, (_, index) => page(index + 1)), 1);
  // A jump to the last page: only the boundaries of the pages walked are known, so it skips the keys in between.
  const jumpTo = lastPage;
  const jump = await measure([page(jumpTo)], 0, true);
  // The same jump again: the first one left a boundary every 1,000 keys it skipped.
  const jumpAgain = await measure([page(jumpTo), page(jumpTo)], 0, true);
  const filteredStatusActive = level.users <= FILTERED_MAX_USERS ? await measure([page(1, '&status=active'), page(1, '&status=active')], 0, true) : undefined;
  const point = {
    users: level.users,
    totalCount,
    pageSize: DIRECTORY_PAGE_SIZE,
    firstPage,
    nextPageInOrder: { ...walk, pages: `2–${inOrderPages}` },
    jumpAgain,
    jump: { ...jump, page: jumpTo, keysSkipped: Math.max(0, jumpTo - 1 - inOrderPages) * DIRECTORY_PAGE_SIZE },
    filteredStatusActive,
    minimum: options.minimum,
  };
  return {
    ...point,
    gap: {
      roundTrips: walk.roundTrips - options.minimum.roundTrips,
      readCapacityUnits: Math.round((walk.readCapacityUnits - options.minimum.readUnits) * 100) / 100,
      writeCapacityUnits: Math.round((walk.writeCapacityUnits - options.minimum.writeUnits) * 100) / 100,
    },
    explanation: explain(point),
  };
}
