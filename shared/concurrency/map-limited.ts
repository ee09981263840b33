/**
 * Maps `items` through `work` with at most `limit` calls in flight, results in input order — the
 * one bounded-concurrency loop of the platform (per-key queries, batch chunks, Bulk creates). The
 * first rejection rejects the whole call once the calls in flight have settled their turn; calls
 * already started are not cancelled.
 *
 * @param limit at most this many `work` calls run at once (≥ 1)
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
