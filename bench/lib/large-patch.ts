/**
 * The largest group PATCH the README allows: one `add` of 10,000 member values, through real HTTP
 * (the route's 29 s function timeout applies locally too). Two cases on fresh groups: 10,000 ids of
 * existing users (204; validation reads + ~105 membership transactions) and 10,000 ids of no user
 * (400 invalidValue after validation only). Wall time as the client sees it, plus the server's
 * DynamoDB round trips and capacity for the request (the server runs in this process).
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
}): Promise<{ targetMs: number; note: string; cases: LargePatchMeasurement[] }> {
  const values = Math.min(options.values, options.existingUserIds.length);
  const cases = [
    { name: `add ${values.toLocaleString('en')} existing users`, ids: options.existingUserIds.slice(0, values), expectedStatus: 204 },
    { name: `add ${values.toLocaleString('en')} ids of no user`, ids: Array.from({ length: values }, () => randomUUID()), expectedStatus: 400 },
  ];
  const measured: LargePatchMeasurement[] = [];
  for (const entry of cases) {
    const group = await createGroup(options.baseUrl, options.tenant, `Large PATCH ${randomUUID()}`);
    const before = options.usage();
    const started = performance.now();
    const result = await call(options.baseUrl, 'PATCH', `${SCIM}/Groups/${group}`, {
      token: options.tenant.token,
      headers: { 'Content-Type': 'application/scim+json' },
      json: patchBody({ op: 'add', path: 'members', value: entry.ids.map((value) => ({ value })) }),
    });
    const ms = performance.now() - started;
    const usage = options.delta(before, options.usage());
    measured.push({
      case: entry.name,
      values: entry.ids.length,
      status: result.status,
      expectedStatus: entry.expectedStatus,
      ms: round(ms),
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
