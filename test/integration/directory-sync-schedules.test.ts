/**
 * Scheduled sync runs (issue 13, "Scheduled runs") over real HTTP against the local runtime: a
 * project's schedule is validated strictly (rate or EventBridge cron, IANA time zone), shown with
 * its `nextRunAt`, paused, changed and removed; and a project with a one-minute rate produces a run
 * against a real OpenLDAP server without any POST …/run, queued with the schedule as the actor,
 * while a firing during a run in progress is recorded as skipped. (Deployments refuse schedules
 * under 15 minutes; the test platform allows 1 — SYNC_SCHEDULE_MIN_INTERVAL_MINUTES.)
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { nextFireTimes } from '../../shared/workers/schedule-expressions.ts';
import { auditEntries, call, createTenant, type Tenant } from './support/platform-client.ts';
import { slapdAvailable, startSlapd, SLAPD_BINARY, type SlapdServer } from './support/ldap/slapd.ts';

const ci = process.env.CI === 'true';
const haveSlapd = slapdAvailable();
if (!haveSlapd && !ci) console.warn(`SKIPPED: sync schedule tests — ${SLAPD_BINARY} is not installed (apt-get install slapd ldap-utils, see .ci/run)`);

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let tenant: Tenant;
let slapd: SlapdServer;
/** A loopback TCP server that accepts LDAP connections and never answers: a run against it hangs until its operation timeout. */
let silent: Server;
const sockets = new Set<Socket>();

const api = (method: string, path: string, json?: unknown) => call<Json>(method, path, { token: tenant.ownerToken, ...(json !== undefined ? { json } : {}) });

function expectBadRequest(result: { status: number; body: Json; text: string }, messagePart: RegExp): void {
  expect(result.status, result.text).toBe(400);
  expect(result.body).toEqual({ error: 'Bad Request', message: expect.stringMatching(messagePart) as string, statusCode: 400 });
}

async function connection(name: string, host: string, port: number, extra: Record<string, unknown> = {}): Promise<string> {
  const created = await api('POST', '/api/connections', { name, type: 'ldap', host, port, tlsMode: 'none', allowInsecure: true, baseDn: slapd.baseDn, bindDn: slapd.serviceDn, password: slapd.servicePassword, ...extra });
  expect(created.status, created.text).toBe(201);
  return created.body.id as string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  if (!haveSlapd) return;
  tenant = await createTenant('Sync schedules');
  const lifted = { perMinute: 100_000, perHour: 1_000_000 };
  const patched = await call('PATCH', `/api/identity/v1/organizations/${tenant.organizationId}`, { headers: { 'X-Operator-Key': inject('operatorApiKey') }, json: { rateLimits: { directory: lifted } } });
  if (patched.status !== 200) throw new Error(`rate limits: ${patched.status} ${patched.text}`);
  slapd = await startSlapd();
  silent = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
}, 120_000);

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all([slapd?.stop(), new Promise((done) => (silent ? silent.close(done) : done(undefined)))]);
});

describe.skipIf(!haveSlapd && !ci)('sync project schedules', () => {
  let connectionId: string;

  it('validates schedules strictly: expression, time zone, day fields, rates without time zones', async () => {
    connectionId = await connection('Schedules OpenLDAP', slapd.host, slapd.port);
    const create = (schedule: unknown) => api('POST', '/api/sync/projects', { name: 'Bad schedule', connectionId, schedule });
    expectBadRequest(await create({ expression: 'every night' }), /schedule\.expression.*rate\(<n> minutes\|hours\|days\) or cron\(/);
    expectBadRequest(await create({ expression: 'rate(1 hours)' }), /singular for 1/);
    expectBadRequest(await create({ expression: 'rate(30 seconds)' }), /rate\(<n> minutes\|hours\|days\)/);
    expectBadRequest(await create({ expression: 'cron(0 2 * * *)' }), /six fields/);
    expectBadRequest(await create({ expression: 'cron(0 2 * * MON *)' }), /exactly one of day-of-month and day-of-week must be \?/);
    expectBadRequest(await create({ expression: 'cron(0 25 ? * MON-FRI *)' }), /hours: 25 is outside 0-23/);
    expectBadRequest(await create({ expression: 'cron(0 2 ? * MON-FRI *)', timezone: 'Europe/Atlantis' }), /schedule\.timezone.*not an IANA time zone/);
    expectBadRequest(await create({ expression: 'cron(0 2 ? * MON-FRI *)', timezone: 'CET+1' }), /not an IANA time zone/);
    expectBadRequest(await create({ expression: 'rate(6 hours)', timezone: 'Europe/Berlin' }), /timezone applies to cron expressions only/);
    expectBadRequest(await create({ expression: 'rate(6 hours)', enabled: 'yes' }), /enabled/);
    expectBadRequest(await create({ expression: 'rate(6 hours)', every: 'day' }), /every|Unrecognized/i);
    expect((await api('GET', '/api/sync/projects')).body.totalCount).toBe(0);
  });

  it('shows the schedule with nextRunAt in its time zone; pauses, changes and removes it', async () => {
    const created = await api('POST', '/api/sync/projects', { name: 'Nightly', connectionId, schedule: { expression: 'cron(30 2 ? * MON-FRI *)', timezone: 'Europe/Berlin' } });
    expect(created.status, created.text).toBe(201);
    const project = created.body;
    expect(project.schedule).toEqual({ expression: 'cron(30 2 ? * MON-FRI *)', timezone: 'Europe/Berlin', enabled: true });
    const expected = nextFireTimes({ expression: 'cron(30 2 ? * MON-FRI *)', timezone: 'Europe/Berlin' }, Date.now(), 1)[0] ?? 0;
    expect(Date.parse(project.nextRunAt as string)).toBe(expected);
    // 02:30 in Berlin is 01:30 UTC in winter, 00:30 UTC in summer; never on a weekend.
    expect(new Date(expected).getUTCMinutes()).toBe(30);
    expect([0, 6]).not.toContain(new Date(expected).getUTCDay());
    expect((await api('GET', `/api/sync/projects/${project.id}`)).body).toEqual(project);

    const paused = await api('PATCH', `/api/sync/projects/${project.id}`, { schedule: { enabled: false } });
    expect(paused.status, paused.text).toBe(200);
    expect(paused.body).toMatchObject({ schedule: { expression: 'cron(30 2 ? * MON-FRI *)', timezone: 'Europe/Berlin', enabled: false }, nextRunAt: null, version: 2 });
    expectBadRequest(await api('PATCH', `/api/sync/projects/${project.id}`, { schedule: { timezone: 'Moon/Base' } }), /not an IANA time zone/);
    const hourly = await api('PATCH', `/api/sync/projects/${project.id}`, { schedule: { expression: 'rate(2 hours)', enabled: true } });
    expect(hourly.status, hourly.text).toBe(200);
    // A rate has no time zone; it fires at whole multiples of its period (even UTC hours).
    expect(hourly.body.schedule).toEqual({ expression: 'rate(2 hours)', timezone: null, enabled: true });
    const next = new Date(hourly.body.nextRunAt as string);
    expect(next.getUTCHours() % 2).toBe(0);
    expect(next.getTime() - Date.now()).toBeLessThanOrEqual(2 * 3_600_000);
    const removed = await api('PATCH', `/api/sync/projects/${project.id}`, { schedule: null });
    expect(removed.body).toMatchObject({ schedule: null, nextRunAt: null });
    expectBadRequest(await api('PATCH', `/api/sync/projects/${project.id}`, { schedule: { enabled: true } }), /no schedule yet; send an expression/);
    expect((await api('DELETE', `/api/sync/projects/${project.id}`)).status).toBe(204);
  });

  it('queues a run on schedule without any POST …/run, and records a firing during a run in progress as skipped', async () => {
    // The run that holds B's claim hangs for at most 20 s (the operation timeout): start it close
    // enough to the next minute that the firing comes while it still holds the claim.
    const untilMinute = () => 60_000 - (Date.now() % 60_000);
    if (untilMinute() < 8_000 || untilMinute() > 16_000) await sleep((untilMinute() - 14_000 + 60_000) % 60_000);
    const silentPort = (silent.address() as { port: number }).port;
    const hangingConnection = await connection('Silent directory', '127.0.0.1', silentPort, { operationTimeoutMs: 20_000, connectTimeoutMs: 2_000 });
    const scheduled = await api('POST', '/api/sync/projects', { name: 'Every minute', connectionId, schedule: { expression: 'rate(1 minute)' } });
    const busy = await api('POST', '/api/sync/projects', { name: 'Busy every minute', connectionId: hangingConnection, schedule: { expression: 'rate(1 minute)' } });
    expect(scheduled.status, scheduled.text).toBe(201);
    expect(busy.status, busy.text).toBe(201);
    const manual = await api('POST', `/api/sync/projects/${busy.body.id}/run`);
    expect(manual.status, manual.text).toBe(202);
    const fireAt = Date.parse(scheduled.body.nextRunAt as string);
    expect(Date.parse(busy.body.nextRunAt as string)).toBe(fireAt);
    expect(fireAt - Date.now()).toBeLessThan(20_000);

    // Bounded wait: the firing plus the runs (the busy run ends by its 20 s timeout).
    const deadline = fireAt + 45_000;
    let run: Json | undefined;
    while (Date.now() < deadline) {
      const history = await api('GET', `/api/sync/history?projectId=${scheduled.body.id}`);
      run = (history.body.data as Json[]).find((candidate) => !['queued', 'running'].includes(candidate.status as string));
      if (run) break;
      await sleep(500);
    }
    expect(run, 'no scheduled run finished in time').toBeDefined();
    expect(run).toMatchObject({ projectId: scheduled.body.id, status: 'succeeded', mode: 'full' });
    expect(run?.counts.created).toBeGreaterThan(0);
    expect(Date.parse(run?.queuedAt as string)).toBeGreaterThanOrEqual(fireAt);

    const entries = await auditEntries(tenant.organizationId);
    const queued = entries.find((entry) => entry.action === 'sync.run.queued' && entry.details?.runId === run?.id);
    expect(queued).toMatchObject({ actorType: 'system', actorId: `sync-schedule:${scheduled.body.id}` });
    const skipped = entries.filter((entry) => entry.action === 'sync.run.skipped' && entry.targetId === busy.body.id);
    expect(skipped.length, JSON.stringify(entries.map((entry) => entry.action))).toBeGreaterThanOrEqual(1);
    expect(skipped[0]).toMatchObject({ actorType: 'system', actorId: `sync-schedule:${busy.body.id}`, details: { reason: 'run_in_progress', scheduledTime: new Date(fireAt).toISOString() } });
    // The busy project has only its manual run: the firing queued nothing.
    expect((await api('GET', `/api/sync/history?projectId=${busy.body.id}`)).body.totalCount).toBe(1);

    // Removing the schedules stops the timers.
    for (const id of [scheduled.body.id, busy.body.id]) expect((await api('PATCH', `/api/sync/projects/${id}`, { schedule: null })).status).toBe(200);
  }, 150_000);
});
