import * as z from './zod-mini.ts';
import { lazily } from './lazy.ts';

/**
 * Deployment configuration, read from the environment once per cold start so that a missing or
 * malformed variable fails the function's initialisation instead of a request half-way through.
 * The schema is built by the first loadConfig call (platformConfig() at initialisation), not when
 * the module loads: modules that import this one only for types or tests pay nothing.
 */
const environmentSchema = /* @__PURE__ */ lazily(() => z.object({
  TABLE_NAME: z.string().check(z.minLength(3)),
  EXPORT_BUCKET_NAME: z.optional(z.string().check(z.minLength(3))),
  PUBLIC_BASE_URL: z.url(),
  AWS_REGION: z._default(z.string(), 'local'),
  PLATFORM_VERSION: z._default(z.string(), '0.0.0'),
  AUDIT_RETENTION_DAYS: z._default(z.coerce.number().check(z.int(), z.positive()), 400),
  /** KMS key for envelope encryption of secrets at rest (AWS only). */
  SECRETS_KEY_ID: z.optional(z.string()),
  /** KMS asymmetric key that signs access tokens (AWS only). */
  SIGNING_KEY_ID: z.optional(z.string()),
  OPERATOR_KEY_SECRET_ARN: z.optional(z.string()),
  /** Local runtime only: the engines' endpoints, the key directory and the operator key. */
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  S3_ENDPOINT: z.optional(z.url()),
  LOCAL_KEY_DIR: z.optional(z.string()),
  OPERATOR_API_KEY: z.optional(z.string().check(z.minLength(16))),
  /** Sync schedules may not fire more often than this (minutes; 15 by default, lower only for tests). */
  SYNC_SCHEDULE_MIN_INTERVAL_MINUTES: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(1440)), 15),
  /** Audit exports that would read more entries than this run as asynchronous jobs (50,000 by default; lower in tests). */
  AUDIT_EXPORT_ASYNC_THRESHOLD: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(10_000_000)), 50_000),
  /** The signing key's cryptoperiod in days: GET /api/health reports a rotation as due this long after the key was published. */
  SIGNING_KEY_ROTATION_DAYS: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(3650)), 365),
}));

export type PlatformConfig = Readonly<{
  tableName: string;
  exportBucketName: string | undefined;
  publicBaseUrl: string;
  region: string;
  version: string;
  auditRetentionDays: number;
  secretsKeyId: string | undefined;
  signingKeyId: string | undefined;
  operatorKeySecretArn: string | undefined;
  dynamodbEndpoint: string | undefined;
  s3Endpoint: string | undefined;
  localKeyDir: string | undefined;
  operatorApiKey: string | undefined;
  /** The shortest interval a sync project's schedule may have, in minutes. */
  syncScheduleMinIntervalMinutes: number;
  /** Audit exports reading more entries than this become asynchronous jobs. */
  auditExportAsyncThreshold: number;
  /** Days after publication when the signing key should be rotated (reported by the health check). */
  signingKeyRotationDays: number;
  /** True when running against the local engines rather than AWS. */
  local: boolean;
}>;

export function loadConfig(environment: NodeJS.ProcessEnv): PlatformConfig {
  const parsed = environmentSchema().safeParse(environment);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid platform configuration: ${problems}`);
  }
  const env = parsed.data;
  return Object.freeze({
    tableName: env.TABLE_NAME,
    exportBucketName: env.EXPORT_BUCKET_NAME,
    publicBaseUrl: env.PUBLIC_BASE_URL.replace(/\/+$/, ''),
    region: env.AWS_REGION,
    version: env.PLATFORM_VERSION,
    auditRetentionDays: env.AUDIT_RETENTION_DAYS,
    secretsKeyId: env.SECRETS_KEY_ID,
    signingKeyId: env.SIGNING_KEY_ID,
    operatorKeySecretArn: env.OPERATOR_KEY_SECRET_ARN,
    dynamodbEndpoint: env.DYNAMODB_ENDPOINT,
    s3Endpoint: env.S3_ENDPOINT,
    localKeyDir: env.LOCAL_KEY_DIR,
    operatorApiKey: env.OPERATOR_API_KEY,
    syncScheduleMinIntervalMinutes: env.SYNC_SCHEDULE_MIN_INTERVAL_MINUTES,
    auditExportAsyncThreshold: env.AUDIT_EXPORT_ASYNC_THRESHOLD,
    signingKeyRotationDays: env.SIGNING_KEY_ROTATION_DAYS,
    local: env.DYNAMODB_ENDPOINT !== undefined,
  });
}

let cached: PlatformConfig | undefined;

/** The configuration of this process, validated on first use (at module initialisation in handlers). */
export function platformConfig(): PlatformConfig {
  cached ??= loadConfig(process.env);
  return cached;
}
