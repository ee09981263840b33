/**
 * One valid request per route of the route table, for the route-limits test
 * (test/integration/route-limits.test.ts): that test takes each sample apart and sends it back
 * with over-long strings, over-deep documents and oversize-but-allowed bodies in every place a
 * caller controls. Adding a route to shared/route-table/ without a sample here makes that test
 * fail, naming the route.
 *
 * A sample is data, not a request: path parameters, query, body (JSON, or form fields for form
 * routes) and headers. Authentication comes from the route's permission. Samples of routes that
 * delete name ids that do not exist, so that no probe can remove the fixtures others use.
 * `embedded` lists strings that reach an index or a key through another input than a plain field
 * (a SCIM filter's comparison value, an audit query term): each is probed like a field.
 */
import { randomUUID } from 'node:crypto';
import { baseUrl } from './platform-client.ts';
import type { SampleContext } from './mutating-route-samples.ts';
import { GROUP_SCHEMA, patchOp, USER_SCHEMA, ENTERPRISE } from './scim-client.ts';
import { buildResponseXml, type TestIdp } from './saml/test-idp.ts';
import { scimConnectionId } from '../../../shared/directory/scim-connection.ts';

export const SEARCH_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

export interface ProbeRequest {
  /** Values of the route path's `{name}` parameters (unencoded). */
  params: Record<string, string>;
  query?: Record<string, string>;
  /** A JSON body, or the form fields of a form route. */
  body?: unknown;
  headers?: Record<string, string>;
}

export interface LimitContext extends SampleContext {
  /** SAML configured for the tenant with this test IdP. */
  saml: { idp: TestIdp; acsUrl: string; spEntityId: string };
}

export interface RouteLimitSample {
  request: (ctx: LimitContext) => ProbeRequest;
  /** Named places where a probe string is embedded in a larger value. */
  embedded?: Readonly<Record<string, (request: ProbeRequest, value: string) => ProbeRequest>>;
}

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const none = (): ProbeRequest => ({ params: {} });

const withQuery = (request: ProbeRequest, query: Record<string, string>): ProbeRequest => ({ ...request, query: { ...request.query, ...query } });
const withBody = (request: ProbeRequest, body: Record<string, unknown>): ProbeRequest => ({ ...request, body: { ...(request.body as object), ...body } });

/** An SCIM filter value (a JSON string inside the filter, RFC 7644 §3.4.2.2). */
const quoted = (value: string) => JSON.stringify(value);

function filters(attributes: readonly string[]): Record<string, (value: string) => string> {
  const result: Record<string, (value: string) => string> = {};
  for (const attribute of attributes) {
    result[`${attribute} eq`] = (value) => `${attribute} eq ${quoted(value)}`;
    result[`${attribute} sw`] = (value) => `${attribute} sw ${quoted(value)}`;
  }
  return result;
}

const userFilters = filters(['userName', 'externalId', 'displayName', 'id', 'emails.value']);
const groupFilters = filters(['displayName', 'externalId', 'id', 'members.value']);
const allFilters = { ...userFilters, ...groupFilters };

function filterInQuery(byName: Record<string, (value: string) => string>) {
  return Object.fromEntries(Object.entries(byName).map(([name, build]) => [`filter ${name}`, (request: ProbeRequest, value: string) => withQuery(request, { filter: build(value) })]));
}

function filterInSearch(byName: Record<string, (value: string) => string>) {
  return Object.fromEntries(Object.entries(byName).map(([name, build]) => [`filter ${name}`, (request: ProbeRequest, value: string) => withBody(request, { filter: build(value) })]));
}

/** Audit query terms: the indexed ones become key conditions. */
const auditTerms = Object.fromEntries(
  ['action:', 'actor:', 'target:', 'actorType:', 'targetType:', 'ip:', ''].map((prefix) => [
    `query ${prefix || 'text'}`,
    (request: ProbeRequest, value: string) => withQuery(request, { query: `${prefix}${value}` }),
  ]),
);
const auditPrefixTerm = { 'query action:prefix*': (request: ProbeRequest, value: string) => withQuery(request, { query: `action:${value}.*` }) };

function scimUser(userName: string) {
  return {
    schemas: [USER_SCHEMA, ENTERPRISE],
    userName,
    externalId: unique('ext'),
    displayName: 'Display Name',
    nickName: 'Nick',
    title: 'Engineer',
    name: { givenName: 'Given', familyName: 'Family', formatted: 'Given Family' },
    emails: [{ value: userName, type: 'work', primary: true }],
    phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
    addresses: [{ streetAddress: '1 Main St', locality: 'Town', country: 'US', type: 'work' }],
    active: true,
    [ENTERPRISE]: { employeeNumber: '42', department: 'R&D' },
  };
}

const searchBody = (filter: string) => ({ schemas: [SEARCH_REQUEST], filter, startIndex: 1, count: 5, attributes: ['id'], sortBy: 'id' });
const V1 = '/api/identity/v1';

export const routeLimitSamples: Record<string, RouteLimitSample> = {
  // --- organizations, sign-in, tokens ---
  'identity-organizations-create': {
    request: () => ({ params: {}, body: { name: unique('Organization'), ownerEmail: `${unique('owner')}@example.com`, ownerPassword: `pw-${randomUUID()}` } }),
  },
  'identity-organizations-update': {
    request: (ctx) => ({ params: { organizationId: ctx.tenant.organizationId }, body: { name: 'Route limits organization' } }),
  },
  'identity-login': {
    // An account that does not exist: failed sign-ins lock no real account.
    request: () => ({ params: {}, body: { emailAddress: `${unique('nobody')}@example.com`, password: 'not the password' } }),
  },
  'identity-me': { request: none },
  'oauth-token': {
    request: (ctx) => ({
      params: {},
      query: { audience: `${baseUrl()}/api` },
      body: { grant_type: 'client_credentials', client_id: ctx.machine.client.credentialsClientId, client_secret: ctx.machine.client.clientSecret, scope: 'scim:read' },
    }),
    embedded: {
      // client_secret_basic (RFC 6749 §2.3.1): the client id arrives in a header, not the form.
      'Basic client id': (request, value) => ({
        ...request,
        body: { grant_type: 'client_credentials' },
        headers: { Authorization: `Basic ${Buffer.from(`${encodeURIComponent(value)}:secret`).toString('base64')}` },
      }),
      'audience URL path': (request, value) => ({ ...request, query: { audience: `https://api.example.com/${value}` } }),
    },
  },
  'oauth-jwks': { request: none },
  'oauth-openid-configuration': { request: none },

  // --- clients ---
  'identity-clients-list': { request: () => ({ params: {}, query: { pageSize: '5', pageNumber: '1' } }) },
  'identity-clients-create': {
    request: () => ({
      params: {},
      query: { expand: 'credentials' },
      body: { name: unique('client'), description: 'A client', enabled: true, clientType: 'machineToMachine', jwtSigningAlgorithm: 'rs256', refreshTokenRotation: false, grantTypeClientCredentials: true },
    }),
  },
  'identity-clients-get': { request: (ctx) => ({ params: { clientId: ctx.fixtures.client.clientId }, query: { expand: 'credentials' } }) },
  'identity-clients-update': { request: (ctx) => ({ params: { clientId: ctx.fixtures.client.clientId }, body: { name: 'Renamed client', description: 'Described' } }) },
  'identity-clients-delete': { request: () => ({ params: { clientId: randomUUID() } }) },
  'identity-clients-rotate-secret': { request: () => ({ params: { clientId: randomUUID() } }) },

  // --- APIs, scopes, authorizations ---
  'identity-apis-list': { request: () => ({ params: {}, query: { pageSize: '5', pageNumber: '1', expand: 'scopes,clients' } }) },
  'identity-apis-create': {
    request: () => ({ params: {}, body: { name: 'Orders API', identifier: `https://${unique('orders')}.example.com/api`, description: 'Orders', enabled: true, scopes: [{ value: 'orders.read', description: 'Read orders' }] } }),
    embedded: { 'identifier URL path': (request, value) => withBody(request, { identifier: `https://${unique('orders')}.example.com/${value}` }) },
  },
  'identity-apis-get': { request: (ctx) => ({ params: { apiId: ctx.fixtures.apiId }, query: { expand: 'scopes,clients' } }) },
  'identity-apis-update': { request: (ctx) => ({ params: { apiId: ctx.fixtures.apiId }, body: { name: 'Renamed API', description: 'Described' } }) },
  'identity-apis-delete': { request: () => ({ params: { apiId: randomUUID() } }) },
  'identity-apis-scopes-list': { request: (ctx) => ({ params: { apiId: ctx.fixtures.apiId } }) },
  'identity-apis-scopes-add': { request: (ctx) => ({ params: { apiId: ctx.fixtures.apiId }, body: { value: unique('scope'), description: 'A scope' } }) },
  'identity-apis-scopes-remove': { request: (ctx) => ({ params: { apiId: ctx.fixtures.apiId, scope: 'no.such.scope' } }) },
  'identity-apis-clients-list': { request: (ctx) => ({ params: { apiId: ctx.fixtures.apiId } }) },
  'identity-apis-clients-authorize': {
    request: (ctx) => ({ params: { apiId: ctx.fixtures.apiId }, body: [{ clientId: ctx.fixtures.client.clientId, scopes: ['things.read'] }] }),
  },
  'identity-apis-clients-revoke': { request: (ctx) => ({ params: { apiId: ctx.fixtures.apiId, clientId: randomUUID() } }) },

  // --- roles and assignments ---
  'identity-roles-list': { request: () => ({ params: {}, query: { pageSize: '5', pageNumber: '1' } }) },
  'identity-roles-create': { request: () => ({ params: {}, body: { name: unique('Role'), description: 'A role', scopes: ['audit:read'] } }) },
  'identity-roles-get': { request: (ctx) => ({ params: { roleId: ctx.fixtures.roleId } }) },
  'identity-roles-update': { request: (ctx) => ({ params: { roleId: ctx.fixtures.roleId }, body: { name: unique('Renamed role'), description: 'Described' } }) },
  'identity-roles-delete': { request: () => ({ params: { roleId: randomUUID() } }) },
  'identity-users-roles-list': { request: (ctx) => ({ params: { userId: ctx.fixtures.scimUser.id } }) },
  'identity-users-roles-assign': { request: (ctx) => ({ params: { userId: ctx.fixtures.scimUser.id }, body: { roles: ['viewer'] } }) },
  'identity-users-roles-remove': { request: (ctx) => ({ params: { userId: ctx.fixtures.scimUser.id, roleId: randomUUID() } }) },
  'identity-groups-roles-list': { request: (ctx) => ({ params: { groupId: ctx.fixtures.scimGroup.id } }) },
  'identity-groups-roles-assign': { request: (ctx) => ({ params: { groupId: ctx.fixtures.scimGroup.id }, body: { roles: ['viewer'] } }) },
  'identity-groups-roles-remove': { request: (ctx) => ({ params: { groupId: ctx.fixtures.scimGroup.id, roleId: randomUUID() } }) },

  // --- audit ---
  'identity-audit-list': {
    request: () => ({ params: {}, query: { pageSize: '5', pageNumber: '1', sortBy: 'timestamp:desc', query: 'action:user.login', fromDate: '2001-01-01', toDate: '2001-01-02' } }),
    embedded: { ...auditTerms, ...auditPrefixTerm },
  },
  'identity-audit-export': {
    request: () => ({ params: {}, query: { exportType: 'json', query: 'action:user.login', fromDate: '2001-01-01', toDate: '2001-01-02', pageSize: '5' } }),
    embedded: { ...auditTerms, ...auditPrefixTerm },
  },
  // A job id of no job (a ULID): the probes vary the path parameter.
  'identity-audit-export-job': { request: () => ({ params: { jobId: '01JCZ6W1Q8X4T3B2A1M0N9P8R7' } }) },

  // --- SAML ---
  'identity-saml-settings-get': { request: none },
  'identity-saml-settings-update': {
    // The settings already in place (same IdP), so a probe that is accepted changes nothing that matters.
    request: (ctx) => ({ params: {}, body: { ssoUrl: 'http://127.0.0.1:9/idp/sso', certificate: ctx.saml.idp.certificate, idpEntityId: ctx.saml.idp.entityId, enabled: true } }),
  },
  'identity-saml-metadata': { request: (ctx) => ({ params: {}, query: { organization: ctx.tenant.organizationId } }) },
  'identity-saml-login': { request: (ctx) => ({ params: {}, query: { organization: ctx.tenant.organizationId, RelayState: '/console' } }) },
  'identity-saml-acs': {
    request: (ctx) => ({
      params: { organizationId: ctx.tenant.organizationId },
      headers: { Accept: 'application/json' },
      body: {
        SAMLResponse: Buffer.from(
          buildResponseXml({ issuer: ctx.saml.idp.entityId, acsUrl: ctx.saml.acsUrl, spEntityId: ctx.saml.spEntityId, nameId: ctx.fixtures.scimUser.userName }),
        ).toString('base64'),
        RelayState: '/console',
      },
    }),
  },

  // --- SCIM Users ---
  'scim-users-list': {
    request: () => ({ params: {}, query: { filter: 'userName eq "nobody@example.com"', startIndex: '1', count: '5', attributes: 'userName', sortBy: 'userName', sortOrder: 'ascending' } }),
    embedded: filterInQuery(userFilters),
  },
  'scim-users-search': { request: () => ({ params: {}, body: searchBody('userName eq "nobody@example.com"') }), embedded: filterInSearch(userFilters) },
  'scim-users-create': { request: () => ({ params: {}, query: { attributes: 'userName' }, body: scimUser(`${unique('limits')}@example.com`) }) },
  'scim-users-get': { request: (ctx) => ({ params: { id: ctx.fixtures.scimUser.id }, query: { attributes: 'userName' } }) },
  'scim-users-replace': { request: (ctx) => ({ params: { id: ctx.fixtures.scimUser.id }, body: scimUser(ctx.fixtures.scimUser.userName) }) },
  'scim-users-patch': {
    request: (ctx) => ({
      params: { id: ctx.fixtures.scimUser.id },
      body: patchOp(
        { op: 'replace', path: 'nickName', value: 'Nick' },
        { op: 'add', path: 'title', value: 'Engineer' },
        { op: 'add', value: { displayName: 'Display Name', externalId: unique('ext') } },
      ),
    }),
    embedded: {
      'value filter in path': (request, value) => ({ ...request, body: patchOp({ op: 'replace', path: `emails[value eq ${quoted(value)}].type`, value: 'home' }) }),
      'userName value': (request, value) => ({ ...request, body: patchOp({ op: 'replace', path: 'userName', value }) }),
      'externalId value': (request, value) => ({ ...request, body: patchOp({ op: 'replace', path: 'externalId', value }) }),
    },
  },
  'scim-users-delete': { request: () => ({ params: { id: randomUUID() } }) },

  // --- SCIM Groups ---
  'scim-groups-list': {
    request: () => ({ params: {}, query: { filter: 'displayName eq "nobody"', startIndex: '1', count: '5', attributes: 'displayName', excludedAttributes: 'members' } }),
    embedded: filterInQuery(groupFilters),
  },
  'scim-groups-search': { request: () => ({ params: {}, body: searchBody('displayName eq "nobody"') }), embedded: filterInSearch(groupFilters) },
  'scim-groups-create': {
    request: (ctx) => ({ params: {}, body: { schemas: [GROUP_SCHEMA], displayName: unique('Limits group'), externalId: unique('ext'), members: [{ value: ctx.fixtures.scimUser.id }] } }),
  },
  'scim-groups-get': { request: (ctx) => ({ params: { id: ctx.fixtures.scimGroup.id }, query: { excludedAttributes: 'members' } }) },
  'scim-groups-replace': {
    request: (ctx) => ({ params: { id: ctx.fixtures.scimGroup.id }, body: { schemas: [GROUP_SCHEMA], displayName: ctx.fixtures.scimGroup.displayName, externalId: 'group-ext', members: [] } }),
  },
  'scim-groups-patch': {
    request: (ctx) => ({
      params: { id: ctx.fixtures.scimGroup.id },
      body: patchOp({ op: 'add', path: 'members', value: [{ value: ctx.fixtures.scimUser.id }] }, { op: 'remove', path: `members[value eq "${ctx.fixtures.scimUser.id}"]` }),
    }),
    embedded: {
      'member filter in path': (request, value) => ({ ...request, body: patchOp({ op: 'remove', path: `members[value eq ${quoted(value)}]` }) }),
      'displayName value': (request, value) => ({ ...request, body: patchOp({ op: 'replace', path: 'displayName', value }) }),
    },
  },
  'scim-groups-delete': { request: () => ({ params: { id: randomUUID() } }) },

  // --- SCIM search, Bulk, discovery ---
  'scim-search-all': { request: () => ({ params: {}, body: searchBody('userName eq "nobody@example.com"') }), embedded: filterInSearch(allFilters) },
  'scim-bulk': {
    request: (ctx) => ({
      params: {},
      body: {
        schemas: [BULK_REQUEST],
        failOnErrors: 10,
        Operations: [
          { method: 'POST', path: '/Users', bulkId: 'user', data: scimUser(`${unique('bulk')}@example.com`) },
          { method: 'PATCH', path: `/Groups/${ctx.fixtures.scimGroup.id}`, data: patchOp({ op: 'add', path: 'members', value: [{ value: 'bulkId:user' }] }) },
        ],
      },
    }),
  },
  'scim-service-provider-config': { request: none },
  'scim-resource-types-list': { request: none },
  'scim-resource-types-get': { request: () => ({ params: { id: 'User' } }) },
  'scim-schemas-list': { request: none },
  'scim-schemas-get': { request: () => ({ params: { id: USER_SCHEMA } }) },

  // --- directory (Users and Groups) ---
  'directory-users-list': { request: () => ({ params: {}, query: { search: 'jane', department: 'IT', status: 'active', connectionId: randomUUID(), page: '1', pageSize: '25' } }) },
  'directory-users-get': { request: (ctx) => ({ params: { id: ctx.fixtures.scimUser.id } }) },
  'directory-users-groups-list': { request: (ctx) => ({ params: { id: ctx.fixtures.scimUser.id }, query: { page: '1', pageSize: '50' } }) },
  'directory-users-attributes-get': { request: (ctx) => ({ params: { id: ctx.fixtures.scimUser.id } }) },
  'directory-groups-list': { request: () => ({ params: {}, query: { search: 'group', page: '1', pageSize: '50' } }) },
  'directory-groups-get': { request: (ctx) => ({ params: { id: ctx.fixtures.scimGroup.id } }) },
  'directory-groups-members-list': { request: (ctx) => ({ params: { id: ctx.fixtures.scimGroup.id }, query: { page: '1', pageSize: '50' } }) },
  'directory-objects-list': { request: () => ({ params: {}, query: { objectClass: 'computer', connectionId: randomUUID(), search: 'dc=example', isActive: 'true', page: '1', pageSize: '25' } }) },
  'directory-objects-get': { request: (ctx) => ({ params: { id: ctx.fixtures.scimUser.id } }) },
  'directory-objects-attributes-get': { request: (ctx) => ({ params: { id: ctx.fixtures.scimUser.id } }) },
  'directory-persons-list': { request: () => ({ params: {}, query: { search: 'jane', page: '1', pageSize: '50' } }) },
  'directory-persons-get': { request: () => ({ params: { id: randomUUID() } }) },
  'directory-persons-objects-list': { request: () => ({ params: { id: randomUUID() }, query: { page: '1', pageSize: '50' } }) },

  // --- platform ---
  // --- Directory API: connections ---
  'directory-connections-list': { request: () => ({ params: {}, query: { page: '1', pageSize: '5', type: 'ldap' } }) },
  'directory-connections-create': {
    request: () => ({
      params: {},
      body: {
        name: unique('Directory'),
        type: 'activeDirectory',
        status: 'active',
        host: 'dc1.example.test',
        port: 636,
        tlsMode: 'ldaps',
        allowInsecure: false,
        tlsServerName: 'dc1.example.test',
        baseDn: 'DC=example,DC=test',
        bindDn: 'reader@example.test',
        password: 'a bind password',
        pageSize: 500,
        connectTimeoutMs: 1000,
        operationTimeoutMs: 1000,
      },
    }),
  },
  'directory-connections-get': { request: (ctx) => ({ params: { id: scimConnectionId(ctx.tenant.organizationId) } }) },
  'directory-connections-update': { request: (ctx) => ({ params: { id: scimConnectionId(ctx.tenant.organizationId) }, body: { name: 'SCIM provisioning' } }) },
  'directory-connections-delete': { request: () => ({ params: { id: randomUUID() } }) },
  'directory-connections-test': { request: () => ({ params: { id: randomUUID() } }) },

  // --- Directory API: synchronization (unknown ids: nothing a probe can change or run) ---
  'directory-sync-projects-list': { request: () => ({ params: {}, query: { page: '1', pageSize: '5' } }) },
  'directory-sync-projects-create': {
    request: () => ({
      params: {},
      body: {
        name: unique('Sync'),
        connectionId: randomUUID(),
        searchBases: ['ou=people,dc=example,dc=test'],
        filter: '(department=Engineering)',
        objectClasses: ['user', 'group'],
        attributeMappings: { userName: 'uid', email: 'mail' },
        mode: 'full',
        onDisappear: 'deactivate',
        deletionThreshold: { count: 10, percent: 5 },
        pageSize: 100,
      },
    }),
  },
  'directory-sync-projects-get': { request: () => ({ params: { id: randomUUID() } }) },
  'directory-sync-projects-update': { request: () => ({ params: { id: randomUUID() }, body: { name: 'Renamed', filter: '(objectClass=*)', searchBases: ['dc=example,dc=test'] } }) },
  'directory-sync-projects-delete': { request: () => ({ params: { id: randomUUID() } }) },
  'directory-sync-projects-run': { request: () => ({ params: { id: randomUUID() }, body: { dryRun: true, object: { dn: 'uid=ada,ou=people,dc=example,dc=test' } } }) },
  'directory-sync-history-list': { request: () => ({ params: {}, query: { status: 'failed', since: '2025-01-01', projectId: randomUUID(), page: '1', pageSize: '50' } }) },
  'directory-sync-history-get': { request: () => ({ params: { id: '01JDZ8Q3K9V7X2M4N6P8R0T2W4' }, query: { page: '1', pageSize: '50' } }) },

  // --- Governance: access reviews (unknown ids; a create naming no real reviewer is refused: nothing a probe can change) ---
  'governance-review-campaigns-list': { request: () => ({ params: {}, query: { page: '1', pageSize: '5', status: 'active' } }) },
  'governance-review-campaigns-create': {
    request: () => ({
      params: {},
      body: {
        name: unique('Review'),
        description: 'Quarterly certification',
        scope: { kind: 'department', department: 'Finance' },
        reviewers: { kind: 'named', reviewerIds: [randomUUID()], fallbackReviewerId: randomUUID() },
        dueAt: '2099-01-01T00:00:00Z',
        recurrence: 'quarterly',
        onUndecided: 'escalate',
        applyMode: 'manual',
      },
    }),
  },
  'governance-review-campaigns-get': { request: () => ({ params: { id: randomUUID() } }) },
  'governance-review-items-list': { request: () => ({ params: { id: randomUUID() }, query: { page: '1', pageSize: '50', status: 'pending', reviewerId: randomUUID(), userId: randomUUID() } }) },
  'governance-review-campaigns-start': { request: () => ({ params: { id: randomUUID() } }) },
  'governance-review-campaigns-close': { request: () => ({ params: { id: randomUUID() } }) },
  'governance-review-campaigns-apply': { request: () => ({ params: { id: randomUUID() }, body: { confirm: true } }) },
  'governance-review-items-decide': { request: () => ({ params: { id: randomUUID(), itemId: randomUUID() }, body: { decision: 'revoke', justification: 'No longer needed' } }) },

  // --- Governance: policies and violations (unknown ids; a create naming an unknown group is refused) ---
  'governance-policies-list': { request: () => ({ params: {}, query: { page: '1', pageSize: '5', type: 'dormantAccount', enabled: 'true' } }) },
  'governance-policies-create': {
    request: () => ({ params: {}, body: { name: unique('Policy'), description: 'Payments vs approvals', type: 'separationOfDuties', severity: 'critical', parameters: { a: { kind: 'group', groupId: randomUUID() }, b: { kind: 'role', roleId: 'owner' } } } }),
  },
  'governance-policies-get': { request: () => ({ params: { id: randomUUID() } }) },
  'governance-policies-update': { request: () => ({ params: { id: randomUUID() }, body: { name: 'Renamed', description: 'Changed', severity: 'low', parameters: { days: 30 } } }) },
  'governance-policies-delete': { request: () => ({ params: { id: randomUUID() } }) },
  'governance-policies-enable': { request: () => ({ params: { id: randomUUID() } }) },
  'governance-policies-disable': { request: () => ({ params: { id: randomUUID() } }) },
  'governance-policy-violations-list': { request: () => ({ params: { id: randomUUID() }, query: { page: '1', pageSize: '50', status: 'open', severity: 'critical', userId: randomUUID(), since: '2025-01-01' } }) },
  'governance-violations-list': { request: () => ({ params: {}, query: { page: '1', pageSize: '50', status: 'open', severity: 'critical', policyId: randomUUID(), userId: randomUUID(), since: '2025-01-01T00:00:00Z' } }) },
  'governance-violations-get': { request: () => ({ params: { id: '01JDZ8Q3K9V7X2M4N6P8R0T2W4' } }) },
  'governance-violations-acknowledge': { request: () => ({ params: { id: '01JDZ8Q3K9V7X2M4N6P8R0T2W4' }, body: { reason: 'Being handled' } }) },
  'governance-violations-ignore': { request: () => ({ params: { id: '01JDZ8Q3K9V7X2M4N6P8R0T2W4' }, body: { reason: 'Accepted', expiresAt: '2099-01-01T00:00:00Z' } }) },

  'platform-health': { request: none },
  'platform-docs-page': { request: () => ({ params: {}, query: { definition: 'scim' } }) },
  'platform-docs-asset': { request: () => ({ params: { asset: 'swagger-ui.css' } }) },
  'platform-openapi-document': { request: () => ({ params: { definition: 'identity.json' } }) },
  'platform-fallback': { request: () => ({ params: { proxy: 'api/no-such-thing' } }) },
};

export { V1 };
