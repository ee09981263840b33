import { ValidationError } from '../errors/domain-errors.ts';
import { keys } from '../storage/keys.ts';
import { ulidBounds } from './ulid.ts';

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

export interface AuditQueryPlan {
  indexName?: 'gsi1' | 'gsi2';
  keyCondition: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
  filter?: string;
}

/**
 * Turns a query and a time range into one DynamoDB Query: the organization's time-ordered entries,
 * or the action / actor index when the query names one, bounded by the range on the ULID sort key;
 * remaining terms become a filter expression.
 */
export function planAuditQuery(organizationId: string, query: AuditQuery, range: TimeRange): AuditQueryPlan {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  let partitionAttribute = 'pk';
  let sortAttribute = 'sk';
  let indexName: AuditQueryPlan['indexName'];
  let partition = keys.auditPartition(organizationId);
  let actionHandled = false;
  if (query.action && !query.action.prefix) {
    indexName = 'gsi1';
    partitionAttribute = 'gsi1pk';
    sortAttribute = 'gsi1sk';
    partition = keys.auditActionIndex(organizationId, query.action.value, '').gsi1pk;
    actionHandled = true;
  } else if (query.actor) {
    indexName = 'gsi2';
    partitionAttribute = 'gsi2pk';
    sortAttribute = 'gsi2sk';
    partition = keys.auditActorIndex(organizationId, query.actor, '').gsi2pk;
  }
  names['#pk'] = partitionAttribute;
  values[':pk'] = partition;
  const low = range.from ? ulidBounds(range.from.getTime()).lowest : undefined;
  const high = range.to ? ulidBounds(range.to.getTime()).highest : undefined;
  let keyCondition = '#pk = :pk';
  if (low || high) names['#sk'] = sortAttribute;
  if (low && high) {
    keyCondition += ' AND #sk BETWEEN :low AND :high';
    values[':low'] = low;
    values[':high'] = high;
  } else if (low) {
    keyCondition += ' AND #sk >= :low';
    values[':low'] = low;
  } else if (high) {
    keyCondition += ' AND #sk <= :high';
    values[':high'] = high;
  }

  const filters: string[] = [];
  const add = (expression: string, name: string, attribute: string, value: unknown) => {
    names[name] = attribute;
    values[`:${name.slice(1)}`] = value;
    filters.push(expression);
  };
  if (query.action && !actionHandled) {
    add(query.action.prefix ? 'begins_with(#action, :action)' : '#action = :action', '#action', 'action', query.action.value);
  }
  if (query.actor && indexName !== 'gsi2') add('#actorId = :actorId', '#actorId', 'actorId', query.actor);
  if (query.actorType) add('#actorType = :actorType', '#actorType', 'actorType', query.actorType);
  if (query.target) add('#targetId = :targetId', '#targetId', 'targetId', query.target);
  if (query.targetType) add('#targetType = :targetType', '#targetType', 'targetType', query.targetType);
  if (query.ip) {
    names['#details'] = 'details';
    names['#ip'] = 'ipAddress';
    values[':ip'] = query.ip;
    filters.push('#details.#ip = :ip');
  }
  query.text.forEach((text, index) => {
    names['#searchText'] = 'searchText';
    values[`:text${index}`] = text;
    filters.push(`contains(#searchText, :text${index})`);
  });
  return { ...(indexName ? { indexName } : {}), keyCondition, names, values, ...(filters.length > 0 ? { filter: filters.join(' AND ') } : {}) };
}
