import { platformConfig } from '../config.ts';
import { NotFoundError } from '../errors/domain-errors.ts';
import * as audit from '../storage/audit.ts';
import * as jobs from '../storage/audit-export-jobs.ts';
import type { AuditExportJobRecord, AuditExportJobStatus } from '../storage/audit-export-jobs.ts';
import { transact } from '../storage/transactions.ts';
import { startWorker } from '../workers/start-worker.ts';
import { auditExportWorker } from '../workers/payloads.ts';
import { auditStep, type AuditEvent, type RequestOrigin } from './audit-entry.ts';
import { exportAuditDetails, exportAuditLog, exportDownloadUrl, writeExportFile, PRESIGNED_URL_SECONDS, type ExportRequest, type ExportResult } from './audit-export.ts';
import { countAuditEntries } from './audit-log.ts';
import { isEmptyQuery, parseAuditQuery, parseTimeRange } from './audit-query.ts';
import { ulid } from './ulid.ts';
import { addMetric } from '../observability/metrics.ts';
import * as metric from '../observability/metrics-catalog.ts';

/** Attempts a job gets (the worker queue's maxReceiveCount): the last failed one marks the job failed. */
export const EXPORT_JOB_MAX_ATTEMPTS = 3;

/**
 * The asynchronous threshold, in entries read: an export that would read more entries than this
 * (AUDIT_EXPORT_ASYNC_THRESHOLD, default 50,000) answers 202 with a job instead of the file.
 */
export function asyncExportThreshold(): number {
  return platformConfig().auditExportAsyncThreshold;
}

/**
 * Would this export read more than `threshold` entries? Unfiltered: the exact count from the
 * per-day counters, bounded by `maxEntries`. With query terms: a count that reads at most
 * `threshold` entries — an export whose matches are not all found within them reads more.
 */
export async function exportExceeds(organizationId: string, request: ExportRequest, threshold: number): Promise<boolean> {
  const limit = request.maxEntries ?? Number.POSITIVE_INFINITY;
  if (isEmptyQuery(request.query)) {
    if (limit <= threshold) return false;
    const { total } = await countAuditEntries(organizationId, request.query, request.range);
    return Math.min(total, limit) > threshold;
  }
  const counted = await audit.countMatching(organizationId, request.query, request.range, { maxMatches: Math.min(limit, threshold), maxEvaluated: threshold });
  if (counted.complete) return false;
  // More matches than asked for, found within the budget: the export stops at maxEntries.
  return !(counted.capped && limit <= threshold);
}

/** An export job as the API shows it (GET /api/identity/v1/audit/exports/{jobId}). */
export interface AuditExportJobView {
  jobId: string;
  status: AuditExportJobStatus;
  exportType: 'csv' | 'json';
  fromDate: string | null;
  toDate: string | null;
  query: string | null;
  maxEntries: number | null;
  createdAt: string;
  completedAt: string | null;
  entries: number | null;
  bytes: number | null;
  fileName: string | null;
  /** When succeeded: a presigned GET URL of the file, valid for 5 minutes from this answer. */
  downloadUrl: string | null;
  downloadUrlExpiresAt: string | null;
  error: string | null;
}

function viewOf(job: AuditExportJobRecord, downloadUrl: string | undefined, now = new Date()): AuditExportJobView {
  return {
    jobId: job.jobId,
    status: job.status,
    exportType: job.exportType,
    fromDate: job.fromDate,
    toDate: job.toDate,
    query: job.query,
    maxEntries: job.maxEntries,
    createdAt: job.createdAt,
    completedAt: job.completedAt,
    entries: job.entries,
    bytes: job.bytes,
    fileName: job.fileName,
    downloadUrl: downloadUrl ?? null,
    downloadUrlExpiresAt: downloadUrl ? new Date(now.getTime() + PRESIGNED_URL_SECONDS * 1000).toISOString() : null,
    error: job.error,
  };
}

export type ExportOutcome = { kind: 'file'; result: ExportResult } | { kind: 'job'; job: AuditExportJobView };

/**
 * GET /api/identity/v1/audit/log: exports that read at most the asynchronous threshold run
 * synchronously exactly as before (the file inline, or a 302 to it); larger ones — and any export
 * whose caller sent `Prefer: respond-async` (RFC 7240) — become a job of the organization: the job
 * and its `audit.export.requested` entry in one transaction, then a message to the `audit-export`
 * worker.
 *
 * @param queryText the request's `query` as given (stored with the job and shown in its status).
 */
export async function exportOrQueue(
  organizationId: string,
  request: ExportRequest,
  queryText: string | undefined,
  actor: AuditEvent['actor'],
  origin: RequestOrigin,
  options: { preferAsync: boolean },
): Promise<ExportOutcome> {
  if (!options.preferAsync && !(await exportExceeds(organizationId, request, asyncExportThreshold()))) {
    return { kind: 'file', result: await exportAuditLog(organizationId, request, actor, origin) };
  }
  const now = new Date();
  const job: AuditExportJobRecord = {
    organizationId,
    jobId: ulid(now.getTime()),
    status: 'queued',
    exportType: request.exportType,
    fromDate: request.range.from?.toISOString() ?? null,
    toDate: request.range.to?.toISOString() ?? null,
    query: queryText?.trim() ? queryText : null,
    maxEntries: request.maxEntries ?? null,
    requestedBy: actor,
    origin,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    completedAt: null,
    attempts: 0,
    objectKey: null,
    fileName: null,
    entries: null,
    bytes: null,
    error: null,
    expiresAt: Math.floor(now.getTime() / 1000) + jobs.JOB_RETENTION_DAYS * 86_400,
  };
  await transact([
    jobs.putStep(job),
    auditStep({
      organizationId,
      action: 'audit.export.requested',
      actor,
      origin,
      target: { type: 'auditExportJob', id: job.jobId },
      details: { exportType: job.exportType, fromDate: job.fromDate, toDate: job.toDate, query: job.query, maxEntries: job.maxEntries },
    }),
  ]);
  await startWorker(auditExportWorker, { organizationId, jobId: job.jobId });
  return { kind: 'job', job: viewOf(job, undefined, now) };
}

/**
 * An export job of the organization, with a fresh presigned download URL once it has succeeded.
 *
 * @throws NotFoundError when the organization has no job with this id (another organization's
 *   job is not found either: jobs are keyed under their organization).
 */
export async function auditExportJobStatus(organizationId: string, jobId: string): Promise<AuditExportJobView> {
  const job = /^[0-9A-HJKMNP-TV-Z]{26}$/.test(jobId) ? await jobs.byId(organizationId, jobId) : undefined;
  if (!job) throw new NotFoundError(`No audit export job ${jobId}.`);
  const downloadUrl = job.status === 'succeeded' && job.objectKey && job.fileName ? await exportDownloadUrl(job.objectKey, job.fileName) : undefined;
  return viewOf(job, downloadUrl);
}

/**
 * The `audit-export` worker's work: claims the job (idempotent — a finished job, or one that used
 * its attempts, is left alone), writes the file with the same code as a synchronous export, then
 * records the job as succeeded with its `audit.exported` entry (actor and origin of the request)
 * in one transaction. A failure is retried by the queue; the last attempt's failure marks the job
 * failed, audited as `audit.export.failed`.
 */
export async function runAuditExportJob(payload: { organizationId: string; jobId: string }): Promise<{ jobId: string; outcome: 'succeeded' | 'failed' | 'skipped' }> {
  const { organizationId, jobId } = payload;
  const job = await jobs.claim(organizationId, jobId, EXPORT_JOB_MAX_ATTEMPTS, new Date());
  if (!job) return { jobId, outcome: 'skipped' };
  addMetric(metric.exportJobs, 1, { outcome: 'started' });
  const request: ExportRequest = {
    exportType: job.exportType,
    range: parseTimeRange(job.fromDate ?? undefined, job.toDate ?? undefined),
    query: parseAuditQuery(job.query ?? undefined),
    maxEntries: job.maxEntries ?? undefined,
  };
  try {
    const file = await writeExportFile(organizationId, request, new Date(job.createdAt));
    const completedAt = new Date().toISOString();
    await transact([
      jobs.finishStep({ ...job, status: 'succeeded', objectKey: file.objectKey, fileName: file.fileName, entries: file.entries, bytes: file.bytes, updatedAt: completedAt, completedAt }),
      auditStep({
        organizationId,
        action: 'audit.exported',
        actor: job.requestedBy,
        origin: job.origin,
        target: { type: 'auditExport', id: file.objectKey },
        details: { ...exportAuditDetails(request, file), jobId },
      }),
    ]);
    addMetric(metric.exportJobs, 1, { outcome: 'succeeded' });
    return { jobId, outcome: 'succeeded' };
  } catch (error) {
    if (job.attempts < EXPORT_JOB_MAX_ATTEMPTS) throw error;
    const completedAt = new Date().toISOString();
    await transact([
      jobs.finishStep({ ...job, status: 'failed', error: 'The export could not be written; request it again.', updatedAt: completedAt, completedAt }),
      auditStep({
        organizationId,
        action: 'audit.export.failed',
        actor: job.requestedBy,
        origin: job.origin,
        target: { type: 'auditExportJob', id: jobId },
        details: { attempts: job.attempts, reason: error instanceof Error ? error.name : 'Error' },
      }),
    ]);
    addMetric(metric.exportJobs, 1, { outcome: 'failed' });
    return { jobId, outcome: 'failed' };
  }
}
