/**
 * Examples shown in the API definitions. Those marked "seed" are the examples of the product
 * documentation (shared/seeds), copied as they appear there; the others follow their style.
 */

const ORG = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const ID = 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx';
const USER = 'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz';
export const PLATFORM_API_ID = '00000000-0000-0000-0000-000000000001';

const pageInfo = (totalCount: number) => ({ totalCount, pageSize: 20, currentPage: 1, totalPages: Math.max(1, Math.ceil(totalCount / 20)) });

// Identity Management API -----------------------------------------------------------------------

/** seed: set-up-scim-provisioning.txt, step 1 */
export const loginRequest = { emailAddress: 'owner@yourcompany.com', password: '<password>' };
export const loginResponse = { accessToken: 'eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCIsImtpZCI6Ii4uLiJ9.eyJ…', expiresIn: 3600, tokenType: 'Bearer' };

/** seed: set-up-scim-provisioning.txt, step 2 */
export const clientCreateRequest = {
  name: 'Microsoft EntraID',
  description: 'Microsoft EntraID SCIM Provisioning',
  enabled: true,
  clientType: 'machineToMachine',
  jwtSigningAlgorithm: 'rs256',
  refreshTokenRotation: false,
  grantTypeClientCredentials: true,
};
const clientCredentials = { clientId: 'a1b2c3d4e5f6a7b8c9d0', clientSecret: '<client-secret>' };
export const client = {
  clientId: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890',
  ...clientCreateRequest,
  createdOn: '2025-11-01T09:00:00Z',
  updatedOn: '2025-11-01T09:00:00Z',
  secretRotatedOn: '2025-11-01T09:00:00Z',
  credentials: null,
};
export const clientWithCredentials = { ...client, credentials: clientCredentials };
export const clientList = { items: [client], pageInfo: pageInfo(1) };
export const rotatedSecret = { credentials: clientCredentials };

/** seed: set-up-scim-provisioning.txt, step 3 */
export const authorizeClientsRequest = [{ clientId: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890' }];
export const authorizedClients = [
  { clientId: 'a1b2c3d4-e5f6-7890-abcd-ef1234567890', name: 'Microsoft EntraID', scopes: ['audit:read', 'directory:read', 'directory:write', 'identity:read', 'scim:read', 'scim:write'], authorizedOn: '2025-11-01T09:05:00Z' },
];

/** seed: set-up-scim-provisioning.txt, step 4 */
export const tokenRequest = { grant_type: 'client_credentials', client_id: '<credentials-client-id>', client_secret: '<credentials-client-secret>' };
export const tokenResponse = { access_token: 'eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJ…', token_type: 'Bearer', expires_in: 3600, scope: 'scim:read scim:write' };

/** seed: identity-management-api.txt, "List APIs (audiences)" */
export const apiListResponse = {
  items: [
    {
      id: ID,
      name: 'Inventory API',
      identifier: 'https://platform.invicti.com/api/inventory',
      description: 'Access to inventory resources',
      enabled: true,
      createdOn: '2025-11-01T09:00:00Z',
    },
  ],
  pageInfo: { totalCount: 8, pageSize: 20, currentPage: 1, totalPages: 1 },
};
export const apiCreateRequest = {
  name: 'Inventory API',
  identifier: 'https://platform.invicti.com/api/inventory',
  description: 'Access to inventory resources',
  scopes: [{ value: 'inventory:read', description: 'Read inventory' }],
};
export const api = {
  id: ID,
  name: 'Inventory API',
  identifier: 'https://platform.invicti.com/api/inventory',
  description: 'Access to inventory resources',
  enabled: true,
  builtIn: false,
  createdOn: '2025-11-01T09:00:00Z',
  updatedOn: '2025-11-01T09:00:00Z',
  scopes: [{ value: 'inventory:read', description: 'Read inventory' }],
};
export const apiScopes = { items: [{ value: 'inventory:read', description: 'Read inventory' }] };

export const roleCreateRequest = { name: 'Provisioning auditor', description: 'Reads SCIM data and the audit log', scopes: ['scim:read', 'audit:read'] };
export const role = { id: ID, ...roleCreateRequest, builtIn: false, createdOn: '2025-11-01T09:00:00Z', updatedOn: '2025-11-01T09:00:00Z' };
export const builtInRole = {
  id: 'viewer',
  name: 'Viewer',
  description: 'Reads the directory and identity configuration',
  scopes: ['directory:read', 'identity:read'],
  builtIn: true,
  createdOn: null,
  updatedOn: null,
};
export const rolePage = { items: [builtInRole, role], pageInfo: pageInfo(2) };
export const assignRolesRequest = { roles: ['viewer', ID] };
export const assignedRoles = { items: [builtInRole, role] };

/** seed: identity-management-api.txt, "List audit log entries" */
export const auditListResponse = {
  items: [
    {
      id: ID,
      organizationId: ORG,
      userId: USER,
      action: 'user.login',
      timestamp: '2025-11-15T10:30:00Z',
      details: { ipAddress: '192.0.2.1', userAgent: 'Mozilla/5.0' },
    },
  ],
  pageInfo: { totalCount: 500, pageSize: 20, currentPage: 1, totalPages: 25 },
};
export const auditExportJobQueued = {
  jobId: '01JCZ6W1Q8X4T3B2A1M0N9P8R7',
  status: 'queued',
  exportType: 'csv',
  fromDate: '2025-01-01T00:00:00.000Z',
  toDate: '2025-11-30T23:59:59.999Z',
  query: null,
  maxEntries: null,
  createdAt: '2025-12-01T08:00:00.000Z',
  completedAt: null,
  entries: null,
  bytes: null,
  fileName: null,
  downloadUrl: null,
  downloadUrlExpiresAt: null,
  error: null,
};
export const auditExportJobDone = {
  ...auditExportJobQueued,
  status: 'succeeded',
  completedAt: '2025-12-01T08:01:10.000Z',
  entries: 1000000,
  bytes: 362000000,
  fileName: `audit-${ORG}-2025-01-01T00-00-00-000Z_2025-11-30T23-59-59-999Z.csv`,
  downloadUrl: 'https://identity-platform-exports.s3.eu-central-1.amazonaws.com/exports/…?X-Amz-Expires=300&…',
  downloadUrlExpiresAt: '2025-12-01T08:06:00.000Z',
};
export const auditCsv =
  'id,timestamp,organizationId,action,actorType,actorId,targetType,targetId,ipAddress,userAgent\n' +
  `01JCZ6W1Q8,2025-11-15T10:30:00Z,${ORG},user.login,user,${USER},user,${USER},192.0.2.1,Mozilla/5.0\n`;

export const organizationCreateRequest = { name: 'Acme', ownerEmail: 'owner@acme.example', ownerPassword: 'a long passphrase' };
export const organizationCreated = { organizationId: ORG, ownerUserId: USER };
export const organizationUpdateRequest = { rateLimits: { scim: { perMinute: 6000, perHour: 300000 } } };
export const organization = { id: ORG, name: 'Acme', createdAt: '2025-11-01T09:00:00Z', rateLimits: organizationUpdateRequest.rateLimits };

export const me = { organizationId: ORG, principalType: 'user', userId: USER, scopes: ['audit:read', 'identity:admin', 'identity:read', 'organization:owner', 'scim:read', 'scim:write'] };
export const jwks = { keys: [{ kty: 'RSA', kid: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs', use: 'sig', alg: 'RS256', n: '0vx7agoebGcQSuu…', e: 'AQAB' }] };
export const openIdConfiguration = {
  issuer: 'https://platform.invicti.com',
  token_endpoint: 'https://platform.invicti.com/oauth/token',
  jwks_uri: 'https://platform.invicti.com/.well-known/jwks.json',
  grant_types_supported: ['client_credentials'],
  token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
  scopes_supported: ['scim:read', 'scim:write', 'directory:read', 'directory:write', 'audit:read', 'governance:read', 'governance:write', 'identity:read', 'identity:admin', 'organization:owner'],
};

/** seed: identity-management-api.txt, "Get SAML settings" / "Configure SAML settings" */
export const samlSettings = {
  entityId: 'https://platform.invicti.com',
  ssoUrl: 'https://idp.example.com/sso/saml',
  certificate: '-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----',
  attributeMappings: {
    email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
    firstName: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
    lastName: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
  },
};

// Directory API / platform ------------------------------------------------------------------------

export const health = { status: 'ok', version: '0.1.0', region: 'eu-central-1', checks: { table: { status: 'ok', latencyMs: 4 }, exportBucket: { status: 'ok', latencyMs: 12 } } };

/** seed: directory-rest-api-reference.txt, "Response Format" (error responses) */
export const directoryNotFound = { error: 'Not Found', message: "User with ID '...' was not found", statusCode: 404 };

// Identity SCIM v2 ---------------------------------------------------------------------------------

const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** seed: identity-scim-v2.txt, "List users" */
export const scimUserList = {
  schemas: [LIST],
  totalResults: 2,
  startIndex: 1,
  itemsPerPage: 10,
  Resources: [
    {
      id: ID,
      schemas: [USER_SCHEMA],
      userName: 'joe.bloggs@example.com',
      name: { givenName: 'Joe', familyName: 'Bloggs' },
      meta: { resourceType: 'User', created: '2025-11-01T12:00:00Z', lastModified: '2025-11-01T12:00:00Z' },
    },
  ],
};

/** seed: identity-scim-v2.txt, "Create a user" */
export const scimUserCreate = {
  schemas: [USER_SCHEMA],
  userName: 'string',
  name: { givenName: 'string', familyName: 'string' },
  password: 'string',
  locale: 'string',
  timezone: 'string',
  roles: ['string'],
};
export const scimUserCreateEntra = {
  schemas: [USER_SCHEMA, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
  externalId: 'joe.bloggs',
  userName: 'joe.bloggs@example.com',
  active: true,
  displayName: 'Joe Bloggs',
  emails: [{ primary: true, type: 'work', value: 'joe.bloggs@example.com' }],
  name: { givenName: 'Joe', familyName: 'Bloggs', formatted: 'Joe Bloggs' },
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Security', employeeNumber: '1001' },
};
export const scimUser = {
  schemas: [USER_SCHEMA],
  id: ID,
  userName: 'joe.bloggs@example.com',
  name: { givenName: 'Joe', familyName: 'Bloggs' },
  active: true,
  emails: [{ value: 'joe.bloggs@example.com', type: 'work', primary: true }],
  groups: [],
  meta: { resourceType: 'User', created: '2025-11-01T12:00:00Z', lastModified: '2025-11-01T12:00:00Z', location: `https://platform.invicti.com/api/scim/v2/Users/${ID}`, version: 'W/"1"' },
};

/** seed: identity-scim-v2.txt, "Update a user" */
export const scimPatchUser = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [{ op: 'replace', path: 'userName', value: 'string' }],
};
export const scimPatchDeactivate = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [{ op: 'Replace', path: 'active', value: 'False' }],
};
export const scimPatchGroupMembers = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
  Operations: [{ op: 'add', path: 'members', value: [{ value: 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy' }] }],
};

/** seed: identity-scim-v2.txt, "List groups" */
export const scimGroupList = {
  schemas: [LIST],
  totalResults: 1,
  startIndex: 1,
  itemsPerPage: 10,
  Resources: [
    {
      id: ID,
      schemas: [GROUP_SCHEMA],
      displayName: 'Administrators',
      members: [{ value: 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy', display: 'Joe Bloggs', type: 'User' }],
      meta: { resourceType: 'Group', created: '2025-11-01T12:00:00Z', lastModified: '2025-11-01T12:00:00Z' },
    },
  ],
};

/** seed: identity-scim-v2.txt, "Create a group" */
export const scimGroupCreate = { schemas: [GROUP_SCHEMA], displayName: 'string', members: [{ value: 'string', type: 'User' }] };
export const scimGroup = {
  schemas: [GROUP_SCHEMA],
  id: ID,
  displayName: 'Administrators',
  members: [{ value: 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy', display: 'Joe Bloggs', type: 'User' }],
  meta: { resourceType: 'Group', created: '2025-11-01T12:00:00Z', lastModified: '2025-11-01T12:00:00Z', location: `https://platform.invicti.com/api/scim/v2/Groups/${ID}`, version: 'W/"1"' },
};

export const scimSearch = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
  filter: 'userName eq "joe.bloggs@example.com"',
  startIndex: 1,
  count: 10,
};
export const scimBulk = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
  Operations: [
    { method: 'POST', path: '/Users', bulkId: 'joe', data: { schemas: [USER_SCHEMA], userName: 'joe.bloggs@example.com' } },
    { method: 'POST', path: '/Groups', bulkId: 'admins', data: { schemas: [GROUP_SCHEMA], displayName: 'Administrators', members: [{ value: 'bulkId:joe' }] } },
  ],
};
export const scimBulkResponse = {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkResponse'],
  Operations: [
    { method: 'POST', bulkId: 'joe', location: `https://platform.invicti.com/api/scim/v2/Users/${ID}`, version: 'W/"1"', status: '201' },
    { method: 'POST', bulkId: 'admins', location: `https://platform.invicti.com/api/scim/v2/Groups/${USER}`, version: 'W/"1"', status: '201' },
  ],
};
export const scimError = (status: number, detail: string, scimType?: string) => ({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
  status: String(status),
  ...(scimType ? { scimType } : {}),
  detail,
});
