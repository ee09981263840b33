import { z } from 'zod';

/** Query parameters of the audit endpoints (validated here, documented in the OpenAPI definition). */
export const auditListQuery = z.object({
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
  pageNumber: z.coerce.number().int().min(1).max(1_000_000).default(1),
  sortBy: z
    .enum(['timestamp:desc', 'timestamp:asc', 'timestamp', '-timestamp'], { message: "sortBy must be 'timestamp:desc' (default) or 'timestamp:asc'" })
    .default('timestamp:desc'),
  query: z.string().max(500).optional(),
  fromDate: z.string().max(40).optional(),
  toDate: z.string().max(40).optional(),
});

export const auditExportQuery = z.object({
  exportType: z.enum(['csv', 'json'], { message: "exportType must be 'csv' or 'json'" }).default('csv'),
  fromDate: z.string().max(40).optional(),
  toDate: z.string().max(40).optional(),
  query: z.string().max(500).optional(),
  pageSize: z.coerce.number().int().min(1).max(10_000_000).optional(),
});
