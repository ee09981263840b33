import type { WorkerDefinition } from '../workers.ts';
import { EVALUATION_ACTIONS } from '../governance/policy-rules.ts';

/** Background work behind the governance routes (access reviews, policies and violations). */
export const governanceWorkers: readonly WorkerDefinition[] = [
  {
    id: 'access-reviews-due',
    handler: 'functions/workers/access-reviews-due.ts',
    // Due dates are instants; a quarter-hour sweep handles each within 15 minutes of it. Every
    // step is conditioned on the campaign's version, so a late or repeated run does no harm.
    trigger: { kind: 'schedule', expression: 'rate(15 minutes)' },
    memoryMb: 512,
    timeoutSeconds: 300,
    // readWrite: campaigns, items and decisions, and the revokes' identity-store writes with their audit entries.
    access: { table: 'readWrite' },
    summary: 'Access reviews at their due date (undecided items kept, revoked or escalated; revokes applied) and the next occurrence of recurring campaigns',
  },
  {
    id: 'policy-evaluation',
    handler: 'functions/workers/policy-evaluation.ts',
    // Every change is committed with its audit entry; the entries that can create or clear a
    // violation (user, group and person changes, sign-ins, role deletions) reach this worker from
    // the table's stream. The worker's own violation.* and policy.* entries are not among them.
    trigger: { kind: 'auditStream', actions: EVALUATION_ACTIONS, batchSize: 100, maxBatchingWindowSeconds: 1, retryAttempts: 5 },
    memoryMb: 512,
    timeoutSeconds: 120,
    // readWrite: violations, their claims and audit entries.
    access: { table: 'readWrite' },
    summary: 'Evaluates the users a batch of committed changes may affect against their organization\'s enabled policies: opens, resolves and reopens violations',
  },
  {
    id: 'policy-sweep',
    handler: 'functions/workers/policy-sweep.ts',
    // One message per policy change (create, parameters changed, enable, disable, delete);
    // idempotent: a redelivered message evaluates the policy again and finds nothing to change.
    trigger: { kind: 'queue', batchSize: 1, maxReceiveCount: 3 },
    memoryMb: 1024,
    timeoutSeconds: 900,
    access: { table: 'readWrite' },
    summary: 'Evaluates one policy over its whole organization, or resolves its violations when it was disabled or deleted',
  },
  {
    id: 'policy-sweep-hourly',
    handler: 'functions/workers/policy-sweep-hourly.ts',
    // Time passes without an event: dormancy and lapsed exceptions are found here, as is anything
    // an event did not reach (a manager who left, an index that lagged).
    trigger: { kind: 'schedule', expression: 'rate(1 hour)' },
    memoryMb: 1024,
    timeoutSeconds: 900,
    access: { table: 'readWrite' },
    summary: 'Hourly: lapsed exceptions (platform-wide index), then every enabled policy of every organization that has one (dormancy and reconciliation)',
  },
];
