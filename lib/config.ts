import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { readAlarmSettings, type AlarmSettings } from './operations-settings.ts';

/** Absolute path of the repository root; handler entries in the route table are relative to it. */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

/** Context keys the app reads. All are optional; `cdk.json` holds the defaults for real deployments. */
export const contextKeys = {
  /** region → { publicBaseUrl }, or a JSON string of that, or a comma-separated region list. */
  regions: 'identity-platform:regions',
  /** Per-region override, e.g. `-c identity-platform:publicBaseUrl:us-east-1=https://…`. */
  publicBaseUrlPrefix: 'identity-platform:publicBaseUrl:',
  auditRetentionDays: 'identity-platform:auditRetentionDays',
  exportRetentionDays: 'identity-platform:exportRetentionDays',
  throttleRateLimit: 'identity-platform:throttleRateLimit',
  throttleBurstLimit: 'identity-platform:throttleBurstLimit',
  wafRateLimit: 'identity-platform:wafRateLimit',
  wafLogging: 'identity-platform:wafLogging',
  logRetentionDays: 'identity-platform:logRetentionDays',
  /**
   * The VPC the sync-run worker runs in, per region, so it reaches on-premises directories (over a
   * VPN or Direct Connect): `-c identity-platform:syncVpcId:eu-central-1=vpc-0abc…` with
   * `identity-platform:syncSubnetIds:<region>` and `identity-platform:syncSecurityGroupIds:<region>`
   * (comma-separated or JSON arrays). All three or none; imported by id, no lookup at synth.
   */
  syncVpcIdPrefix: 'identity-platform:syncVpcId:',
  syncSubnetIdsPrefix: 'identity-platform:syncSubnetIds:',
  syncSecurityGroupIdsPrefix: 'identity-platform:syncSecurityGroupIds:',
  // Alarms, the alarm topic and its subscriptions: `operationsContextKeys` in lib/operations-settings.ts.
  /** Tests only: replace esbuild bundling with inline placeholder code. Never set it for a deployment. */
  skipBundling: 'identity-platform:skipBundling',
} as const;

export const defaultRegions = ['us-east-1', 'eu-central-1', 'ca-central-1'] as const;

export interface RegionSettings {
  readonly region: string;
  /**
   * Public origin that clients use (custom domain in front of the API). When absent, functions
   * receive the stage's execute-api URL, which is correct but not stable across re-creation.
   */
  readonly publicBaseUrl?: string;
  /** Where the sync-run worker runs (private subnets with a route to the directories); absent: outside any VPC. */
  readonly syncVpc?: SyncVpcSettings;
}

/** An existing VPC's id, the subnets and the security groups the sync-run worker's network interfaces use. */
export interface SyncVpcSettings {
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
}

/** Everything the stacks need to know about a deployment, resolved once from context. */
export interface PlatformSettings {
  readonly regions: readonly RegionSettings[];
  /** `CDK_DEFAULT_ACCOUNT`, or undefined for an account-agnostic synth. */
  readonly account?: string;
  /** Handed to functions as AUDIT_RETENTION_DAYS (how long audit entries stay in the table). */
  readonly auditRetentionDays: number;
  /** Audit exports (and the bucket's access logs) expire after this many days. */
  readonly exportRetentionDays: number;
  /** Objects move to a cheaper storage class after this many days. */
  readonly exportTransitionDays: number;
  readonly throttleRateLimit: number;
  readonly throttleBurstLimit: number;
  /** WAF rate-based rule: requests per IP per 5-minute window. */
  readonly wafRateLimit: number;
  readonly wafLogging: boolean;
  readonly logRetentionDays: number;
  readonly skipBundling: boolean;
  /** package.json version, handed to functions as PLATFORM_VERSION. */
  readonly version: string;
  /** Alarms, their topic and its subscriptions (lib/operations-settings.ts for the context keys). */
  readonly alarms: AlarmSettings;
}

export const defaultSettings = {
  auditRetentionDays: 400,
  exportRetentionDays: 2555,
  exportTransitionDays: 90,
  throttleRateLimit: 200,
  throttleBurstLimit: 400,
  wafRateLimit: 5000,
  wafLogging: true,
  logRetentionDays: 30,
} as const;

function readPackageVersion(): string {
  const raw: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  if (typeof raw === 'object' && raw !== null && 'version' in raw && typeof raw.version === 'string') {
    return raw.version;
  }
  throw new Error('package.json has no version');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `-c key=value` arrives as a string while cdk.json values keep their JSON type: accept both. */
function parseMaybeJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return JSON.parse(trimmed) as unknown;
  return value;
}

function readRegionEntries(value: unknown): RegionSettings[] {
  const parsed = parseMaybeJson(value);
  if (parsed === undefined) return defaultRegions.map((region) => ({ region }));
  if (typeof parsed === 'string') {
    return parsed
      .split(',')
      .map((region) => region.trim())
      .filter((region) => region.length > 0)
      .map((region) => ({ region }));
  }
  if (Array.isArray(parsed)) {
    return parsed.map((region) => {
      if (typeof region !== 'string') throw new Error(`${contextKeys.regions}: region names must be strings`);
      return { region };
    });
  }
  if (isRecord(parsed)) {
    return Object.entries(parsed).map(([region, settings]) => {
      if (settings === null || settings === undefined || settings === true) return { region };
      if (!isRecord(settings)) throw new Error(`${contextKeys.regions}.${region} must be an object`);
      const publicBaseUrl = settings.publicBaseUrl;
      if (publicBaseUrl !== undefined && typeof publicBaseUrl !== 'string') {
        throw new Error(`${contextKeys.regions}.${region}.publicBaseUrl must be a string`);
      }
      return publicBaseUrl === undefined ? { region } : { region, publicBaseUrl };
    });
  }
  throw new Error(`${contextKeys.regions} must be an object, an array or a comma-separated list`);
}

function validateRegion(settings: RegionSettings): RegionSettings {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(settings.region)) {
    throw new Error(`"${settings.region}" is not an AWS region name`);
  }
  if (settings.publicBaseUrl !== undefined) {
    const url = new URL(settings.publicBaseUrl);
    if (url.protocol !== 'https:') throw new Error(`publicBaseUrl for ${settings.region} must use https`);
  }
  return settings;
}

function readIdList(node: Node, key: string, pattern: RegExp): string[] | undefined {
  const raw = parseMaybeJson(node.tryGetContext(key));
  if (raw === undefined) return undefined;
  const values = typeof raw === 'string' ? raw.split(',').map((value) => value.trim()).filter((value) => value.length > 0) : raw;
  if (!Array.isArray(values) || values.length === 0 || !values.every((value) => typeof value === 'string' && pattern.test(value))) {
    throw new Error(`Context ${key} must be a non-empty comma-separated list or JSON array of ids like ${pattern.source.replace(/[\^$]/g, '')}, got ${JSON.stringify(raw)}`);
  }
  if (new Set(values).size !== values.length) throw new Error(`Context ${key} lists an id twice`);
  return values as string[];
}

/** The region's sync VPC from its three context keys: all three or none (an error names what is missing). */
function readSyncVpc(node: Node, region: string): SyncVpcSettings | undefined {
  const vpcKey = `${contextKeys.syncVpcIdPrefix}${region}`;
  const subnetKey = `${contextKeys.syncSubnetIdsPrefix}${region}`;
  const groupKey = `${contextKeys.syncSecurityGroupIdsPrefix}${region}`;
  const vpcId: unknown = node.tryGetContext(vpcKey);
  const subnetIds = readIdList(node, subnetKey, /^subnet-[0-9a-f]{8,17}$/);
  const securityGroupIds = readIdList(node, groupKey, /^sg-[0-9a-f]{8,17}$/);
  if (vpcId === undefined && subnetIds === undefined && securityGroupIds === undefined) return undefined;
  if (typeof vpcId !== 'string' || !/^vpc-[0-9a-f]{8,17}$/.test(vpcId)) throw new Error(`Context ${vpcKey} must be a VPC id like vpc-0123456789abcdef0 when ${subnetKey} or ${groupKey} is set, got ${JSON.stringify(vpcId)}`);
  if (!subnetIds) throw new Error(`Context ${subnetKey} must list the subnets of ${vpcId} for the sync worker`);
  if (!securityGroupIds) throw new Error(`Context ${groupKey} must list the security groups of the sync worker in ${vpcId}`);
  return { vpcId, subnetIds, securityGroupIds };
}

function readNumber(node: Node, key: string, fallback: number, minimum: number): number {
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined) return fallback;
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(value) || value < minimum) {
    throw new Error(`Context ${key} must be an integer ≥ ${minimum}, got ${String(raw)}`);
  }
  return value;
}

function readBoolean(node: Node, key: string, fallback: boolean): boolean {
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined) return fallback;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw new Error(`Context ${key} must be true or false, got ${String(raw)}`);
}

function readLogRetention(node: Node): number {
  const days = readNumber(node, contextKeys.logRetentionDays, defaultSettings.logRetentionDays, 1);
  // CloudWatch Logs accepts only a fixed set of retention periods.
  const allowed = Object.values(RetentionDays).filter((value): value is number => typeof value === 'number');
  if (!allowed.includes(days)) {
    throw new Error(`Context ${contextKeys.logRetentionDays} must be one of ${allowed.join(', ')}`);
  }
  return days;
}

/**
 * Resolves the deployment settings from CDK context (cdk.json, `-c` flags or an App's `context`
 * prop) and the environment. Throws on malformed values so a typo fails the synth, not a deploy.
 */
export function readPlatformSettings(node: Node, environment: NodeJS.ProcessEnv = process.env): PlatformSettings {
  const regions = readRegionEntries(node.tryGetContext(contextKeys.regions)).map((entry) => {
    const override: unknown = node.tryGetContext(`${contextKeys.publicBaseUrlPrefix}${entry.region}`);
    if (override !== undefined && typeof override !== 'string') {
      throw new Error(`${contextKeys.publicBaseUrlPrefix}${entry.region} must be a string`);
    }
    const syncVpc = readSyncVpc(node, entry.region);
    return validateRegion({ ...(override === undefined ? entry : { region: entry.region, publicBaseUrl: override }), ...(syncVpc ? { syncVpc } : {}) });
  });
  if (regions.length === 0) throw new Error(`${contextKeys.regions} lists no region`);
  if (new Set(regions.map((entry) => entry.region)).size !== regions.length) {
    throw new Error(`${contextKeys.regions} lists a region twice`);
  }

  const exportTransitionDays = defaultSettings.exportTransitionDays;
  // S3 rejects an expiration that does not come after the transition; the minimum billable
  // duration of the colder class (90 days) makes an earlier expiry pointless anyway.
  const exportRetentionDays = readNumber(
    node,
    contextKeys.exportRetentionDays,
    defaultSettings.exportRetentionDays,
    exportTransitionDays + 1,
  );
  const throttleRateLimit = readNumber(node, contextKeys.throttleRateLimit, defaultSettings.throttleRateLimit, 1);
  const throttleBurstLimit = readNumber(node, contextKeys.throttleBurstLimit, defaultSettings.throttleBurstLimit, 1);

  const account = environment.CDK_DEFAULT_ACCOUNT;
  return {
    regions,
    ...(account ? { account } : {}),
    auditRetentionDays: readNumber(node, contextKeys.auditRetentionDays, defaultSettings.auditRetentionDays, 1),
    exportRetentionDays,
    exportTransitionDays,
    throttleRateLimit,
    throttleBurstLimit,
    // WAF's minimum for a rate-based rule is 10 requests per window.
    wafRateLimit: readNumber(node, contextKeys.wafRateLimit, defaultSettings.wafRateLimit, 10),
    wafLogging: readBoolean(node, contextKeys.wafLogging, defaultSettings.wafLogging),
    logRetentionDays: readLogRetention(node),
    skipBundling: readBoolean(node, contextKeys.skipBundling, false),
    version: readPackageVersion(),
    alarms: readAlarmSettings(node, regions.map((entry) => entry.region)),
  };
}
