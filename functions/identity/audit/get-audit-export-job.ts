import { createHandler } from '#shared/http/create-handler.ts';
import { jsonResponse } from '#shared/http/responses.ts';
import { validateRequest } from '#shared/http/request-contract.ts';
import { tenantOf } from '#shared/http/request-context.ts';
import { getAuditExportJobRequest } from '#shared/audit/schemas.ts';
import { auditExportJobStatus } from '#shared/audit/audit-export-jobs.ts';

/** An asynchronous export's status; once it has succeeded, with a fresh presigned download URL. Only the organization's own jobs are found. */
export const handler = createHandler('identity-audit-export-job', async (request) => {
  validateRequest(getAuditExportJobRequest, request);
  const { organizationId } = tenantOf(request);
  const job = await auditExportJobStatus(organizationId, request.pathParameters.jobId ?? '');
  return jsonResponse(200, job, { 'Cache-Control': 'no-store' });
});
