import { describe, expect, it } from 'vitest';
import { isTimeZone, nextFireTimes, rateMs, scheduleProblem } from '../../shared/workers/schedule-expressions.ts';
import { validateWorkerTable, type WorkerDefinition } from '../../shared/workers.ts';

const at = (iso: string): number => Date.parse(iso);
const iso = (times: number[]): string[] => times.map((time) => new Date(time).toISOString());

describe('sync schedule expressions (EventBridge Scheduler syntax)', () => {
  it('accepts rate expressions with the singular only for 1, and anchors them to multiples of their period', () => {
    expect(rateMs('rate(15 minutes)')).toBe(900_000);
    expect(rateMs('rate(1 hour)')).toBe(3_600_000);
    expect(rateMs('rate(2 days)')).toBe(172_800_000);
    for (const bad of ['rate(1 hours)', 'rate(2 hour)', 'rate(0 minutes)', 'rate(5 seconds)', 'rate( 5 minutes)', 'rate(5minutes)', 'rate(-1 days)']) expect(rateMs(bad), bad).toBeUndefined();
    expect(iso(nextFireTimes({ expression: 'rate(15 minutes)' }, at('2026-11-30T10:07:30Z'), 3))).toEqual(['2026-11-30T10:15:00.000Z', '2026-11-30T10:30:00.000Z', '2026-11-30T10:45:00.000Z']);
    expect(iso(nextFireTimes({ expression: 'rate(1 hour)' }, at('2026-11-30T10:00:00Z'), 1))).toEqual(['2026-11-30T11:00:00.000Z']);
  });

  it('evaluates cron in its time zone, with Quartz weekdays (1 = Sunday), L, W and #', () => {
    // 02:00 in Berlin on weekdays is 01:00 UTC in winter.
    expect(iso(nextFireTimes({ expression: 'cron(0 2 ? * MON-FRI *)', timezone: 'Europe/Berlin' }, at('2026-12-04T12:00:00Z'), 2))).toEqual(['2026-12-07T01:00:00.000Z', '2026-12-08T01:00:00.000Z']);
    expect(iso(nextFireTimes({ expression: 'cron(0 2 ? * 2-6 *)', timezone: 'Europe/Berlin' }, at('2026-12-04T12:00:00Z'), 1))).toEqual(['2026-12-07T01:00:00.000Z']);
    expect(iso(nextFireTimes({ expression: 'cron(15 10 ? * 6L *)' }, at('2026-12-01T00:00:00Z'), 1))).toEqual(['2026-12-25T10:15:00.000Z']);
    expect(iso(nextFireTimes({ expression: 'cron(0 9 ? * MON#1 *)' }, at('2026-12-01T00:00:00Z'), 1))).toEqual(['2026-12-07T09:00:00.000Z']);
    expect(iso(nextFireTimes({ expression: 'cron(0 0 L * ? *)' }, at('2027-02-01T00:00:00Z'), 1))).toEqual(['2027-02-28T00:00:00.000Z']);
    expect(iso(nextFireTimes({ expression: 'cron(0/30 8-9 1 JAN ? 2027)' }, at('2026-12-01T00:00:00Z'), 5))).toEqual([
      '2027-01-01T08:00:00.000Z',
      '2027-01-01T08:30:00.000Z',
      '2027-01-01T09:00:00.000Z',
      '2027-01-01T09:30:00.000Z',
    ]);
  });

  it('refuses malformed expressions, unknown time zones and time zones on rates, naming the problem', () => {
    const problem = (expression: string, timezone?: string) => scheduleProblem({ expression, timezone }, 15);
    expect(problem('rate(6 hours)')).toBeUndefined();
    expect(problem('cron(0 2 ? * MON-FRI *)', 'Europe/Berlin')).toBeUndefined();
    expect(problem('cron(0/15 * * * ? *)')).toBeUndefined();
    expect(problem('every day')).toMatch(/must be rate\(.*\) or cron\(/);
    expect(problem('rate(1 hours)')).toMatch(/singular for 1/);
    expect(problem('cron(0 2 * * *)')).toMatch(/six fields/);
    expect(problem('cron(0 2 * * MON *)')).toMatch(/exactly one of day-of-month and day-of-week must be \?/);
    expect(problem('cron(0 2 ? * ? *)')).toMatch(/exactly one/);
    expect(problem('cron(60 2 * * ? *)')).toMatch(/minutes: 60 is outside 0-59/);
    expect(problem('cron(0 24 * * ? *)')).toMatch(/hours: 24 is outside 0-23/);
    expect(problem('cron(0 2 ? * 0 *)')).toMatch(/day-of-week: 0 is outside 1-7/);
    expect(problem('cron(0 2 ? * FUNDAY *)')).toMatch(/day-of-week/);
    expect(problem('cron(0 2 * * ? 1969)')).toMatch(/year: 1969 is outside 1970-2199/);
    expect(problem('cron(0 2 5-1 * ? *)')).toMatch(/runs backwards/);
    expect(problem('cron(0 2 * * ? 2020)')).toMatch(/never fires again/);
    expect(problem('cron(0 2 * * ? *)', 'Mars/Olympus')).toMatch(/not an IANA time zone/);
    expect(problem('cron(0 2 * * ? *)', '+01:00')).toMatch(/not an IANA time zone/);
    expect(problem('rate(1 day)', 'Europe/Berlin')).toMatch(/timezone applies to cron expressions only/);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('America/Argentina/Buenos_Aires')).toBe(true);
  });

  it('accepts exactly IANA zone names, case-sensitive, and refuses abbreviations with a clear message', () => {
    const problem = (expression: string, timezone?: string) => scheduleProblem({ expression, timezone }, 15);
    for (const zone of ['UTC', 'Etc/UTC', 'Etc/GMT-1', 'Etc/GMT+12', 'Europe/Berlin', 'Asia/Kolkata', 'Europe/Kyiv', 'America/Port_of_Spain']) {
      expect(isTimeZone(zone), zone).toBe(true);
      expect(problem('cron(0 2 * * ? *)', zone), zone).toBeUndefined();
    }
    for (const zone of ['PST', 'EST', 'CET', 'GMT', 'EST5EDT', 'US/Pacific']) {
      expect(isTimeZone(zone), zone).toBe(false);
      expect(problem('cron(0 2 * * ? *)', zone), zone).toMatch(/abbreviation or legacy name.*Area\/Location/);
    }
    expect(problem('cron(0 2 * * ? *)', 'utc')).toMatch(/case-sensitive, use "UTC"/);
    expect(problem('cron(0 2 * * ? *)', 'europe/berlin')).toMatch(/case-sensitive, use "Europe\/Berlin"/);
    expect(problem('cron(0 2 * * ? *)', 'Europe/berlin')).toMatch(/case-sensitive, use "Europe\/Berlin"/);
    expect(problem('cron(0 2 * * ? *)', 'Etc/Gmt-1')).toMatch(/case-sensitive, use "Etc\/GMT-1"/);
    expect(problem('cron(0 2 * * ? *)', 'Etc/GMT-15')).toMatch(/not an IANA time zone/);
    expect(problem('cron(0 2 * * ? *)', 'Europe/Atlantis')).toMatch(/not an IANA time zone/);
  });

  it('enforces the minimum interval for rates and crons', () => {
    expect(scheduleProblem({ expression: 'rate(10 minutes)' }, 15)).toMatch(/more often than every 15 minutes/);
    expect(scheduleProblem({ expression: 'rate(15 minutes)' }, 15)).toBeUndefined();
    expect(scheduleProblem({ expression: 'cron(* * * * ? *)' }, 15)).toMatch(/more often than every 15 minutes/);
    expect(scheduleProblem({ expression: 'cron(0,50 * * * ? *)' }, 15)).toMatch(/more often/);
    // 23:55 and 00:05 the next day are 10 minutes apart.
    expect(scheduleProblem({ expression: 'cron(5,55 0,23 * * ? *)' }, 15)).toMatch(/more often/);
    expect(scheduleProblem({ expression: 'cron(0,30 * * * ? *)' }, 15)).toBeUndefined();
    expect(scheduleProblem({ expression: 'rate(1 minute)' }, 1)).toBeUndefined();
  });
});

describe('managed schedules in the worker table', () => {
  const managed: WorkerDefinition = { id: 'tick', handler: 'functions/workers/tick.ts', trigger: { kind: 'managedSchedules' }, memoryMb: 256, timeoutSeconds: 30, access: { table: 'read' }, summary: 'test row' };
  it('lets routes manage only managedSchedules workers, and nothing start them', () => {
    expect(() => validateWorkerTable([managed], [{ id: 'route', managesSchedules: ['tick'] }])).not.toThrow();
    expect(() => validateWorkerTable([managed], [{ id: 'route', managesSchedules: ['nope'] }])).toThrow('unknown worker nope');
    expect(() => validateWorkerTable([managed, { ...managed, id: 'queued', trigger: { kind: 'async' } }], [{ id: 'route', managesSchedules: ['queued'] }])).toThrow('not managedSchedules');
    expect(() => validateWorkerTable([managed], [{ id: 'route', starts: ['tick'] }])).toThrow('only runs on its schedules');
  });
});
