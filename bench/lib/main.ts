/**
 * The benchmark run. Phases, in order (each bounded in requests and time; the whole run in
 * BENCH_BUDGET_SECONDS, default 570):
 *   1. cold start of every function bundle, then `npm start` to its first answered request (nothing else running);
 *   2. the local runtime (DynamoDB Local in memory, s3rver, the HTTP server), one organization per
 *      size (1,000 / 10,000 / 100,000 users) and one for the audit log, seeded with BatchWriteItem;
 *   3. DynamoDB Local's own throughput (the ceiling);
 *   4. per size: cost per operation in process (round trips, capacity, CPU); latency through HTTP at
 *      c=1, interleaved across the sizes so machine noise hits them alike;
 *   5. at the largest size: CPU profiles, latency and throughput at c=8 and c=32;
 *   6. list paging deep into the largest organization; a 10,000-member group; a 10,000-value group PATCH;
 *   7. audit list deep pages and the audit export in a child process (peak RSS);
 *   8. report (JSON) and chart (SVG) under bench/results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { startLocalPlatform, LOCAL_TABLE_NAME, type LocalPlatform } from '../../lib/local/platform.ts';
import { freePort } from '../../lib/local/engines.ts';
import { routes } from '../../shared/routes.ts';
import { dynamoCallsInFlight, dynamoUsageTotals, type DynamoUsage } from './dynamo-usage.ts';
import { keys } from '../../shared/storage/keys.ts';
import { coldStart, removeBundles, type ColdStartReport } from './cold-start.ts';
import { cpuLoadBetween, cpuSnapshot, machineInfo, type CpuLoad } from './machine.ts';
import { elapsedSeconds, progress } from './log.ts';
import { invokeInProcess, type InvocationMeasurement } from './invoke.ts';
import { LoadGenerator } from './load-client.ts';
import type { EngineOperation, EngineResult, HttpResult, RequestSpec } from './load-protocol.ts';
import { createGroup, createTenant, issueToken, patchBody, SCIM } from './fixtures.ts';
import { newLevel, operationCatalogue, sample, SCALE_OPERATIONS, type Level, type OperationDefinition } from './operations.ts';
import { Seeder, seedAuditEntries, seedMemberships, seedUsers, type SeedResult } from './seed.ts';
import { itemSizeBytes } from './item-size.ts';
import { explainGap, gapOf, minimumFor, type ItemSizes, type Minimum } from './minimums.ts';
import { median, round, spread, summarize, type LatencySummary } from './stats.ts';
import { runAsyncAuditExport, runAuditExport, type AsyncExportMeasurement, type ExportMeasurement } from './audit-export.ts';
import { workerById } from '../../shared/workers.ts';
import { renderChart } from './chart.ts';
import { renderMarkdown } from './markdown.ts';
import { profileInvocations, type CpuBreakdown } from './profile.ts';
import { findings } from './findings.ts';
import { measureStartup, type StartupReport } from './startup.ts';
import { measureLargeGroupPatch } from './large-patch.ts';
import { DIRECTORY_PAGE_SIZE, directoryPageMinimum, measureDirectoryListing, type DirectoryListingPoint } from './directory-listing.ts';
import { measureSyncCost } from './sync-cost.ts';
import { measureGovernanceCost } from './governance-cost.ts';
import { measureRateLimitLeasing } from './rate-limit-lease.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const resultsDir = resolve(repoRoot, process.env.BENCH_RESULTS_DIR ?? 'bench/results');

const env = (name: string, fallback: number) => {
  const raw = process.env[name];
  const value = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};

const auditEntries = env('BENCH_AUDIT_ENTRIES', 200_000);
/** Entries of the organization whose audit log is exported through the asynchronous job path (100,000 and all of them). */
const auditExportEntries = env('BENCH_AUDIT_EXPORT_ENTRIES', 1_000_000);
/** Days the listed audit log spans (its per-day counters are what a deep page seeks with). */
const auditDays = env('BENCH_AUDIT_DAYS', 30);
const parts = new Set((process.env.BENCH_ONLY ?? 'cold-start,startup,scim,directory,sync,governance,audit,rate-limit').split(',').map((part) => part.trim()));
const syncUsers = env('BENCH_SYNC_USERS', 10_000);
const governanceUsers = env('BENCH_GOVERNANCE_USERS', 10_000);
const config = {
  // 9.5 minutes by default; the opt-in large audit log adds 2 s per 1,000 extra entries (seeding, and an
  // export that slows down with depth on DynamoDB Local); the sync part adds 100 ms per directory user
  // (a full sync writes one transaction per user: 34 ms each into a small table, 94 ms into the
  // full-size store of a default run, where the policy-evaluation worker also reads every change).
  // The asynchronous export organization adds its seeding (2 s per 1,000) and two exports (about 1 s per 1,000 each).
  budgetSeconds: env(
    'BENCH_BUDGET_SECONDS',
    570 + Math.max(0, auditEntries - 200_000) / 500 + (parts.has('audit') && auditExportEntries > auditEntries ? auditExportEntries / 500 : 0) + (parts.has('audit') ? auditExportEntries / 400 : 0) + (parts.has('sync') ? syncUsers * 0.1 : 0) + (parts.has('governance') ? 60 + governanceUsers * 0.01 : 0),
  ),
  scaleLevels: (process.env.BENCH_SCALE_LEVELS ?? '1000,10000,100000').split(',').map(Number),
  auditEntries,
  auditExportEntries,
  auditDays,
  bigGroupMembers: env('BENCH_GROUP_MEMBERS', 10_000),
  largePatchValues: env('BENCH_PATCH_VALUES', 10_000),
  startupRuns: env('BENCH_STARTUP_RUNS', 2),
  initRuns: env('BENCH_INIT_RUNS', 3),
  /** Seconds of init measuring (after the builds) before the remaining bundles get one run each. */
  coldStartSeconds: env('BENCH_COLD_START_SECONDS', 150),
  concurrencies: [1, 8, 32],
  inProcessRuns: 10,
  loadSeconds: env('BENCH_LOAD_SECONDS', 1.5),
  loadMaxRequests: 4000,
  /** Directory users synchronised from slapd in the sync-cost part (the delta changes 1 % of them). */
  syncUsers,
  /** Users of the governance part's organization (incremental evaluation vs full sweep), and membership changes timed to their violation. */
  governanceUsers,
  governanceChanges: env('BENCH_GOVERNANCE_CHANGES', 20),
  /**
   * Which parts run: cold-start, startup, scim, directory, sync, governance, audit, rate-limit (default all). `BENCH_ONLY=audit`
   * with 1,000,000 entries is the 1M export run; `BENCH_ONLY=directory,sync` measures only the
   * Directory API page (at BENCH_SCALE_LEVELS) and the sync cost.
   */
  only: parts,
};

/** Rate limits far above what the bench sends, so the benchmark measures work, not 429s. */
const UNTHROTTLED = { perMinute: 100_000_000, perHour: 1_000_000_000 };

interface CostMeasurement {
  runs: number;
  statuses: Record<string, number>;
  roundTrips: number;
  roundTripsMax: number;
  readCapacityUnits: number;
  writeCapacityUnits: number;
  indexCapacityUnits: number;
  /** DynamoDB Local's own figure for the transactions (it under-counts; writeCapacityUnits charges them by the documented rules). */
  engineReportedTransactionUnits: number;
  calls: Record<string, number>;
  cpuMsMedian: number;
  cpuMsP95: number;
  wallMsMedian: number;
}

interface HttpMeasurement {
  concurrency: number;
  requests: number;
  seconds: number;
  throughput: number;
  latencyMs: LatencySummary;
  statuses: Record<string, number>;
  sampleError?: string;
  /** Server side, per request (warm-up included in the average): DynamoDB use and CPU of the process running the handlers. */
  server: { roundTrips: number; readCapacityUnits: number; writeCapacityUnits: number; cpuMs: number };
  engineCeiling?: { requestsPerSecond: number; ratio: number };
  /** Raw latencies in issue order, only when asked for (the deep paging walk). */
  raw?: number[];
}

const phaseLoads: { phase: string; load: CpuLoad | undefined; loadAverage: number[] }[] = [];

async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
  progress(`▶ ${name}`);
  const before = cpuSnapshot();
  try {
    return await work();
  } finally {
    const load = cpuLoadBetween(before, cpuSnapshot());
    phaseLoads.push({ phase: name, load, loadAverage: loadavg().map((value) => round(value)) });
    progress(`✔ ${name}${load ? ` (machine busy ${load.machineBusyCores} cores, of which other processes ${load.otherCores})` : ''}`);
  }
}

function usageDelta(before: DynamoUsage | undefined, after: DynamoUsage | undefined): DynamoUsage {
  const zero: DynamoUsage = { roundTrips: 0, calls: {}, readCapacityUnits: 0, writeCapacityUnits: 0, indexCapacityUnits: 0, engineReportedTransactionUnits: 0 };
  if (!before || !after) return zero;
  const calls: Record<string, number> = {};
  for (const [name, count] of Object.entries(after.calls)) calls[name] = count - (before.calls[name] ?? 0);
  return {
    roundTrips: after.roundTrips - before.roundTrips,
    calls,
    readCapacityUnits: after.readCapacityUnits - before.readCapacityUnits,
    writeCapacityUnits: after.writeCapacityUnits - before.writeCapacityUnits,
    indexCapacityUnits: after.indexCapacityUnits - before.indexCapacityUnits,
    engineReportedTransactionUnits: after.engineReportedTransactionUnits - before.engineReportedTransactionUnits,
  };
}

function summarizeInvocations(invocations: InvocationMeasurement[]): CostMeasurement {
  const statuses: Record<string, number> = {};
  for (const invocation of invocations) statuses[invocation.status] = (statuses[invocation.status] ?? 0) + 1;
  const trips = invocations.map((invocation) => invocation.usage.roundTrips);
  const medianTrips = median(trips);
  const representative = invocations.find((invocation) => invocation.usage.roundTrips === medianTrips) ?? invocations[0];
  return {
    runs: invocations.length,
    statuses,
    roundTrips: medianTrips,
    roundTripsMax: Math.max(...trips),
    readCapacityUnits: round(median(invocations.map((invocation) => invocation.usage.readCapacityUnits))),
    writeCapacityUnits: round(median(invocations.map((invocation) => invocation.usage.writeCapacityUnits))),
    indexCapacityUnits: round(median(invocations.map((invocation) => invocation.usage.indexCapacityUnits))),
    engineReportedTransactionUnits: round(median(invocations.map((invocation) => invocation.usage.engineReportedTransactionUnits))),
    calls: representative?.usage.calls ?? {},
    cpuMsMedian: round(median(invocations.map((invocation) => invocation.cpuMs))),
    cpuMsP95: round(summarize(invocations.map((invocation) => invocation.cpuMs)).p95),
    wallMsMedian: round(median(invocations.map((invocation) => invocation.wallMs))),
  };
}

/** Engine rates per command kind, used to turn a request's round trips into the engine's ceiling. */
type EngineRates = Record<EngineOperation, Record<number, number>>;

function engineKind(command: string): EngineOperation {
  if (command === 'GetItemCommand' || command === 'BatchGetItemCommand') return 'GetItem';
  if (command === 'QueryCommand' || command === 'ScanCommand') return 'Query';
  if (command === 'TransactWriteItemsCommand') return 'TransactWriteItems';
  return 'UpdateItem';
}

/** Requests/s the engine alone could serve for requests of this round-trip mix, at this concurrency. */
function engineCeiling(calls: Record<string, number>, rates: EngineRates | undefined, concurrency: number): number | undefined {
  if (!rates) return undefined;
  let secondsPerRequest = 0;
  for (const [command, count] of Object.entries(calls)) {
    const rate = rates[engineKind(command)]?.[concurrency];
    if (!rate) return undefined;
    secondsPerRequest += count / rate;
  }
  return secondsPerRequest > 0 ? 1 / secondsPerRequest : undefined;
}


export async function main(): Promise<void> {
  const startedAt = new Date();
  const deadline = Date.now() + config.budgetSeconds * 1000;
  const secondsLeft = () => (deadline - Date.now()) / 1000;
  const machine = machineInfo();
  progress(`machine: ${machine.nproc} cores, ${machine.cpuModel}, Node ${machine.node}, load average ${machine.loadAverageAtStart.join(' ')}`);
  progress(`budget ${Math.round(config.budgetSeconds)} s; parts ${[...config.only].join(', ')}; sizes ${config.scaleLevels.join(', ')} users; audit entries ${config.auditEntries}`);

  // 1. Cold start, before anything else runs.
  const coldStartReport: ColdStartReport | undefined =
    process.env.BENCH_SKIP_COLD_START === '1' || !config.only.has('cold-start')
      ? undefined
      : await phase('cold start: bundle sizes and init times', () => coldStart({ runs: config.initRuns, comparisonRuns: 3, deadline: Date.now() + config.coldStartSeconds * 1000 }));

  // `npm start` to its first answered request, while the machine is still quiet (Java, Node and npm).
  const startupReport: StartupReport | undefined = !config.only.has('startup')
    ? undefined
    : await phase('start-up: npm start to the first request', () => measureStartup({ runs: config.startupRuns, deadlineMs: 60_000 }));

  // 2. The local runtime.
  const port = await freePort();
  const platform: LocalPlatform = await phase('local runtime', () =>
    startLocalPlatform({
      port,
      inMemory: true,
      logLevel: process.env.POWERTOOLS_LOG_LEVEL ?? 'ERROR',
      bootstrapOwnerPassword: 'bench-bootstrap-owner-password',
      environment: { RATE_LIMITS: JSON.stringify({ scim: UNTHROTTLED, identity: UNTHROTTLED, directory: UNTHROTTLED }) },
    }),
  );
  const load = new LoadGenerator();
  const seeder = new Seeder(platform.dynamodbEndpoint, LOCAL_TABLE_NAME);
  // Ctrl-C or a kill: stop the engines this run started (DynamoDB Local is a separate Java process).
  const interrupted = (signal: NodeJS.Signals) => {
    progress(`${signal}: stopping the local runtime`);
    void Promise.allSettled([load.close(), platform.stop()]).finally(() => {
      removeBundles(coldStartReport);
      process.exit(130);
    });
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  const baseUrl = platform.baseUrl;
  const report: Record<string, unknown> = {};

  try {
    // The organizations of each size serve the SCIM phases and the Directory API page.
    const sizes = config.only.has('scim') || config.only.has('directory') ? [...new Set(config.scaleLevels)].sort((a, b) => a - b) : [];
    const topSize = sizes.at(-1) ?? 0;
    const { levels, audit, auditExport, bigGroup, smallGroup } = await phase('organizations and groups', async () => {
      const created: Level[] = [];
      for (const size of sizes) {
        const tenant = await createTenant(baseUrl, platform.operatorApiKey, `Bench organization of ${size} users`);
        created.push(await newLevel(baseUrl, tenant, size, size === topSize ? 32 : 8));
      }
      const largest = created.at(-1);
      return {
        levels: created,
        audit: await createTenant(baseUrl, platform.operatorApiKey, 'Bench audit organization'),
        auditExport: config.only.has('audit') && config.auditExportEntries > config.auditEntries ? await createTenant(baseUrl, platform.operatorApiKey, 'Bench audit export organization') : undefined,
        bigGroup: largest ? await createGroup(baseUrl, largest.tenant, 'Big group') : '',
        smallGroup: largest ? await createGroup(baseUrl, largest.tenant, 'Small group') : '',
      };
    });
    const top: Level | undefined = levels.at(-1);
    const operations = operationCatalogue(baseUrl, audit);
    const byId = (id: string) => {
      const found = operations.find((operation) => operation.id === id);
      if (!found) throw new Error(`unknown operation ${id}`);
      return found;
    };

    // Seeding, straight into the table.
    const seeding: Record<string, SeedResult & { what: string }> = {};
    const addSeeding = (name: string, what: string, result: SeedResult) => {
      const previous = seeding[name];
      const items = (previous?.items ?? 0) + result.items;
      const seconds = (previous?.seconds ?? 0) + result.seconds;
      seeding[name] = { what, items, seconds: round(seconds), itemsPerSecond: round(items / seconds) };
    };
    let auditSeed: SeedResult | undefined;
    let auditExportSeed: SeedResult | undefined;
    for (const level of levels) {
      await phase(`seed ${level.users.toLocaleString('en')} users`, async () => {
        const seeded = await seedUsers(seeder, level.tenant.organizationId, 0, level.users, 'user');
        Object.assign(level.data, seeded.users);
        addSeeding('users', 'SCIM users (user item + userName claim) and counters, BatchWriteItem', seeded.result);
        const deletable = await seedUsers(seeder, level.tenant.organizationId, 0, level === top ? 2500 : 300, 'deletable');
        level.deletables.push(...deletable.users.ids);
        addSeeding('users', 'SCIM users (user item + userName claim) and counters, BatchWriteItem', deletable.result);
      });
    }
    if (config.only.has('audit')) {
      await phase(`seed ${config.auditEntries.toLocaleString('en')} audit entries`, async () => {
        // Spread over BENCH_AUDIT_DAYS days, ending now: a deep page seeks with the per-day counters.
        auditSeed = await seedAuditEntries(seeder, audit.organizationId, config.auditEntries, Date.now() + Math.max(60, secondsLeft() - 300) * 1000, Date.now(), config.auditDays * 86_400_000);
        addSeeding('audit', 'audit entries (+ per-day counters), BatchWriteItem', auditSeed);
      });
      if (auditExport) {
        await phase(`seed ${config.auditExportEntries.toLocaleString('en')} audit entries to export`, async () => {
          auditExportSeed = await seedAuditEntries(seeder, auditExport.organizationId, config.auditExportEntries, Date.now() + Math.max(60, secondsLeft() - 300) * 1000, Date.now(), config.auditDays * 86_400_000);
          addSeeding('audit', 'audit entries (+ per-day counters), BatchWriteItem', auditExportSeed);
        });
      }
    }
    const countedUsers = async (level: Level) => {
      const shards = await seeder.query({
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': keys.countersPartition(level.tenant.organizationId), ':prefix': 'users#' },
        ConsistentRead: true,
      });
      return shards.reduce((sum, shard) => sum + ((shard.count as number | undefined) ?? 0), 0);
    };

    let engine: EngineResult[] = [];
    const engineRates: EngineRates = { GetItem: {}, Query: {}, UpdateItem: {}, TransactWriteItems: {} };

    // Measuring helpers.
    /** Waits until no DynamoDB call is in flight (a request that timed out leaves its work running). */
    const quiesce = async (maxSeconds = 45) => {
      const until = Date.now() + maxSeconds * 1000;
      while (dynamoCallsInFlight() > 0 && Date.now() < until) await new Promise((done) => setTimeout(done, 100));
      return dynamoCallsInFlight() === 0;
    };
    /** In-process invocations; with `settle`, each one's usage also counts the work it left running after answering. */
    const measureInProcess = async (specs: RequestSpec[], warmup = 2, settle = false, settleSeconds = 45): Promise<CostMeasurement & { settled?: boolean }> => {
      const invocations: InvocationMeasurement[] = [];
      let settled = true;
      for (const [index, spec] of specs.entries()) {
        const measured = await invokeInProcess(spec);
        if (settle) settled = (await quiesce(settleSeconds)) && settled;
        if (index >= warmup) invocations.push(measured);
      }
      return { ...summarizeInvocations(invocations), ...(settle ? { settled } : {}) };
    };
    const httpRun = async (specs: RequestSpec[], concurrency: number, options: { maxRequests: number; maxSeconds: number; warmup: number; once?: boolean; keepRaw?: boolean }): Promise<HttpMeasurement> => {
      const usageBefore = dynamoUsageTotals();
      const cpuBefore = process.cpuUsage();
      const result: HttpResult = await load.http({
        baseUrl,
        concurrency,
        maxRequests: options.maxRequests,
        maxSeconds: options.maxSeconds,
        warmup: options.warmup,
        requests: specs,
        ...(options.once ? { once: true } : {}),
        seqPrefix: `h${Date.now().toString(36)}x`,
      });
      const cpu = process.cpuUsage(cpuBefore);
      const usage = usageDelta(usageBefore, dynamoUsageTotals());
      const served = Math.max(1, result.requests + result.warmupSent);
      return {
        concurrency,
        requests: result.requests,
        seconds: round(result.seconds),
        throughput: round(result.throughput),
        latencyMs: summarize(result.latenciesMs),
        statuses: result.statuses,
        ...(result.sampleError ? { sampleError: result.sampleError } : {}),
        server: {
          roundTrips: round(usage.roundTrips / served),
          readCapacityUnits: round(usage.readCapacityUnits / served),
          writeCapacityUnits: round(usage.writeCapacityUnits / served),
          cpuMs: round((cpu.user + cpu.system) / 1000 / served),
        },
        ...(options.keepRaw ? { raw: result.latenciesMs } : {}),
      };
    };
    const httpOperation = async (operation: OperationDefinition, level: Level, concurrency: number, maxSeconds: number, maxRequests: number, warmup: number, keepRaw = false) => {
      // A pool consumed once (users to delete) is lent in part and the unused rest handed back.
      const total = operation.once ? Math.min(maxRequests, 1500) + warmup : maxRequests + warmup;
      const specs = operation.requests(level, total);
      const result = await httpRun(specs, concurrency, { maxRequests, maxSeconds, warmup, keepRaw, ...(operation.once ? { once: true } : {}) });
      if (operation.once) operation.release?.(level, specs.slice(result.requests + warmup));
      return result;
    };
    /** Several short c=1 runs merged into one measurement. */
    const merge = (runs: HttpMeasurement[]): HttpMeasurement => {
      const raw = runs.flatMap((run) => run.raw ?? []);
      const requests = runs.reduce((sum, run) => sum + run.requests, 0);
      const seconds = runs.reduce((sum, run) => sum + run.seconds, 0);
      const weighted = (pick: (run: HttpMeasurement) => number) => round(runs.reduce((sum, run) => sum + pick(run) * run.requests, 0) / Math.max(1, requests));
      const statuses: Record<string, number> = {};
      for (const run of runs) for (const [status, count] of Object.entries(run.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
      const sampleError = runs.find((run) => run.sampleError)?.sampleError;
      return {
        concurrency: runs[0]?.concurrency ?? 1,
        requests,
        seconds: round(seconds),
        throughput: round(requests / Math.max(1e-9, seconds)),
        latencyMs: summarize(raw),
        statuses,
        ...(sampleError ? { sampleError } : {}),
        server: {
          roundTrips: weighted((run) => run.server.roundTrips),
          readCapacityUnits: weighted((run) => run.server.readCapacityUnits),
          writeCapacityUnits: weighted((run) => run.server.writeCapacityUnits),
          cpuMs: weighted((run) => run.server.cpuMs),
        },
      };
    };
    const withCeiling = (http: HttpMeasurement, calls: Record<string, number> | undefined) => {
      const ceiling = engineCeiling(calls ?? {}, engineRates, http.concurrency);
      if (ceiling) http.engineCeiling = { requestsPerSecond: round(ceiling), ratio: round(http.throughput / ceiling) };
      return http;
    };

    const costs = new Map<Level, Record<string, CostMeasurement>>();
    const usersCounted = new Map<Level, number>();
    const latencyAtOne = new Map<Level, Record<string, HttpMeasurement>>();
    const cpuProfiles: Record<string, CpuBreakdown> = {};
    const loadResults: Record<string, HttpMeasurement[]> = {};
    const itemOneIds = operations.map((operation) => operation.id);
    let itemSizes: ItemSizes | undefined;
    let deepPaging: Record<string, unknown> | undefined;
    let bigGroupReport: Record<string, unknown> | undefined;
    let largePatchReport: Awaited<ReturnType<typeof measureLargeGroupPatch>> | undefined;
    // The Directory API page at each size, before the SCIM phases add users.
    let directoryListing: { pageSize: number; points: DirectoryListingPoint[]; note: string } | undefined;
    if (config.only.has('directory') && levels.length > 0) {
      directoryListing = await phase(`directory API: GET /api/users pages of ${DIRECTORY_PAGE_SIZE} (in process)`, async () => {
        const points: DirectoryListingPoint[] = [];
        for (const level of levels) {
          const org = level.tenant.organizationId;
          const page = await seeder.query({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': keys.userNameIndex(org, '').gsi1pk }, Limit: DIRECTORY_PAGE_SIZE });
          const boundary = await seeder.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.pageBoundary(org, 'x', 0).pk }, Limit: 1 });
          const rateCounter = 120;
          const minimum = directoryPageMinimum(page.reduce((sum, item) => sum + itemSizeBytes(item), 0), boundary[0] ? itemSizeBytes(boundary[0]) : 150, rateCounter);
          // A request cut at the route's timeout leaves its reads running locally (a Lambda would be
          // stopped): such measurements settle before the next, so they cannot slow it down.
          const point = await measureDirectoryListing({ baseUrl, level, measure: (specs, warmup, settle) => measureInProcess(specs, warmup ?? 2, settle ?? false, 180), minimum });
          points.push(point);
          progress(
            `  ${level.users}: page 1 ${point.firstPage.roundTrips} RT / ${point.firstPage.readCapacityUnits} RCU / ${point.firstPage.wallMsMedian} ms; next page ${point.nextPageInOrder.roundTrips} RT / ${point.nextPageInOrder.readCapacityUnits} RCU / ${point.nextPageInOrder.wallMsMedian} ms; ` +
              `jump to page ${point.jump.page} ${point.jump.roundTrips} RT / ${point.jump.readCapacityUnits} RCU / ${point.jump.wallMsMedian} ms; status=active ${point.filteredStatusActive ? `${point.filteredStatusActive.roundTrips} RT / ${point.filteredStatusActive.readCapacityUnits} RCU / ${point.filteredStatusActive.wallMsMedian} ms` : 'not measured'}`,
          );
        }
        return {
          pageSize: DIRECTORY_PAGE_SIZE,
          points,
          note: 'In process (the route\'s handler module with the local API Gateway event), median of the runs. nextPageInOrder: pages 2.. requested one after the other (the export loop); jump: the last page requested right after that walk, skipping keys from the walk\'s last boundary (jumpAgain: the same page again, from the boundaries the first jump left every 1,000 keys); filteredStatusActive: page 1 with status=active (a filter reads every user; measured up to 20,000 users). Requests cut at the route\'s timeout settle before the next measurement.',
        };
      });
    }

    // Sync cost per object, against a real slapd (its own organization).
    const syncCost = !config.only.has('sync')
      ? undefined
      : await phase(`directory sync: full sync of ${config.syncUsers.toLocaleString('en')} users, delta after 1 % changed`, async () => {
          await quiesce(180);
          const tenant = await createTenant(baseUrl, platform.operatorApiKey, 'Bench sync organization');
          return measureSyncCost({
            baseUrl,
            tenant,
            seeder,
            users: config.syncUsers,
            usage: dynamoUsageTotals,
            delta: usageDelta,
            quiesce: () => quiesce(),
            deadline: Date.now() + Math.max(120, secondsLeft() - 60) * 1000 + config.syncUsers * 60,
          });
        });

    // Policy evaluation: membership change → open violation, incremental vs full sweep (its own organization).
    const governanceCost = !config.only.has('governance')
      ? undefined
      : await phase(`governance: policy violations at ${config.governanceUsers.toLocaleString('en')} users`, async () => {
          await quiesce(180);
          const tenant = await createTenant(baseUrl, platform.operatorApiKey, 'Bench governance organization');
          return measureGovernanceCost({
            baseUrl,
            tenant,
            seeder,
            users: config.governanceUsers,
            changes: config.governanceChanges,
            quiesce: () => quiesce(),
            deadline: Date.now() + Math.max(120, secondsLeft() - 60) * 1000 + config.governanceUsers * 20,
          });
        });

    // Leased SCIM rate limiting: writes per request at steady load, and the limit's bound at 32-way concurrency.
    const rateLimitReport = !config.only.has('rate-limit')
      ? undefined
      : await phase('rate limiting: leased SCIM limit, writes per request and bound', async () => {
          await quiesce();
          const measured = await measureRateLimitLeasing({ baseUrl, operatorApiKey: platform.operatorApiKey, load, usage: dynamoUsageTotals, delta: usageDelta, deadline: Date.now() + Math.max(60, Math.min(180, secondsLeft() - 60)) * 1000 });
          for (const run of measured.steady) progress(`  steady c=${run.concurrency}: ${run.requests} requests, ${run.rateLimitWrites} rate-limit writes (${run.writesPerRequest} per request), ${JSON.stringify(run.statuses)}`);
          for (const check of measured.bounds) progress(`  bound, ${check.where}: admitted ${check.admitted} of ${check.sent}${check.admittedAtFirstRefusal !== undefined ? `, ${check.admittedAtFirstRefusal} at the first refusal` : ''} (bound ${check.bound.min}–${check.bound.max}), ${check.refused} refused, ${check.refusedWithRetryAfter} with Retry-After: ${check.holds ? 'holds' : 'VIOLATED'}`);
          return measured;
        });

    if (top && config.only.has('scim')) {
      // 3. The engine alone.
      engine = await phase('engine ceiling: DynamoDB Local alone', async () => {
        const results: EngineResult[] = [];
        const getKeys = sample(top.data.ids, 2000, 99).map((id) => keys.user(top.tenant.organizationId, id));
        const queryKeys = sample(top.data.userNames, 2000, 98).map((userName) => keys.userNameIndex(top.tenant.organizationId, userName));
        for (const operation of ['GetItem', 'Query', 'UpdateItem', 'TransactWriteItems'] as const) {
          for (const concurrency of config.concurrencies) {
            results.push(await load.engine({ endpoint: platform.dynamodbEndpoint, tableName: LOCAL_TABLE_NAME, operation, concurrency, maxOps: 5000, maxSeconds: 1, warmup: 50, getKeys, queryKeys }));
          }
        }
        return results;
      });
      for (const result of engine) engineRates[result.operation][result.concurrency] = result.opsPerSecond;

      // 4. Per size: cost in process, then latency at c=1 interleaved across the sizes.
      for (const level of levels) {
        await phase(`cost per operation at ${level.users.toLocaleString('en')} users (in process)`, async () => {
          const perOperation: Record<string, CostMeasurement> = {};
          usersCounted.set(level, await countedUsers(level));
          for (const id of level === top ? itemOneIds : SCALE_OPERATIONS) {
            const runs = level === top ? 20 : config.inProcessRuns;
            const cost = await measureInProcess(byId(id).requests(level, runs + 2));
            perOperation[id] = cost;
            progress(`  ${level.users}: ${id}: ${cost.roundTrips} round trips, ${cost.readCapacityUnits} RCU, ${cost.writeCapacityUnits} WCU, CPU ${cost.cpuMsMedian} ms, ${cost.wallMsMedian} ms`);
          }
          costs.set(level, perOperation);
        });
      }
      await phase('latency at c=1 through HTTP, sizes interleaved', async () => {
        for (const id of itemOneIds) {
          const operation = byId(id);
          const measuredLevels = SCALE_OPERATIONS.includes(id) ? levels : [top];
          const runs = new Map<Level, HttpMeasurement[]>();
          const rounds = measuredLevels.length > 1 ? 2 : 1;
          for (let round = 0; round < rounds; round++) {
            for (const level of measuredLevels) {
              const run = await httpOperation(operation, level, 1, rounds > 1 ? 0.7 : 1.5, rounds > 1 ? 60 : 150, 3, true);
              runs.set(level, [...(runs.get(level) ?? []), run]);
            }
          }
          for (const level of measuredLevels) {
            const merged = withCeiling(merge(runs.get(level) ?? []), costs.get(level)?.[id]?.calls);
            latencyAtOne.set(level, { ...(latencyAtOne.get(level) ?? {}), [id]: merged });
          }
          progress(`  ${id}: p50 ${measuredLevels.map((level) => `${latencyAtOne.get(level)?.[id]?.latencyMs.p50} ms @${level.users}`).join(', ')}`);
        }
      });

      // 5. CPU profiles and load at the largest size.
      await phase('CPU profiles (in process)', async () => {
        for (const id of itemOneIds) cpuProfiles[id] = await profileInvocations(byId(id).requests(top, id === 'scim.users.list.withGroups' ? 5 : 15));
      });
      for (const id of itemOneIds) {
        const atOne = latencyAtOne.get(top)?.[id];
        if (atOne) loadResults[id] = [atOne];
      }
      await phase('load: concurrency 8 and 32 through HTTP', async () => {
        for (const operation of operations) {
          for (const concurrency of config.concurrencies.filter((value) => value > 1)) {
            if (secondsLeft() < 150) {
              progress(`  skipping ${operation.id} at ${concurrency}: time budget`);
              continue;
            }
            const seconds = operation.id === 'scim.users.list.withGroups' ? config.loadSeconds * 1.5 : config.loadSeconds;
            const http = withCeiling(await httpOperation(operation, top, concurrency, seconds, config.loadMaxRequests, concurrency * 2), costs.get(top)?.[operation.id]?.calls);
            (loadResults[operation.id] ??= []).push(http);
            progress(`  ${operation.id} c=${concurrency}: ${http.throughput} req/s, p50 ${http.latencyMs.p50} p99 ${http.latencyMs.p99} ms${http.engineCeiling ? `, ${http.engineCeiling.ratio} of the engine's ceiling` : ''}`);
          }
        }
      });

      // Sizes of real items, for the minimums.
      itemSizes = await phase('item sizes', async () => {
        const org = top.tenant.organizationId;
        const size = (item: Record<string, unknown> | undefined) => (item ? itemSizeBytes(item) : 0);
        const sumSizes = (items: Record<string, unknown>[]) => items.reduce((sum, item) => sum + itemSizeBytes(item), 0);
        const user = await seeder.get(keys.user(org, top.data.ids[0] as string));
        const group = await seeder.get(keys.group(org, top.groupPool[0] as string));
        const page = await seeder.query({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': keys.userNameIndex(org, '').gsi1pk }, Limit: 100 });
        const auditPage = await seeder.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.auditPartition(audit.organizationId) }, Limit: 20, ScanIndexForward: false });
        const counters = (organizationId: string, prefix: string) =>
          seeder.query({ KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': keys.countersPartition(organizationId), ':prefix': prefix } });
        const membership = await seeder.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.groupMembersPartition(org, top.groupPool[0] as string) }, Limit: 1 });
        const rate = await seeder.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `RATE#${org}#client#${top.tenant.clientId}#scim` }, Limit: 1 });
        const boundary = await seeder.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.pageBoundary(org, 'x', 0).pk }, Limit: 1 });
        const created = await seeder.query({
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.userNameIndex(org, '').gsi1pk, ':prefix': 'createdp' },
          Limit: 20,
        });
        const auditEntryByAction: Record<string, number> = {};
        for (const action of ['user.created', 'user.updated', 'group.member.added', 'user.deleted', 'client.token.issued']) {
          const entries = await seeder.query({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': keys.auditActionIndex(org, action, '').gsi1pk }, Limit: 5 });
          auditEntryByAction[action] = Math.max(0, ...entries.map((entry) => itemSizeBytes(entry)));
        }
        return {
          user: size(user),
          createdUser: Math.max(0, ...created.map((item) => itemSizeBytes(item))),
          auditEntryByAction,
          userNameClaim: size(await seeder.get(keys.userNameClaim(org, top.data.userNames[0] as string))),
          rateCounter: size(rate[0]) || 200,
          userCounterShards: sumSizes(await counters(org, 'users#')),
          membership: size(membership[0]),
          group: size(group),
          groupIndexEntries: (group?.gsi1pk ? 1 : 0) + (group?.gsi2pk ? 1 : 0),
          auditEntry: sumSizes(auditPage) / Math.max(1, auditPage.length),
          auditCounterShards: sumSizes(await counters(audit.organizationId, 'audit#')),
          credentials: size(await seeder.get(keys.clientCredentials(top.tenant.credentialsClientId))),
          clientRegistration: size(await seeder.get(keys.client(org, top.tenant.clientId))),
          grant: size(await seeder.get(keys.apiGrant(org, '00000000-0000-0000-0000-000000000001', top.tenant.clientId))),
          pageBoundary: size(boundary[0]) || 300,
          listPage100: sumSizes(page),
          userGroupSummary: size(typeof page[0]?.id === 'string' ? await seeder.get(keys.userGroupSummary(org, page[0].id)) : undefined) || 100,
          auditPage20: sumSizes(auditPage),
        };
      });

      // 6. Deep paging in the largest organization.
      deepPaging = await phase('list paging deep into the largest organization', async () => {
        const org = top.tenant.organizationId;
        const counter = await countedUsers(top);
        const headers = { Authorization: `Bearer ${top.tenant.token}` };
        const pageSpec = (startIndex: number, extra = '') => ({ method: 'GET', path: `${SCIM}/Users?startIndex=${startIndex}&count=100${extra}`, headers });
        // The measurements above recorded boundaries only near the top; a deep jump skips keys from there.
        const deepStart = Math.max(1, Math.floor((counter - 100) / 100) * 100 + 1);
        const coldJump = await measureInProcess([pageSpec(deepStart, '&attributes=userName')], 0);
        // A walk from the first page, in order, in pages of 1,000 (the advertised maximum) so that it
        // reaches the bottom within the budget; every page records where the next one starts.
        const pages = Math.ceil(counter / 1000);
        const walkSpecs = Array.from({ length: pages }, (_, k) => ({ method: 'GET', path: `${SCIM}/Users?startIndex=${1 + k * 1000}&count=1000&attributes=userName`, headers }));
        const walk = await httpRun(walkSpecs, 1, { maxRequests: pages, maxSeconds: Math.max(10, Math.min(30, secondsLeft() - 150)), warmup: 0, once: true, keepRaw: true });
        const raw = walk.raw ?? [];
        delete walk.raw;
        const tenth = Math.max(1, Math.ceil(raw.length / 10));
        const latencyByTenthMs = Array.from({ length: Math.ceil(raw.length / tenth) }, (_, index) => round(median(raw.slice(index * tenth, (index + 1) * tenth))));
        // Pages of 100 (what IdPs request) at the top, the middle and the bottom, each from a recorded boundary.
        const walked = Math.max(1, walk.requests);
        const depths = [...new Set([1, Math.floor(walked / 2) * 1000 + 1, (walked - 1) * 1000 + 1])];
        const atDepth: Record<string, unknown>[] = [];
        for (const startIndex of depths) {
          // The engine alone at this depth: the same gsi1 query from the recorded boundary.
          const boundary = startIndex > 1 ? await seeder.get(keys.pageBoundary(org, 'User:asc', startIndex)) : undefined;
          const engineMs: number[] = [];
          for (let i = 0; i < 5; i++) {
            const began = performance.now();
            await seeder.query({
              IndexName: 'gsi1',
              KeyConditionExpression: 'gsi1pk = :pk',
              ExpressionAttributeValues: { ':pk': keys.userNameIndex(org, '').gsi1pk },
              Limit: 100,
              ...(boundary?.exclusiveStartKey ? { ExclusiveStartKey: boundary.exclusiveStartKey as Record<string, unknown> } : {}),
            });
            engineMs.push(performance.now() - began);
          }
          atDepth.push({
            startIndex,
            boundaryRecorded: startIndex === 1 || boundary !== undefined,
            engineQueryMs: round(median(engineMs)),
            defaultAttributes: await measureInProcess([pageSpec(startIndex), pageSpec(startIndex), pageSpec(startIndex), pageSpec(startIndex)], 1),
            withGroups: await measureInProcess([pageSpec(startIndex, '&attributes=userName,groups'), pageSpec(startIndex, '&attributes=userName,groups')], 1),
          });
        }
        return {
          users: counter,
          coldJump: { startIndex: deepStart, ...coldJump },
          walk: { pageSize: 1000, pagesRequested: pages, deepestStartIndex: 1 + (walk.requests - 1) * 1000, ...walk, latencyByTenthMs },
          atDepth,
        };
      });

      // 6b. The 10,000-member group.
      bigGroupReport = await phase(`a ${config.bigGroupMembers.toLocaleString('en')}-member group`, async () => {
        const members = top.data.ids.slice(0, config.bigGroupMembers);
        const seeded = await seedMemberships(seeder, top.tenant.organizationId, bigGroup, members);
        addSeeding('memberships', 'group memberships, BatchWriteItem', seeded);
        let next = config.bigGroupMembers;
        const headers = (body = false) => ({ Authorization: `Bearer ${top.tenant.token}`, ...(body ? { 'Content-Type': 'application/scim+json' } : {}) });
        const newMember = () => top.data.ids[next++ % top.data.ids.length] as string;
        const addSpecs = (group: string, count: number) =>
          Array.from({ length: count }, () => ({ method: 'PATCH', path: `${SCIM}/Groups/${group}`, headers: headers(true), body: JSON.stringify(patchBody({ op: 'add', path: 'members', value: [{ value: newMember() }] })) }));
        const removeSpecs = (group: string, count: number) =>
          members.slice(0, count).map((member) => ({ method: 'PATCH', path: `${SCIM}/Groups/${group}`, headers: headers(true), body: JSON.stringify(patchBody({ op: 'remove', path: `members[value eq "${member}"]` })) }));
        const getSpecs = (group: string, query: string, count: number) => Array.from({ length: count }, () => ({ method: 'GET', path: `${SCIM}/Groups/${group}${query}`, headers: headers() }));
        const memberGet = (id: string, count: number) => Array.from({ length: count }, () => ({ method: 'GET', path: `${SCIM}/Users/${id}`, headers: headers() }));
        const both = async (name: string, make: (group: string) => RequestSpec[]) => ({ operation: name, small: await measureInProcess(make(smallGroup)), big: await measureInProcess(make(bigGroup)) });
        return {
          members: config.bigGroupMembers,
          comparisons: [
            await both('PATCH add one member', (group) => addSpecs(group, 10)),
            await both('GET group excludedAttributes=members', (group) => getSpecs(group, '?excludedAttributes=members', 10)),
            await both('GET group with members inline', (group) => getSpecs(group, '', 5)),
            { operation: 'PATCH remove one member (big group only)', big: await measureInProcess(removeSpecs(bigGroup, 10)) },
            { operation: 'GET /Users/{id} of a member of the big group', big: await measureInProcess(memberGet(members[20] as string, 10)) },
          ],
        };
      });

      // 6c. The largest PATCH the README allows, through HTTP.
      largePatchReport = await phase(`a ${config.largePatchValues.toLocaleString('en')}-value group PATCH`, () =>
        measureLargeGroupPatch({ baseUrl, tenant: top.tenant, existingUserIds: top.data.ids, values: config.largePatchValues, usage: dynamoUsageTotals, delta: usageDelta, inFlight: dynamoCallsInFlight }),
      );
    }
    const costAtTop = (top && costs.get(top)) || {};

    // 7. Audit log: deep pages, filters, the export.
    const auditReport = !config.only.has('audit') ? undefined : await phase('audit log: list pages and export', async () => {
      const entries = auditSeed?.items ?? 0;
      const list = (query: string) => ({ method: 'GET', path: `/api/identity/v1/audit/list${query}`, headers: { Authorization: `Bearer ${audit.token}` } });
      const deepPage = Math.max(2, Math.min(1000, Math.floor(entries / 100)));
      // Exports first: the list requests below can leave minutes of queries running after they answer.
      await quiesce();
      const exports: ExportMeasurement[] = [];
      const exportTimeoutMs = (routes.find((route) => route.id === 'identity-audit-export')?.timeoutSeconds ?? 300) * 1000;
      // Synchronous exports up to the asynchronous threshold (50,000 entries); larger ones are measured below, as jobs.
      for (const maxEntries of [...new Set([1, Math.min(20_000, entries), Math.min(50_000, entries)])].filter((count) => count > 0) as (number | undefined)[]) {
        if (secondsLeft() < 30) break;
        // The full export runs to completion (deadline lifted, bounded by the budget) so its time is known even past the function's limit.
        const functionTimeoutMs = maxEntries === undefined ? Math.max(exportTimeoutMs, (secondsLeft() - 60) * 1000) : exportTimeoutMs;
        exports.push(await runAuditExport({ platform, token: audit.token, maxEntries, bundleDir: coldStartReport?.outDir, timeoutMs: Math.max(30_000, (secondsLeft() - 10) * 1000), functionTimeoutMs }));
        progress(`  export ${maxEntries ?? 'all'}: ${exports.at(-1)?.entries} entries in ${exports.at(-1)?.seconds} s, peak RSS ${exports.at(-1)?.peakRssMb} MB`);
      }
      // The engine alone reading the log in pages of 1,000, at its start and 90% deep.
      const readRate = async (fromFraction: number) => {
        const first = await seeder.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.auditPartition(audit.organizationId) }, Limit: 1 });
        const last = await seeder.query({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.auditPartition(audit.organizationId) }, Limit: 1, ScanIndexForward: false });
        const from = Date.parse(String(first[0]?.timestamp));
        const to = Date.parse(String(last[0]?.timestamp));
        // A ULID's first 10 characters encode its time: a key just before the entries written at that moment.
        const time = Math.floor(from + (to - from) * fromFraction);
        const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
        let prefix = '';
        for (let i = 0, value = time; i < 10; i++, value = Math.floor(value / 32)) prefix = alphabet[value % 32] + prefix;
        let startKey: Record<string, unknown> | undefined = fromFraction > 0 ? { pk: keys.auditPartition(audit.organizationId), sk: `${prefix}0000000000000000` } : undefined;
        let read = 0;
        const began = performance.now();
        for (let page = 0; page < 20 && (page === 0 || startKey); page++) {
          const result = await seeder.page({ KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.auditPartition(audit.organizationId) }, Limit: 1000, ExclusiveStartKey: startKey });
          read += result.items.length;
          startKey = result.lastKey;
        }
        return { fromFraction, entries: read, entriesPerSecond: round(read / ((performance.now() - began) / 1000)) };
      };
      const engineRead = entries > 20_000 ? [await readRate(0), await readRate(0.9)] : [];
      // settled: false = its queries were still running 45 s after the answer; the figures are then lower bounds.
      const coldDeep = await measureInProcess([list(`?pageSize=100&pageNumber=${deepPage}`)], 0, true);
      const nextAfterDeep = coldDeep.statuses['200'] ? await measureInProcess([list(`?pageSize=100&pageNumber=${deepPage + 1}`)], 0, true) : undefined;
      const filtered = await measureInProcess([list('?query=action:user.created')], 0, true);
      const textSearch = await measureInProcess([list('?query=nomatch-anywhere')], 0, true);
      // Filtered pages over the whole log: each listing's first page (counts), its next page (the
      // remembered count and boundary), a jump within it, and free text that matches every entry.
      const filteredPages: Record<string, CostMeasurement & { settled?: boolean }> = {};
      const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      for (const [name, query] of [
        ['action:user.created, page 1', '?pageSize=100&query=action:user.created'],
        ['action:user.created, page 2', '?pageSize=100&pageNumber=2&query=action:user.created'],
        ['action:user.created, page 50 (jump)', '?pageSize=100&pageNumber=50&query=action:user.created'],
        ['action:user.*, page 1 (filter)', '?pageSize=100&query=action:user.*'],
        ['free text matching all, page 1', '?pageSize=100&query=provisioning'],
        ['free text matching all, page 2', '?pageSize=100&pageNumber=2&query=provisioning'],
        ['free text matching nothing, page 2', '?pageSize=100&pageNumber=2&query=nomatch-anywhere'],
        ['free text, one day, page 1', `?pageSize=100&query=provisioning&fromDate=${yesterday}&toDate=${yesterday}`],
        ['unfiltered, page 1', '?pageSize=100'],
      ] as const) {
        if (secondsLeft() < 20) break;
        filteredPages[name] = await measureInProcess([list(query)], 0, true);
      }
      const listTimeoutSeconds = routes.find((route) => route.id === 'identity-audit-list')?.timeoutSeconds ?? 10;
      const pageMs = [coldDeep, nextAfterDeep, filtered, textSearch, ...Object.values(filteredPages)].flatMap((measurement) => (measurement ? [measurement.wallMsMedian] : []));
      const pageStatuses = [coldDeep, nextAfterDeep, filtered, textSearch, ...Object.values(filteredPages)].flatMap((measurement) => (measurement ? Object.keys(measurement.statuses) : []));

      // The asynchronous export path: a tenth of the export organization's log and all of it
      // (BENCH_AUDIT_EXPORT_ENTRIES, default 1,000,000), each through 202 → worker → status.
      const exportTenant = auditExport ?? audit;
      const exportTotal = auditExportSeed?.items ?? entries;
      const asyncExports: AsyncExportMeasurement[] = [];
      const workerTimeoutMs = (workerById('audit-export')?.timeoutSeconds ?? 900) * 1000;
      // A tenth of the log, then all of it (100,000 and 1,000,000 by default): flat memory means the same peak.
      for (const maxEntries of [...new Set([Math.max(1, Math.floor(exportTotal / 10)), exportTotal])]) {
        if (secondsLeft() < 30 || maxEntries <= 0) break;
        await quiesce();
        asyncExports.push(
          await runAsyncAuditExport({
            platform,
            token: exportTenant.token,
            freshToken: () => issueToken(baseUrl, exportTenant),
            maxEntries: maxEntries === exportTotal ? undefined : maxEntries,
            bundleDir: coldStartReport?.outDir,
            timeoutMs: Math.max(30_000, (secondsLeft() - 10) * 1000),
            functionTimeoutMs: Math.max(workerTimeoutMs, (secondsLeft() - 60) * 1000),
          }),
        );
        progress(`  async export ${maxEntries}: ${asyncExports.at(-1)?.jobStatus}, ${asyncExports.at(-1)?.entries} entries in ${asyncExports.at(-1)?.seconds} s, peak RSS ${asyncExports.at(-1)?.peakRssMb} MB`);
      }
      const peaks = asyncExports.filter((run) => run.jobStatus === 'succeeded').map((run) => run.peakRssMb);
      const asyncExportBounds = {
        peakRssLimitMb: 256,
        peakRssMaxMb: peaks.length > 0 ? Math.max(...peaks) : undefined,
        /** Largest over smallest export's peak RSS: 1 = perfectly flat. */
        peakRssGrowth: peaks.length > 1 ? round(Math.max(...peaks) / Math.min(...peaks)) : undefined,
        withinBounds: peaks.length > 0 && peaks.length === asyncExports.length && Math.max(...peaks) < 256 && (peaks.length < 2 || Math.max(...peaks) / Math.min(...peaks) <= 1.25),
      };
      return {
        entries,
        functionTimeoutSeconds: routes.find((route) => route.id === 'identity-audit-list')?.timeoutSeconds ?? 10,
        coldDeepPage: { pageNumber: deepPage, pageSize: 100, ...coldDeep },
        pageAfterDeep: nextAfterDeep,
        filteredByAction: filtered,
        textSearchNoMatch: textSearch,
        filteredPages,
        /** Every list request above answered 200 within half the function's timeout. */
        listPagesBound: {
          functionTimeoutSeconds: listTimeoutSeconds,
          slowestMs: pageMs.length > 0 ? Math.max(...pageMs) : undefined,
          withinBounds: pageStatuses.every((status) => status === '200') && pageMs.every((ms) => ms < (listTimeoutSeconds * 1000) / 2),
        },
        exports,
        asyncExportEntries: exportTotal,
        asyncExports,
        asyncExportBounds,
        engineRead,
      };
    });

    // Assemble the report.
    const operationsReport = operations.filter((operation) => costAtTop[operation.id]).map((operation) => {
      const measured = costAtTop[operation.id];
      const minimum: Minimum | undefined = itemSizes ? minimumFor(operation.id, itemSizes) : undefined;
      return {
        id: operation.id,
        label: operation.label,
        routeId: operation.routeId,
        measuredAt: `${topSize.toLocaleString('en')} users`,
        measured,
        minimum,
        gap: gapOf(measured, minimum),
        explanation: explainGap(operation.id, measured, minimum),
      };
    });
    const directoryRoute = routes.find((route) => route.method === 'GET' && route.path === '/api/users');
    const directoryAtTop = directoryListing?.points.at(-1);
    if (directoryAtTop) {
      operationsReport.push({
        id: 'directory.users.list',
        label: `Directory API GET /api/users (next page of ${DIRECTORY_PAGE_SIZE})`,
        routeId: directoryRoute?.id ?? '(none)',
        measuredAt: `${directoryAtTop.users.toLocaleString('en')} users`,
        measured: directoryAtTop.nextPageInOrder as unknown as CostMeasurement,
        minimum: { ...directoryAtTop.minimum, touches: [] },
        gap: directoryAtTop.gap,
        explanation: directoryAtTop.explanation,
      });
    }

    const scaleReport = [];
    for (const id of top && config.only.has('scim') ? SCALE_OPERATIONS : []) {
      const points = [];
      for (const level of levels) {
        const cost = costs.get(level)?.[id];
        const http = latencyAtOne.get(level)?.[id];
        if (!cost || !http) continue;
        points.push({
          users: level.users,
          usersCounted: usersCounted.get(level),
          roundTrips: cost.roundTrips,
          readCapacityUnits: cost.readCapacityUnits,
          writeCapacityUnits: cost.writeCapacityUnits,
          inProcessWallMs: cost.wallMsMedian,
          cpuMs: cost.cpuMsMedian,
          p50Ms: http.latencyMs.p50,
          p95Ms: http.latencyMs.p95,
          p99Ms: http.latencyMs.p99,
          requests: http.requests,
          statuses: http.statuses,
        });
      }
      const trips = points.map((point) => point.roundTrips);
      const unitSpread = spread(points.map((point) => point.readCapacityUnits + point.writeCapacityUnits));
      const p50s = points.map((point) => point.p50Ms);
      const latencyFlat = spread(p50s) <= 0.3 || Math.max(...p50s) - Math.min(...p50s) < 2;
      const costFlat = new Set(trips).size === 1 && unitSpread <= 0.1;
      scaleReport.push({
        id,
        label: byId(id).label,
        points,
        flat: {
          roundTrips: new Set(trips).size === 1,
          capacityUnitsSpread: unitSpread,
          p50Spread: spread(p50s),
          verdict: costFlat && latencyFlat ? 'flat' : costFlat ? 'flat in cost; latency differs' : 'cost grows',
        },
      });
    }

    const cpuReport = operations.filter((operation) => costAtTop[operation.id]).map((operation) => ({
      id: operation.id,
      inProcess: costAtTop[operation.id] ? { cpuMsMedian: costAtTop[operation.id]?.cpuMsMedian, cpuMsP95: costAtTop[operation.id]?.cpuMsP95, wallMsMedian: costAtTop[operation.id]?.wallMsMedian } : undefined,
      serverCpuMsPerRequest: Object.fromEntries((loadResults[operation.id] ?? []).map((result) => [`c${result.concurrency}`, result.server.cpuMs])),
      profile: cpuProfiles[operation.id],
    }));

    Object.assign(report, {
      schemaVersion: 1,
      command: 'npm run bench',
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      durationSeconds: round(elapsedSeconds()),
      config,
      machine,
      noise: {
        note: 'CPU taken by other processes on the machine while each phase ran (cores of 2). Figures taken while others are high are inflated.',
        loadAverageAtEnd: loadavg().map((value) => round(value)),
        phases: phaseLoads,
      },
      seeding,
      itemSizesBytes: itemSizes,
      perOperation: operationsReport,
      engine: {
        note: 'DynamoDB Local alone, driven by the load generator process with its own SDK client, in this run (GetItem: consistent read of a user; Query: gsi1 userName eq; UpdateItem: counter ADD; TransactWriteItems: audit-like item with two index entries + small item + counter).',
        results: engine.map((result) => ({ operation: result.operation, concurrency: result.concurrency, opsPerSecond: round(result.opsPerSecond), latencyMs: summarize(result.latenciesMs), errors: result.errors })),
      },
      load: {
        note: "Through real HTTP (load generator in its own process, keep-alive), at the largest size. c=1 is the interleaved run of the scale phase. engineCeiling = requests/s DynamoDB Local alone serves for this operation's round trips (each at the engine's measured rate for its kind, same concurrency, as if sequential); ratio = ours / that.",
        operations: Object.entries(loadResults).map(([id, results]) => ({ id, label: byId(id).label, results })),
      },
      scale: {
        levels: sizes,
        note: 'One organization per size in one table; cost per operation in process (median), latency through HTTP at c=1 in three rounds interleaved across the sizes.',
        operations: scaleReport,
        deepPaging,
        bigGroup: bigGroupReport,
        largeGroupPatch: largePatchReport,
      },
      coldStart: coldStartReport,
      startup: startupReport,
      audit: auditReport,
      directory: directoryListing,
      sync: syncCost,
      governance: governanceCost,
      rateLimit: rateLimitReport,
      cpu: {
        note: 'inProcess: process.cpuUsage() around one handler invocation (same module, same API Gateway event; I/O wait excluded since DynamoDB Local is another process), median of the runs. serverCpuMsPerRequest: CPU of the process running the local server and handlers divided by the requests served during each load run (HTTP parsing and GC included). profile: V8 sampling profiler over separate invocations, self time by package.',
        operations: cpuReport,
      },
    });
    report.findings = findings(report);
  } finally {
    process.removeListener('SIGINT', interrupted);
    process.removeListener('SIGTERM', interrupted);
    await load.close().catch(() => undefined);
    seeder.destroy();
    await platform.stop();
    removeBundles(coldStartReport);
  }

  writeResults(report);
}

function writeResults(report: Record<string, unknown>): void {
  mkdirSync(resultsDir, { recursive: true });
  const stamp = String(report.startedAt ?? new Date().toISOString()).replace(/[:.]/g, '-');
  const files = { json: `${JSON.stringify(report, null, 2)}\n`, svg: renderChart(report), md: renderMarkdown(report) };
  for (const [extension, content] of Object.entries(files)) {
    writeFileSync(resolve(resultsDir, `${stamp}.${extension}`), content);
    writeFileSync(resolve(resultsDir, `latest.${extension}`), content);
  }
  progress(`report: ${resultsDir}/${stamp}.json, .svg and .md (also latest.*) after ${round(elapsedSeconds())} s`);
}
