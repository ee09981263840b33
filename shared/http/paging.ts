import * as z from '../zod-mini.ts';

const DIGITS = /^\d+$/;

/**
 * A whole-number query parameter (page, pageSize, pageNumber): decimal digits only, so `1e2`,
 * ` `, `0x10`, `+5` and `2.0` are a 400 "must be a whole number written in digits" rather than
 * being coerced by Number() (which reads `1e2` as 100 and a blank as 0); then `min`..`max`, with
 * `tooBig` as the message above max; absent, it is `fallback`.
 * OpenAPI documents it as an integer with these bounds.
 */
export function queryInteger(name: string, bounds: { min: number; max: number; tooBig?: string; fallback: number }) {
  const notDigits = `${name} must be a whole number written in digits, e.g. 25`;
  const number = z.number({ error: notDigits }).check(z.int({ error: notDigits }), z.gte(bounds.min, { error: `${name} must be ${bounds.min} or more` }), z.lte(bounds.max, { error: bounds.tooBig ?? `${name} must be at most ${bounds.max}` }));
  const digitsOnly = (value: unknown) => (typeof value === 'string' && DIGITS.test(value) ? Number(value) : value);
  return z.pipe(z.transform(digitsOnly), z._default(number, bounds.fallback));
}

/** `pageSize` / `pageNumber` as the Identity Management API takes them (1-based pages). */
export function pageQuerySchema(defaults: { pageSize: number; maxPageSize: number }) {
  return z.object({
    pageSize: queryInteger('pageSize', { min: 1, max: defaults.maxPageSize, fallback: defaults.pageSize }).check(z.meta({ description: 'Items per page' })),
    pageNumber: queryInteger('pageNumber', { min: 1, max: 1_000_000, fallback: 1 }).check(z.meta({ description: 'Page to return, 1-based' })),
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
