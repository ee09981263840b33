import type { WorkerDefinition } from '../workers.ts';

/** Background work behind the SCIM routes. */
export const scimWorkers: readonly WorkerDefinition[] = [
  {
    id: 'sweep-group-memberships',
    handler: 'functions/workers/sweep-group-memberships.ts',
    // One message per deleted group; a sweep that runs out of time sends itself a new message, so
    // retries only ever repeat work that did not land.
    trigger: { kind: 'queue', batchSize: 1, maxReceiveCount: 5 },
    memoryMb: 512,
    timeoutSeconds: 120,
    access: { table: 'readWrite' },
    starts: ['sweep-group-memberships'],
    summary: 'Removes the membership items of a deleted group, audited, in transactions of up to 48 (with the members\' group summary updates)',
  },
  {
    id: 'backfill-user-group-summaries',
    handler: 'functions/workers/backfill-user-group-summaries.ts',
    // Users written before group summaries existed are answered with a per-user query (and their
    // organization noted) until this pass completes their summaries; once none is left, a run is
    // one Query of an empty partition. Every write is an idempotent set operation, so a late or
    // repeated run does no harm.
    trigger: { kind: 'schedule', expression: 'rate(1 hour)' },
    memoryMb: 512,
    timeoutSeconds: 900,
    access: { table: 'readWrite' },
    summary: 'Hourly: completes the group membership summaries of users written before summaries existed, in the organizations readers noted',
  },
];
