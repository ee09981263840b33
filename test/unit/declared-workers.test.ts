import { afterEach, describe, expect, it, vi } from 'vitest';
import { startedWorkersDefine } from '../../lib/platform-function.ts';
import { routes } from '../../shared/routes.ts';
import { workers } from '../../shared/workers.ts';
import { declaredWorkerRows, type DeclaredWorker } from '../../shared/workers/declared-workers.ts';

/**
 * The workers a function declares are injected into its bundle (esbuild `define`), so starting work
 * needs no worker table there; unbundled, the table answers. These tests play both sides in
 * process: a fresh copy of the modules with the global set stands for a bundle.
 */

type Sent = { kind: 'enqueue' | 'invoke'; worker: DeclaredWorker; body: string };

/** Fresh start-worker and worker-schedules modules (their injected rows are read once per module) with recording transports. */
async function freshModules(injected: readonly DeclaredWorker[] | undefined) {
  if (injected === undefined) delete globalThis.__PLATFORM_STARTED_WORKERS__;
  else globalThis.__PLATFORM_STARTED_WORKERS__ = JSON.stringify(injected);
  vi.resetModules();
  const [start, schedules, payloads] = await Promise.all([
    import('../../shared/workers/start-worker.ts'),
    import('../../shared/workers/worker-schedules.ts'),
    import('../../shared/workers/payloads.ts'),
  ]);
  const sent: Sent[] = [];
  const scheduled: string[] = [];
  start.setWorkerTransport({
    enqueue: async (worker, body) => void sent.push({ kind: 'enqueue', worker, body }),
    invoke: async (worker, body) => void sent.push({ kind: 'invoke', worker, body }),
  });
  schedules.setScheduleTransport({ put: async (worker, schedule) => void scheduled.push(`${worker.id}/${schedule.name}`), remove: async () => undefined });
  return { start, schedules, payloads, sent, scheduled };
}

const organizationId = '0b6c3c52-3f3a-4c39-9d55-5a1cd3d0f1a1';
const otherId = '4f0e6f9e-1b7c-4d4f-8a8e-2a7f0d3c9b10';

afterEach(async () => {
  delete globalThis.__PLATFORM_STARTED_WORKERS__;
  const [start, schedules] = await Promise.all([import('../../shared/workers/start-worker.ts'), import('../../shared/workers/worker-schedules.ts')]);
  start.setWorkerTransport(undefined);
  schedules.setScheduleTransport(undefined);
});

describe('declared workers', () => {
  it("are a row's starts and managesSchedules, by id and trigger kind, as the build injects them", () => {
    expect(declaredWorkerRows({ starts: ['sync-run'], managesSchedules: ['sync-schedule'] }, workers)).toEqual([
      { id: 'sync-run', trigger: { kind: 'queue' } },
      { id: 'sync-schedule', trigger: { kind: 'managedSchedules' } },
    ]);
    expect(declaredWorkerRows({ starts: ['sync-run', 'sync-run'] }, workers)).toHaveLength(1);
    expect(declaredWorkerRows({}, workers)).toEqual([]);
    const route = routes.find((candidate) => candidate.id === 'scim-groups-delete');
    expect(route && JSON.parse(JSON.parse(startedWorkersDefine(route)['globalThis.__PLATFORM_STARTED_WORKERS__'] ?? '""') as string)).toEqual([
      { id: 'sweep-group-memberships', trigger: { kind: 'queue' } },
    ]);
  });

  it('start only the injected workers in a bundle, with the payload validated; another is refused with the fix', async () => {
    const { start, payloads, sent } = await freshModules([{ id: 'sweep-group-memberships', trigger: { kind: 'queue' } }]);
    await start.startWorker(payloads.sweepGroupMembershipsWorker, { organizationId, groupId: otherId });
    expect(sent).toEqual([{ kind: 'enqueue', worker: { id: 'sweep-group-memberships', trigger: { kind: 'queue' } }, body: JSON.stringify({ organizationId, groupId: otherId }) }]);
    await expect(start.startWorker(payloads.policySweepWorker, { organizationId, policyId: otherId })).rejects.toThrow('declare it in `starts`');
    await expect(start.startWorker(payloads.sweepGroupMembershipsWorker, { organizationId, groupId: 'not-a-uuid' })).rejects.toThrow();
    expect(sent).toHaveLength(1);
  });

  it('keep managed schedules only of an injected managedSchedules worker', async () => {
    const { schedules, scheduled } = await freshModules([{ id: 'sync-run', trigger: { kind: 'queue' } }]);
    const schedule = { name: 'sync-project-a', expression: 'rate(1 hour)', enabled: true, payload: {} };
    await expect(schedules.putWorkerSchedule('sync-schedule', schedule)).rejects.toThrow('declare it in `managesSchedules`');
    await expect(schedules.putWorkerSchedule('sync-run', schedule)).rejects.toThrow('has no managed schedules');
    const declared = await freshModules([{ id: 'sync-schedule', trigger: { kind: 'managedSchedules' } }]);
    await declared.schedules.putWorkerSchedule('sync-schedule', schedule);
    expect([...scheduled, ...declared.scheduled]).toEqual(['sync-schedule/sync-project-a']);
  });

  it('come from the worker table when nothing was injected (local runtime, tests)', async () => {
    const { start, payloads, sent } = await freshModules(undefined);
    await start.startWorker(payloads.policySweepWorker, { organizationId, policyId: otherId });
    await start.startWorker(payloads.syncRunWorker, { organizationId, projectId: otherId, runId: '01HZX3J5Q7T9V1W3Y5Z7A9B1C3' });
    expect(sent.map((entry) => [entry.kind, entry.worker.id])).toEqual([
      ['enqueue', 'policy-sweep'],
      ['enqueue', 'sync-run'],
    ]);
  });
});
