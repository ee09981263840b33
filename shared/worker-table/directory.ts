import type { WorkerDefinition } from '../workers.ts';

/** Background work behind the Directory API. */
export const directoryWorkers: readonly WorkerDefinition[] = [
  {
    id: 'sync-run',
    handler: 'functions/workers/sync-run.ts',
    // One message per queued run (POST /api/sync/projects/{id}/run). A run is idempotent on
    // redelivery: a run that is no longer queued is left alone.
    trigger: { kind: 'queue', batchSize: 1, maxReceiveCount: 3 },
    memoryMb: 1024,
    timeoutSeconds: 900,
    // readWrite: users, groups, memberships, the run and its change records; decrypt: the bind password.
    access: { table: 'readWrite', secretsKey: 'decrypt' },
    // A run longer than one invocation stores the rest of its plan and sends itself a message to continue.
    starts: ['sync-run'],
    summary: "Runs a directory sync project: reads the directory, upserts users, groups and memberships, records the run's history",
  },
];
