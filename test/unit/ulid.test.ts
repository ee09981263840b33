import { describe, expect, it } from 'vitest';
import { ulid, ulidBounds, ulidTime } from '../../shared/audit/ulid.ts';

describe('ULIDs for audit entries', () => {
  it('are 26 Crockford base32 characters and sort by time', () => {
    const early = ulid(1_700_000_000_000);
    const late = ulid(1_700_000_000_001);
    expect(early).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(early < late).toBe(true);
  });

  it('stay strictly increasing within one millisecond', () => {
    const ids = Array.from({ length: 1000 }, () => ulid(1_800_000_000_000));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(1000);
  });

  it('bound every id of a millisecond for time-range key conditions', () => {
    const { lowest, highest } = ulidBounds(1_750_000_000_000);
    const id = ulid(1_750_000_000_000);
    expect(lowest <= id && id <= highest).toBe(true);
    expect(ulid(1_750_000_000_001) > highest).toBe(true);
  });

  it('give back the millisecond they encode (the audit list reports where a search window ends)', () => {
    for (const time of [0, 1_700_000_000_123, 1_800_000_000_999]) expect(ulidTime(ulid(time))).toBe(time);
    expect(ulidTime(ulidBounds(1_750_000_000_000).highest)).toBe(1_750_000_000_000);
    expect(ulidTime('not-a-ulid')).toBeNaN();
  });

  it('order a resume position: the id plus "0" is above the id and below every later id', () => {
    const id = ulid(1_750_000_000_000);
    const later = ulid(1_750_000_000_000);
    expect(`${id}0` > id).toBe(true);
    expect(`${id}0` < later).toBe(true);
  });
});
