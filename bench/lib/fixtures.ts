/**
 * Tenants for the benchmark, created through the public API exactly as an operator and an Owner
 * would (organization, machine client authorized for the platform API, client-credentials token).
 */
import { randomUUID } from 'node:crypto';

export const PLATFORM_API_ID = '00000000-0000-0000-0000-000000000001';
export const SCIM = '/api/scim/v2';
export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export interface Tenant {
  organizationId: string;
  ownerToken: string;
  clientId: string;
  credentialsClientId: string;
  clientSecret: string;
  /** Bearer token of the machine client (SCIM, audit:read). */
  token: string;
  tokenForm: string;
}

export async function call<T = Record<string, unknown>>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T; text: string }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers['Content-Type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed as T, text };
}

function expectStatus(result: { status: number; text: string }, status: number, what: string): void {
  if (result.status !== status) throw new Error(`${what}: expected ${status}, got ${result.status} ${result.text.slice(0, 400)}`);
}

/**
 * An organization with its Owner and a machine client's token. `rateLimits` (per family) are set
 * right after the organization exists, before its first bearer request caches its limits.
 */
export async function createTenant(baseUrl: string, operatorApiKey: string, name: string, rateLimits?: Record<string, { perMinute: number; perHour: number }>): Promise<Tenant> {
  const ownerEmail = `owner-${randomUUID()}@bench.example`;
  const ownerPassword = `bench-${randomUUID()}`;
  const created = await call<{ organizationId: string }>(baseUrl, 'POST', '/api/identity/v1/organizations', {
    headers: { 'X-Operator-Key': operatorApiKey },
    json: { name, ownerEmail, ownerPassword },
  });
  expectStatus(created, 201, 'create organization');
  if (rateLimits) {
    const patched = await call(baseUrl, 'PATCH', `/api/identity/v1/organizations/${created.body.organizationId}`, { headers: { 'X-Operator-Key': operatorApiKey }, json: { rateLimits } });
    expectStatus(patched, 200, 'organization rate limits');
  }
  const login = await call<{ accessToken: string }>(baseUrl, 'POST', '/api/identity/v1/userCredentials/login', { json: { emailAddress: ownerEmail, password: ownerPassword } });
  expectStatus(login, 200, 'owner login');
  const ownerToken = login.body.accessToken;
  const client = await call<{ clientId: string; credentials: { clientId: string; clientSecret: string } }>(baseUrl, 'POST', '/api/identity/v1/clients?expand=credentials', {
    token: ownerToken,
    json: { name: 'Bench provisioning', description: 'benchmark', enabled: true, clientType: 'machineToMachine', jwtSigningAlgorithm: 'rs256', refreshTokenRotation: false, grantTypeClientCredentials: true },
  });
  expectStatus(client, 201, 'create client');
  const authorized = await call(baseUrl, 'POST', `/api/identity/v1/apis/${PLATFORM_API_ID}/clients`, { token: ownerToken, json: [{ clientId: client.body.clientId }] });
  expectStatus(authorized, 201, 'authorize client');
  const tokenForm = new URLSearchParams({ grant_type: 'client_credentials', client_id: client.body.credentials.clientId, client_secret: client.body.credentials.clientSecret }).toString();
  const token = await call<{ access_token: string }>(baseUrl, 'POST', `/oauth/token?audience=${encodeURIComponent(`${baseUrl}/api`)}`, {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: tokenForm,
  });
  expectStatus(token, 200, 'client token');
  return {
    organizationId: created.body.organizationId,
    ownerToken,
    clientId: client.body.clientId,
    credentialsClientId: client.body.credentials.clientId,
    clientSecret: client.body.credentials.clientSecret,
    token: token.body.access_token,
    tokenForm,
  };
}

/**
 * A new client-credentials access token for the tenant's bench client (POST /oauth/token), for calls
 * made after a long phase has outlived the token `createTenant` issued.
 * @throws Error when the token endpoint does not answer 200.
 */
export async function issueToken(baseUrl: string, tenant: Pick<Tenant, 'tokenForm'>): Promise<string> {
  const token = await call<{ access_token: string }>(baseUrl, 'POST', `/oauth/token?audience=${encodeURIComponent(`${baseUrl}/api`)}`, {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: tenant.tokenForm,
  });
  expectStatus(token, 200, 'client token');
  return token.body.access_token;
}

export async function createGroup(baseUrl: string, tenant: Tenant, displayName: string): Promise<string> {
  const created = await call<{ id: string }>(baseUrl, 'POST', `${SCIM}/Groups`, {
    token: tenant.token,
    headers: { 'Content-Type': 'application/scim+json' },
    json: { schemas: [GROUP_SCHEMA], displayName },
  });
  expectStatus(created, 201, 'create group');
  return created.body.id;
}

/** A SCIM user body like the ones Entra ID sends. */
export function userBody(index: number | string, prefix = 'user'): Record<string, unknown> {
  const userName = `${prefix}${index}@bench.example`;
  return {
    schemas: [USER_SCHEMA, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    userName,
    externalId: `${prefix}-ext-${index}`,
    active: true,
    displayName: `Bench User ${index}`,
    name: { givenName: 'Bench', familyName: `User ${index}`, formatted: `Bench User ${index}` },
    emails: [{ value: userName, type: 'work', primary: true }],
    title: 'Engineer',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Research', employeeNumber: String(index) },
  };
}

export function patchBody(...operations: { op: string; path?: string; value?: unknown }[]): Record<string, unknown> {
  return { schemas: [PATCH_OP], Operations: operations };
}
