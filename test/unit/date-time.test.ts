import { describe, expect, it } from 'vitest';
import { parseDateTime, parseFullDate } from '../../shared/http/date-time.ts';
import { campaignCreateBody } from '../../shared/governance/access-review-schemas.ts';
import { syncHistoryRequest } from '../../shared/directory/sync-schemas.ts';

describe('RFC 3339 dates against the calendar', () => {
  it('refuses days that do not exist instead of rolling them over', () => {
    for (const value of ['2025-02-29', '2025-02-30', '2025-04-31', '2025-13-01', '2025-00-10', '2025-01-00', '1900-02-29']) expect(parseFullDate(value), value).toBeUndefined();
    expect(parseFullDate('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(parseFullDate('2000-02-29')).toBe(Date.UTC(2000, 1, 29));
    for (const value of ['2027-02-30T00:00:00Z', '2025-02-29T12:00:00Z', '2025-01-01T24:00:00Z', '2025-01-01T08:60:00Z', '2025-01-01T08:00:60Z', '2025-01-01T08:00:00+24:00', '2025-01-01T08:00:00', '2025-01-01 08:00:00Z']) {
      expect(parseDateTime(value), value).toBeUndefined();
    }
  });

  it('accepts real date-times, lower-case t and z (RFC 3339 §5.6), offsets and fractions', () => {
    expect(parseDateTime('2025-01-01t08:00:00z')).toBe(Date.UTC(2025, 0, 1, 8));
    expect(parseDateTime('2025-01-01T08:00Z')).toBe(Date.UTC(2025, 0, 1, 8));
    expect(parseDateTime('2025-01-01T10:00:00.5+02:00')).toBe(Date.UTC(2025, 0, 1, 8, 0, 0, 500));
    expect(parseDateTime('2024-02-29T23:59:59Z')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59));
  });

  it('the sync history `since` and the campaign `dueAt` share the rule', () => {
    const since = (value: string) => syncHistoryRequest.query.safeParse({ since: value });
    expect(since('2025-02-30').success).toBe(false);
    expect(since('2025-02-29').success).toBe(false);
    expect(since('2024-02-29').data?.since).toBe(Date.UTC(2024, 1, 29));
    expect(since('2025-01-01t08:00:00z').data?.since).toBe(Date.UTC(2025, 0, 1, 8));
    const body = { name: 'Review', scope: { kind: 'department', department: 'Finance' }, reviewers: { kind: 'named', reviewerIds: ['00000000-0000-4000-8000-000000000001'] } };
    const due = (dueAt: string) => campaignCreateBody().safeParse({ ...body, dueAt });
    const refused = due('2027-02-30T00:00:00Z');
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]).toMatchObject({ path: ['dueAt'], message: expect.stringMatching(/day that exists/) });
    expect(due('2027-02-28t17:00:00z').error?.issues).toBeUndefined();
    expect(due('2027-02-28T19:00:00+02:00').data?.dueAt).toBe('2027-02-28T17:00:00.000Z');
  });
});
