import * as z from '../../zod-mini.ts';
import * as contracts from '../../directory/connection-schemas.ts';
import type { ExampleDoc, OperationDocs, ResponseDoc } from '../operation-docs.ts';

/** Response bodies of the connection routes (shared/directory/connections.ts shapes them). */
export const connectionView = z.object({
    id: z.uuid(),
    name: z.string(),
    type: z.enum(['scim', 'ldap', 'activeDirectory']),
    status: z.enum(['active', 'disabled']),
    host: z.optional(z.string()),
    port: z.optional(z.int()),
    tlsMode: z.optional(z.enum(['ldaps', 'startTLS', 'none'])),
    allowInsecure: z.optional(z.boolean()),
    caCertificate: z.optional(z.nullable(z.string())),
    tlsServerName: z.optional(z.nullable(z.string())),
    baseDn: z.optional(z.string()),
    bindDn: z.optional(z.string()),
    passwordSet: z.optional(z.boolean()).check(z.meta({ description: 'A bind password is stored (it is never returned)' })),
    pageSize: z.optional(z.int()),
    connectTimeoutMs: z.optional(z.int()),
    operationTimeoutMs: z.optional(z.int()),
    warnings: z.array(z.enum(['insecure_transport'])).check(z.meta({ description: 'insecure_transport: tlsMode none, the bind password crosses the network in clear' })),
    createdAt: z.string(),
    updatedAt: z.string(),
    version: z.int(),
  }).check(z.meta({ description: 'A directory connection. The scim connection has only id, name, type, status, warnings, timestamps and version.' }));

export const connectionList = z.object({
  data: z.array(connectionView),
  totalCount: z.int(),
  page: z.int(),
  pageSize: z.int(),
});

export const connectionTestResult = z.object({
    success: z.boolean(),
    latencyMs: z.int().check(z.meta({ description: 'Connect, bind and RootDSE read, in milliseconds' })),
    namingContexts: z.optional(z.array(z.string())),
    defaultNamingContext: z.optional(z.nullable(z.string())),
    vendor: z.optional(z.object({ product: z.enum(['Active Directory', 'OpenLDAP', 'unknown']), vendorName: z.nullable(z.string()), vendorVersion: z.nullable(z.string()) })).check(z.meta({ description: 'vendorName/vendorVersion from the RootDSE; product detected from supportedCapabilities/forestFunctionality (AD) or the RootDSE class (OpenLDAP)' })),
    pagedResultsSupported: z.optional(z.boolean()).check(z.meta({ description: 'supportedControl lists 1.2.840.113556.1.4.319 (RFC 2696)' })),
    startTlsSupported: z.optional(z.boolean()).check(z.meta({ description: 'supportedExtension lists 1.3.6.1.4.1.1466.20037' })),
    tls: z.optional(z.object({ mode: z.enum(['ldaps', 'startTLS', 'none']), verified: z.boolean() })),
    reason: z.optional(z.enum(['invalid_credentials', 'unreachable', 'timeout', 'tls_failure', 'ldap_error', 'destination_refused'])),
    resultCode: z.optional(z.int()).check(z.meta({ description: 'LDAP result code (RFC 4511 §4.1.9), e.g. 49 for invalid credentials' })),
    message: z.optional(z.string()),
    warnings: z.array(z.enum(['insecure_transport'])),
  }).check(z.meta({ description: 'Outcome of a connection test: success with what the RootDSE says, or the reason of the failure' }));

const example = (summary: string, value: unknown): Record<string, ExampleDoc> => ({ example: { summary, value } });
const ok = (description: string, schema: z.ZodMiniType, examples: Record<string, ExampleDoc>): ResponseDoc => ({ description, schema, examples });

const now = '2026-11-30T09:00:00.000Z';
const adConnection = {
  id: '3f2a9c1e-6b7d-4e8f-9a0b-1c2d3e4f5a6b',
  name: 'Corporate Active Directory',
  type: 'activeDirectory',
  status: 'active',
  host: 'dc1.corp.example.com',
  port: 636,
  tlsMode: 'ldaps',
  allowInsecure: false,
  caCertificate: '-----BEGIN CERTIFICATE-----\nMIIF…\n-----END CERTIFICATE-----\n',
  tlsServerName: null,
  baseDn: 'DC=corp,DC=example,DC=com',
  bindDn: 'svc-identity@corp.example.com',
  passwordSet: true,
  pageSize: 500,
  connectTimeoutMs: 5000,
  operationTimeoutMs: 10000,
  warnings: [],
  createdAt: now,
  updatedAt: now,
  version: 1,
};
const scimConnection = { id: '9b1d5c2e-0f3a-5b4c-8d6e-7f8a9b0c1d2e', name: 'SCIM provisioning', type: 'scim', status: 'active', warnings: [], createdAt: now, updatedAt: now, version: 1 };
const createRequest = {
  name: 'Corporate Active Directory',
  type: 'activeDirectory',
  host: 'dc1.corp.example.com',
  tlsMode: 'ldaps',
  caCertificate: '-----BEGIN CERTIFICATE-----\nMIIF…\n-----END CERTIFICATE-----\n',
  baseDn: 'DC=corp,DC=example,DC=com',
  bindDn: 'svc-identity@corp.example.com',
  password: 'a long service account password',
};

/** Directory API connection routes (seed "Connections", plus the operator writes). */
export const directoryConnectionOperations: OperationDocs = {
  'directory-connections-list': {
    tag: 'Connections',
    description:
      "Lists the organization's directory connections: its one `scim` connection (inbound SCIM provisioning, created with the organization) first, " +
      'then its `ldap` and `activeDirectory` connections by creation time. Bind passwords are never returned (`passwordSet: true`).',
    request: contracts.listConnectionsRequest,
    responses: { 200: ok('A page of connections', connectionList, example('Two connections', { data: [scimConnection, adConnection], totalCount: 2, page: 1, pageSize: 50 })) },
  },
  'directory-connections-create': {
    tag: 'Connections',
    description:
      'Creates an `ldap` (OpenLDAP and other LDAPv3 directories) or `activeDirectory` connection. `tlsMode` is `ldaps` (default, port 636), `startTLS` (port 389) ' +
      'or `none` — the last only with `allowInsecure: true`, and then every response carries the warning `insecure_transport`. The server certificate is always ' +
      "verified, against `caCertificate` (PEM) when given; `tlsServerName` names the certificate's host when `host` is an address. `bindDn` is a DN, or for " +
      'Active Directory a userPrincipalName. The password is stored envelope-encrypted and never returned.',
    request: contracts.createConnectionRequest,
    requestExamples: example('Active Directory over LDAPS', createRequest),
    responses: { 201: { ...ok('Created', connectionView, example('Created', adConnection)), headers: { Location: 'The connection URL' } } },
  },
  'directory-connections-get': {
    tag: 'Connections',
    description: 'Gets a specific connection. Bind passwords are never returned (`passwordSet: true`).',
    responses: { 200: ok('The connection', connectionView, example('Active Directory', adConnection)) },
  },
  'directory-connections-update': {
    tag: 'Connections',
    description:
      'Changes a connection: send only the fields to change (`password` replaces the stored one; `null` removes `caCertificate` or `tlsServerName`). ' +
      "The type cannot change, and the `scim` connection only accepts a new name. The same rules as on creation apply to the result (tlsMode none needs allowInsecure).",
    request: contracts.updateConnectionRequest,
    requestExamples: example('Rotate the bind password', { password: 'the new service account password' }),
    responses: { 200: ok('The connection', connectionView, example('Updated', { ...adConnection, version: 2 })) },
  },
  'directory-connections-delete': {
    tag: 'Connections',
    description: 'Deletes a connection. The `scim` connection cannot be deleted, nor a connection that sync projects use (409).',
    responses: { 204: { description: 'Deleted' }, 409: { description: 'The scim connection, or a connection in use by sync projects' } },
  },
  'directory-connections-test': {
    tag: 'Connections',
    description:
      "Connects with the connection's TLS mode, binds with its stored credentials and reads the RootDSE, within its timeouts (25 s at most). Answers 200 with " +
      '`success: true`, the latency, naming contexts, vendor, paged-results and StartTLS support, or 200 with `success: false` and the `reason` — ' +
      '`invalid_credentials` (LDAP result code 49), `unreachable`, `timeout`, `tls_failure` or `ldap_error` — with the `resultCode` and message. ' +
      'A bad directory is never an error status. Audited as `connection.tested` with the outcome.',
    responses: {
      200: ok('The outcome', connectionTestResult, {
        success: {
          summary: 'Active Directory over LDAPS',
          value: {
            success: true,
            latencyMs: 42,
            namingContexts: ['DC=corp,DC=example,DC=com', 'CN=Configuration,DC=corp,DC=example,DC=com'],
            defaultNamingContext: 'DC=corp,DC=example,DC=com',
            vendor: { product: 'Active Directory', vendorName: null, vendorVersion: null },
            pagedResultsSupported: true,
            startTlsSupported: true,
            tls: { mode: 'ldaps', verified: true },
            warnings: [],
          },
        },
        invalidCredentials: {
          summary: 'Wrong bind password',
          value: { success: false, latencyMs: 12, reason: 'invalid_credentials', resultCode: 49, message: 'Invalid credentials: the bind DN or password is wrong', warnings: [] },
        },
        unreachable: { summary: 'Nothing listens', value: { success: false, latencyMs: 3, reason: 'unreachable', message: 'ECONNREFUSED: connect ECONNREFUSED 10.0.0.5:636', warnings: [] } },
      }),
    },
  },
};
