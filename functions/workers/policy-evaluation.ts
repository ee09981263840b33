import { evaluateAuditChanges } from '#shared/governance/policy-evaluation.ts';
import { createAuditStreamWorker } from '#shared/workers/audit-stream.ts';

/** The `policy-evaluation` audit-stream worker: evaluates the users a batch of committed changes may affect. */
export const handler = createAuditStreamWorker('policy-evaluation', (changes) => evaluateAuditChanges(changes, Date.now()));
