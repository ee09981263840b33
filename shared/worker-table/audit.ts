import type { WorkerDefinition } from '../workers.ts';

/** Background work behind the audit routes. */
export const auditWorkers: readonly WorkerDefinition[] = [
  {
    id: 'audit-export',
    handler: 'functions/workers/audit-export.ts',
    // One message per export job (GET /api/identity/v1/audit/log above the asynchronous threshold).
    // A job is claimed before it runs and counts its attempts, so a redelivered message of a job
    // that finished does nothing, and the last failed attempt marks the job failed.
    trigger: { kind: 'queue', batchSize: 1, maxReceiveCount: 3 },
    // The export streams DynamoDB query pages into an S3 multipart upload: memory stays flat (the
    // bench measures a 1,000,000-entry export's peak RSS), so 512 MB leaves headroom.
    memoryMb: 512,
    timeoutSeconds: 900,
    // readWrite: the job item and its audit entries; the export bucket: the file.
    access: { table: 'readWrite', exportBucket: 'write' },
    summary: 'Writes an asynchronous audit log export (CSV or NDJSON) to the export bucket and records the job as done, audited',
  },
];
