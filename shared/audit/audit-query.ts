import { ValidationError } from '../errors/domain-errors.ts';

/**
 * The audit list's `query` syntax: space-separated terms, all of which must match.
 *
 * | term | matches |
 * |---|---|
 * | `action:user.login` | that action exactly (served by an index) |
 * | `action:user.*` | actions starting with `user.` |
 * | `actor:<id>` | entries by that user or client id (served by an index) |
 * | `actorType:user\|client\|operator\|system\|anonymous` | entries by that kind of actor |
 * | `target:<id>` | entries about that resource id |
 * | `targetType:user\|group\|client\|…` | entries about that kind of resource |
 * | `ip:<address>` | entries from that source address |
 * | any other word, or a "quoted phrase" | case-insensitive text in action, actor, target, ip or user agent |
 */
export interface AuditQuery {
  action?: { value: string; prefix: boolean };
  actor?: string;
  actorType?: string;
  target?: string;
  targetType?: string;
  ip?: string;
  text: string[];
}

const FIELDS = new Set(['action', 'actor', 'actortype', 'target', 'targettype', 'ip']);

export function parseAuditQuery(raw: string | undefined): AuditQuery {
  const query: AuditQuery = { text: [] };
  if (raw === undefined || raw.trim() === '') return query;
  if (raw.length > 500) throw new ValidationError('query must be at most 500 characters.', { field: 'query' });
  const tokens = raw.match(/"[^"]*"|\S+/g) ?? [];
  for (const token of tokens) {
    const quoted = token.startsWith('"');
    const separator = token.indexOf(':');
    const field = !quoted && separator > 0 ? token.slice(0, separator).toLowerCase() : undefined;
    if (field && FIELDS.has(field)) {
      const value = token.slice(separator + 1);
      if (value === '') throw new ValidationError(`query: '${token}' needs a value after the colon.`, { field: 'query' });
      if (field === 'action') query.action = value.endsWith('*') ? { value: value.slice(0, -1), prefix: true } : { value, prefix: false };
      else if (field === 'actor') query.actor = value;
      else if (field === 'actortype') query.actorType = value;
      else if (field === 'target') query.target = value;
      else if (field === 'targettype') query.targetType = value;
      else query.ip = value;
    } else {
      const text = (quoted ? token.slice(1, -1) : token).toLowerCase().trim();
      if (text !== '') query.text.push(text);
    }
  }
  return query;
}

export function isEmptyQuery(query: AuditQuery): boolean {
  return !query.action && !query.actor && !query.actorType && !query.target && !query.targetType && !query.ip && query.text.length === 0;
}

export interface TimeRange {
  from: Date | undefined;
  to: Date | undefined;
}

/** Parses fromDate/toDate: ISO 8601 dates or date-times; a date-only toDate includes that whole day. */
export function parseTimeRange(fromDate: string | undefined, toDate: string | undefined): TimeRange {
  const parse = (value: string | undefined, name: string, endOfDay: boolean): Date | undefined => {
    if (value === undefined || value === '') return undefined;
    const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
    if (!dateOnly && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
      throw new ValidationError(`${name} must be an ISO 8601 date (2025-11-15) or date-time with a time zone (2025-11-15T10:30:00Z).`, { field: name });
    }
    const date = new Date(dateOnly ? `${value}T00:00:00.000Z` : value);
    if (Number.isNaN(date.getTime())) throw new ValidationError(`${name} is not a valid date.`, { field: name });
    return dateOnly && endOfDay ? new Date(date.getTime() + 86_400_000 - 1) : date;
  };
  const from = parse(fromDate, 'fromDate', false);
  const to = parse(toDate, 'toDate', true);
  if (from && to && from.getTime() > to.getTime()) throw new ValidationError('fromDate must not be after toDate.', { field: 'fromDate' });
  return { from, to };
}
