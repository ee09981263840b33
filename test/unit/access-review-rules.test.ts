import { describe, expect, it } from 'vitest';
import { assignReviewer, recommend, reprovisioned } from '../../shared/governance/access-review-items.ts';
import { removesLastOwner, type OwnerSources } from '../../shared/governance/access-review-apply.ts';
import { nextOccurrence, progressOf } from '../../shared/governance/access-reviews.ts';
import type { ReviewItemRecord } from '../../shared/storage/access-reviews.ts';

const DAY = 86_400_000;
const now = Date.parse('2026-11-30T12:00:00Z');
const daysAgo = (days: number) => new Date(now - days * DAY).toISOString();

describe('recommendations', () => {
  it('recommend revoking after N days without sign-in, and keeping recent users', () => {
    expect(recommend({ active: true, lastSignInAt: daysAgo(31), createdAt: daysAgo(400) }, now, 30)).toEqual({
      recommendation: 'revoke',
      reason: 'No sign-in for 31 days (last sign-in 2026-10-30; threshold 30 days).',
    });
    expect(recommend({ active: true, lastSignInAt: daysAgo(29), createdAt: daysAgo(400) }, now, 30).recommendation).toBe('approve');
    expect(recommend({ active: true, lastSignInAt: daysAgo(30), createdAt: daysAgo(400) }, now, 30).recommendation).toBe('revoke');
  });

  it('judge accounts that never signed in by their age, and always recommend revoking a disabled account', () => {
    expect(recommend({ active: true, createdAt: daysAgo(45) }, now, 30).reason).toBe('Never signed in; the account is 45 days old (threshold 30 days).');
    expect(recommend({ active: true, createdAt: daysAgo(3) }, now, 30).recommendation).toBe('approve');
    expect(recommend({ active: false, lastSignInAt: daysAgo(1), createdAt: daysAgo(3) }, now, 30)).toEqual({ recommendation: 'revoke', reason: 'The account is disabled.' });
  });

  it('mark access from IdPs and directories as provisioned back', () => {
    expect(['scim', 'ldap', 'activeDirectory', 'local', 'saml-jit', undefined].map(reprovisioned)).toEqual([true, true, true, false, false, false]);
  });
});

describe('reviewer assignment', () => {
  const active = (id: string) => id !== 'gone';
  it("gives a user's items to the manager, else the fallback, never to the user", () => {
    const config = { kind: 'manager', fallbackReviewerId: 'fallback' } as const;
    expect(assignReviewer('u1', 'boss', config, 0, active)).toBe('boss');
    expect(assignReviewer('u1', null, config, 0, active)).toBe('fallback');
    expect(assignReviewer('u1', 'gone', config, 0, active)).toBe('fallback');
    expect(assignReviewer('u1', 'u1', config, 0, active)).toBe('fallback');
    expect(assignReviewer('fallback', null, config, 0, active)).toBeNull();
  });

  it('shares users among named reviewers in turn, skipping the user themself', () => {
    const config = { kind: 'named' as const, reviewerIds: ['r1', 'r2'] };
    expect([0, 1, 2, 3].map((turn) => assignReviewer('u', null, config, turn, active))).toEqual(['r1', 'r2', 'r1', 'r2']);
    expect(assignReviewer('r1', null, config, 0, active)).toBe('r2');
    expect(assignReviewer('r1', null, { kind: 'named', reviewerIds: ['r1'] }, 0, active)).toBeNull();
  });
});

describe('the last-Owner rail', () => {
  const owners = (entries: Record<string, string[]>): OwnerSources => new Map(Object.entries(entries).map(([id, sources]) => [id, new Set(sources)]));
  const membership = (userId: string, groupId: string) => ({ userId, entitlement: { kind: 'groupMembership' as const, groupId, groupName: 'g', groupSource: 'scim' } });
  const ownerRole = (userId: string) => ({ userId, entitlement: { kind: 'role' as const, roleId: 'owner', roleName: 'Owner', via: 'direct' as const } });
  const account = (userId: string) => ({ userId, entitlement: { kind: 'account' as const, userSource: 'local', connectionId: null, department: null } });

  it('refuses a revoke that leaves no Owner, whatever removes the role', () => {
    const alone = owners({ o: ['direct'] });
    expect(removesLastOwner(alone, ownerRole('o'))).toBe(true);
    expect(removesLastOwner(alone, account('o'))).toBe(true);
    expect(removesLastOwner(owners({ o: ['team'] }), membership('o', 'team'))).toBe(true);
  });

  it('allows it while another Owner remains or the user keeps the role another way', () => {
    expect(removesLastOwner(owners({ o: ['direct'], p: ['team'] }), ownerRole('o'))).toBe(false);
    expect(removesLastOwner(owners({ o: ['direct', 'team'] }), membership('o', 'team'))).toBe(false);
    expect(removesLastOwner(owners({ o: ['direct'] }), membership('o', 'other-group'))).toBe(false);
    expect(removesLastOwner(owners({ o: ['direct'] }), account('someone-else'))).toBe(false);
  });
});

describe('campaign progress and recurrence', () => {
  const item = (reviewerId: string, decision?: 'approve' | 'revoke', status: ReviewItemRecord['application']['status'] = 'notApplicable') =>
    ({ reviewerId, decision: decision ? { decision } : undefined, application: { status } }) as unknown as ReviewItemRecord;

  it('counts pending, approved and revoked items, the percentage, and overdue reviewers after the due date', () => {
    const items = [item('a'), item('a'), item('b'), item('b', 'approve'), item('c', 'revoke', 'applied'), item('c', 'revoke', 'blocked')];
    const before = progressOf(items, '2026-12-01T00:00:00Z', now);
    expect(before).toEqual({ total: 6, pending: 3, approved: 1, revoked: 2, percentComplete: 50, applied: 1, awaitingConfirmation: 0, blocked: 1, overdueReviewers: [] });
    expect(progressOf(items, '2026-11-01T00:00:00Z', now).overdueReviewers).toEqual([{ reviewerId: 'a', pending: 2 }, { reviewerId: 'b', pending: 1 }]);
    expect(progressOf([], '2026-11-01T00:00:00Z', now).percentComplete).toBe(100);
  });

  it('starts the next occurrence one calendar period later', () => {
    expect(nextOccurrence('2026-11-30T09:00:00.000Z', 'quarterly')).toBe('2027-02-28T09:00:00.000Z');
    expect(nextOccurrence('2027-11-30T09:00:00.000Z', 'quarterly')).toBe('2028-02-29T09:00:00.000Z');
    expect(nextOccurrence('2026-01-15T09:00:00.000Z', 'monthly')).toBe('2026-02-15T09:00:00.000Z');
    expect(nextOccurrence('2026-01-15T09:00:00.000Z', 'annually')).toBe('2027-01-15T09:00:00.000Z');
  });
});
