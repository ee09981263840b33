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
    // On-premises directories are reached through the deployment's sync VPC, when one is configured.
    network: 'syncVpc',
    // A run longer than one invocation stores the rest of its plan and sends itself a message to continue.
    starts: ['sync-run'],
    summary: "Runs a directory sync project: reads the directory, upserts users, groups and memberships, records the run's history",
  },
  {
    id: 'sync-schedule',
    handler: 'functions/workers/sync-schedule.ts',
    // One schedule per sync project that has one, managed by the project routes (created, changed
    // and deleted with the project). A firing queues a run exactly like POST …/run; while a run is
    // queued or running it is recorded as skipped, not retried.
    trigger: { kind: 'managedSchedules' },
    memoryMb: 256,
    timeoutSeconds: 30,
    // readWrite: the queued run, the project's run claim and the audit entry.
    access: { table: 'readWrite' },
    starts: ['sync-run'],
    summary: "Queues a scheduled run of a sync project (its schedule's firing), or records it as skipped while a run is in progress",
  },
];
