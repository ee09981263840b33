/**
 * Directory sync cost per object (issue 13: "a full sync of 10,000 directory users and a delta
 * sync where 1 % changed — the delta's cost must scale with the changes, not the directory").
 *
 * A real OpenLDAP server (Debian's slapd, test/integration/support/ldap/slapd.ts, on a loopback
 * port from a temporary config) is seeded with `users` inetOrgPerson entries (ldapts adds, a few
 * connections in parallel). Through the local platform's HTTP API, as an operator would: an `ldap`
 * connection and a sync project over ou=people (users only), a full run (POST …/run, then the
 * run's record polled until it ends), then 1 % of the entries modified in slapd, the project
 * PATCHed to `mode: delta` and a delta run, and finally a delta run with nothing changed (its
 * fixed cost). Each run's DynamoDB usage is the difference of the process's instrumented totals
 * (bench/lib/dynamo-usage.ts) around it: the run request, the `sync-run` worker (in process
 * locally) and nothing else — the run record is polled with the seeder's own uninstrumented
 * client. Costs are reported per run, per processed object and, for the delta, per changed object.
 */
import { Change, Attribute, Client } from 'ldapts';
import { slapdAvailable, startSlapd, type SlapdServer } from '../../test/integration/support/ldap/slapd.ts';
import type { DynamoUsage } from './dynamo-usage.ts';
import { call, type Tenant } from './fixtures.ts';
import { progress } from './log.ts';
import type { Seeder } from './seed.ts';
import { keys } from '../../shared/storage/keys.ts';
import { deltaReadsScaleWithChanges } from './sync-rules.ts';

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Entries added per LDAP connection in flight, and connections in flight. */
const LDAP_WRITERS = 4;
/** The connection's and project's LDAP page size (slapd is started with size.pr at least this). */
const LDAP_PAGE_SIZE = 1000;

export interface RunCost {
  runId: string;
  status: string;
  reason: string | null;
  counts: Record<string, number>;
  /** Queue to finish, as the operator sees it (POST …/run to the record's final status). */
  ms: number;
  roundTrips: number;
  readCapacityUnits: number;
  writeCapacityUnits: number;
  calls: Record<string, number>;
  /** Divided by the objects the run processed (counts.processed). */
  perObject: { roundTrips: number; readCapacityUnits: number; writeCapacityUnits: number; ms: number } | undefined;
}

export interface SyncCostReport {
  directoryUsers: number;
  changedUsers: number;
  ldapSeedSeconds: number;
  ldapPageSize: number;
  full: RunCost;
  delta: RunCost & {
    /** Cost per object that changed in the directory (the delta's denominator). */
    perChangedObject: { roundTrips: number; readCapacityUnits: number; writeCapacityUnits: number; ms: number };
    /** delta total ÷ full total, against changed ÷ directory (what "scales with the changes" means). */
    ratioToFull: { roundTrips: number; readCapacityUnits: number; writeCapacityUnits: number; ms: number; changedShare: number };
  };
  /** A delta right after the previous one, nothing changed: what a delta costs regardless of changes. */
  emptyDelta: RunCost;
  /**
   * Whether the delta's reads scale with the changes (`deltaReadsScaleWithChanges`): at most
   * DELTA_READS_PER_CHANGED_OBJECT RCU per changed object plus 25 RCU, and a no-change delta reads at most 25 RCU.
   */
  deltaReadsProportional: boolean;
  note: string;
}

function entryDn(server: SlapdServer, index: number): string {
  return `uid=bench-${index},ou=people,${server.baseDn}`;
}

/** Adds `count` people to ou=people, `LDAP_WRITERS` connections in parallel; bounded by `deadline`. */
async function seedDirectory(server: SlapdServer, count: number, deadline: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const writer = async () => {
    const client = new Client({ url: server.url, timeout: 10_000 });
    try {
      await client.bind(server.adminDn, server.adminPassword);
      while (next < count) {
        if (Date.now() > deadline) throw new Error(`seeding slapd: ${next} of ${count} entries added before the deadline`);
        const index = next++;
        await client.add(entryDn(server, index), {
          objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
          uid: `bench-${index}`,
          cn: `Bench Person ${index}`,
          givenName: 'Bench',
          sn: `Person ${index}`,
          mail: `bench-${index}@corp.example.test`,
          employeeNumber: String(100_000 + index),
          title: 'Engineer',
          departmentNumber: ['Research', 'Sales', 'Support', 'Finance'][index % 4] as string,
          employeeType: 'active',
        });
      }
    } finally {
      await client.unbind().catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: LDAP_WRITERS }, writer));
  return (performance.now() - started) / 1000;
}

/** Changes the title of every `step`-th seeded entry (entryCSN moves, so a delta finds exactly those). */
async function modifyDirectory(server: SlapdServer, indexes: readonly number[]): Promise<void> {
  let next = 0;
  const writer = async () => {
    const client = await server.adminClient();
    try {
      while (next < indexes.length) {
        const index = indexes[next++] as number;
        await client.modify(entryDn(server, index), [new Change({ operation: 'replace', modification: new Attribute({ type: 'title', values: [`Principal Engineer ${index}`] }) })]);
      }
    } finally {
      await client.unbind().catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: LDAP_WRITERS }, writer));
}

export interface SyncCostOptions {
  baseUrl: string;
  tenant: Tenant;
  seeder: Seeder;
  users: number;
  usage: () => DynamoUsage | undefined;
  delta: (before: DynamoUsage | undefined, after: DynamoUsage | undefined) => DynamoUsage;
  /** Waits until no DynamoDB call of this process is in flight. */
  quiesce: () => Promise<boolean>;
  /** Epoch ms by which the whole measurement must end. */
  deadline: number;
}

/** Runs the measurement; `undefined` with a reason when slapd is not installed. */
export async function measureSyncCost(options: SyncCostOptions): Promise<SyncCostReport | { skipped: string }> {
  if (!slapdAvailable()) return { skipped: 'slapd is not installed (apt-get install slapd ldap-utils, see .ci/run)' };
  const { baseUrl, tenant, seeder } = options;
  const server = await startSlapd({ pageSizeLimit: LDAP_PAGE_SIZE });
  const api = async <T = Record<string, unknown>>(method: string, path: string, json?: unknown) => {
    const result = await call<T>(baseUrl, method, path, { token: tenant.ownerToken, ...(json !== undefined ? { json } : {}) });
    if (result.status >= 300) throw new Error(`${method} ${path}: ${result.status} ${result.text.slice(0, 400)}`);
    return result.body;
  };
  try {
    progress(`  seeding slapd with ${options.users.toLocaleString('en')} people`);
    const ldapSeedSeconds = await seedDirectory(server, options.users, options.deadline);
    progress(`  seeded in ${round(ldapSeedSeconds, 1)} s`);
    const connection = await api<{ id: string }>('POST', '/api/connections', {
      name: 'Bench OpenLDAP',
      type: 'ldap',
      host: server.host,
      port: server.port,
      tlsMode: 'none',
      allowInsecure: true,
      baseDn: server.baseDn,
      bindDn: server.serviceDn,
      password: server.servicePassword,
      pageSize: LDAP_PAGE_SIZE,
    });
    const project = await api<{ id: string }>('POST', '/api/sync/projects', {
      name: 'Bench people',
      connectionId: connection.id,
      searchBases: [`ou=people,${server.baseDn}`],
      objectClasses: ['user'],
    });

    const runOnce = async (label: string): Promise<RunCost> => {
      await options.quiesce();
      const before = options.usage();
      const started = performance.now();
      const queued = await api<{ runId: string }>('POST', `/api/sync/projects/${project.id}/run`);
      let record: Record<string, unknown>;
      // Polled with the seeder's uninstrumented client, so polling adds nothing to the measured usage.
      for (;;) {
        record = (await seeder.get(keys.syncRun(tenant.organizationId, queued.runId))) ?? {};
        const status = record.status;
        if (status !== undefined && status !== 'queued' && status !== 'running') break;
        if (Date.now() > options.deadline) throw new Error(`${label} sync run ${queued.runId} did not finish before the deadline (status ${String(status)})`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const ms = performance.now() - started;
      await options.quiesce();
      const used = options.delta(before, options.usage());
      const counts = (record.counts ?? {}) as Record<string, number>;
      const processed = counts.processed ?? 0;
      const result: RunCost = {
        runId: queued.runId,
        status: String(record.status),
        reason: typeof record.reason === 'string' ? record.reason : null,
        counts,
        ms: round(ms, 0),
        roundTrips: used.roundTrips,
        readCapacityUnits: round(used.readCapacityUnits),
        writeCapacityUnits: round(used.writeCapacityUnits),
        calls: Object.fromEntries(Object.entries(used.calls).filter(([, count]) => count > 0)),
        perObject: processed > 0 ? { roundTrips: round(used.roundTrips / processed), readCapacityUnits: round(used.readCapacityUnits / processed), writeCapacityUnits: round(used.writeCapacityUnits / processed), ms: round(ms / processed) } : undefined,
      };
      progress(`  ${label}: ${result.status}, ${processed} processed in ${result.ms} ms; ${result.roundTrips} round trips, ${result.readCapacityUnits} RCU, ${result.writeCapacityUnits} WCU`);
      if (result.status !== 'succeeded') throw new Error(`${label} sync run ended ${result.status} (${result.reason}): ${JSON.stringify(record).slice(0, 400)}`);
      return result;
    };

    const full = await runOnce('full sync');
    await api('PATCH', `/api/sync/projects/${project.id}`, { mode: 'delta' });
    const changed = Math.max(1, Math.round(options.users / 100));
    const step = Math.max(1, Math.floor(options.users / changed));
    const indexes = Array.from({ length: changed }, (_, i) => i * step);
    await modifyDirectory(server, indexes);
    const delta = await runOnce(`delta sync after ${changed} changes`);
    if (delta.counts.processed !== changed) progress(`  note: the delta processed ${delta.counts.processed} objects for ${changed} changed entries`);
    const emptyDelta = await runOnce('delta sync, nothing changed');

    const share = changed / Math.max(1, full.counts.processed ?? options.users);
    const ratio = (part: number, whole: number) => (whole > 0 ? round(part / whole, 4) : 0);
    const perChanged = (value: number) => round(value / changed);
    const deltaReadsProportional = deltaReadsScaleWithChanges(changed, delta.readCapacityUnits, emptyDelta.readCapacityUnits);
    return {
      directoryUsers: options.users,
      changedUsers: changed,
      ldapSeedSeconds: round(ldapSeedSeconds, 1),
      ldapPageSize: LDAP_PAGE_SIZE,
      full,
      delta: {
        ...delta,
        perChangedObject: { roundTrips: perChanged(delta.roundTrips), readCapacityUnits: perChanged(delta.readCapacityUnits), writeCapacityUnits: perChanged(delta.writeCapacityUnits), ms: perChanged(delta.ms) },
        ratioToFull: {
          roundTrips: ratio(delta.roundTrips, full.roundTrips),
          readCapacityUnits: ratio(delta.readCapacityUnits, full.readCapacityUnits),
          writeCapacityUnits: ratio(delta.writeCapacityUnits, full.writeCapacityUnits),
          ms: ratio(delta.ms, full.ms),
          changedShare: round(share, 4),
        },
      },
      emptyDelta,
      deltaReadsProportional,
      note: `slapd ${server.url} (loopback), ${options.users.toLocaleString('en')} inetOrgPerson entries plus the fixture's 4 under ou=people; project: users only, LDAP pages of ${LDAP_PAGE_SIZE}. Usage = the process's DynamoDB totals around each run (the run request and the in-process sync-run worker); ms = queue to final status. A delta of ${changed} changes should cost about ${round(share * 100, 2)} % of the full run.`,
    };
  } finally {
    await server.stop();
  }
}
