/**
 * The arithmetic of leased rate limiting (pure: no I/O, no clock of its own). A function instance
 * leases a slice of the current minute's allowance from the shared counter with one conditional
 * write, spends it locally one request at a time, and gives back what it did not spend with its
 * next lease write in the same hour (shared/rate-limits/leased-rate-limiter.ts does the I/O).
 *
 * Windows are the fixed windows of the exact limiter (shared/rate-limits/rate-limiter.ts): the
 * minute `minute` (0–59) of the hour starting at `hourStart`, and that hour. A lease always belongs
 * to one minute, so it never outlives its window; the hour is charged the same units.
 *
 * The bound (README, "Rate limits"): the shared counter never passes a limit, because each lease
 * is conditioned on `count + slice <= limit` (a smaller slice is taken near the limit), so at most
 * `limit` requests are admitted per window. A caller is refused only when the counter is full; at
 * that moment every other instance holds at most `slice - 1` unspent units, so with K instances
 * serving the caller at least `limit - (K - 1) × (maxLeaseSlice - 1)` requests were admitted
 * before the first refusal (the held units are spent by their instances, or lost to that window).
 */
import type { RateLimit, RateLimitState } from './rate-limiter.ts';
import { windowsState } from './rate-limiter.ts';

/** A lease is at most this fraction (1/100) of the smaller limit: K instances hold at most (K - 1)% of a window unspent. */
export const LEASE_SLICE_DIVISOR = 100;
/** The first lease of an instance in a window (then doubled while it keeps running out). */
export const FIRST_LEASE_SIZE = 2;

/** One fixed minute window: the hour's start (epoch ms, whole hour) and the minute in it (0–59). */
export interface MinuteWindow {
  hourStart: number;
  minute: number;
}

/** Allowance leased from an earlier minute of the same hour and not spent: handed back with the next write. */
export interface GiveBack {
  minute: number;
  units: number;
}

/** What one instance holds for one subject. */
export interface Lease {
  window: MinuteWindow;
  /** Units leased for this window and not yet spent by this instance. */
  unspent: number;
  /** Size of this instance's last lease in this window (0 before the first): the next one doubles it. */
  lastSize: number;
  /**
   * The shared counter as this instance last saw it (after its own last write, or as a refused
   * write found it): lower bounds, since only other instances' give-backs lower the hour.
   */
  minuteCount: number;
  hourCount: number;
  /** The counter refused this window: the rest of the minute is refused without a write. */
  exhausted: boolean;
  /** Unspent units of earlier minutes of this hour, returned with the next lease write. */
  giveBack: GiveBack[];
}

/** The write a lease needs: `units` more for `window`, and the give-backs it carries. */
export interface LeasePlan {
  window: MinuteWindow;
  units: number;
  /** The minute's count may be at most this before the write (`perMinute - units`). */
  maxMinuteBefore: number;
  /** The hour's count may be at most this before the write (`perHour - units + given back`). */
  maxHourBefore: number;
  giveBack: GiveBack[];
}

/** The counter's values as a lease write left them (granted) or found them (refused). */
export interface CounterValues {
  minuteCount: number;
  hourCount: number;
}

/** The minute window containing `now` (epoch ms). */
export function windowAt(now: number): MinuteWindow {
  const hourStart = Math.floor(now / 3_600_000) * 3_600_000;
  return { hourStart, minute: Math.floor((now - hourStart) / 60_000) };
}

function windowOrder(window: MinuteWindow): number {
  return window.hourStart + window.minute * 60_000;
}

/**
 * The largest slice an instance leases at once: 1/100 of the smaller limit, at least 1 (so a
 * limit under 200 is counted one request per write, exactly, as without leasing).
 */
export function maxLeaseSlice(limit: RateLimit): number {
  return Math.max(1, Math.floor(Math.min(limit.perMinute, limit.perHour) / LEASE_SLICE_DIVISOR));
}

/** A fresh lease for `window`: nothing held, nothing known. */
export function emptyLease(window: MinuteWindow): Lease {
  return { window, unspent: 0, lastSize: 0, minuteCount: 0, hourCount: 0, exhausted: false, giveBack: [] };
}

/**
 * The lease for the window of `now`: the same one while its minute lasts; else a fresh one that
 * carries the old lease's unspent units (and give-backs not yet written) as give-backs when the
 * hour is the same — returning them to an ended hour would free nothing. Windows only move
 * forward: a clock read just behind the lease's window keeps the lease.
 */
export function rollover(lease: Lease, now: number): Lease {
  const window = windowAt(now);
  if (windowOrder(window) <= windowOrder(lease.window)) return lease;
  const next = emptyLease(window);
  if (window.hourStart !== lease.window.hourStart) return next;
  next.giveBack = [...lease.giveBack, ...(lease.unspent > 0 ? [{ minute: lease.window.minute, units: lease.unspent }] : [])];
  // Our give-backs will lower the hour by what they carry: the hour we know, less that.
  next.hourCount = Math.max(0, lease.hourCount - givenBack(next.giveBack));
  return next;
}

/** Units the give-backs carry. */
export function givenBack(giveBack: readonly GiveBack[]): number {
  return giveBack.reduce((sum, entry) => sum + entry.units, 0);
}

/** Takes one unit for a request; false when the lease holds none. */
export function spendOne(lease: Lease): boolean {
  if (lease.unspent <= 0) return false;
  lease.unspent -= 1;
  return true;
}

/** What is left in the window as this instance knows it: the smaller of the minute's and the hour's room. */
export function knownRoom(lease: Lease, limit: RateLimit): number {
  return Math.min(limit.perMinute - lease.minuteCount, limit.perHour - lease.hourCount);
}

/**
 * The next lease write for `waiting` queued requests, or undefined when the counter as last seen
 * has no room (the lease is then marked exhausted). Size: the queued requests, or double the last
 * lease (FIRST_LEASE_SIZE first), at most {@link maxLeaseSlice} and at most the known room.
 */
export function planLease(lease: Lease, limit: RateLimit, waiting: number): LeasePlan | undefined {
  const room = knownRoom(lease, limit);
  if (room < 1) {
    lease.exhausted = true;
    return undefined;
  }
  const wanted = Math.max(waiting, lease.lastSize > 0 ? lease.lastSize * 2 : FIRST_LEASE_SIZE);
  const units = Math.max(1, Math.min(wanted, maxLeaseSlice(limit), room));
  const back = givenBack(lease.giveBack);
  return {
    window: lease.window,
    units,
    maxMinuteBefore: limit.perMinute - units,
    maxHourBefore: limit.perHour - units + back,
    giveBack: lease.giveBack,
  };
}

/** The counter granted `plan`: its units are this instance's to spend, its give-backs are written. */
export function applyGrant(lease: Lease, plan: LeasePlan, counter: CounterValues): void {
  lease.unspent += plan.units;
  lease.lastSize = plan.units;
  lease.minuteCount = counter.minuteCount;
  lease.hourCount = counter.hourCount;
  lease.giveBack = [];
}

/**
 * The counter refused `plan` (its condition failed) and showed its values. With room left (another
 * instance took part of it meanwhile) the next plan asks for what is left; without, the window is
 * exhausted. Give-backs stay pending for the next write (they were not written).
 * @returns true when the window is exhausted.
 */
export function applyRefusal(lease: Lease, limit: RateLimit, counter: CounterValues): boolean {
  lease.minuteCount = counter.minuteCount;
  lease.hourCount = Math.max(0, counter.hourCount - givenBack(lease.giveBack));
  lease.exhausted = knownRoom(lease, limit) < 1;
  return lease.exhausted;
}

function windowsOf(lease: Lease, limit: RateLimit, minuteCount: number, hourCount: number) {
  const { hourStart, minute } = lease.window;
  return [
    { limit: limit.perMinute, count: minuteCount, endsAt: hourStart + (minute + 1) * 60_000, name: `${limit.perMinute} requests per minute` },
    { limit: limit.perHour, count: hourCount, endsAt: hourStart + 3_600_000, name: `${limit.perHour} requests per hour` },
  ] as const;
}

/**
 * The caller's state after an admitted request. The counter holds every instance's leased units,
 * spent or not; what this instance still holds is not used yet, so the count published is the
 * counter less this instance's unspent units, and `remaining` = limit − counter + unspent: never
 * more than the caller can still get, less by what other instances hold unspent.
 */
export function admittedState(lease: Lease, limit: RateLimit, now: number): RateLimitState {
  return windowsState(windowsOf(lease, limit, lease.minuteCount - lease.unspent, lease.hourCount - lease.unspent), now);
}

/**
 * The caller's state for a refused request: counted as the exact limiter counts a refused request
 * (the full counter plus this one), so the exhausted windows are exceeded and `retryAfterSeconds`
 * runs to the end of the last of them.
 */
export function refusedState(lease: Lease, limit: RateLimit, now: number): RateLimitState {
  return windowsState(windowsOf(lease, limit, lease.minuteCount + 1, lease.hourCount + 1), now);
}
