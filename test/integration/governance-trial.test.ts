import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { useLocalEngines } from './support/in-process.ts';
import { call, createTenant, machineToken } from './support/platform-client.ts';
import { GROUP_SCHEMA, patchOp, SCIM, type ScimTenant } from './support/scim-client.ts';

/**
 * Defects found by trying the governance API as a new customer would (issue 14), each proven over
 * real HTTP against the local runtime: policy parameters that can never raise a violation are
 * refused.
 */
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let t: ScimTenant;

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
});
