/**
 * One valid, minimal request per mutating route of the route table, for the audit completeness
 * test (test/integration/audit-completeness.test.ts): "every mutating route produces exactly one
 * audit entry". Adding a mutating route to shared/route-table/ without adding its sample here
 * makes that test fail, naming the route.
 *
 * A sample has two steps:
 * - `prepare` creates what the request needs (a client to delete, a role to remove…). It may write
 *   audit entries of its own; they are not counted.
 * - `run` sends exactly ONE request, to the sample's own route (the test checks both with the
 *   platform's route matcher), and says whose audit log must have grown by exactly one entry, with
 *   which action, actor and target.
 *
 * Identity Management routes are called with the Owner's token (a user actor), SCIM routes with a
 * machine client's token (a client actor), organization routes with the operator key.
 */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { auditEntries, baseUrl, call, callFrom, createClient, machineToken, PLATFORM_API_ID, type MachineClient, type Tenant } from './platform-client.ts';
import { GROUP_SCHEMA, patchOp, SCIM, USER_SCHEMA, userBody } from './scim-client.ts';
import { fetchVerifiedMetadata, SAML, startLogin } from './saml/saml-client.ts';
import { createTestIdp, EMAIL_CLAIM, encode, signedResponse, type TestIdp } from './saml/test-idp.ts';

const V1 = '/api/identity/v1';
const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';

/** Loopback address of the login sample, so other test files' failed sign-ins never throttle it. */
const LOGIN_SOURCE_ADDRESS = '127.0.0.61';

/** Broad scopes for the machine client: everything but organization:owner. */
export const MACHINE_SCOPES = ['scim:read', 'scim:write', 'directory:read', 'directory:write', 'audit:read', 'identity:read', 'identity:admin'];

type AuditItem = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface SentRequest {
  method: string;
  /** Path without the query string. */
  path: string;
}

export interface SampleResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  text: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface SendOptions {
  token?: string;
  json?: unknown;
  body?: string;
  headers?: Record<string, string>;
  /** Send from this loopback address (127.0.0.x) instead of the default one; JSON bodies only. */
  from?: string;
}

export interface SampleContext {
  tenant: Tenant;
  /** A client registration authorized for the platform API with MACHINE_SCOPES, and its token. */
  machine: { client: MachineClient; token: string };
  /** Long-lived fixtures that non-destructive samples change (destructive ones create their own). */
  fixtures: {
    client: MachineClient;
    /** A custom API with the scope `things.read`. */
    apiId: string;
    roleId: string;
    scimUser: { id: string; userName: string };
    /** A SCIM group that never has members (so replacing it changes attributes only). */
    scimGroup: { id: string; displayName: string };
  };
  operatorKey: string;
  /** Every request of `prepare` and `run` goes through here, so the test can see what `run` sent. */
  send: (method: string, path: string, options?: SendOptions) => Promise<SampleResponse>;
  /** A SCIM request with the machine token (path relative to /api/scim/v2). */
  scim: (method: string, path: string, json?: unknown) => Promise<SampleResponse>;
  /** An Identity Management request with the Owner's token (path relative to /api/identity/v1). */
  identity: (method: string, path: string, json?: unknown) => Promise<SampleResponse>;
}

export interface ExpectedActor {
  actorType: 'user' | 'client' | 'operator' | 'system' | 'anonymous';
  actorId: string;
}

export interface SampleOutcome {
  response: SampleResponse;
  /** The organization whose audit log must have grown by exactly one entry; null: the platform log. */
  organizationId: string | null;
  /** The action of that entry (any one of a list). */
  action: string | readonly string[];
  /** The caller, for routes with a principal. */
  actor?: ExpectedActor;
  target?: { type: string; id: string };
}

export interface RouteSample<S = unknown> {
  prepare?: (ctx: SampleContext) => Promise<S>;
  /**
   * Whose log the request writes to, known before it is sent (default: the tenant's).
   * `'new'`: an organization the request itself creates, whose log is empty before.
   */
  auditedOrganization?: (ctx: SampleContext, state: S) => string | null | 'new';
  run: (ctx: SampleContext, state: S) => Promise<SampleOutcome>;
}

function sample<S>(definition: RouteSample<S>): RouteSample {
  return definition as unknown as RouteSample;
}

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

function ok(response: SampleResponse, what: string): SampleResponse {
  if (response.status < 200 || response.status >= 400) throw new Error(`prepare: ${what} failed: ${response.status} ${response.text}`);
  return response;
}

/** Builds the context: request helpers that record every request into `sent`. */
export function sampleContext(
  base: Omit<SampleContext, 'send' | 'scim' | 'identity'>,
  sent: SentRequest[],
): SampleContext {
  const send: SampleContext['send'] = async (method, path, options = {}) => {
    sent.push({ method: method.toUpperCase(), path: path.split('?')[0] as string });
    if (options.from) {
      const result = await callFrom(options.from, method, path, options.json);
      const headers = Object.fromEntries(Object.entries(result.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : value]));
      return { status: result.status, headers, body: result.body, text: JSON.stringify(result.body ?? '') };
    }
    const { from: _from, ...rest } = options;
    const result = await call(method, path, rest);
    return { status: result.status, headers: Object.fromEntries(result.headers.entries()), body: result.body, text: result.text };
  };
  return {
    ...base,
    send,
    scim: (method, path, json) =>
      send(method, `${SCIM}${path}`, {
        token: base.machine.token,
        ...(json !== undefined ? { json, headers: { 'Content-Type': 'application/scim+json' } } : {}),
      }),
    identity: (method, path, json) => send(method, `${V1}${path}`, { token: base.tenant.ownerToken, ...(json !== undefined ? { json } : {}) }),
  };
}

/** Creates the machine client and the long-lived fixtures (their audit entries are not counted). */
export async function prepareSampleContext(tenant: Tenant): Promise<Omit<SampleContext, 'send' | 'scim' | 'identity'>> {
  const machine = await machineToken(tenant.ownerToken, MACHINE_SCOPES);
  const client = await createClient(tenant.ownerToken, 'Audit fixture client');
  const owner = { token: tenant.ownerToken };
  const api = await call('POST', `${V1}/apis`, { ...owner, json: { name: 'Audit fixture API', identifier: `https://${unique('api')}.example.com`, scopes: [{ value: 'things.read' }] } });
  const role = await call('POST', `${V1}/roles`, { ...owner, json: { name: unique('Fixture role'), scopes: ['audit:read'] } });
  const scimHeaders = { 'Content-Type': 'application/scim+json' };
  const userName = `${unique('fixture')}@example.com`;
  const user = await call('POST', `${SCIM}/Users`, { token: machine.token, headers: scimHeaders, json: userBody(userName) });
  const displayName = unique('Fixture group');
  const group = await call('POST', `${SCIM}/Groups`, { token: machine.token, headers: scimHeaders, json: { schemas: [GROUP_SCHEMA], displayName, members: [] } });
  for (const [what, result] of [['api', api], ['role', role], ['user', user], ['group', group]] as const) {
    if (result.status !== 201) throw new Error(`fixture ${what} create failed: ${result.status} ${result.text}`);
  }
  return {
    tenant,
    machine,
    fixtures: {
      client,
      apiId: api.body.id,
      roleId: role.body.id,
      scimUser: { id: user.body.id, userName },
      scimGroup: { id: group.body.id, displayName },
    },
    operatorKey: inject('operatorApiKey'),
  };
}

let documentClient: DynamoDBDocumentClient | undefined;

/** Entries of the platform's own audit log (security events that belong to no organization). */
async function platformAuditEntries(): Promise<AuditItem[]> {
  documentClient ??= DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: inject('dynamodbEndpoint'), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  );
  const items: AuditItem[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documentClient.send(
      new QueryCommand({ TableName: 'identity-platform', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'PLATFORM#AUDIT' }, ConsistentRead: true, ExclusiveStartKey: startKey }),
    );
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/**
 * An organization's audit log (null: the platform log, which other test files write to
 * concurrently, so counts there are only reliable when the suite runs this file alone).
 */
export function auditLogOf(organizationId: string | null): Promise<AuditItem[]> {
  return organizationId === null ? platformAuditEntries() : auditEntries(organizationId);
}

// ---------------------------------------------------------------------------------------------
// Samples, keyed by route id.

const ownerActor = (ctx: SampleContext): ExpectedActor => ({ actorType: 'user', actorId: ctx.tenant.ownerUserId });
const machineActor = (ctx: SampleContext): ExpectedActor => ({ actorType: 'client', actorId: ctx.machine.client.clientId });
const operatorActor: ExpectedActor = { actorType: 'operator', actorId: 'operator' };

/** The outcome of a request by the Owner, audited in the tenant's log. */
function byOwner(ctx: SampleContext, response: SampleResponse, action: string, target?: { type: string; id: string }): SampleOutcome {
  return { response, organizationId: ctx.tenant.organizationId, action, actor: ownerActor(ctx), ...(target ? { target } : {}) };
}

/** The outcome of a SCIM request by the machine client, audited in the tenant's log. */
function byMachine(ctx: SampleContext, response: SampleResponse, action: string, target?: { type: string; id: string }): SampleOutcome {
  return { response, organizationId: ctx.tenant.organizationId, action, actor: machineActor(ctx), ...(target ? { target } : {}) };
}

async function newClient(ctx: SampleContext): Promise<string> {
  return ok(await ctx.identity('POST', '/clients', { name: unique('client') }), 'client create').body.clientId;
}

async function newScimUser(ctx: SampleContext): Promise<string> {
  return ok(await ctx.scim('POST', '/Users', userBody(`${unique('user')}@example.com`)), 'SCIM user create').body.id;
}

/** Configures SAML for the tenant with a fresh test IdP (a new certificate, so always a change). */
async function configureSaml(ctx: SampleContext, idp: TestIdp = createTestIdp()): Promise<TestIdp> {
  ok(await ctx.identity('POST', '/saml/settings', { ssoUrl: 'http://127.0.0.1:9/idp/sso', certificate: idp.certificate, idpEntityId: idp.entityId, enabled: true }), 'SAML settings');
  return idp;
}

async function newScimGroup(ctx: SampleContext): Promise<string> {
  return ok(await ctx.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: unique('group'), members: [] }), 'SCIM group create').body.id;
}

/** An ldap connection to a loopback port where nothing listens (cleartext, explicitly allowed). */
function directoryConnectionBody(): Record<string, unknown> {
  return { name: unique('Directory'), type: 'ldap', host: '127.0.0.1', port: 9, tlsMode: 'none', allowInsecure: true, baseDn: 'dc=example,dc=test', bindDn: 'cn=reader,dc=example,dc=test', password: 'a bind password', connectTimeoutMs: 500, operationTimeoutMs: 500 };
}

async function newDirectoryConnection(ctx: SampleContext): Promise<string> {
  return ok(await ctx.send('POST', '/api/connections', { token: ctx.tenant.ownerToken, json: directoryConnectionBody() }), 'connection create').body.id;
}

/** A sync project over a fresh connection to a closed loopback port (a run fails without changing anything). */
async function newSyncProject(ctx: SampleContext): Promise<string> {
  const connectionId = await newDirectoryConnection(ctx);
  return ok(await ctx.send('POST', '/api/sync/projects', { token: ctx.tenant.ownerToken, json: { name: unique('Sync'), connectionId } }), 'sync project create').body.id;
}

/** A draft access review campaign over a department nobody is in (no items), reviewed by the Owner. */
async function newReviewCampaign(ctx: SampleContext, scope: Record<string, unknown> = { kind: 'department', department: unique('Nobody') }): Promise<string> {
  const body = { name: unique('Review'), scope, reviewers: { kind: 'named', reviewerIds: [ctx.tenant.ownerUserId] }, dueAt: new Date(Date.now() + 86_400_000).toISOString() };
  return ok(await ctx.send('POST', '/api/reviews/campaigns', { token: ctx.tenant.ownerToken, json: body }), 'campaign create').body.id;
}

async function startedReviewCampaign(ctx: SampleContext, scope?: Record<string, unknown>): Promise<string> {
  const id = await newReviewCampaign(ctx, scope);
  ok(await ctx.send('POST', `/api/reviews/campaigns/${id}/start`, { token: ctx.tenant.ownerToken }), 'campaign start');
  return id;
}

export const mutatingRouteSamples: Record<string, RouteSample> = {
  // --- organizations (operator) ---
  'identity-organizations-create': sample({
    auditedOrganization: () => 'new',
    run: async (ctx) => {
      const response = await ctx.send('POST', `${V1}/organizations`, {
        headers: { 'X-Operator-Key': ctx.operatorKey },
        json: { name: unique('Organization'), ownerEmail: `${unique('owner')}@example.com`, ownerPassword: `pw-${randomUUID()}` },
      });
      const organizationId = response.body?.organizationId as string;
      return { response, organizationId, action: 'organization.created', actor: operatorActor, target: { type: 'organization', id: organizationId } };
    },
  }),
  'identity-organizations-update': sample({
    run: async (ctx) => ({
      response: await ctx.send('PATCH', `${V1}/organizations/${ctx.tenant.organizationId}`, { headers: { 'X-Operator-Key': ctx.operatorKey }, json: { name: unique('Renamed') } }),
      organizationId: ctx.tenant.organizationId,
      action: 'organization.updated',
      actor: operatorActor,
      target: { type: 'organization', id: ctx.tenant.organizationId },
    }),
  }),

  // --- sign-in and tokens ---
  'identity-login': sample({
    run: async (ctx) => {
      const response = await ctx.send('POST', `${V1}/userCredentials/login`, { json: { emailAddress: ctx.tenant.ownerEmail, password: ctx.tenant.ownerPassword }, from: LOGIN_SOURCE_ADDRESS });
      return byOwner(ctx, response, 'user.login', { type: 'user', id: ctx.tenant.ownerUserId });
    },
  }),
  'oauth-token': sample({
    run: async (ctx) => {
      const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: ctx.machine.client.credentialsClientId, client_secret: ctx.machine.client.clientSecret });
      const response = await ctx.send('POST', `/oauth/token?audience=${encodeURIComponent(`${baseUrl()}/api`)}`, {
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      return byMachine(ctx, response, 'client.token.issued', { type: 'client', id: ctx.machine.client.clientId });
    },
  }),

  // --- clients ---
  'identity-clients-create': sample({
    run: async (ctx) => {
      const response = await ctx.identity('POST', '/clients', { name: unique('client') });
      return byOwner(ctx, response, 'client.created', { type: 'client', id: response.body?.clientId });
    },
  }),
  'identity-clients-update': sample({
    run: async (ctx) =>
      byOwner(ctx, await ctx.identity('PATCH', `/clients/${ctx.fixtures.client.clientId}`, { name: unique('renamed') }), 'client.updated', { type: 'client', id: ctx.fixtures.client.clientId }),
  }),
  'identity-clients-delete': sample({
    prepare: newClient,
    run: async (ctx, clientId) => byOwner(ctx, await ctx.identity('DELETE', `/clients/${clientId}`), 'client.deleted', { type: 'client', id: clientId }),
  }),
  'identity-clients-rotate-secret': sample({
    run: async (ctx) =>
      byOwner(ctx, await ctx.identity('POST', `/clients/${ctx.fixtures.client.clientId}/secret`), 'client.secret.rotated', { type: 'client', id: ctx.fixtures.client.clientId }),
  }),

  // --- APIs (audiences), their scopes and client authorizations ---
  'identity-apis-create': sample({
    run: async (ctx) => {
      const response = await ctx.identity('POST', '/apis', { name: 'Orders API', identifier: `https://${unique('orders')}.example.com` });
      return byOwner(ctx, response, 'api.created', { type: 'api', id: response.body?.id });
    },
  }),
  'identity-apis-update': sample({
    run: async (ctx) => byOwner(ctx, await ctx.identity('PATCH', `/apis/${ctx.fixtures.apiId}`, { name: unique('API') }), 'api.updated', { type: 'api', id: ctx.fixtures.apiId }),
  }),
  'identity-apis-delete': sample({
    prepare: async (ctx) => ok(await ctx.identity('POST', '/apis', { name: 'Doomed API', identifier: `https://${unique('doomed')}.example.com` }), 'API create').body.id as string,
    run: async (ctx, apiId) => byOwner(ctx, await ctx.identity('DELETE', `/apis/${apiId}`), 'api.deleted', { type: 'api', id: apiId }),
  }),
  'identity-apis-scopes-add': sample({
    run: async (ctx) =>
      byOwner(ctx, await ctx.identity('POST', `/apis/${ctx.fixtures.apiId}/scopes`, { value: unique('scope') }), 'api.scopes.added', { type: 'api', id: ctx.fixtures.apiId }),
  }),
  'identity-apis-scopes-remove': sample({
    prepare: async (ctx) => {
      const scope = unique('scope');
      ok(await ctx.identity('POST', `/apis/${ctx.fixtures.apiId}/scopes`, { value: scope }), 'scope add');
      return scope;
    },
    run: async (ctx, scope) =>
      byOwner(ctx, await ctx.identity('DELETE', `/apis/${ctx.fixtures.apiId}/scopes/${encodeURIComponent(scope)}`), 'api.scopes.removed', { type: 'api', id: ctx.fixtures.apiId }),
  }),
  'identity-apis-clients-authorize': sample({
    prepare: newClient,
    run: async (ctx, clientId) =>
      byOwner(ctx, await ctx.identity('POST', `/apis/${ctx.fixtures.apiId}/clients`, [{ clientId }]), 'client.authorized', { type: 'client', id: clientId }),
  }),
  'identity-apis-clients-revoke': sample({
    prepare: async (ctx) => {
      const clientId = await newClient(ctx);
      ok(await ctx.identity('POST', `/apis/${ctx.fixtures.apiId}/clients`, [{ clientId }]), 'client authorize');
      return clientId;
    },
    run: async (ctx, clientId) => byOwner(ctx, await ctx.identity('DELETE', `/apis/${ctx.fixtures.apiId}/clients/${clientId}`), 'client.revoked', { type: 'client', id: clientId }),
  }),

  // --- roles and role assignments ---
  'identity-roles-create': sample({
    run: async (ctx) => {
      const response = await ctx.identity('POST', '/roles', { name: unique('Role'), scopes: ['audit:read'] });
      return byOwner(ctx, response, 'role.created', { type: 'role', id: response.body?.id });
    },
  }),
  'identity-roles-update': sample({
    run: async (ctx) => byOwner(ctx, await ctx.identity('PATCH', `/roles/${ctx.fixtures.roleId}`, { description: unique('described') }), 'role.updated', { type: 'role', id: ctx.fixtures.roleId }),
  }),
  'identity-roles-delete': sample({
    prepare: async (ctx) => ok(await ctx.identity('POST', '/roles', { name: unique('Doomed role'), scopes: ['audit:read'] }), 'role create').body.id as string,
    run: async (ctx, roleId) => byOwner(ctx, await ctx.identity('DELETE', `/roles/${roleId}`), 'role.deleted', { type: 'role', id: roleId }),
  }),
  'identity-users-roles-assign': sample({
    run: async (ctx) =>
      byOwner(ctx, await ctx.identity('POST', `/users/${ctx.fixtures.scimUser.id}/roles`, { roles: ['viewer'] }), 'user.roles.assigned', { type: 'user', id: ctx.fixtures.scimUser.id }),
  }),
  'identity-users-roles-remove': sample({
    prepare: async (ctx) => {
      ok(await ctx.identity('POST', `/users/${ctx.fixtures.scimUser.id}/roles`, { roles: ['security-analyst'] }), 'user role assign');
    },
    run: async (ctx) =>
      byOwner(ctx, await ctx.identity('DELETE', `/users/${ctx.fixtures.scimUser.id}/roles/security-analyst`), 'user.roles.removed', { type: 'user', id: ctx.fixtures.scimUser.id }),
  }),
  'identity-groups-roles-assign': sample({
    run: async (ctx) =>
      byOwner(ctx, await ctx.identity('POST', `/groups/${ctx.fixtures.scimGroup.id}/roles`, { roles: ['viewer'] }), 'group.roles.assigned', { type: 'group', id: ctx.fixtures.scimGroup.id }),
  }),
  'identity-groups-roles-remove': sample({
    prepare: async (ctx) => {
      ok(await ctx.identity('POST', `/groups/${ctx.fixtures.scimGroup.id}/roles`, { roles: ['security-analyst'] }), 'group role assign');
    },
    run: async (ctx) =>
      byOwner(ctx, await ctx.identity('DELETE', `/groups/${ctx.fixtures.scimGroup.id}/roles/security-analyst`), 'group.roles.removed', { type: 'group', id: ctx.fixtures.scimGroup.id }),
  }),

  // --- audit ---
  'identity-audit-export': sample({
    run: async (ctx) => byOwner(ctx, await ctx.identity('GET', '/audit/log?exportType=json&fromDate=2001-01-01&toDate=2001-01-02'), 'audit.exported'),
  }),

  // --- SAML single sign-on ---
  'identity-saml-settings-update': sample({
    run: async (ctx) => {
      const idp = createTestIdp();
      const response = await ctx.identity('POST', '/saml/settings', { ssoUrl: 'https://idp.example.com/sso', certificate: idp.certificate, idpEntityId: idp.entityId });
      return byOwner(ctx, response, 'saml.settings.updated', { type: 'saml-settings', id: ctx.tenant.organizationId });
    },
  }),
  'identity-saml-metadata': sample({
    // The route mutates on first use only: it generates the organization's SP key pair (and audits
    // that); later fetches write nothing. So: the first fetch, for an organization of its own.
    prepare: async (ctx) => {
      const created = await ctx.send('POST', `${V1}/organizations`, {
        headers: { 'X-Operator-Key': ctx.operatorKey },
        json: { name: unique('SAML metadata'), ownerEmail: `${unique('owner')}@example.com`, ownerPassword: `pw-${randomUUID()}` },
      });
      return ok(created, 'organization create').body.organizationId as string;
    },
    auditedOrganization: (_ctx, organizationId) => organizationId,
    run: async (ctx, organizationId) => ({
      response: await ctx.send('GET', `${SAML}/metadata?organization=${organizationId}`),
      organizationId,
      action: 'saml.sp_credentials.created',
      actor: { actorType: 'system', actorId: 'saml' },
      target: { type: 'saml-service-provider', id: organizationId },
    }),
  }),
  'identity-saml-login': sample({
    // With SAML configured and the SP key already generated (a first use would also audit that).
    prepare: async (ctx) => {
      await configureSaml(ctx);
      await fetchVerifiedMetadata(ctx.tenant.organizationId);
    },
    run: async (ctx) => {
      const response = await ctx.send('GET', `${SAML}/login?organization=${ctx.tenant.organizationId}`);
      const location = response.status === 302 ? new URL(response.headers.location ?? '') : undefined;
      const requestId = location?.searchParams.get('RelayState') ?? '';
      return {
        response,
        organizationId: ctx.tenant.organizationId,
        action: 'saml.login.started',
        actor: { actorType: 'anonymous', actorId: 'anonymous' },
        target: { type: 'saml-request', id: requestId },
      };
    },
  }),
  'identity-saml-acs': sample({
    // SP-initiated sign-in of an existing (SCIM-provisioned) user: no just-in-time provisioning.
    prepare: async (ctx) => {
      const idp = await configureSaml(ctx);
      const metadata = await fetchVerifiedMetadata(ctx.tenant.organizationId);
      const saml = { tenant: ctx.tenant, idp, acsUrl: metadata.acsUrl, spEntityId: metadata.entityId, spCertificate: metadata.certificate };
      const login = await startLogin(saml);
      const email = `${unique('saml')}@example.com`;
      const userId = ok(await ctx.scim('POST', '/Users', userBody(email)), 'SCIM user create').body.id as string;
      const xml = signedResponse(idp, { acsUrl: saml.acsUrl, spEntityId: saml.spEntityId, nameId: email, inResponseTo: login.requestId, attributes: { [EMAIL_CLAIM]: [email] } });
      return { acsPath: new URL(saml.acsUrl).pathname, form: new URLSearchParams({ SAMLResponse: encode(xml), RelayState: login.relayState ?? login.requestId }), userId };
    },
    run: async (ctx, { acsPath, form, userId }) => {
      const response = await ctx.send('POST', acsPath, { headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' }, body: form.toString() });
      return { response, organizationId: ctx.tenant.organizationId, action: 'user.login', actor: { actorType: 'user', actorId: userId }, target: { type: 'user', id: userId } };
    },
  }),

  // --- SCIM Users ---
  'scim-users-create': sample({
    run: async (ctx) => {
      const response = await ctx.scim('POST', '/Users', userBody(`${unique('new')}@example.com`));
      return byMachine(ctx, response, 'user.created', { type: 'user', id: response.body?.id });
    },
  }),
  'scim-users-replace': sample({
    run: async (ctx) => {
      const { id, userName } = ctx.fixtures.scimUser;
      return byMachine(ctx, await ctx.scim('PUT', `/Users/${id}`, userBody(userName, { title: unique('Title') })), 'user.updated', { type: 'user', id });
    },
  }),
  'scim-users-patch': sample({
    run: async (ctx) => {
      const { id } = ctx.fixtures.scimUser;
      return byMachine(ctx, await ctx.scim('PATCH', `/Users/${id}`, patchOp({ op: 'replace', path: 'title', value: unique('Title') })), 'user.updated', { type: 'user', id });
    },
  }),
  'scim-users-delete': sample({
    // A user in no group: deleting a member also records one group.member.removed per group.
    prepare: newScimUser,
    run: async (ctx, id) => byMachine(ctx, await ctx.scim('DELETE', `/Users/${id}`), 'user.deleted', { type: 'user', id }),
  }),

  // --- SCIM Groups ---
  'scim-groups-create': sample({
    // Without members: each added member batch is its own group.member.added entry.
    run: async (ctx) => {
      const response = await ctx.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: unique('New group'), members: [] });
      return byMachine(ctx, response, 'group.created', { type: 'group', id: response.body?.id });
    },
  }),
  'scim-groups-replace': sample({
    run: async (ctx) => {
      const { id } = ctx.fixtures.scimGroup;
      return byMachine(ctx, await ctx.scim('PUT', `/Groups/${id}`, { schemas: [GROUP_SCHEMA], displayName: unique('Replaced group'), members: [] }), 'group.updated', { type: 'group', id });
    },
  }),
  'scim-groups-patch': sample({
    // One member added, no attribute change.
    prepare: newScimGroup,
    run: async (ctx, id) =>
      byMachine(ctx, await ctx.scim('PATCH', `/Groups/${id}`, patchOp({ op: 'add', path: 'members', value: [{ value: ctx.fixtures.scimUser.id }] })), 'group.member.added', { type: 'group', id }),
  }),
  'scim-groups-delete': sample({
    prepare: newScimGroup,
    run: async (ctx, id) => byMachine(ctx, await ctx.scim('DELETE', `/Groups/${id}`), 'group.deleted', { type: 'group', id }),
  }),

  // --- Directory API: connections (the test runs against a closed loopback port: an audited failure) ---
  'directory-connections-create': sample({
    run: async (ctx) => {
      const response = await ctx.send('POST', '/api/connections', { token: ctx.tenant.ownerToken, json: directoryConnectionBody() });
      return byOwner(ctx, response, 'connection.created', { type: 'connection', id: response.body?.id });
    },
  }),
  'directory-connections-update': sample({
    prepare: newDirectoryConnection,
    run: async (ctx, id) => byOwner(ctx, await ctx.send('PATCH', `/api/connections/${id}`, { token: ctx.tenant.ownerToken, json: { name: unique('renamed') } }), 'connection.updated', { type: 'connection', id }),
  }),
  'directory-connections-delete': sample({
    prepare: newDirectoryConnection,
    run: async (ctx, id) => byOwner(ctx, await ctx.send('DELETE', `/api/connections/${id}`, { token: ctx.tenant.ownerToken }), 'connection.deleted', { type: 'connection', id }),
  }),
  'directory-connections-test': sample({
    prepare: newDirectoryConnection,
    run: async (ctx, id) => byOwner(ctx, await ctx.send('POST', `/api/connections/${id}/test`, { token: ctx.tenant.ownerToken }), 'connection.tested', { type: 'connection', id }),
  }),

  // --- Directory API: synchronization ---
  'directory-sync-projects-create': sample({
    prepare: newDirectoryConnection,
    run: async (ctx, connectionId) => {
      const response = await ctx.send('POST', '/api/sync/projects', { token: ctx.tenant.ownerToken, json: { name: unique('Sync'), connectionId } });
      return byOwner(ctx, response, 'sync.project.created', { type: 'syncProject', id: response.body?.id });
    },
  }),
  'directory-sync-projects-update': sample({
    prepare: newSyncProject,
    run: async (ctx, id) => byOwner(ctx, await ctx.send('PATCH', `/api/sync/projects/${id}`, { token: ctx.tenant.ownerToken, json: { name: unique('renamed') } }), 'sync.project.updated', { type: 'syncProject', id }),
  }),
  'directory-sync-projects-delete': sample({
    prepare: newSyncProject,
    run: async (ctx, id) => byOwner(ctx, await ctx.send('DELETE', `/api/sync/projects/${id}`, { token: ctx.tenant.ownerToken }), 'sync.project.deleted', { type: 'syncProject', id }),
  }),
  'directory-sync-projects-run': sample({
    // The run itself fails to reach the directory: a failed run changes nothing and is recorded in the history only.
    prepare: newSyncProject,
    run: async (ctx, id) => byOwner(ctx, await ctx.send('POST', `/api/sync/projects/${id}/run`, { token: ctx.tenant.ownerToken }), 'sync.run.queued', { type: 'syncProject', id }),
  }),

  // --- Governance: access reviews ---
  'governance-review-campaigns-create': sample({
    run: async (ctx) => {
      const response = await ctx.send('POST', '/api/reviews/campaigns', {
        token: ctx.tenant.ownerToken,
        json: { name: unique('Review'), scope: { kind: 'department', department: unique('Nobody') }, reviewers: { kind: 'named', reviewerIds: [ctx.tenant.ownerUserId] }, dueAt: new Date(Date.now() + 86_400_000).toISOString() },
      });
      return byOwner(ctx, response, 'review.campaign.created', { type: 'reviewCampaign', id: response.body?.id });
    },
  }),
  'governance-review-campaigns-start': sample({
    prepare: (ctx) => newReviewCampaign(ctx),
    run: async (ctx, id) => byOwner(ctx, await ctx.send('POST', `/api/reviews/campaigns/${id}/start`, { token: ctx.tenant.ownerToken }), 'review.campaign.started', { type: 'reviewCampaign', id }),
  }),
  'governance-review-campaigns-close': sample({
    prepare: (ctx) => startedReviewCampaign(ctx),
    run: async (ctx, id) => byOwner(ctx, await ctx.send('POST', `/api/reviews/campaigns/${id}/close`, { token: ctx.tenant.ownerToken }), 'review.campaign.closed', { type: 'reviewCampaign', id }),
  }),
  'governance-review-campaigns-apply': sample({
    prepare: (ctx) => startedReviewCampaign(ctx),
    run: async (ctx, id) => byOwner(ctx, await ctx.send('POST', `/api/reviews/campaigns/${id}/apply`, { token: ctx.tenant.ownerToken, json: {} }), 'review.campaign.applied', { type: 'reviewCampaign', id }),
  }),
  'governance-review-items-decide': sample({
    // A campaign over a fresh group holding the fixture user: one item, approved by the Owner.
    prepare: async (ctx) => {
      const group = ok(await ctx.scim('POST', '/Groups', { schemas: [GROUP_SCHEMA], displayName: unique('Reviewed'), members: [{ value: ctx.fixtures.scimUser.id }] }), 'group create').body.id;
      const id = await startedReviewCampaign(ctx, { kind: 'groups', groupIds: [group] });
      const items = ok(await ctx.send('GET', `/api/reviews/campaigns/${id}/items`, { token: ctx.tenant.ownerToken }), 'items list').body.data;
      return { id, itemId: items[0].id as string };
    },
    run: async (ctx, { id, itemId }) =>
      byOwner(ctx, await ctx.send('POST', `/api/reviews/campaigns/${id}/items/${itemId}/decision`, { token: ctx.tenant.ownerToken, json: { decision: 'approve', justification: 'Still needed' } }), 'review.item.decided', { type: 'reviewItem', id: itemId }),
  }),

  // --- SCIM Bulk: one operation, one entry ---
  'scim-bulk': sample({
    run: async (ctx) => {
      const response = await ctx.scim('POST', '/Bulk', {
        schemas: [BULK_REQUEST],
        Operations: [{ method: 'POST', path: '/Users', bulkId: 'one', data: { schemas: [USER_SCHEMA], userName: `${unique('bulk')}@example.com` } }],
      });
      // The Bulk answers 200 even when its operation failed: that would be a broken sample.
      const operation = response.body?.Operations?.[0];
      if (response.status === 200 && operation?.status !== '201') throw new Error(`the Bulk operation failed: ${JSON.stringify(operation)}`);
      return byMachine(ctx, response, 'user.created', { type: 'user', id: String(operation?.location ?? '').split('/').pop() as string });
    },
  }),
};

/** Requests of non-mutating routes: none may add an audit entry. */
export const nonMutatingRouteSamples: Record<string, (ctx: SampleContext) => Promise<SampleResponse>> = {
  'identity-clients-list': (ctx) => ctx.identity('GET', '/clients'),
  'identity-clients-get': (ctx) => ctx.identity('GET', `/clients/${ctx.fixtures.client.clientId}`),
  'identity-apis-clients-list': (ctx) => ctx.identity('GET', `/apis/${PLATFORM_API_ID}/clients`),
  'identity-me': (ctx) => ctx.send('GET', `${V1}/me`, { token: ctx.machine.token }),
  'identity-audit-list': (ctx) => ctx.identity('GET', '/audit/list?pageSize=5'),
  'identity-saml-settings-get': (ctx) => ctx.identity('GET', '/saml/settings'),
  'scim-users-list': (ctx) => ctx.scim('GET', '/Users?count=5'),
  'directory-connections-list': (ctx) => ctx.send('GET', '/api/connections', { token: ctx.tenant.ownerToken }),
  'directory-sync-projects-list': (ctx) => ctx.send('GET', '/api/sync/projects', { token: ctx.tenant.ownerToken }),
  'governance-review-campaigns-list': (ctx) => ctx.send('GET', '/api/reviews/campaigns', { token: ctx.tenant.ownerToken }),
  'directory-sync-history-list': (ctx) => ctx.send('GET', '/api/sync/history?status=failed&since=2025-01-01', { token: ctx.tenant.ownerToken }),
  'scim-groups-search': (ctx) => ctx.scim('POST', '/Groups/.search', { schemas: [SEARCH_REQUEST], count: 5 }),
  'scim-search-all': (ctx) => ctx.scim('POST', '/.search', { schemas: [SEARCH_REQUEST], count: 5 }),
};
