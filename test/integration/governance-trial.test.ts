import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { useLocalEngines } from './support/in-process.ts';
import { call, createTenant, login, machineToken } from './support/platform-client.ts';
import { GROUP_SCHEMA, patchOp, SCIM, userBody, type ScimTenant } from './support/scim-client.ts';

/**
 * Defects found by trying the governance API as a new customer would (issue 14), each proven over
 * real HTTP against the local runtime: policy parameters that can never raise a violation are
 * refused, and a reviewer who names an item that is not theirs is told about the item, not that the
 * campaign they review does not exist.
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let t: ScimTenant;
const DAY = 86_400_000;

beforeAll(async () => {
  useLocalEngines();
  const tenant = await createTenant('Governance trial');
  const lifted = { perMinute: 100_000, perHour: 1_000_000 };
  const patched = await call('PATCH', `/api/identity/v1/organizations/${tenant.organizationId}`, { headers: { 'X-Operator-Key': inject('operatorApiKey') }, json: { rateLimits: { directory: lifted, governance: lifted } } });
  if (patched.status !== 200) throw new Error(`rate limits: ${patched.status} ${patched.text}`);
  const { token } = await machineToken(tenant.ownerToken);
  t = {
    tenant,
    token,
    scim: (method, path, json, headers = {}) =>
      call(method, `${SCIM}${path}`, { token, ...(json !== undefined ? { json } : {}), headers: { ...(json !== undefined ? { 'Content-Type': 'application/scim+json' } : {}), ...headers } }),
  };
});

const owner = () => t.tenant.ownerToken;
const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const api = (method: string, path: string, json?: unknown, token = owner()) => call<Json>(method, path, { token, ...(json !== undefined ? { json } : {}) });

function expectDirectoryError(result: { status: number; body: Json; text: string }, status: number, messagePart: RegExp): void {
  expect(result.status, result.text).toBe(status);
  expect(result.body).toEqual({ error: expect.any(String), message: expect.any(String), statusCode: status });
  expect(result.body.message).toMatch(messagePart);
}

async function createUser(password?: string): Promise<{ id: string; userName: string }> {
  const userName = `${unique('user')}@example.com`;
  const created = await t.scim('POST', '/Users', userBody(userName, password ? { password } : {}));
  expect(created.status, created.text).toBe(201);
  return { id: created.body.id as string, userName };
}

async function createGroup(memberIds: readonly string[] = []): Promise<string> {
  const created = await t.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: unique('Group') });
  expect(created.status, created.text).toBe(201);
  if (memberIds.length > 0) {
    const patched = await t.scim('PATCH', `/Groups/${created.body.id}`, patchOp({ op: 'add', path: 'members', value: memberIds.map((value) => ({ value })) }));
    expect(patched.status, patched.text).toBe(204);
  }
  return created.body.id as string;
}

describe('governance, tried as a customer would', () => {
  it('refuses a privileged-group policy whose approved group is one of its privileged groups (it could never raise a violation), on create and on change', async () => {
    const privileged = await createGroup();
    const other = await createGroup();
    const created = await api('POST', '/api/policies', { name: unique('Admins'), type: 'privilegedGroupOutsideApproved', parameters: { groupIds: [other, privileged], approvedGroupId: privileged } });
    expectDirectoryError(created, 400, /approvedGroupId.*privileged group/);

    const valid = await api('POST', '/api/policies', { name: unique('Admins'), type: 'privilegedGroupOutsideApproved', parameters: { groupIds: [privileged], approvedGroupId: other } });
    expect(valid.status, valid.text).toBe(201);
    const changed = await api('PATCH', `/api/policies/${valid.body.id}`, { parameters: { groupIds: [privileged], approvedGroupId: privileged } });
    expectDirectoryError(changed, 400, /approvedGroupId.*privileged group/);
    expect((await api('DELETE', `/api/policies/${valid.body.id}`)).status).toBe(204);
  });

  it("a reviewer deciding an item that is not theirs, or that does not exist, in a campaign they review gets a 404 naming the item, not the campaign", async () => {
    const passwords = { a: `pw-${randomUUID()}`, b: `pw-${randomUUID()}` };
    const [reviewerA, reviewerB, member1, member2] = [await createUser(passwords.a), await createUser(passwords.b), await createUser(), await createUser()];
    const group = await createGroup([member1.id, member2.id]);
    const created = await api('POST', '/api/reviews/campaigns', {
      name: unique('Review'),
      scope: { kind: 'groups', groupIds: [group] },
      reviewers: { kind: 'named', reviewerIds: [reviewerA.id, reviewerB.id] },
      dueAt: new Date(Date.now() + 14 * DAY).toISOString(),
    });
    expect(created.status, created.text).toBe(201);
    const campaignId = created.body.id as string;
    expect((await api('POST', `/api/reviews/campaigns/${campaignId}/start`)).status).toBe(200);
    const items = await api('GET', `/api/reviews/campaigns/${campaignId}/items`);
    expect(items.status, items.text).toBe(200);
    const ofB = (items.body.data as Json[]).find((item) => item.reviewerId === reviewerB.id);
    expect(ofB, items.text).toBeDefined();

    const tokenA = await login(reviewerA.userName, passwords.a);
    // Reviewer A sees the campaign …
    expect((await api('GET', `/api/reviews/campaigns/${campaignId}`, undefined, tokenA)).status).toBe(200);
    // … so an item of B's, or an unknown item, is "not found" as an item.
    const notTheirs = await api('POST', `/api/reviews/campaigns/${campaignId}/items/${ofB!.id}/decision`, { decision: 'revoke', justification: 'not mine' }, tokenA);
    expectDirectoryError(notTheirs, 404, new RegExp(`Review item with ID '${ofB!.id}' was not found`));
    const unknown = await api('POST', `/api/reviews/campaigns/${campaignId}/items/${randomUUID()}/decision`, { decision: 'approve', justification: 'x' }, tokenA);
    expectDirectoryError(unknown, 404, /Review item with ID/);
    // B's item is still undecided.
    const after = await api('GET', `/api/reviews/campaigns/${campaignId}/items?reviewerId=${reviewerB.id}`);
    expect((after.body.data as Json[]).every((item) => item.status === 'pending'), after.text).toBe(true);
    // A campaign the caller does not review still answers as if it did not exist.
    const other = await api('POST', '/api/reviews/campaigns', {
      name: unique('Review'),
      scope: { kind: 'groups', groupIds: [group] },
      reviewers: { kind: 'named', reviewerIds: [reviewerB.id] },
      dueAt: new Date(Date.now() + 14 * DAY).toISOString(),
    });
    expect((await api('POST', `/api/reviews/campaigns/${other.body.id}/start`)).status).toBe(200);
    const otherItems = await api('GET', `/api/reviews/campaigns/${other.body.id}/items`);
    const foreign = await api('POST', `/api/reviews/campaigns/${other.body.id}/items/${otherItems.body.data[0].id}/decision`, { decision: 'revoke', justification: 'x' }, tokenA);
    expectDirectoryError(foreign, 404, /Campaign with ID/);
  });

  it('refuses, at decision time, a revoke that together with the campaign\'s other decided revokes would leave no Owner (not only at apply time)', async () => {
    const password = `pw-${randomUUID()}`;
    const reviewer = await createUser(password);
    const secondOwner = await createUser();
    const assigned = await api('POST', `/api/identity/v1/users/${secondOwner.id}/roles`, { roles: ['owner'] });
    expect(assigned.status, assigned.text).toBeLessThan(300);
    const created = await api('POST', '/api/reviews/campaigns', {
      name: unique('Owners'),
      scope: { kind: 'role', roleId: 'owner' },
      reviewers: { kind: 'named', reviewerIds: [reviewer.id] },
      dueAt: new Date(Date.now() + 14 * DAY).toISOString(),
      applyMode: 'manual',
    });
    expect(created.status, created.text).toBe(201);
    const campaignId = created.body.id as string;
    expect((await api('POST', `/api/reviews/campaigns/${campaignId}/start`)).status).toBe(200);
    const items = (await api('GET', `/api/reviews/campaigns/${campaignId}/items`)).body.data as Json[];
    expect(items.length, JSON.stringify(items)).toBe(2);
    const reviewerToken = await login(reviewer.userName, password);
    const first = await api('POST', `/api/reviews/campaigns/${campaignId}/items/${items[0]!.id}/decision`, { decision: 'revoke', justification: 'one Owner is enough' }, reviewerToken);
    expect(first.status, first.text).toBe(200);
    const second = await api('POST', `/api/reviews/campaigns/${campaignId}/items/${items[1]!.id}/decision`, { decision: 'revoke', justification: 'and this one too' }, reviewerToken);
    expectDirectoryError(second, 409, /without an Owner/);
    // The item stays undecided; approving it is still possible, and applying keeps one Owner.
    const approved = await api('POST', `/api/reviews/campaigns/${campaignId}/items/${items[1]!.id}/decision`, { decision: 'approve', justification: 'keeps the organization an Owner' }, reviewerToken);
    expect(approved.status, approved.text).toBe(200);
    const applied = await api('POST', `/api/reviews/campaigns/${campaignId}/apply`, { confirm: true });
    expect(applied.status, applied.text).toBe(200);
    expect(applied.body).toMatchObject({ applied: 1, blocked: 0 });
  });
});
