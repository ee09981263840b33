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
    summary: 'Removes the membership items of a deleted group, audited, in transactions of up to 96',
  },
];
