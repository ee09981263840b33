import { describe, expect, it } from 'vitest';
import {
  admittedState,
  applyGrant,
  applyRefusal,
  emptyLease,
  FIRST_LEASE_SIZE,
  maxLeaseSlice,
  planLease,
  refusedState,
  rollover,
  spendOne,
  windowAt,
  type Lease,
  type LeasePlan,
} from '../../shared/rate-limits/lease.ts';

const SCIM = { perMinute: 6000, perHour: 300_000 };
const HOUR = Date.UTC(2026, 10, 30, 20, 0, 0);
const at = (minute: number, second = 0) => HOUR + minute * 60_000 + second * 1000;

/** What the counter item does with a lease write: the condition, then the additions. */
function counterWrite(counter: { minutes: Map<number, number>; hour: number }, plan: LeasePlan) {
  const minuteBefore = counter.minutes.get(plan.window.minute) ?? 0;
  if (minuteBefore > plan.maxMinuteBefore || counter.hour > plan.maxHourBefore) return { granted: false, minuteCount: minuteBefore, hourCount: counter.hour };
  counter.minutes.set(plan.window.minute, minuteBefore + plan.units);
  for (const back of plan.giveBack) counter.minutes.set(back.minute, (counter.minutes.get(back.minute) ?? 0) - back.units);
  counter.hour += plan.units - plan.giveBack.reduce((sum, back) => sum + back.units, 0);
  return { granted: true, minuteCount: minuteBefore + plan.units, hourCount: counter.hour };
}

function grant(lease: Lease, limit = SCIM, waiting = 1, counter = { minuteCount: 0, hourCount: 0 }): LeasePlan {
  const plan = planLease(lease, limit, waiting);
  if (!plan) throw new Error('no plan');
  applyGrant(lease, plan, { minuteCount: counter.minuteCount + plan.units, hourCount: counter.hourCount + plan.units });
  return plan;
}

describe('slice sizing', () => {
  it('leases at most 1/100 of the smaller limit, and one request at a time below 200', () => {
    expect(maxLeaseSlice(SCIM)).toBe(60);
    expect(maxLeaseSlice({ perMinute: 60, perHour: 1000 })).toBe(1);
    expect(maxLeaseSlice({ perMinute: 199, perHour: 100_000 })).toBe(1);
    expect(maxLeaseSlice({ perMinute: 100_000, perHour: 400 })).toBe(4);
  });

  it('starts small, doubles while the instance keeps running out, and stops at the slice', () => {
    const lease = emptyLease(windowAt(at(3)));
    const sizes: number[] = [];
    for (let i = 0; i < 8; i++) {
      sizes.push(grant(lease).units);
      lease.unspent = 0;
    }
    expect(sizes).toEqual([FIRST_LEASE_SIZE, 4, 8, 16, 32, 60, 60, 60]);
  });

  it('sizes a lease to the requests queued behind it, within the slice', () => {
    expect(planLease(emptyLease(windowAt(at(3))), SCIM, 32)?.units).toBe(32);
    expect(planLease(emptyLease(windowAt(at(3))), SCIM, 500)?.units).toBe(60);
  });

  it('takes a smaller slice near the limit, conditioned so that the counter cannot pass it', () => {
    const lease = emptyLease(windowAt(at(3)));
    applyRefusal(lease, SCIM, { minuteCount: 5990, hourCount: 20_000 });
    const plan = planLease(lease, SCIM, 40);
    expect(plan).toMatchObject({ units: 10, maxMinuteBefore: 5990, maxHourBefore: 299_990 });
  });
});

describe('refusal', () => {
  it('marks the window exhausted when the counter is full, and refuses until the minute ends', () => {
    const lease = emptyLease(windowAt(at(7, 15)));
    expect(applyRefusal(lease, SCIM, { minuteCount: 6000, hourCount: 40_000 })).toBe(true);
    expect(planLease(lease, SCIM, 1)).toBeUndefined();
    const state = refusedState(lease, SCIM, at(7, 15));
    expect(state).toMatchObject({ limit: 6000, remaining: 0, retryAfterSeconds: 45, exceeded: '6000 requests per minute' });
  });

  it('waits for the hour when the hour is exhausted too', () => {
    const lease = emptyLease(windowAt(at(7, 15)));
    applyRefusal(lease, SCIM, { minuteCount: 6000, hourCount: 300_000 });
    expect(refusedState(lease, SCIM, at(7, 15))).toMatchObject({ retryAfterSeconds: 52 * 60 + 45, exceeded: '300000 requests per hour' });
  });

  it('retries with what is left when another instance took part of the room meanwhile', () => {
    const lease = emptyLease(windowAt(at(7)));
    expect(applyRefusal(lease, SCIM, { minuteCount: 5997, hourCount: 5997 })).toBe(false);
    expect(planLease(lease, SCIM, 10)?.units).toBe(3);
  });
});

describe('return of unused allowance and window rollover', () => {
  it('gives back what was not spent with the next lease in the same hour', () => {
    const lease = emptyLease(windowAt(at(4)));
    grant(lease, SCIM, 1, { minuteCount: 100, hourCount: 900 });
    expect(spendOne(lease)).toBe(true);
    expect(lease.unspent).toBe(1);
    const next = rollover(lease, at(5, 2));
    expect(next.window).toEqual({ hourStart: HOUR, minute: 5 });
    expect(next.giveBack).toEqual([{ minute: 4, units: 1 }]);
    expect(next.unspent).toBe(0);
    const plan = planLease(next, SCIM, 1);
    // The hour may hold one more before the write: the write itself hands one back.
    expect(plan).toMatchObject({ units: FIRST_LEASE_SIZE, maxHourBefore: 300_000 - FIRST_LEASE_SIZE + 1, giveBack: [{ minute: 4, units: 1 }] });
    applyGrant(next, plan as LeasePlan, { minuteCount: 2, hourCount: 902 });
    expect(next.giveBack).toEqual([]);
  });

  it('keeps a give-back that was not written for the next write, and drops it when the hour ends', () => {
    const lease = emptyLease(windowAt(at(58)));
    grant(lease);
    const minute59 = rollover(lease, at(59));
    expect(applyRefusal(minute59, SCIM, { minuteCount: 6000, hourCount: 100_000 })).toBe(true);
    expect(minute59.giveBack).toEqual([{ minute: 58, units: FIRST_LEASE_SIZE }]);
    const nextHour = rollover(minute59, at(60, 1));
    expect(nextHour.window).toEqual({ hourStart: HOUR + 3_600_000, minute: 0 });
    expect(nextHour.giveBack).toEqual([]);
    expect(nextHour.exhausted).toBe(false);
  });

  it('starts every minute afresh (an exhausted minute does not carry over) and never moves back', () => {
    const lease = emptyLease(windowAt(at(9)));
    applyRefusal(lease, SCIM, { minuteCount: 6000, hourCount: 6000 });
    expect(rollover(lease, at(9, 59))).toBe(lease);
    expect(rollover(lease, at(8, 59))).toBe(lease);
    const next = rollover(lease, at(10));
    expect(next.exhausted).toBe(false);
    expect(next.hourCount).toBe(6000);
    expect(planLease(next, SCIM, 1)?.units).toBe(FIRST_LEASE_SIZE);
  });
});

describe('published state', () => {
  it('reports remaining as the limit less the counter plus what this instance still holds', () => {
    const lease = emptyLease(windowAt(at(12, 30)));
    const plan = planLease(lease, SCIM, 10) as LeasePlan;
    applyGrant(lease, plan, { minuteCount: 1210, hourCount: 50_010 });
    spendOne(lease);
    // 1,210 leased in all, 9 of them held here unspent: 1,201 taken, 4,799 left at most.
    expect(admittedState(lease, SCIM, at(12, 30))).toEqual({ limit: 6000, remaining: 4799, resetAt: Math.ceil(at(13) / 1000) });
  });
});

describe('the bound, K instances against one counter', () => {
  it('never admits more than the limit, and refuses only after limit − (K−1)·(slice−1) admissions', () => {
    const limit = { perMinute: 1000, perHour: 100_000 };
    const slice = maxLeaseSlice(limit);
    for (const instances of [1, 4, 16]) {
      for (let seed = 1; seed <= 20; seed++) {
        let random = seed * 7919;
        const next = () => (random = (random * 48271) % 2147483647) / 2147483647;
        const counter = { minutes: new Map<number, number>(), hour: 0 };
        const leases = Array.from({ length: instances }, () => emptyLease(windowAt(at(20))));
        let admitted = 0;
        let admittedAtFirstRefusal: number | undefined;
        for (let request = 0; request < 3000; request++) {
          const lease = leases[Math.floor(next() * instances)] as Lease;
          let served: boolean | undefined;
          for (let attempt = 0; attempt < 20 && served === undefined; attempt++) {
            if (spendOne(lease)) served = true;
            else if (lease.exhausted) served = false;
            else {
              const plan = planLease(lease, limit, 1 + Math.floor(next() * 40));
              if (!plan) continue;
              const outcome = counterWrite(counter, plan);
              if (outcome.granted) applyGrant(lease, plan, outcome);
              else applyRefusal(lease, limit, outcome);
            }
          }
          if (served) admitted++;
          else admittedAtFirstRefusal ??= admitted;
        }
        expect(counter.minutes.get(20)).toBeLessThanOrEqual(limit.perMinute);
        expect(admitted).toBeLessThanOrEqual(limit.perMinute);
        expect(admittedAtFirstRefusal).toBeGreaterThanOrEqual(limit.perMinute - (instances - 1) * (slice - 1));
        if (instances === 1) expect(admitted).toBe(limit.perMinute);
      }
    }
  });
});
