import { createHandler } from '#shared/http/create-handler.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { exportAuditLogRequest } from '#shared/audit/schemas.ts';
import { parseAuditQuery, parseTimeRange } from '#shared/audit/audit-query.ts';
import { exportAuditLog } from '#shared/audit/audit-export.ts';

/** Small exports come back as the file itself; larger ones as a redirect to a presigned S3 URL. */
export const handler = createHandler('identity-audit-export', async (request) => {
  const { query } = validateRequest(exportAuditLogRequest, request);
  const { organizationId, actor, origin } = tenantOf(request);
  const result = await exportAuditLog(
    organizationId,
    { exportType: query.exportType, range: parseTimeRange(query.fromDate, query.toDate), query: parseAuditQuery(query.query), maxEntries: query.pageSize },
    actor,
    origin,
  );
  const headers = { 'Cache-Control': 'no-store', 'X-Audit-Export-Key': result.objectKey, 'X-Audit-Export-Entries': String(result.entries) };
  if (result.inline !== undefined) {
    return {
      statusCode: 200,
      headers: { ...headers, 'Content-Type': result.contentType, 'Content-Disposition': `attachment; filename="${result.fileName}"` },
      body: result.inline,
    };
  }
  return { statusCode: 302, headers: { ...headers, Location: result.downloadUrl as string }, body: '' };
});
