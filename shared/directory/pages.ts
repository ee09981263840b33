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
