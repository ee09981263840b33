import type { AuditChange } from '../../../../shared/storage/audit-stream.ts';
import { createAuditStreamWorker } from '../../../../shared/workers/audit-stream.ts';

/**
 * A stream worker for the audit-stream test: records the changes it receives, and fails its first
 * `failuresLeft` batches (thrown), so the test sees retries and the dead-letter path.
 */
export const probe = { received: [] as AuditChange[][], failuresLeft: 0, attempts: 0 };

export const handler = createAuditStreamWorker('stream-probe', async (changes) => {
  probe.attempts += 1;
  if (probe.failuresLeft > 0) {
    probe.failuresLeft -= 1;
    throw new Error('probe failure');
  }
  probe.received.push(changes);
  return { changes: changes.length };
});
