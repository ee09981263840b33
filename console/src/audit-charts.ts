import type { AuditEntry } from './api.ts';

/** Per-day counts of entries by action family (the action's first segment: user, group, client, …). */
export interface ActivityDay {
  day: string;
  [family: string]: number | string;
}

export const dayOf = (timestamp: string): string => timestamp.slice(0, 10);
export const familyOf = (action: string): string => action.split('.')[0] ?? action;

/** Activity over time by action family, days in ascending order, every family present on every day. */
export function activityByFamily(entries: readonly AuditEntry[]): { days: ActivityDay[]; families: string[] } {
  const families = [...new Set(entries.map((entry) => familyOf(entry.action)))].sort();
  const byDay = new Map<string, ActivityDay>();
  for (const entry of entries) {
    const day = dayOf(entry.timestamp);
    let row = byDay.get(day);
    if (!row) {
      row = { day };
      for (const family of families) row[family] = 0;
      byDay.set(day, row);
    }
    const family = familyOf(entry.action);
    row[family] = (row[family] as number) + 1;
  }
  return { days: [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day)), families };
}

/** Failed sign-ins (`user.login.failed`) per day, ascending. */
export function failedSignInsPerDay(entries: readonly AuditEntry[]): { day: string; failed: number }[] {
  const counts = new Map<string, number>();
  for (const entry of entries) if (entry.action === 'user.login.failed') counts.set(dayOf(entry.timestamp), (counts.get(dayOf(entry.timestamp)) ?? 0) + 1);
  return [...counts].map(([day, failed]) => ({ day, failed })).sort((a, b) => a.day.localeCompare(b.day));
}

/** The most active actors, most entries first (at most `limit`). */
export function topActors(entries: readonly AuditEntry[], limit = 10): { actor: string; entries: number }[] {
  const counts = new Map<string, number>();
  for (const entry of entries) {
    const actor = `${entry.actor.type}:${entry.actor.id}`;
    counts.set(actor, (counts.get(actor) ?? 0) + 1);
  }
  return [...counts]
    .map(([actor, count]) => ({ actor, entries: count }))
    .sort((a, b) => b.entries - a.entries || a.actor.localeCompare(b.actor))
    .slice(0, limit);
}

export interface AuditFilters {
  action: string;
  actor: string;
  target: string;
  text: string;
  fromDate: string;
  toDate: string;
}

/** The audit list's `query` language (README, Audit log): `action:`, `actor:`, `target:` terms and free text. */
export function auditQuery(filters: AuditFilters): string {
  const term = (name: string, value: string) => (value.trim() ? `${name}:${value.trim()}` : '');
  const text = filters.text.trim();
  const quoted = text && /\s/.test(text) && !text.startsWith('"') ? `"${text.replace(/"/g, '')}"` : text;
  return [term('action', filters.action), term('actor', filters.actor), term('target', filters.target), quoted].filter(Boolean).join(' ');
}
