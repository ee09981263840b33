import { Cron } from 'croner';

/**
 * Schedule expressions as EventBridge Scheduler accepts them (Scheduler User Guide, "Schedule
 * types"), checked strictly here so that what the local runtime accepts AWS accepts too, and with
 * the next fire times computed the same way in both (croner, with Quartz weekday numbering):
 *
 * - `rate(<n> minute|minutes|hour|hours|day|days)` — singular only for 1. The platform anchors a
 *   rate to whole multiples of its period since 1970-01-01T00:00Z (rate(15 minutes) fires at :00,
 *   :15, :30, :45 UTC); in AWS the schedule's StartDate is the first of them.
 * - `cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)` in an IANA time zone
 *   (default UTC): minutes 0-59, hours 0-23, day-of-month 1-31 (also `L`, `<n>W`), month 1-12 or
 *   JAN-DEC, day-of-week 1-7 (1 = Sunday) or SUN-SAT (also `<d>L`, last such weekday, and `<d>#<n>`,
 *   the n-th), year 1970-2199; each field `*`, a value, a range `a-b`, a step `*`/`a`/`a-b` + `/n`,
 *   or a comma list; exactly one of day-of-month and day-of-week is `?`.
 */

export interface ScheduleSpec {
  /** `rate(...)` or `cron(...)`. */
  expression: string;
  /** IANA time zone the cron expression is evaluated in; only with cron (default UTC). */
  timezone?: string | undefined;
}

const RATE = /^rate\((\d{1,6}) (minute|minutes|hour|hours|day|days)\)$/;
const CRON = /^cron\((.*)\)$/;
const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** The period of a rate expression in milliseconds, or undefined when `expression` is not one (EventBridge wants `1 hour`, `2 hours`). */
export function rateMs(expression: string): number | undefined {
  const match = RATE.exec(expression);
  if (!match) return undefined;
  const count = Number(match[1]);
  const unit = (match[2] ?? '').replace(/s$/, '') as keyof typeof UNIT_MS;
  if (count < 1 || (count === 1) !== (unit === match[2])) return undefined;
  return count * UNIT_MS[unit];
}

interface FieldRule {
  name: string;
  min: number;
  max: number;
  names?: string[];
}
const FIELDS: FieldRule[] = [
  { name: 'minutes', min: 0, max: 59 },
  { name: 'hours', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day-of-week', min: 1, max: 7, names: WEEKDAYS },
  { name: 'year', min: 1970, max: 2199 },
];

class ExpressionError extends Error {}

function value(rule: FieldRule, text: string): number {
  const named = rule.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + 1;
  if (!/^\d{1,4}$/.test(text)) throw new ExpressionError(`${rule.name}: "${text}" is not a number${rule.names ? ` or a name (${rule.names[0]}…)` : ''}`);
  const number = Number(text);
  if (number < rule.min || number > rule.max) throw new ExpressionError(`${rule.name}: ${number} is outside ${rule.min}-${rule.max}`);
  return number;
}

/** Checks one ordinary field (values, ranges, steps, lists) and returns it in croner's form. */
function listField(rule: FieldRule, text: string): string {
  return text
    .split(',')
    .map((part) => {
      const [range = '', step, extra] = part.split('/');
      if (extra !== undefined) throw new ExpressionError(`${rule.name}: "${part}" has more than one /`);
      if (step !== undefined && (!/^\d{1,4}$/.test(step) || Number(step) < 1 || Number(step) > rule.max - rule.min + 1)) {
        throw new ExpressionError(`${rule.name}: the step in "${part}" must be a number from 1 to ${rule.max - rule.min + 1}`);
      }
      if (range === '*') return step === undefined ? '*' : `*/${step}`;
      const bounds = range.split('-');
      if (bounds.length > 2 || bounds.some((bound) => bound === '')) throw new ExpressionError(`${rule.name}: "${part}" is not a value, a range a-b or a step a/n`);
      const low = value(rule, bounds[0] ?? '');
      const high = bounds.length === 2 ? value(rule, bounds[1] ?? '') : undefined;
      if (high !== undefined && high < low) throw new ExpressionError(`${rule.name}: the range "${range}" runs backwards`);
      // EventBridge's `a/n` starts at a and runs to the field's end; croner spells that `a-max/n`.
      if (step !== undefined) return `${low}-${high ?? rule.max}/${step}`;
      return high === undefined ? String(low) : `${low}-${high}`;
    })
    .join(',');
}

/**
 * Parses an EventBridge cron expression's six fields into croner's seven-part pattern (seconds
 * first, always 0). @throws ExpressionError naming the offending field.
 */
function cronPattern(body: string): string {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) throw new ExpressionError(`a cron expression has six fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`);
  const [minutes, hours, dayOfMonth, month, dayOfWeek, year] = fields as [string, string, string, string, string, string];
  const rules = FIELDS as [FieldRule, FieldRule, FieldRule, FieldRule, FieldRule, FieldRule];
  if ((dayOfMonth === '?') === (dayOfWeek === '?')) throw new ExpressionError('exactly one of day-of-month and day-of-week must be ? (e.g. cron(0 2 ? * MON-FRI *) or cron(0 2 1 * ? *))');
  let dom: string;
  if (dayOfMonth === '?') dom = '?';
  else if (dayOfMonth === 'L') dom = 'L';
  else if (/^\d{1,2}W$/.test(dayOfMonth)) dom = `${value(rules[2], dayOfMonth.slice(0, -1))}W`;
  else dom = listField(rules[2], dayOfMonth);
  let dow: string;
  if (dayOfWeek === '?') dow = '?';
  else if (/^[A-Za-z0-9]{1,3}L$/.test(dayOfWeek)) dow = `${value(rules[4], dayOfWeek.slice(0, -1))}#L`;
  else if (/^[A-Za-z0-9]{1,3}#\d$/.test(dayOfWeek)) {
    const [day = '', nth = ''] = dayOfWeek.split('#');
    if (Number(nth) < 1 || Number(nth) > 5) throw new ExpressionError(`day-of-week: the occurrence in "${dayOfWeek}" must be 1 to 5`);
    dow = `${value(rules[4], day)}#${nth}`;
  } else dow = listField(rules[4], dayOfWeek);
  return ['0', listField(rules[0], minutes), listField(rules[1], hours), dom, listField(rules[3], month), dow, listField(rules[5], year)].join(' ');
}

/** IANA Area/Location names (the tz database's geographic areas and Etc), each part capitalised as the database spells it. */
const IANA_ZONE_NAME = /^(?:Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific|Etc)(?:\/[A-Z][A-Za-z0-9_+-]*){1,2}$/;
const TIME_ZONE_EXAMPLES = 'e.g. Europe/Berlin, America/New_York, Etc/GMT-1, UTC';

/**
 * Why `timezone` is not accepted as a schedule time zone, or undefined when it is. Accepted:
 * `UTC` and IANA Area/Location names (Europe/Berlin, America/Argentina/Buenos_Aires, Etc/GMT-1,
 * and links such as Asia/Kolkata) that Intl.DateTimeFormat knows, spelled with the database's
 * exact case. Refused: abbreviations and legacy names (PST, EST, CET, GMT, US/Pacific, EST5EDT)
 * although Intl maps them to a zone, offsets (+01:00), and other spellings of a name (utc,
 * europe/berlin — the message names the right one).
 */
export function timeZoneProblem(timezone: string): string | undefined {
  let resolved: string | undefined;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    resolved = undefined;
  }
  if (timezone === 'UTC' || (timezone.length <= 64 && IANA_ZONE_NAME.test(timezone) && resolved !== undefined)) {
    // Intl matches names case-insensitively: a name that only differs in case from the one Intl reports is a misspelling.
    if (resolved === undefined || resolved === timezone || resolved.toLowerCase() !== timezone.toLowerCase()) return undefined;
  }
  if (resolved !== undefined && resolved.toLowerCase() === timezone.toLowerCase()) {
    return `timezone "${timezone}" is not spelled as in the IANA time zone database: names are case-sensitive, use "${resolved}"`;
  }
  if (resolved !== undefined) {
    return `timezone "${timezone}" is an abbreviation or legacy name, which is refused: use an IANA Area/Location name (${TIME_ZONE_EXAMPLES})`;
  }
  return `timezone "${timezone}" is not an IANA time zone name (${TIME_ZONE_EXAMPLES})`;
}

/** Is `timezone` an accepted IANA time zone name (see timeZoneProblem)? Offsets, abbreviations and wrong case are refused. */
export function isTimeZone(timezone: string): boolean {
  return timeZoneProblem(timezone) === undefined;
}

function cronOf(spec: ScheduleSpec, body: string): Cron {
  return new Cron(cronPattern(body), { timezone: spec.timezone ?? 'UTC', alternativeWeekdays: true, domAndDow: true, mode: '7-part', paused: true });
}

/**
 * The first `count` fire times strictly after `after` (epoch ms), in order; fewer when the schedule
 * ends (a cron year list that has passed). @throws Error when the expression or time zone is invalid.
 */
export function nextFireTimes(spec: ScheduleSpec, after: number, count: number): number[] {
  const period = rateMs(spec.expression);
  if (period !== undefined) {
    const first = (Math.floor(after / period) + 1) * period;
    return Array.from({ length: count }, (_, index) => first + index * period);
  }
  const cron = CRON.exec(spec.expression);
  if (!cron) throw new Error(`Not a schedule expression: ${spec.expression}`);
  return cronOf(spec, cron[1] ?? '')
    .nextRuns(count, new Date(after))
    .map((date) => date.getTime());
}

/** The next fire time after `after` (epoch ms), or undefined when the schedule never fires again. */
export function nextFireTime(spec: ScheduleSpec, after: number): number | undefined {
  return nextFireTimes(spec, after, 1)[0];
}

/**
 * Why `spec` is not a schedule the platform accepts, or undefined when it is: the syntax above, a
 * known time zone (only with cron), and no two runs closer than `minimumMinutes` (a rate below it,
 * or a cron whose next 200 fire times come closer).
 */
export function scheduleProblem(spec: ScheduleSpec, minimumMinutes: number): string | undefined {
  const { expression, timezone } = spec;
  if (expression.startsWith('rate(')) {
    const period = rateMs(expression);
    if (period === undefined) return `"${expression}" is not a rate expression: use rate(<n> minutes|hours|days), singular for 1 (rate(1 hour), rate(15 minutes))`;
    if (timezone !== undefined) return 'timezone applies to cron expressions only; a rate runs every period in UTC';
    if (period < minimumMinutes * 60_000) return `runs more often than every ${minimumMinutes} minutes, the minimum interval`;
    return undefined;
  }
  const cron = CRON.exec(expression);
  if (!cron) return 'must be rate(<n> minutes|hours|days) or cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>), e.g. rate(6 hours) or cron(0 2 ? * MON-FRI *)';
  const zoneProblem = timezone === undefined ? undefined : timeZoneProblem(timezone);
  if (zoneProblem !== undefined) return zoneProblem;
  let times: number[];
  try {
    times = nextFireTimes(spec, Date.now(), 200);
  } catch (error) {
    return `"${expression}" is not a valid cron expression: ${error instanceof ExpressionError ? error.message : error instanceof Error ? error.message : String(error)}`;
  }
  if (times.length === 0) return `"${expression}" never fires again`;
  for (let index = 1; index < times.length; index++) {
    if ((times[index] ?? 0) - (times[index - 1] ?? 0) < minimumMinutes * 60_000) return `runs more often than every ${minimumMinutes} minutes, the minimum interval`;
  }
  return undefined;
}
