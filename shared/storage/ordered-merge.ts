/**
 * Merging ordered pages of several gsi1 partitions that share one sort order (pure; no I/O), so
 * one listing can span partitions — the Directory API's users: SCIM-visible users and local
 * accounts live in two userName partitions.
 */

type Item = Record<string, unknown>;

/** One page read from one partition: its items in index order, and whether more follow (`next`). */
export interface OrderedPartitionPage {
  items: Item[];
  next: readonly string[] | undefined;
}

/**
 * Index order of two gsi1 items: DynamoDB orders string sort keys by their UTF-8 bytes; items
 * with the same sort key by their table key here (userNames are unique per organization, so the
 * user listing never needs it).
 */
export function compareIndexed(a: Item, b: Item): number {
  return Buffer.compare(Buffer.from(String(a.gsi1sk)), Buffer.from(String(b.gsi1sk))) || Buffer.compare(Buffer.from(String(a.sk)), Buffer.from(String(b.sk)));
}

/**
 * Merges pages of several partitions, each read from the same position, into up to `limit` items
 * in index order. An item is taken only while no partition that has more to read could still hold
 * a smaller one — up to the smallest last item among such partitions — so the result may be
 * shorter than `limit` while items remain. `exhausted` is true when every partition was read to
 * its end and every item read was taken (nothing follows the result). Pages come from queries
 * without filter expressions, so a partition with more to read always returned items.
 */
export function mergeOrderedPages(pages: readonly OrderedPartitionPage[], limit: number): { items: Item[]; exhausted: boolean } {
  const unfinished = pages.filter((page) => page.next !== undefined && page.items.length > 0).map((page) => page.items[page.items.length - 1] as Item);
  const horizon = unfinished.sort(compareIndexed)[0];
  const merged = pages.flatMap((page) => page.items).sort(compareIndexed);
  const safe = horizon === undefined ? merged : merged.filter((item) => compareIndexed(item, horizon) <= 0);
  const items = safe.slice(0, limit);
  return { items, exhausted: horizon === undefined && items.length === merged.length };
}
