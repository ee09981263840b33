import { describe, expect, it } from 'vitest';
import { directorySignInOf, fileTimeMs, generalizedTimeMs } from '../../shared/directory/sync-read.ts';
import { newerSignIns } from '../../shared/directory/sync-sign-ins.ts';
import { snapshotOf } from '../../shared/directory/sync-objects.ts';

describe('directory sign-in times', () => {
  it('reads LDAP GeneralizedTime and Active Directory FILETIME values', () => {
    expect(generalizedTimeMs('20261130120000Z')).toBe(Date.parse('2026-11-30T12:00:00Z'));
    expect(generalizedTimeMs('20261130120000.250Z')).toBe(Date.parse('2026-11-30T12:00:00.250Z'));
    expect(generalizedTimeMs('2026-11-30')).toBeUndefined();
    // 2026-11-30T12:00:00Z in 100-ns intervals since 1601-01-01.
    const ticks = (BigInt(Date.parse('2026-11-30T12:00:00Z')) * 10_000n + 116_444_736_000_000_000n).toString();
    expect(fileTimeMs(ticks)).toBe(Date.parse('2026-11-30T12:00:00Z'));
    expect(fileTimeMs('0')).toBeUndefined();
    expect(fileTimeMs('9223372036854775807')).toBeUndefined();
    expect(fileTimeMs('soon')).toBeUndefined();
  });

  it('takes the latest of pwdLastSuccess and authTimestamp, and keeps neither in the attribute snapshot', () => {
    const entry = { dn: 'uid=grace,ou=people,dc=example,dc=test', attributes: { uid: ['grace'], pwdLastSuccess: ['20261101080000Z'], authTimestamp: ['20261102090000Z'] } };
    const read = entry as unknown as Parameters<typeof directorySignInOf>[0];
    expect(directorySignInOf(read, 'ldap')).toBe('2026-11-02T09:00:00.000Z');
    expect(Object.keys(snapshotOf(read).attributes).map((name) => name.toLowerCase())).not.toContain('pwdlastsuccess');
    expect(directorySignInOf({ dn: 'x', attributes: {} } as unknown as Parameters<typeof directorySignInOf>[0], 'ldap')).toBeUndefined();
  });

  it('records only sign-ins later than the stored one, of users already stored', () => {
    const stored = new Map([
      ['d1', { id: 'u1', lastSignInAt: '2026-11-01T00:00:00.000Z' }],
      ['d2', { id: 'u2', lastSignInAt: '2026-11-05T00:00:00.000Z' }],
      ['d3', { id: 'u3', lastSignInAt: undefined }],
    ]);
    const read = [
      { directoryId: 'd1', lastSignInAt: '2026-11-02T00:00:00.000Z' },
      { directoryId: 'd2', lastSignInAt: '2026-11-04T00:00:00.000Z' },
      { directoryId: 'd3', lastSignInAt: '2026-11-03T00:00:00.000Z' },
      { directoryId: 'd4', lastSignInAt: '2026-11-03T00:00:00.000Z' },
      { directoryId: 'd1', lastSignInAt: undefined },
    ];
    expect(newerSignIns(read, stored)).toEqual([
      { userId: 'u1', at: '2026-11-02T00:00:00.000Z' },
      { userId: 'u3', at: '2026-11-03T00:00:00.000Z' },
    ]);
  });
});
