import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { listAuditEntriesRequest } from '#shared/audit/schemas.ts';
import { parseAuditQuery, parseTimeRange } from '#shared/audit/audit-query.ts';
import { listAuditLog } from '#shared/audit/audit-log.ts';

export const handler = createHandler('identity-audit-list', async (request) => {
  const { query } = validateRequest(listAuditEntriesRequest, request);
  const { organizationId } = tenantOf(request);
  const page = await listAuditLog(organizationId, {
    pageSize: query.pageSize,
    pageNumber: query.pageNumber,
    descending: query.sortBy === 'timestamp:desc' || query.sortBy === '-timestamp',
    query: parseAuditQuery(query.query),
    range: parseTimeRange(query.fromDate, query.toDate),
  });
  return jsonResponse(200, page, { 'Cache-Control': 'no-store' });
});
