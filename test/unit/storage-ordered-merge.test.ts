/**
 * Merging ordered pages of two gsi1 partitions (the Directory API's user listing: SCIM-visible
 * users and local accounts): what a page may take, and that walking page by page yields every
 * item exactly once, in index order, whatever the page size.
 */
import { describe, expect, it } from 'vitest';
import { compareIndexed, mergeOrderedPages, type OrderedPartitionPage } from '../../shared/storage/ordered-merge.ts';

const item = (name: string) => ({ gsi1sk: name, sk: `USER#${name}` });
const names = (items: Record<string, unknown>[]) => items.map((entry) => entry.gsi1sk);

/** Reads a partition's items after `after` (exclusive), `limit` at a time, like a Query with ExclusiveStartKey. */
function read(partition: string[], after: string | undefined, limit: number): OrderedPartitionPage {
  const sorted = partition.map(item).sort(compareIndexed);
  const rest = after === undefined ? sorted : sorted.filter((entry) => compareIndexed(entry, item(after)) > 0);
  const items = rest.slice(0, limit);
  return { items, next: rest.length > limit ? [String(items.at(-1)?.gsi1sk), String(items.at(-1)?.sk)] : undefined };
}

describe('mergeOrderedPages', () => {
  it('takes nothing beyond the last item of a partition that has more to read', () => {
    const visible = { items: ['adam', 'carl'].map(item), next: ['carl', 'USER#carl'] };
    const local = { items: ['bea', 'dora'].map(item), next: undefined };
    const merged = mergeOrderedPages([visible, local], 10);
    expect(names(merged.items)).toEqual(['adam', 'bea', 'carl']);
    expect(merged.exhausted).toBe(false);
  });

  it('is exhausted only when every partition ended and every item was taken', () => {
    const done = mergeOrderedPages([{ items: [item('a')], next: undefined }, { items: [item('b')], next: undefined }], 2);
    expect(done).toEqual({ items: [item('a'), item('b')], exhausted: true });
    expect(mergeOrderedPages([{ items: [item('a')], next: undefined }, { items: [item('b')], next: undefined }], 1).exhausted).toBe(false);
    expect(mergeOrderedPages([{ items: [], next: undefined }, { items: [], next: undefined }], 5)).toEqual({ items: [], exhausted: true });
  });

  it('orders by UTF-8 bytes, as DynamoDB orders sort keys', () => {
    // U+FF5E (3 UTF-8 bytes starting 0xEF) sorts before U+1F600 (4 bytes starting 0xF0) in UTF-8,
    // although UTF-16 code units would put the surrogate pair (0xD83D…) first.
    const merged = mergeOrderedPages([{ items: [item('\u{1F600}')], next: undefined }, { items: [item('\uFF5E')], next: undefined }], 5);
    expect(names(merged.items)).toEqual(['\uFF5E', '\u{1F600}']);
  });

  it('walks two partitions page by page into one ordered listing with every item once', () => {
    const visible = Array.from({ length: 37 }, (_, i) => `user-${String(i * 3).padStart(3, '0')}`);
    const local = ['owner', 'user-001', 'user-050', 'zed', 'aaron'];
    const expected = [...visible, ...local].map(item).sort(compareIndexed).map((entry) => entry.gsi1sk);
    for (const limit of [1, 2, 5, 7, 50]) {
      const seen: unknown[] = [];
      let after: string | undefined;
      for (let step = 0; step < 200; step++) {
        const merged = mergeOrderedPages([read(visible, after, limit), read(local, after, limit)], limit);
        expect(merged.items.length, `limit ${limit}`).toBeGreaterThan(0);
        seen.push(...names(merged.items));
        if (merged.exhausted) break;
        after = String(merged.items.at(-1)?.gsi1sk);
      }
      expect(seen, `limit ${limit}`).toEqual(expected);
    }
  });
});
