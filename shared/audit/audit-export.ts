import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { platformConfig } from '../config.ts';
import * as audit from '../storage/audit.ts';
import * as exportFiles from '../storage/export-files.ts';
import { auditStep, type AuditEvent, type RequestOrigin } from './audit-entry.ts';
import { transact } from '../storage/transactions.ts';
import { toAuditLogEntry, type AuditLogEntry } from './audit-log.ts';
import type { AuditQuery, TimeRange } from './audit-query.ts';
import { ulid } from './ulid.ts';

export type ExportType = 'csv' | 'json';

/** Exports up to this size are returned in the response body; larger ones by presigned URL. */
export const INLINE_EXPORT_LIMIT_BYTES = 1024 * 1024;
export const PRESIGNED_URL_SECONDS = 300;

/** Stable CSV columns: nested details are flattened to known columns plus one JSON column for the rest. */
export const CSV_COLUMNS = [
  'id',
  'timestamp',
  'organizationId',
  'action',
  'actorType',
  'actorId',
  'targetType',
  'targetId',
  'ipAddress',
  'userAgent',
  'changedAttributes',
  'details',
] as const;

/**
 * Spreadsheet formula injection: a cell starting with = + - @ tab or carriage return is evaluated
 * by Excel or Sheets. Prefixing a single quote makes it plain text (OWASP's recommendation).
 */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function csvRecord(entry: AuditLogEntry): string[] {
  const { ipAddress, userAgent, changedAttributes, ...rest } = entry.details as Record<string, unknown>;
  const cells: Record<(typeof CSV_COLUMNS)[number], string> = {
    id: entry.id,
    timestamp: entry.timestamp,
    organizationId: entry.organizationId,
    action: entry.action,
    actorType: entry.actor.type,
    actorId: entry.actor.id,
    targetType: entry.target?.type ?? '',
    targetId: entry.target?.id ?? '',
    ipAddress: typeof ipAddress === 'string' ? ipAddress : '',
    userAgent: typeof userAgent === 'string' ? userAgent : '',
    changedAttributes: Array.isArray(changedAttributes) ? changedAttributes.join(';') : '',
    details: Object.keys(rest).length > 0 ? JSON.stringify(rest) : '',
  };
  return CSV_COLUMNS.map((column) => neutralizeFormula(cells[column]));
}

function ndjsonFormatter(): Transform {
  return new Transform({
    writableObjectMode: true,
    transform(entry: AuditLogEntry, _encoding, callback: TransformCallback) {
      callback(null, `${JSON.stringify(entry)}\n`);
    },
  });
}

function csvRecords(): Transform {
  return new Transform({
    objectMode: true,
    transform(entry: AuditLogEntry, _encoding, callback: TransformCallback) {
      callback(null, csvRecord(entry));
    },
  });
}

/** Counts bytes and keeps the head of the stream, so small exports can be returned inline. */
class ByteMeter extends Transform {
  bytes = 0;
  private readonly kept: Buffer[] = [];
  constructor(private readonly keepUpTo: number) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes <= this.keepUpTo) this.kept.push(chunk);
    callback(null, chunk);
  }
  inline(): string | undefined {
    return this.bytes <= this.keepUpTo ? Buffer.concat(this.kept).toString('utf8') : undefined;
  }
}

export interface ExportRequest {
  exportType: ExportType;
  range: TimeRange;
  query: AuditQuery;
  /** The most entries to include (the seed's pageSize); undefined means all in range. */
  maxEntries: number | undefined;
}

export interface ExportResult {
  objectKey: string;
  fileName: string;
  contentType: string;
  entries: number;
  bytes: number;
  /** The file's content when it is small enough to return directly. */
  inline: string | undefined;
  /** A short-lived presigned GET URL otherwise. */
  downloadUrl: string | undefined;
}

function fileNameFor(organizationId: string, request: ExportRequest, exportedAt: Date): string {
  const stamp = (date: Date | undefined, fallback: string) => (date ? date.toISOString().replace(/[:.]/g, '-') : fallback);
  const extension = request.exportType === 'csv' ? 'csv' : 'ndjson';
  return `audit-${organizationId}-${stamp(request.range.from, 'beginning')}_${stamp(request.range.to, stamp(exportedAt, 'now'))}.${extension}`;
}

/** A written export file (not yet audited or delivered). */
export interface ExportFile {
  objectKey: string;
  fileName: string;
  contentType: string;
  entries: number;
  bytes: number;
  /** The file's content when it is at most {@link INLINE_EXPORT_LIMIT_BYTES}. */
  inline: string | undefined;
}

/**
 * Streams the selected entries from DynamoDB query pages, through the CSV or NDJSON formatter,
 * into an S3 multipart upload: memory holds one query page and a few upload parts, whatever the
 * number of entries. The object stays in the export bucket (its lifecycle rule keeps it for the
 * compliance period). Used by the synchronous export and by the `audit-export` worker alike, so
 * both write the same bytes for the same request.
 *
 * @throws Error when no export bucket is configured, or when DynamoDB or S3 fail (the upload is aborted).
 */
export async function writeExportFile(organizationId: string, request: ExportRequest, exportedAt = new Date()): Promise<ExportFile> {
  const bucket = platformConfig().exportBucketName;
  if (!bucket) throw new Error('No export bucket is configured');
  const fileName = fileNameFor(organizationId, request, exportedAt);
  const objectKey = `exports/${organizationId}/${exportedAt.toISOString().slice(0, 10)}/${ulid()}-${fileName}`;
  const contentType = request.exportType === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8';

  let entries = 0;
  const source = Readable.from(
    (async function* () {
      for await (const record of audit.entries(organizationId, request.query, request.range, { descending: false })) {
        if (request.maxEntries !== undefined && entries >= request.maxEntries) return;
        entries++;
        yield toAuditLogEntry(record);
      }
    })(),
    { objectMode: true, highWaterMark: 64 },
  );
  const meter = new ByteMeter(INLINE_EXPORT_LIMIT_BYTES);
  const body = new PassThrough();
  const upload = exportFiles.upload({ bucket, key: objectKey, body, contentType, contentDisposition: `attachment; filename="${fileName}"` });
  const written =
    request.exportType === 'csv'
      ? // RFC 4180: one header row, CRLF line endings, quotes where a cell needs them.
        pipeline(source, csvRecords(), stringify({ header: true, columns: [...CSV_COLUMNS], record_delimiter: 'windows' }), meter, body)
      : pipeline(source, ndjsonFormatter(), meter, body);
  try {
    await Promise.all([written, upload.done()]);
  } catch (error) {
    body.destroy();
    await upload.abort().catch(() => undefined);
    throw error;
  }
  return { objectKey, fileName, contentType, entries, bytes: meter.bytes, inline: meter.inline() };
}

/** The details of an `audit.exported` entry: what was exported, how much. */
export function exportAuditDetails(request: ExportRequest, file: ExportFile): Record<string, unknown> {
  return {
    exportType: request.exportType,
    fromDate: request.range.from?.toISOString() ?? null,
    toDate: request.range.to?.toISOString() ?? null,
    entries: file.entries,
    bytes: file.bytes,
  };
}

/** A presigned GET URL of an export file, valid for {@link PRESIGNED_URL_SECONDS}. */
export async function exportDownloadUrl(objectKey: string, fileName: string): Promise<string> {
  const bucket = platformConfig().exportBucketName;
  if (!bucket) throw new Error('No export bucket is configured');
  return exportFiles.downloadUrl({ bucket, key: objectKey, contentDisposition: `attachment; filename="${fileName}"`, expiresInSeconds: PRESIGNED_URL_SECONDS });
}

/**
 * A synchronous export: writes the file ({@link writeExportFile}), audits it (`audit.exported`)
 * and delivers it inline when small, otherwise as a presigned URL.
 */
export async function exportAuditLog(
  organizationId: string,
  request: ExportRequest,
  actor: AuditEvent['actor'],
  origin: RequestOrigin,
): Promise<ExportResult> {
  const file = await writeExportFile(organizationId, request);
  await transact([
    auditStep({
      organizationId,
      action: 'audit.exported',
      actor,
      origin,
      target: { type: 'auditExport', id: file.objectKey },
      details: exportAuditDetails(request, file),
    }),
  ]);
  const downloadUrl = file.inline === undefined ? await exportDownloadUrl(file.objectKey, file.fileName) : undefined;
  return { ...file, downloadUrl };
}
