/**
 * Policy evaluation (issue 14, Done when: "time from a membership change to the open violation
 * (p50/p95 over repeated changes) and the cost (round trips, capacity units) of an incremental
 * evaluation versus a full sweep at 10,000 users").
 *
 * One organization of `users` seeded straight into the table (no audit entries, so nothing reaches
 * the stream), half of them members of a "Payments" group; through the HTTP API an "Approvers" group
 * and five enabled policies (separation of duties Payments vs. Approvers, a privileged group, disabled
 * accounts with access, dormancy, missing manager in a department nobody is in), each policy-sweep
 * left to finish. Then, `changes` times: a SCIM PATCH adds a Payments member to Approvers and the
 * violation's claim item is polled (with the seeder's uninstrumented client) until it exists — the
 * time from sending the PATCH to the open violation, through the audit stream and the
 * `policy-evaluation` worker — then a PATCH removes the membership and the claim is polled until it
 * is gone (time to resolved). Costs are measured in process with the instrumented client: one
 * incremental evaluation (the worker's function on one `group.member.added` change: the
 * organization's policies, the affected user's facts, claims, one violation opened) against one
 * full evaluation of the organization (what the hourly sweep does per organization).
 */
import type { DynamoUsage } from './dynamo-usage.ts';
import { measureDynamoUsage } from './dynamo-usage.ts';
import { call, GROUP_SCHEMA, patchBody, SCIM, type Tenant } from './fixtures.ts';
import { progress } from './log.ts';
import { seedMemberships, seedUsers, type Seeder } from './seed.ts';
import { summarize, type LatencySummary } from './stats.ts';
import { keys } from '../../shared/storage/keys.ts';
import { evaluateAuditChanges, evaluateOrganization, enabledPolicies, systemActor } from '../../shared/governance/policy-evaluation.ts';

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

export interface EvaluationCost {
  ms: number;
  roundTrips: number;
  readCapacityUnits: number;
  writeCapacityUnits: number;
  calls: Record<string, number>;
  /** What the evaluation did (users evaluated, violations opened, resolved). */
  result: Record<string, unknown>;
}

export interface GovernanceCostReport {
  users: number;
  policies: number;
  changes: number;
  /** PATCH sent → the violation's claim exists (open), ms. */
  toOpen: LatencySummary & { samples: number[] };
  /** PATCH sent → the claim is gone (resolved), ms. */
  toResolved: LatencySummary & { samples: number[] };
  incremental: EvaluationCost;
  fullSweep: EvaluationCost;
  /** full ÷ incremental, per measure. */
  ratio: { roundTrips: number; readCapacityUnits: number; writeCapacityUnits: number; ms: number };
  note: string;
}

export interface GovernanceCostOptions {
  baseUrl: string;
  tenant: Tenant;
  seeder: Seeder;
  users: number;
  changes: number;
  /** Waits until no DynamoDB call of this process is in flight. */
  quiesce: () => Promise<boolean>;
  /** Epoch ms by which the whole measurement must end. */
  deadline: number;
}

function costOf(ms: number, usage: DynamoUsage, result: Record<string, unknown>): EvaluationCost {
  return {
    ms: round(ms, 0),
    roundTrips: usage.roundTrips,
    readCapacityUnits: round(usage.readCapacityUnits),
    writeCapacityUnits: round(usage.writeCapacityUnits),
    calls: Object.fromEntries(Object.entries(usage.calls).filter(([, count]) => count > 0)),
    result,
  };
}

export async function measureGovernanceCost(options: GovernanceCostOptions): Promise<GovernanceCostReport> {
  const { baseUrl, tenant, seeder } = options;
  const organizationId = tenant.organizationId;
  const api = async <T = Record<string, unknown>>(method: string, path: string, json?: unknown, token = tenant.ownerToken) => {
    const result = await call<T>(baseUrl, method, path, { token, ...(json !== undefined ? { json } : {}), ...(path.startsWith(SCIM) ? { headers: { 'Content-Type': 'application/scim+json' } } : {}) });
    if (result.status >= 300) throw new Error(`${method} ${path}: ${result.status} ${result.text.slice(0, 400)}`);
    return result.body;
  };
  const group = async (displayName: string) => (await api<{ id: string }>('POST', `${SCIM}/Groups`, { schemas: [GROUP_SCHEMA], displayName }, tenant.token)).id;

  progress(`  seeding ${options.users.toLocaleString('en')} users`);
  const { users } = await seedUsers(seeder, organizationId, 0, options.users, 'gov');
  const [payments, approvers, admins] = [await group('Payments'), await group('Approvers'), await group('Domain admins')];
  const paymentMembers = users.ids.filter((_, index) => index % 2 === 0);
  await seedMemberships(seeder, organizationId, payments, paymentMembers);
  const policyBodies = [
    { name: 'Payments vs. approvals', type: 'separationOfDuties', severity: 'critical', parameters: { a: { kind: 'group', groupId: payments }, b: { kind: 'group', groupId: approvers } } },
    { name: 'Domain admins', type: 'privilegedGroupOutsideApproved', parameters: { groupIds: [admins] } },
    { name: 'Disabled with access', type: 'disabledWithAccess' },
    { name: 'Dormant 90 days', type: 'dormantAccount', parameters: { days: 90 } },
    { name: 'Managers in Nowhere', type: 'missingManager', parameters: { department: 'Nowhere' } },
  ];
  let sodPolicyId = '';
  for (const body of policyBodies) {
    const created = await api<{ id: string }>('POST', '/api/policies', body);
    if (body.type === 'separationOfDuties') sodPolicyId = created.id;
  }
  // Each create started a policy-sweep over the organization (in process): let them finish.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await options.quiesce();

  const claimKey = (userId: string) => keys.violationClaim(organizationId, sodPolicyId, userId);
  const waitFor = async (userId: string, present: boolean, started: number): Promise<number> => {
    for (;;) {
      const claim = await seeder.get(claimKey(userId));
      if ((claim !== undefined) === present) return performance.now() - started;
      if (Date.now() > options.deadline) throw new Error(`the violation of ${userId} was not ${present ? 'opened' : 'resolved'} before the deadline`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const toOpen: number[] = [];
  const toResolved: number[] = [];
  for (let i = 0; i < options.changes; i++) {
    const userId = paymentMembers[(i * 7919) % paymentMembers.length] as string;
    let started = performance.now();
    await api('PATCH', `${SCIM}/Groups/${approvers}`, patchBody({ op: 'add', path: 'members', value: [{ value: userId }] }), tenant.token);
    toOpen.push(round(await waitFor(userId, true, started), 0));
    started = performance.now();
    await api('PATCH', `${SCIM}/Groups/${approvers}`, patchBody({ op: 'remove', path: `members[value eq "${userId}"]` }), tenant.token);
    toResolved.push(round(await waitFor(userId, false, started), 0));
  }
  progress(`  PATCH → open violation: ${JSON.stringify(summarize(toOpen))} ms; → resolved: ${JSON.stringify(summarize(toResolved))} ms`);

  // One incremental evaluation, as the worker runs it for a `group.member.added` entry: the
  // membership is written straight into the table first (no audit entry: the stream stays quiet).
  const subject = paymentMembers[1] as string;
  await seedMemberships(seeder, organizationId, approvers, [subject]);
  await options.quiesce();
  const change = { organizationId, id: '01JDZ8Q3K9V7X2M4N6P8R0T2W4', action: 'group.member.added', actorType: 'client', actorId: 'bench', targetType: 'group', targetId: approvers, timestamp: new Date().toISOString(), details: { memberIds: [subject] } };
  let started = performance.now();
  const incremental = await measureDynamoUsage(() => evaluateAuditChanges([change], Date.now(), systemActor('bench')));
  const incrementalCost = costOf(performance.now() - started, incremental.usage, { ...incremental.result });

  // One full evaluation of the organization (what the hourly sweep does per organization): nothing left to open.
  const policies = await enabledPolicies(organizationId);
  await options.quiesce();
  started = performance.now();
  const full = await measureDynamoUsage(() => evaluateOrganization(organizationId, policies, Date.now(), systemActor('bench')));
  const fullCost = costOf(performance.now() - started, full.usage, { ...full.result });
  progress(`  incremental: ${incrementalCost.roundTrips} round trips, ${incrementalCost.readCapacityUnits} RCU, ${incrementalCost.writeCapacityUnits} WCU, ${incrementalCost.ms} ms; full sweep: ${fullCost.roundTrips} round trips, ${fullCost.readCapacityUnits} RCU, ${fullCost.writeCapacityUnits} WCU, ${fullCost.ms} ms`);
  const ratio = (whole: number, part: number) => (part > 0 ? round(whole / part, 1) : 0);
  return {
    users: options.users,
    policies: policies.length,
    changes: options.changes,
    toOpen: { ...summarize(toOpen), samples: toOpen },
    toResolved: { ...summarize(toResolved), samples: toResolved },
    incremental: incrementalCost,
    fullSweep: fullCost,
    ratio: { roundTrips: ratio(fullCost.roundTrips, incrementalCost.roundTrips), readCapacityUnits: ratio(fullCost.readCapacityUnits, incrementalCost.readCapacityUnits), writeCapacityUnits: ratio(fullCost.writeCapacityUnits, incrementalCost.writeCapacityUnits), ms: ratio(fullCost.ms, incrementalCost.ms) },
    note: `${options.users.toLocaleString('en')} seeded users (half in Payments), ${policies.length} enabled policies. Latency: SCIM PATCH sent → the violation's claim item exists (open) / is gone (resolved), through DynamoDB Local's stream, the local poller and the in-process policy-evaluation worker; ${options.changes} changes one after the other. Incremental: evaluateAuditChanges on one group.member.added entry (opens one violation: its transaction is in the WCU). Full sweep: evaluateOrganization with every enabled policy (nothing to open or resolve: reads only).`,
  };
}
