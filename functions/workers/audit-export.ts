import { runAuditExportJob } from '#shared/audit/audit-export-jobs.ts';
import { auditExportWorker } from '#shared/workers/payloads.ts';
import { createQueueWorker } from '#shared/workers/queue-handler.ts';

export const handler = createQueueWorker(auditExportWorker.id, auditExportWorker.payload, (payload) => runAuditExportJob(payload));
