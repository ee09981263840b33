/**
 * The audit export job repository: asynchronous exports of the audit log (GET …/audit/log above
 * the asynchronous threshold) and their progress.
 *
 * A job is an item of its organization's partition (`ORG#<org>` / `AUDITEXPORT#<jobId>`), so a
 * status read names the organization from the caller's token and can never reach another
 * organization's job. Jobs expire by TTL after {@link JOB_RETENTION_DAYS}; their files stay in the
 * export bucket for its own retention.
 *
 * Access patterns (README, "Storage"): auditExports.byId, putStep (with its `audit.export.requested`
 * entry), claim (the worker's attempt), finishStep (with its `audit.exported` / `audit.export.failed` entry).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ConflictError } from '../errors/domain-errors.ts';
import { dynamo, tableName } from './clients.ts';
import { EntityType } from './keys.ts';
import * as keys from './keys.ts';
import { getItem } from './queries.ts';
import { put, type TransactionStep } from './transactions.ts';

/** How long a job's status can be read after it was requested, in days. */
export const JOB_RETENTION_DAYS = 30;

export type AuditExportJobStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** One asynchronous export as stored. */
export interface AuditExportJobRecord {
  organizationId: string;
  /** A ULID. */
  jobId: string;
  status: AuditExportJobStatus;
  exportType: 'csv' | 'json';
  /** The request as given (ISO 8601 bounds of the range, the query text, the most entries). */
  fromDate: string | null;
  toDate: string | null;
  query: string | null;
  maxEntries: number | null;
  requestedBy: { actorType: 'user' | 'client' | 'operator' | 'system' | 'anonymous'; actorId: string };
  origin: { ipAddress: string; userAgent: string };
  /** ISO 8601 UTC. */
  createdAt: string;
  updatedAt: string;
  completedAt: string | null;
  /** Worker attempts so far. */
  attempts: number;
  /** Set when the job succeeded: the stored file. */
  objectKey: string | null;
  fileName: string | null;
  entries: number | null;
  bytes: number | null;
  /** Set when the job failed: why, without internals. */
  error: string | null;
  /** Epoch seconds (DynamoDB TTL). */
  expiresAt: number;
}

const KEY_ATTRIBUTES = ['pk', 'sk', 'type'] as const;

function toRecord(item: Record<string, unknown>): AuditExportJobRecord {
  const record: Record<string, unknown> = { ...item };
  for (const name of KEY_ATTRIBUTES) delete record[name];
  return record as unknown as AuditExportJobRecord;
}

function toItem(record: AuditExportJobRecord): Record<string, unknown> {
  return { ...keys.auditExportJob(record.organizationId, record.jobId), type: EntityType.AuditExportJob, ...record };
}

/** auditExports.byId — a job of the organization (strongly consistent), or undefined. */
export async function byId(organizationId: string, jobId: string): Promise<AuditExportJobRecord | undefined> {
  const item = await getItem(keys.auditExportJob(organizationId, jobId));
  return item ? toRecord(item) : undefined;
}

/** auditExports.putStep — a new job (its id must be new), in the transaction of its audit entry. */
export function putStep(record: AuditExportJobRecord): TransactionStep {
  return put(toItem(record), 'attribute_not_exists(pk)', () => new ConflictError('An export job with this id exists already.'));
}

/**
 * auditExports.claim — the worker takes a job for one more attempt: a queued or running job
 * (a running one whose previous attempt died) with fewer than `maxAttempts` attempts becomes
 * running. Returns the job as claimed, or undefined when it has finished or used its attempts.
 */
export async function claim(organizationId: string, jobId: string, maxAttempts: number, now: Date): Promise<AuditExportJobRecord | undefined> {
  try {
    const result = await dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.auditExportJob(organizationId, jobId),
        UpdateExpression: 'SET #status = :running, updatedAt = :now ADD attempts :one',
        ConditionExpression: 'attribute_exists(pk) AND #status IN (:queued, :running) AND attempts < :max',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':running': 'running', ':queued': 'queued', ':now': now.toISOString(), ':one': 1, ':max': maxAttempts },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return result.Attributes ? toRecord(result.Attributes) : undefined;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return undefined;
    throw error;
  }
}

/**
 * auditExports.finishStep — the job's final state (succeeded or failed), written only by the
 * attempt that claimed it last (`attempts` unchanged since), in the transaction of the audit entry
 * that records the outcome.
 */
export function finishStep(record: AuditExportJobRecord): TransactionStep {
  return put(
    toItem(record),
    { expression: 'attempts = :attempts', values: { ':attempts': record.attempts } },
    () => new ConflictError('The export job was claimed by another attempt.'),
  );
}
