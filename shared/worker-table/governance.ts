import type { WorkerDefinition } from '../workers.ts';

/** Background work behind the governance routes (access reviews). */
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
];
