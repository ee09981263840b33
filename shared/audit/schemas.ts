import * as z from '../zod-mini.ts';
import { queryInteger } from '../http/paging.ts';
import { requestContract } from '../http/request-contract.ts';
import { lazily } from '../lazy.ts';

/** Query parameters of the audit endpoints (validated here, documented in the OpenAPI definition). */
const queryText = /* @__PURE__ */ lazily(() => z.string().check(z.maxLength(500), z.meta({
    description:
      'Space-separated terms that must all match: action:<name> (exact) or action:<prefix>.* , actor:<id>, actorType:<type>, ' +
      'target:<id>, targetType:<type>, ip:<address>, and any other word or "quoted phrase" as case-insensitive text; e.g. action:user.login ip:192.0.2.1',
  })));
const fromDate = /* @__PURE__ */ lazily(() => z.string().check(z.maxLength(40), z.meta({ description: 'Start of the range: ISO 8601 date or date-time with zone (inclusive), e.g. 2025-11-01' })));
const toDate = /* @__PURE__ */ lazily(() => z.string().check(z.maxLength(40), z.meta({ description: 'End of the range: ISO 8601 date or date-time with zone; a date-only value includes that whole day, e.g. 2025-11-30' })));

export const auditListQuery = /* @__PURE__ */ lazily(() => z.object({
  pageSize: queryInteger('pageSize', { min: 1, max: 100, fallback: 20 }).check(z.meta({ description: 'Entries per page' })),
  pageNumber: queryInteger('pageNumber', { min: 1, max: 1_000_000, fallback: 1 }).check(z.meta({ description: 'Page to return, 1-based' })),
  sortBy: z._default(z.enum(['timestamp:desc', 'timestamp:asc', 'timestamp', '-timestamp'], { message: "sortBy must be 'timestamp:desc' (default) or 'timestamp:asc'" }), 'timestamp:desc').check(z.meta({ description: 'Order by time: newest first (timestamp:desc, -timestamp) or oldest first (timestamp:asc, timestamp)' })),
  query: z.optional(queryText()),
  fromDate: z.optional(fromDate()),
  toDate: z.optional(toDate()),
}));

export const auditExportQuery = /* @__PURE__ */ lazily(() => z.object({
  exportType: z._default(z.enum(['csv', 'json'], { message: "exportType must be 'csv' or 'json'" }), 'csv').check(z.meta({ description: 'File format: csv (RFC 4180) or json (NDJSON, one entry per line)' })),
  fromDate: z.optional(fromDate()),
  toDate: z.optional(toDate()),
  query: z.optional(queryText()),
  pageSize: z.optional(z.coerce.number().check(z.int(), z.gte(1), z.lte(10_000_000))).check(z.meta({ description: 'The most entries to include (default: all in the range)' })),
}));

const preferHeader = /* @__PURE__ */ lazily(() => z.object({
  prefer: z.optional(z.string().check(z.maxLength(200), z.meta({ description: 'RFC 7240: `respond-async` asks for an asynchronous job (202) whatever the size of the export' }))),
}));

export const listAuditEntriesRequest = /* @__PURE__ */ requestContract('identity-audit-list', () => ({ query: auditListQuery() }));
export const exportAuditLogRequest = /* @__PURE__ */ requestContract('identity-audit-export', () => ({ query: auditExportQuery(), headers: preferHeader() }));
export const getAuditExportJobRequest = /* @__PURE__ */ requestContract('identity-audit-export-job', () => ({}));
