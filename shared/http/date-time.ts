/**
 * RFC 3339 dates and date-times in requests, checked against the calendar: JavaScript's
 * Date.parse rolls impossible values over (2025-02-30 becomes 2025-03-02, T24:00 the next day),
 * so every field is range-checked and the day must exist in its month (February 29 only in leap
 * years). RFC 3339 §5.6 lets `T` and `Z` be lower case; both are accepted.
 */
import * as z from '../zod-mini.ts';

const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Does the calendar date year-month-day exist (month 1-12, day within that month)? */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const days = month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return day <= days;
}

/** Epoch ms of midnight UTC of a full-date (`2025-01-01`), or undefined when it is not one or the day does not exist. */
export function parseFullDate(value: string): number | undefined {
  const match = FULL_DATE.exec(value);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!isCalendarDate(year, month, day)) return undefined;
  const parsed = Date.parse(`${match[1]}-${match[2]}-${match[3]}T00:00:00Z`);
  return Number.isNaN(parsed) ? undefined : parsed;
}

/**
 * Epoch ms of an RFC 3339 date-time with a zone (`2025-01-01T08:00:00Z`, `…t08:00z`,
 * `…T08:00:00.5+02:00`; seconds optional), or undefined when it is not one or names a moment
 * that does not exist (February 30, hour 24, minute 60, offset beyond ±23:59). Leap seconds (:60) are refused.
 */
export function parseDateTime(value: string): number | undefined {
  const match = DATE_TIME.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((index) => Number(match[index] ?? 0)) as [number, number, number, number, number, number];
  if (!isCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined;
  if (match[8] !== undefined && (Number(match[8]) > 23 || Number(match[9]) > 59)) return undefined;
  const parsed = Date.parse(value.toUpperCase());
  return Number.isNaN(parsed) ? undefined : parsed;
}

/** A request field holding an RFC 3339 date-time with a zone (parseDateTime), normalised to ISO 8601 UTC (`…Z`). */
export function dateTimeSchema(message = 'must be an RFC 3339 date-time with a zone, e.g. 2026-12-31T17:00:00Z, on a day that exists') {
  return z.pipe(z.string().check(z.refine((value) => parseDateTime(value) !== undefined, { message })), z.transform((value) => new Date(parseDateTime(value) ?? Number.NaN).toISOString()));
}

/** A request field holding a full-date (midnight UTC) or an RFC 3339 date-time, as epoch ms. */
export function dateOrDateTimeSchema(message: string) {
  const parse = (value: string) => parseFullDate(value) ?? parseDateTime(value);
  return z.pipe(z.string().check(z.refine((value) => parse(value) !== undefined, { message })), z.transform((value) => parse(value) ?? Number.NaN));
}
