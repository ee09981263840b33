/**
 * The largest group PATCH the README allows: one `add` of 10,000 member values, through real HTTP
 * (the route's 29 s function timeout applies locally too). Two cases on fresh groups: 10,000 ids of
 * no user (400 invalidValue after validation only) and 10,000 ids of existing users (204;
 * validation reads + ~105 membership transactions). Wall time as the client sees it, plus the
 * server's DynamoDB round trips and capacity for the request (the server runs in this process),
 * counted until its DynamoDB calls have stopped: a request cut off by the function timeout leaves
 * its writes running, and those must neither be missed nor leak into the next case.
 */
import { randomUUID } from 'node:crypto';
import { call, createGroup, patchBody, SCIM, type Tenant } from './fixtures.ts';
import type { DynamoUsage } from './dynamo-usage.ts';
import { round } from './stats.ts';
import { progress } from './log.ts';

/** Target on a 2-core machine (issue: the route has 29 s in AWS, API Gateway's limit). */
export const LARGE_PATCH_TARGET_MS = 5000;

export interface LargePatchMeasurement {
  case: string;
  values: number;
  status: number;
  expectedStatus: number;
  ms: number;
  /** Round trips by the time the answer arrived. */
  roundTripsAtAnswer: number;
  /** Round trips once the request's DynamoDB calls stopped (more only when work outlived the answer). */
  roundTrips: number;
  calls: Record<string, number>;
  readCapacityUnits: number;
  writeCapacityUnits: number;
  /** The start of the error body, when the status is not the expected one or is an error. */
  body?: string;
}

export async function measureLargeGroupPatch(options: {
  baseUrl: string;
  tenant: Tenant;
  existingUserIds: readonly string[];
  values: number;
  usage: () => DynamoUsage | undefined;
  delta: (before: DynamoUsage | undefined, after: DynamoUsage | undefined) => DynamoUsage;
  /** DynamoDB calls this process is waiting for. */
  inFlight: () => number;
}): Promise<{ targetMs: number; note: string; cases: LargePatchMeasurement[] }> {
  const values = Math.min(options.values, options.existingUserIds.length);
  const cases = [
    { name: `add ${values.toLocaleString('en')} ids of no user`, ids: Array.from({ length: values }, () => randomUUID()), expectedStatus: 400 },
    { name: `add ${values.toLocaleString('en')} existing users`, ids: options.existingUserIds.slice(0, values), expectedStatus: 204 },
  ];
  /** Until no DynamoDB call has been in flight for a whole second (between two transactions it is briefly 0), at most 120 s. */
  const settle = async () => {
    const until = Date.now() + 120_000;
    let quietSince = Date.now();
    while (Date.now() < until && Date.now() - quietSince < 1000) {
      if (options.inFlight() > 0) quietSince = Date.now();
      await new Promise((done) => setTimeout(done, 20));
    }
  };
  const measured: LargePatchMeasurement[] = [];
  for (const entry of cases) {
    const group = await createGroup(options.baseUrl, options.tenant, `Large PATCH ${randomUUID()}`);
    await settle();
    const before = options.usage();
    const started = performance.now();
    const result = await call(options.baseUrl, 'PATCH', `${SCIM}/Groups/${group}`, {
      token: options.tenant.token,
      headers: { 'Content-Type': 'application/scim+json' },
      json: patchBody({ op: 'add', path: 'members', value: entry.ids.map((value) => ({ value })) }),
    });
    const ms = performance.now() - started;
    const atAnswer = options.delta(before, options.usage());
    await settle();
    const usage = options.delta(before, options.usage());
    measured.push({
      case: entry.name,
      values: entry.ids.length,
      status: result.status,
      expectedStatus: entry.expectedStatus,
      ms: round(ms),
      roundTripsAtAnswer: atAnswer.roundTrips,
      roundTrips: usage.roundTrips,
      calls: usage.calls,
      readCapacityUnits: round(usage.readCapacityUnits),
      writeCapacityUnits: round(usage.writeCapacityUnits),
      ...(result.status !== entry.expectedStatus || result.status >= 400 ? { body: result.text.slice(0, 300) } : {}),
    });
    progress(`  ${entry.name}: ${result.status} in ${round(ms)} ms, ${usage.roundTrips} round trips`);
  }
  return {
    targetMs: LARGE_PATCH_TARGET_MS,
    note: 'One PATCH /Groups/{id} with a single add of N member values on a fresh group, through HTTP. Validation reads memberships and users with BatchGetItem (100 keys per request, 8 in flight); the existing-users case then writes the memberships in transactions of up to 96 items, each with its audit entry.',
    cases: measured,
  };
}
