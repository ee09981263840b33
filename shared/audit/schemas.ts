import * as z from 'zod';
import { queryInteger } from '../http/paging.ts';
import { requestContract } from '../http/request-contract.ts';

/** Query parameters of the audit endpoints (validated here, documented in the OpenAPI definition). */
const queryText = z
  .string()
  .max(500)
  .meta({
    description:
      'Space-separated terms that must all match: action:<name> (exact) or action:<prefix>.* , actor:<id>, actorType:<type>, ' +
      'target:<id>, targetType:<type>, ip:<address>, and any other word or "quoted phrase" as case-insensitive text; e.g. action:user.login ip:192.0.2.1',
  });
const fromDate = z.string().max(40).meta({ description: 'Start of the range: ISO 8601 date or date-time with zone (inclusive), e.g. 2025-11-01' });
const toDate = z
  .string()
  .max(40)
  .meta({ description: 'End of the range: ISO 8601 date or date-time with zone; a date-only value includes that whole day, e.g. 2025-11-30' });

export const auditListQuery = z.object({
  pageSize: queryInteger('pageSize', { min: 1, max: 100, fallback: 20 }).meta({ description: 'Entries per page' }),
  pageNumber: queryInteger('pageNumber', { min: 1, max: 1_000_000, fallback: 1 }).meta({ description: 'Page to return, 1-based' }),
  sortBy: z
    .enum(['timestamp:desc', 'timestamp:asc', 'timestamp', '-timestamp'], { message: "sortBy must be 'timestamp:desc' (default) or 'timestamp:asc'" })
    .default('timestamp:desc')
    .meta({ description: 'Order by time: newest first (timestamp:desc, -timestamp) or oldest first (timestamp:asc, timestamp)' }),
  query: queryText.optional(),
  fromDate: fromDate.optional(),
  toDate: toDate.optional(),
});

export const auditExportQuery = z.object({
  exportType: z
    .enum(['csv', 'json'], { message: "exportType must be 'csv' or 'json'" })
    .default('csv')
    .meta({ description: 'File format: csv (RFC 4180) or json (NDJSON, one entry per line)' }),
  fromDate: fromDate.optional(),
  toDate: toDate.optional(),
  query: queryText.optional(),
  pageSize: z.coerce.number().int().min(1).max(10_000_000).optional().meta({ description: 'The most entries to include (default: all in the range)' }),
});

const preferHeader = z.object({
  prefer: z
    .string()
    .max(200)
    .meta({ description: 'RFC 7240: `respond-async` asks for an asynchronous job (202) whatever the size of the export' })
    .optional(),
});

export const listAuditEntriesRequest = requestContract('identity-audit-list', { query: auditListQuery });
export const exportAuditLogRequest = requestContract('identity-audit-export', { query: auditExportQuery, headers: preferHeader });
export const getAuditExportJobRequest = requestContract('identity-audit-export-job', {});
