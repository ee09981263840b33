import { beforeAll, describe, expect, it } from 'vitest';
import { baseUrl } from './support/platform-client.ts';
import { useLocalEngines } from './support/in-process.ts';
import { GROUP_SCHEMA, patchOp, SCIM, scimTenant, userBody, type ScimTenant } from './support/scim-client.ts';
import type * as InvokeModule from '../../bench/lib/invoke.ts';
import type { RequestSpec } from '../../bench/lib/load-protocol.ts';

/**
 * DynamoDB round trips of the hot requests, counted the way `npm run bench` counts them: the very
 * handler module invoked in this process with the API Gateway event the local server builds, on a
 * DynamoDB client instrumented through the same creation hook (bench/lib/dynamo-usage.ts), one
 * count per HTTP call to DynamoDB (retries included). The minimums are bench/lib/minimums.ts's.
 * Fixtures are made through real HTTP against the local runtime; every answer is checked too, so a
 * request that got cheaper by doing less fails here.
 */

let invokeInProcess: typeof InvokeModule.invokeInProcess;
let t: ScimTenant;
let tokenForm: string;

const scimSpec = (method: string, path: string, json?: unknown, headers: Record<string, string> = {}): RequestSpec => ({
  method,
  path: `${SCIM}${path}`,
  headers: { Authorization: `Bearer ${t.token}`, ...(json !== undefined ? { 'Content-Type': 'application/scim+json' } : {}), ...headers },
  ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
});

async function measured(spec: RequestSpec) {
  const result = await invokeInProcess(spec);
  return { status: result.status, body: result.body ? JSON.parse(result.body) : undefined, headers: result.headers, roundTrips: result.usage.roundTrips, calls: result.usage.calls };
}

beforeAll(async () => {
  useLocalEngines();
  // As deployed: a principal's status is re-read every 30 s, not on every request (the test
  // server's setting of 0, inherited from the global setup, would add a read to each one).
  process.env.PRINCIPAL_STATUS_CACHE_SECONDS = '30';
  // Registered before anything in this process creates the DynamoDB client (it throws otherwise).
  const { installDynamoUsageCounting } = await import('../../bench/lib/dynamo-usage.ts');
  installDynamoUsageCounting();
  ({ invokeInProcess } = await import('../../bench/lib/invoke.ts'));
  t = await scimTenant();
  const client = await import('./support/platform-client.ts').then(({ createClient, call, PLATFORM_API_ID }) =>
    createClient(t.tenant.ownerToken).then(async (created) => {
      await call('POST', `/api/identity/v1/apis/${PLATFORM_API_ID}/clients`, { token: t.tenant.ownerToken, json: [{ clientId: created.clientId }] });
      return created;
    }),
  );
  tokenForm = new URLSearchParams({ grant_type: 'client_credentials', client_id: client.credentialsClientId, client_secret: client.clientSecret }).toString();
  // Warm-up: the principal-status cache and the signing keys are read once per instance, not per request.
  await measured(scimSpec('GET', '/Groups?count=1'));
});

describe('DynamoDB round trips per request (as bench/lib/operations.ts counts them)', () => {
  it('POST /oauth/token: 3 (credentials with the registration flags, the grant, the audit transaction)', async () => {
    const spec: RequestSpec = {
      method: 'POST',
      path: `/oauth/token?audience=${encodeURIComponent(`${baseUrl()}/api`)}`,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: tokenForm,
    };
    await measured(spec);
    const token = await measured(spec);
    expect(token.status).toBe(200);
    expect(token.body.access_token).toEqual(expect.any(String));
    expect(token.calls).toEqual({ GetItemCommand: 2, TransactWriteItemsCommand: 1 });
    expect(token.roundTrips).toBe(3);
  });

  it('PATCH /Groups/{id} adding or removing one member: 2 + the amortised rate-limit lease (group and member read together, one transaction)', async () => {
    const group = await t.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `Round trips ${Date.now()}` });
    const user = await t.scim('POST', '/Users', userBody(`rt-${Date.now()}@example.com`, { displayName: 'Round Trip' }));
    const add = await measured(scimSpec('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: user.body.id }] })));
    expect(add.status).toBe(204);
    expect(add.headers.ETag).toBe('W/"2"');
    // SCIM's rate limit is leased (shared/rate-limits/leased-rate-limiter.ts): at most one lease
    // UpdateItem, amortised over many requests; the request's own work is the other two.
    const { UpdateItemCommand: leaseWrites = 0, ...own } = add.calls;
    expect(own).toEqual({ BatchGetItemCommand: 1, TransactWriteItemsCommand: 1 });
    expect(leaseWrites).toBeLessThanOrEqual(1);
    expect(add.roundTrips).toBe(2 + leaseWrites);
    const remove = await measured(scimSpec('PATCH', `/Groups/${group.body.id}`, patchOp({ op: 'remove', path: `members[value eq "${user.body.id}"]` }), { 'If-Match': 'W/"2"' }));
    expect(remove.status).toBe(204);
    expect(remove.headers.ETag).toBe('W/"3"');
    expect(remove.roundTrips - (remove.calls.UpdateItemCommand ?? 0)).toBe(2);
    expect(remove.calls.UpdateItemCommand ?? 0).toBeLessThanOrEqual(1);
    const after = await t.scim('GET', `/Groups/${group.body.id}`);
    expect(after.body.members ?? []).toEqual([]);
    expect(after.body.meta.version).toBe('W/"3"');
  });

  it('GET /Users?attributes=groups (and POST /Users/.search): at most 6 for a page of 100 — the page\'s group summaries and its groups are read once each, no query per user', async () => {
    const operations = Array.from({ length: 100 }, (_, index) => ({
      method: 'POST',
      bulkId: `u${index}`,
      path: '/Users',
      data: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `page-${String(index).padStart(3, '0')}-${Date.now()}@example.com` },
    }));
    const bulk = await t.scim('POST', '/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: operations });
    expect(bulk.status).toBe(200);
    const ids = (bulk.body.Operations as { location: string }[]).map((result) => result.location.split('/').at(-1) as string);
    // Three groups; user i is in group k when i % (k + 2) === 0, so users have 0 to 3 groups.
    const groupIds: string[] = [];
    for (let k = 0; k < 3; k++) {
      const members = ids.filter((_, index) => index % (k + 2) === 0).map((value) => ({ value }));
      const group = await t.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: `Page group ${k} ${Date.now()}`, members });
      expect(group.status).toBe(201);
      groupIds.push(group.body.id);
    }
    const expected = new Map(ids.map((id, index) => [id, groupIds.filter((_, k) => index % (k + 2) === 0).sort()]));
    for (const spec of [
      scimSpec('GET', '/Users?startIndex=1&count=100&attributes=userName,groups'),
      scimSpec('POST', '/Users/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], startIndex: 1, count: 100, attributes: ['userName', 'groups'] }),
    ]) {
      const page = await measured(spec);
      expect(page.status).toBe(200);
      const listed = (page.body.Resources as { id: string; groups?: { value: string }[] }[]).filter((user) => expected.has(user.id));
      expect(listed).toHaveLength(100);
      for (const user of listed) expect((user.groups ?? []).map((group) => group.value).sort()).toEqual(expected.get(user.id));
      // One BatchGetItem for the page's 100 group summaries, one for the three groups of the whole page.
      expect(page.calls.BatchGetItemCommand ?? 0).toBe(2);
      // No gsi1 query per listed user (was one each): the page's own query and its boundary lookup at most.
      expect(page.calls.QueryCommand ?? 0).toBeLessThanOrEqual(2);
      expect(page.roundTrips).toBeLessThanOrEqual(6);
    }
  });
});
