import type { Node } from 'constructs';
import type { ApiFamily } from '../shared/routes.ts';

/**
 * Context keys of the operations stack (alarms, their SNS topic, the dashboard). All optional;
 * the README's "Operating it" section documents them with an example.
 */
export const operationsContextKeys = {
  /**
   * Alarm tuning: `{ "enabled": false }` turns every alarm (and the topic) off; `{ "<kind>": { "threshold": …,
   * "periodSeconds": …, "evaluationPeriods": …, "datapointsToAlarm": …, "enabled": … } }` changes one kind
   * ({@link alarmKinds}); serverErrorRate and latencyP99 also take `byFamily: { "<family>": <threshold> }`.
   * An object in cdk.json or a JSON string with `-c`.
   */
  alarms: 'identity-platform:alarms',
  /** E-mail addresses subscribed to every region's alarm topic: comma-separated or a JSON array. */
  alarmEmails: 'identity-platform:alarmEmails',
  /** HTTPS endpoints (incident tools' webhooks) subscribed to every region's alarm topic. */
  alarmHttpsEndpoints: 'identity-platform:alarmHttpsEndpoints',
  /**
   * Per region, an existing SNS topic to notify instead of creating one:
   * `-c identity-platform:alarmTopicArn:eu-central-1=arn:aws:sns:eu-central-1:…:oncall`.
   */
  alarmTopicArnPrefix: 'identity-platform:alarmTopicArn:',
} as const;

/** How one kind of alarm evaluates: CloudWatch's threshold, period and "M out of N" datapoints. */
export interface AlarmTuning {
  /** false: this kind of alarm is not created. */
  readonly enabled: boolean;
  /** In the unit of {@link AlarmKindDefinition.unit}; the alarm fires at or above it. */
  readonly threshold: number;
  /** Length of one evaluated datapoint: 10, 30 or a multiple of 60 seconds. */
  readonly periodSeconds: number;
  /** How many recent periods are looked at (N). */
  readonly evaluationPeriods: number;
  /** How many of them must breach (M ≤ N). */
  readonly datapointsToAlarm: number;
}

interface AlarmKindDefinition {
  readonly defaults: AlarmTuning;
  /** What the threshold counts, for the alarm descriptions and the README. */
  readonly unit: string;
  /** Whether `byFamily` threshold overrides apply (per-family alarms). */
  readonly perFamily?: boolean;
}

const tuning = (threshold: number, periodSeconds = 300, evaluationPeriods = 1, datapointsToAlarm = evaluationPeriods): AlarmTuning => ({
  enabled: true,
  threshold,
  periodSeconds,
  evaluationPeriods,
  datapointsToAlarm,
});

/**
 * Every kind of alarm and its default tuning. Counts fire on the first occurrence where a single
 * one already needs a human (a dead letter, a failed sync or export); rates and latency need two of
 * three five-minute periods so one slow minute does not page anyone.
 */
export const alarmKinds = {
  /** Per family: 5xx responses as a percentage of requests (IdentityPlatform ServerErrors / Requests). */
  serverErrorRate: { defaults: tuning(5, 300, 3, 2), unit: '% of requests', perFamily: true },
  /** Per family: p99 of the handler time (IdentityPlatform Latency). */
  latencyP99: { defaults: tuning(3000, 300, 3, 2), unit: 'ms', perFamily: true },
  /** Region: unhandled Lambda errors (crashes, timeouts, out of memory) summed over every function. */
  lambdaErrors: { defaults: tuning(5), unit: 'errors per period' },
  /** Region: Lambda throttles summed over every function (account concurrency exhausted). */
  lambdaThrottles: { defaults: tuning(1), unit: 'throttled invocations per period' },
  /** Per worker: its function's unhandled errors. */
  workerErrors: { defaults: tuning(3), unit: 'errors per period' },
  /** Per worker with a dead-letter queue: messages waiting there. */
  deadLetters: { defaults: tuning(1), unit: 'messages' },
  /** The table and each global secondary index: read plus write throttle events. */
  dynamoThrottles: { defaults: tuning(1), unit: 'throttle events per period' },
  /** Directory sync runs that ended with outcome failed. */
  syncRunsFailed: { defaults: tuning(1), unit: 'runs per period' },
  /** Directory sync runs stopped by the deletion threshold (the safety stop of the seed). */
  syncRunsStoppedByDeletionThreshold: { defaults: tuning(1), unit: 'runs per period' },
  /** Audit export jobs that failed. */
  exportJobsFailed: { defaults: tuning(1), unit: 'jobs per period' },
  /** Requests the web ACL blocked (all rules). */
  wafBlocked: { defaults: tuning(1000), unit: 'blocked requests per period' },
} as const satisfies Record<string, AlarmKindDefinition>;

export type AlarmKind = keyof typeof alarmKinds;

/** The alarm settings of a deployment, resolved from context. */
export interface AlarmSettings {
  /** false: no alarm and no topic (the dashboard stays). */
  readonly enabled: boolean;
  readonly kinds: { readonly [K in AlarmKind]: AlarmTuning };
  /** Threshold overrides of the per-family kinds, by family. */
  readonly byFamily: { readonly [K in AlarmKind]?: Partial<Record<ApiFamily, number>> };
  /** serverErrorRate: below this many requests in a period the rate counts as 0 (one error in two requests is no outage). */
  readonly minimumRequests: number;
  readonly emails: readonly string[];
  readonly httpsEndpoints: readonly string[];
  /** Region → existing topic ARN. */
  readonly topicArns: ReadonlyMap<string, string>;
}

const defaultMinimumRequests = 20;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJsonish(key: string, raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  const trimmed = raw.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return raw;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    throw new Error(`Context ${key} is not valid JSON: ${raw}`);
  }
}

function readList(node: Node, key: string, valid: (value: string) => boolean, what: string): string[] {
  const raw = parseJsonish(key, node.tryGetContext(key));
  if (raw === undefined || raw === '') return [];
  const values = typeof raw === 'string' ? raw.split(',').map((value) => value.trim()).filter((value) => value.length > 0) : raw;
  if (!Array.isArray(values) || !values.every((value): value is string => typeof value === 'string' && valid(value))) {
    throw new Error(`Context ${key} must be a comma-separated list or JSON array of ${what}, got ${JSON.stringify(raw)}`);
  }
  return [...new Set(values)];
}

function positiveNumber(key: string, value: unknown): number {
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) throw new Error(`Context ${key} must be a number ≥ 0, got ${JSON.stringify(value)}`);
  return number;
}

function positiveInteger(key: string, value: unknown): number {
  const number = positiveNumber(key, value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`Context ${key} must be an integer ≥ 1, got ${JSON.stringify(value)}`);
  return number;
}

function readTuning(key: string, defaults: AlarmTuning, raw: unknown): AlarmTuning {
  if (raw === undefined) return defaults;
  if (!isRecord(raw)) throw new Error(`Context ${key} must be an object`);
  const known = new Set(['enabled', 'threshold', 'periodSeconds', 'evaluationPeriods', 'datapointsToAlarm', 'byFamily']);
  const unknown = Object.keys(raw).filter((name) => !known.has(name));
  if (unknown.length > 0) throw new Error(`Context ${key} has unknown setting(s) ${unknown.join(', ')}`);
  const enabled = raw.enabled === undefined ? defaults.enabled : raw.enabled === true || raw.enabled === 'true' ? true : raw.enabled === false || raw.enabled === 'false' ? false : undefined;
  if (enabled === undefined) throw new Error(`Context ${key}.enabled must be true or false`);
  const periodSeconds = raw.periodSeconds === undefined ? defaults.periodSeconds : positiveInteger(`${key}.periodSeconds`, raw.periodSeconds);
  if (![10, 30].includes(periodSeconds) && periodSeconds % 60 !== 0) throw new Error(`Context ${key}.periodSeconds must be 10, 30 or a multiple of 60`);
  const evaluationPeriods = raw.evaluationPeriods === undefined ? defaults.evaluationPeriods : positiveInteger(`${key}.evaluationPeriods`, raw.evaluationPeriods);
  // A changed N without an M means "all of them" (CloudWatch's own default), not the default's M.
  const datapointsToAlarm =
    raw.datapointsToAlarm !== undefined
      ? positiveInteger(`${key}.datapointsToAlarm`, raw.datapointsToAlarm)
      : raw.evaluationPeriods !== undefined
        ? evaluationPeriods
        : defaults.datapointsToAlarm;
  if (datapointsToAlarm > evaluationPeriods) throw new Error(`Context ${key}.datapointsToAlarm (${datapointsToAlarm}) exceeds evaluationPeriods (${evaluationPeriods})`);
  return {
    enabled,
    threshold: raw.threshold === undefined ? defaults.threshold : positiveNumber(`${key}.threshold`, raw.threshold),
    periodSeconds,
    evaluationPeriods,
    datapointsToAlarm,
  };
}

function readByFamily(key: string, raw: unknown): Partial<Record<ApiFamily, number>> | undefined {
  if (raw === undefined) return undefined;
  if (!isRecord(raw)) throw new Error(`Context ${key} must be an object of family → threshold`);
  return Object.fromEntries(Object.entries(raw).map(([family, value]) => [family, positiveNumber(`${key}.${family}`, value)]));
}

/**
 * Resolves the alarm settings from context ({@link operationsContextKeys}) for the given regions.
 * Throws on unknown alarm kinds or settings and malformed values, so a typo fails the synth.
 */
export function readAlarmSettings(node: Node, regions: readonly string[]): AlarmSettings {
  const key = operationsContextKeys.alarms;
  const raw = parseJsonish(key, node.tryGetContext(key)) ?? {};
  if (!isRecord(raw)) throw new Error(`Context ${key} must be an object (or its JSON)`);
  const unknown = Object.keys(raw).filter((name) => name !== 'enabled' && name !== 'minimumRequests' && !(name in alarmKinds));
  if (unknown.length > 0) throw new Error(`Context ${key} has unknown alarm kind(s) ${unknown.join(', ')}; known: enabled, minimumRequests, ${Object.keys(alarmKinds).join(', ')}`);
  if (raw.enabled !== undefined && ![true, false, 'true', 'false'].includes(raw.enabled as never)) throw new Error(`Context ${key}.enabled must be true or false`);

  const kinds = {} as Record<AlarmKind, AlarmTuning>;
  const byFamily: Partial<Record<AlarmKind, Partial<Record<ApiFamily, number>>>> = {};
  for (const [kind, definition] of Object.entries(alarmKinds) as [AlarmKind, AlarmKindDefinition][]) {
    const entry = raw[kind];
    kinds[kind] = readTuning(`${key}.${kind}`, definition.defaults, entry);
    if (isRecord(entry) && entry.byFamily !== undefined) {
      if (!definition.perFamily) throw new Error(`Context ${key}.${kind} is not per family: byFamily does not apply`);
      const overrides = readByFamily(`${key}.${kind}.byFamily`, entry.byFamily);
      if (overrides) byFamily[kind] = overrides;
    }
  }

  const topicArns = new Map<string, string>();
  for (const region of regions) {
    const arnKey = `${operationsContextKeys.alarmTopicArnPrefix}${region}`;
    const arn: unknown = node.tryGetContext(arnKey);
    if (arn === undefined) continue;
    if (typeof arn !== 'string' || !new RegExp(`^arn:aws[a-z-]*:sns:${region}:\\d{12}:[A-Za-z0-9_-]{1,256}$`).test(arn)) {
      throw new Error(`Context ${arnKey} must be the ARN of an SNS topic in ${region}, got ${JSON.stringify(arn)}`);
    }
    topicArns.set(region, arn);
  }

  return {
    enabled: raw.enabled === undefined ? true : raw.enabled === true || raw.enabled === 'true',
    kinds,
    byFamily,
    minimumRequests: raw.minimumRequests === undefined ? defaultMinimumRequests : positiveInteger(`${key}.minimumRequests`, raw.minimumRequests),
    emails: readList(node, operationsContextKeys.alarmEmails, (value) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value), 'e-mail addresses'),
    httpsEndpoints: readList(node, operationsContextKeys.alarmHttpsEndpoints, (value) => URL.canParse(value) && new URL(value).protocol === 'https:', 'https:// URLs'),
    topicArns,
  };
}

/** The threshold of `kind` for `family`: its byFamily override, else the kind's threshold. */
export function familyThreshold(settings: AlarmSettings, kind: AlarmKind, family: ApiFamily): number {
  return settings.byFamily[kind]?.[family] ?? settings.kinds[kind].threshold;
}
