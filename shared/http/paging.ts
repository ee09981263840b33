import * as z from 'zod';

/** `pageSize` / `pageNumber` as the Identity Management API takes them (1-based pages). */
export function pageQuerySchema(defaults: { pageSize: number; maxPageSize: number }) {
  return z.object({
    pageSize: z.coerce.number().int().min(1).max(defaults.maxPageSize).default(defaults.pageSize).meta({ description: 'Items per page' }),
    pageNumber: z.coerce.number().int().min(1).max(1_000_000).default(1).meta({ description: 'Page to return, 1-based' }),
  });
}

export interface PageInfo {
  totalCount: number;
  pageSize: number;
  currentPage: number;
  totalPages: number;
}

export interface Page<T> {
  items: T[];
  pageInfo: PageInfo;
}

export function pageInfo(totalCount: number, pageSize: number, currentPage: number): PageInfo {
  return { totalCount, pageSize, currentPage, totalPages: Math.ceil(totalCount / pageSize) };
}

/** Pages an already-bounded in-memory list (clients, APIs, roles: tens to hundreds per organization). */
export function pageOf<T>(all: readonly T[], pageSize: number, pageNumber: number): Page<T> {
  const start = (pageNumber - 1) * pageSize;
  return { items: all.slice(start, start + pageSize), pageInfo: pageInfo(all.length, pageSize, pageNumber) };
}
