import { runAuditExportJob } from '#shared/audit/audit-export-jobs.ts';
import { workerPayloads } from '#shared/workers/payloads.ts';
import { createQueueWorker } from '#shared/workers/queue-handler.ts';

export const handler = createQueueWorker('audit-export', workerPayloads['audit-export'], (payload) => runAuditExportJob(payload));
