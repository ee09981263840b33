import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { exportAuditLogRequest } from '#shared/audit/schemas.ts';
import { parseAuditQuery, parseTimeRange } from '#shared/audit/audit-query.ts';
import { exportOrQueue } from '#shared/audit/audit-export-jobs.ts';

/**
 * Small exports come back as the file itself, larger ones as a redirect to a presigned S3 URL;
 * exports above the asynchronous threshold (or with `Prefer: respond-async`) answer 202 with a job
 * to follow at its Location.
 */
export const handler = createHandler('identity-audit-export', async (request) => {
  const { query, headers: given } = validateRequest(exportAuditLogRequest, request);
  const { organizationId, actor, origin } = tenantOf(request);
  const outcome = await exportOrQueue(
    organizationId,
    { exportType: query.exportType, range: parseTimeRange(query.fromDate, query.toDate), query: parseAuditQuery(query.query), maxEntries: query.pageSize },
    query.query,
    actor,
    origin,
    { preferAsync: /(^|[\s,;])respond-async([\s,;=]|$)/i.test(given.prefer ?? '') },
  );
  if (outcome.kind === 'job') {
    return jsonResponse(202, outcome.job, { Location: `/api/identity/v1/audit/exports/${outcome.job.jobId}`, 'Cache-Control': 'no-store', 'Preference-Applied': 'respond-async' });
  }
  const result = outcome.result;
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
