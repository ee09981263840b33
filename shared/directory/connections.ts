/**
 * Directory connections (Directory API seed, "Connections"): where an organization's identities
 * come from. Every organization has exactly one `scim` connection (inbound SCIM 2.0 provisioning,
 * created with the organization) and any number of `ldap` (OpenLDAP and other LDAPv3 directories)
 * and `activeDirectory` connections that sync projects read from.
 *
 * Bind passwords are envelope-encrypted (shared/crypto/envelope.ts) with the organization and the
 * connection bound as encryption context, never returned (`passwordSet: true`) and never audited.
 * A connection without TLS (`tlsMode: 'none'`) needs `allowInsecure: true` and carries the warning
 * `insecure_transport` in every response.
 */
import { randomUUID } from 'node:crypto';
import { auditStep, type AuditEvent, type RequestOrigin } from '../audit/audit-entry.ts';
import { retryOnConflict } from '../concurrency/optimistic-retry.ts';
import { decryptSecret, encryptSecret } from '../crypto/envelope.ts';
import { ConcurrentChangeError, ConflictError, NotFoundError, ValidationError } from '../errors/domain-errors.ts';
import * as connections from '../storage/connections.ts';
import type { ConnectionRecord, ConnectionType, DirectorySettings } from '../storage/connections.ts';
import { transact } from '../storage/transactions.ts';
import { isUuid } from '../uuid.ts';
import { scimConnectionRecord, scimConnectionStep } from './scim-connection.ts';
import { isDistinguishedName, type ConnectionCreateInput, type ConnectionUpdateInput } from './connection-schemas.ts';
import { syncProjectsUsingConnection } from './connection-usage.ts';
import { classifyLdapError, DirectoryConnection, LDAP_OIDS, withTimeout, type LdapConnectOptions, type LdapFailure, type RootDse } from './ldap-client.ts';

/** Warnings a connection carries in every response. */
export type ConnectionWarning = 'insecure_transport';

/** A connection as the Directory API shows it. Secrets never appear; `passwordSet` says one is stored. */
export interface ConnectionView {
  id: string;
  name: string;
  type: ConnectionType;
  status: 'active' | 'disabled';
  host?: string;
  port?: number;
  tlsMode?: 'ldaps' | 'startTLS' | 'none';
  allowInsecure?: boolean;
  caCertificate?: string | null;
  tlsServerName?: string | null;
  baseDn?: string;
  bindDn?: string;
  passwordSet?: boolean;
  pageSize?: number;
  connectTimeoutMs?: number;
  operationTimeoutMs?: number;
  warnings: ConnectionWarning[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** The Directory API's list envelope (seed, "Response Format"). */
export interface DirectoryPage<T> {
  data: T[];
  totalCount: number;
  page: number;
  pageSize: number;
}

/** What POST /api/connections/{id}/test answers (always 200: a bad directory is a result, not an error). */
export type ConnectionTestResult =
  | {
      success: true;
      latencyMs: number;
      namingContexts: string[];
      defaultNamingContext: string | null;
      vendor: { product: 'Active Directory' | 'OpenLDAP' | 'unknown'; vendorName: string | null; vendorVersion: string | null };
      pagedResultsSupported: boolean;
      startTlsSupported: boolean;
      tls: { mode: 'ldaps' | 'startTLS' | 'none'; verified: boolean };
      warnings: ConnectionWarning[];
    }
  | ({ success: false; latencyMs: number; warnings: ConnectionWarning[] } & LdapFailure);

/** The whole connection test never runs longer than this (API Gateway allows 29 s). */
export const TEST_BUDGET_MS = 25_000;
const DEFAULT_PORTS = { ldaps: 636, startTLS: 389, none: 389 } as const;

/**
 * Creates the `scim` connection of an organization created before connections existed. Idempotent:
 * the id is fixed per organization, so a concurrent creation fails its condition and the one that
 * landed is read back. Audited as `connection.created` by the system.
 */
async function ensureScimConnection(organizationId: string, origin: RequestOrigin): Promise<ConnectionRecord> {
  const record = scimConnectionRecord(organizationId, new Date().toISOString());
  try {
    await transact([
      scimConnectionStep(organizationId, record.createdAt),
      auditStep({
        organizationId,
        action: 'connection.created',
        actor: { actorType: 'system', actorId: 'connections' },
        origin,
        target: { type: 'connection', id: record.id },
        details: { type: 'scim', reason: 'every organization has one scim connection (created for an organization that predates connections)' },
      }),
    ]);
    return record;
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const existing = await connections.byId(organizationId, record.id);
    if (!existing) throw error;
    return existing;
  }
}

/** How to reach a connection's directory (host, port, TLS, timeouts), for `DirectoryConnection.open`; the test and every sync run use it. */
export function connectOptionsOf(settings: DirectorySettings): LdapConnectOptions {
  return {
    host: settings.host,
    port: settings.port,
    tlsMode: settings.tlsMode,
    caCertificate: settings.caCertificate,
    tlsServerName: settings.tlsServerName,
    connectTimeoutMs: settings.connectTimeoutMs,
    operationTimeoutMs: settings.operationTimeoutMs,
  };
}

/** The encryption context of a connection's bind password (sync decrypts it with the same). */
export function passwordContext(organizationId: string, connectionId: string) {
  return { organizationId, connectionId, purpose: 'directory-bind-password' };
}

function warningsOf(record: ConnectionRecord): ConnectionWarning[] {
  return record.directory?.tlsMode === 'none' ? ['insecure_transport'] : [];
}

/** The API view of a record: LDAP settings for directory connections, never the password. */
export function present(record: ConnectionRecord): ConnectionView {
  const common = { id: record.id, name: record.name, type: record.type, status: record.status };
  const trailer = { warnings: warningsOf(record), createdAt: record.createdAt, updatedAt: record.updatedAt, version: record.version };
  const settings = record.directory;
  if (!settings) return { ...common, ...trailer };
  return {
    ...common,
    host: settings.host,
    port: settings.port,
    tlsMode: settings.tlsMode,
    allowInsecure: settings.allowInsecure,
    caCertificate: settings.caCertificate ?? null,
    tlsServerName: settings.tlsServerName ?? null,
    baseDn: settings.baseDn,
    bindDn: settings.bindDn,
    passwordSet: true,
    pageSize: settings.pageSize,
    connectTimeoutMs: settings.connectTimeoutMs,
    operationTimeoutMs: settings.operationTimeoutMs,
    ...trailer,
  };
}

function notFound(connectionId: string): NotFoundError {
  return new NotFoundError(`Connection with ID '${connectionId}' was not found`);
}

async function load(organizationId: string, connectionId: string): Promise<ConnectionRecord> {
  const record = isUuid(connectionId) ? await connections.byId(organizationId, connectionId) : undefined;
  if (!record) throw notFound(connectionId);
  return record;
}

/** Rules across fields, checked on create and on the merged result of an update. */
function assertConsistent(type: ConnectionType, settings: Omit<DirectorySettings, 'sealedPassword'>): void {
  if (settings.tlsMode === 'none' && !settings.allowInsecure) {
    throw new ValidationError("tlsMode 'none' sends the bind password in clear: set allowInsecure to true to allow it, or use ldaps or startTLS.", { field: 'tlsMode' });
  }
  if (type === 'ldap' && !isDistinguishedName(settings.bindDn)) {
    throw new ValidationError('bindDn must be a distinguished name for ldap connections (a userPrincipalName is an Active Directory form).', { field: 'bindDn' });
  }
  if (settings.tlsMode === 'none' && (settings.caCertificate || settings.tlsServerName)) {
    throw new ValidationError("caCertificate and tlsServerName apply to TLS: they cannot be set with tlsMode 'none'.", { field: settings.caCertificate ? 'caCertificate' : 'tlsServerName' });
  }
}

/**
 * One page of an organization's connections, the `scim` one first, then by creation time. An
 * organization created before connections existed gets its `scim` connection here.
 */
export async function listConnections(
  organizationId: string,
  query: { page: number; pageSize: number; type?: ConnectionType | undefined },
  origin: RequestOrigin,
): Promise<DirectoryPage<ConnectionView>> {
  const records = await connections.list(organizationId);
  if (!records.some((record) => record.type === 'scim')) records.push(await ensureScimConnection(organizationId, origin));
  const selected = records
    .filter((record) => query.type === undefined || record.type === query.type)
    .sort((a, b) => Number(b.type === 'scim') - Number(a.type === 'scim') || a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  const start = (query.page - 1) * query.pageSize;
  return { data: selected.slice(start, start + query.pageSize).map(present), totalCount: selected.length, page: query.page, pageSize: query.pageSize };
}

/** One connection (404 `Not Found` when absent or when the id is not a UUID). */
export async function getConnection(organizationId: string, connectionId: string): Promise<ConnectionView> {
  return present(await load(organizationId, connectionId));
}

/** Creates an ldap or activeDirectory connection; audited as `connection.created` (without the password). */
export async function createConnection(organizationId: string, input: ConnectionCreateInput, actor: AuditEvent['actor'], origin: RequestOrigin): Promise<ConnectionView> {
  const { name, type, status, password, port, caCertificate, tlsServerName, ...settings } = input;
  const plain = { ...settings, port: port ?? DEFAULT_PORTS[settings.tlsMode], ...(caCertificate ? { caCertificate } : {}), ...(tlsServerName ? { tlsServerName } : {}) };
  assertConsistent(type, plain);
  const id = randomUUID();
  const now = new Date().toISOString();
  const record: ConnectionRecord = {
    id,
    organizationId,
    name,
    type,
    status,
    directory: { ...plain, sealedPassword: await encryptSecret(password, passwordContext(organizationId, id)) },
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await transact([
    connections.putStep(record, { expectedVersion: undefined, onConflict: () => new ConflictError('Connection id collision; retry.') }),
    auditStep({
      organizationId,
      action: 'connection.created',
      actor,
      origin,
      target: { type: 'connection', id },
      details: { name, type, host: plain.host, port: plain.port, tlsMode: plain.tlsMode, allowInsecure: plain.allowInsecure, baseDn: plain.baseDn, bindDn: plain.bindDn },
    }),
  ]);
  return present(record);
}

const DIRECTORY_FIELDS = ['host', 'port', 'tlsMode', 'allowInsecure', 'caCertificate', 'tlsServerName', 'baseDn', 'bindDn', 'password', 'pageSize', 'connectTimeoutMs', 'operationTimeoutMs'] as const;

/**
 * Changes a connection (re-reading and re-applying on a concurrent change). The `scim` connection
 * has no LDAP settings: only its name can change. Audited as `connection.updated` with the names of
 * the changed fields (a new password appears as `password`, never its value).
 */
export async function updateConnection(
  organizationId: string,
  connectionId: string,
  changes: ConnectionUpdateInput,
  actor: AuditEvent['actor'],
  origin: RequestOrigin,
): Promise<ConnectionView> {
  return retryOnConflict(async () => {
    const current = await load(organizationId, connectionId);
    const requested = Object.entries(changes).filter(([, value]) => value !== undefined) as [keyof ConnectionUpdateInput, unknown][];
    if (current.type === 'scim') {
      const refused = requested.map(([field]) => field).filter((field) => field !== 'name');
      if (refused.length > 0) throw new ValidationError(`The scim connection receives SCIM provisioning and has no directory settings: only name can be changed (not ${refused.join(', ')}).`, { field: refused[0] as string });
    }
    const settings = current.directory;
    let next: ConnectionRecord = { ...current };
    const changed: string[] = [];
    if (changes.name !== undefined && changes.name !== current.name) {
      next.name = changes.name;
      changed.push('name');
    }
    if (changes.status !== undefined && changes.status !== current.status) {
      next.status = changes.status;
      changed.push('status');
    }
    if (settings) {
      const merged: DirectorySettings = { ...settings };
      for (const field of DIRECTORY_FIELDS) {
        const value = changes[field];
        if (value === undefined || field === 'password') continue;
        const stored = (settings as unknown as Record<string, unknown>)[field] ?? null;
        if (value === stored) continue;
        if (value === null) delete (merged as unknown as Record<string, unknown>)[field];
        else (merged as unknown as Record<string, unknown>)[field] = value;
        changed.push(field);
      }
      // Switching TLS mode with the old mode's default port moves to the new mode's default port.
      if (changes.tlsMode !== undefined && changes.port === undefined && settings.port === DEFAULT_PORTS[settings.tlsMode] && merged.port !== DEFAULT_PORTS[merged.tlsMode]) {
        merged.port = DEFAULT_PORTS[merged.tlsMode];
        changed.push('port');
      }
      assertConsistent(current.type, merged);
      if (changes.password !== undefined) {
        merged.sealedPassword = await encryptSecret(changes.password, passwordContext(organizationId, connectionId));
        changed.push('password');
      }
      next = { ...next, directory: merged };
    }
    if (changed.length === 0) return present(current);
    next = { ...next, version: current.version + 1, updatedAt: new Date().toISOString() };
    await transact([
      connections.putStep(next, { expectedVersion: current.version, onConflict: () => new ConcurrentChangeError(`Connection ${connectionId} was changed or deleted concurrently; retry.`) }),
      auditStep({ organizationId, action: 'connection.updated', actor, origin, target: { type: 'connection', id: connectionId }, details: { changedAttributes: changed } }),
    ]);
    return present(next);
  });
}

/**
 * Deletes a connection. Refused with 409 for the `scim` connection and while sync projects use the
 * connection (shared/directory/connection-usage.ts). Audited as `connection.deleted`.
 */
export async function deleteConnection(organizationId: string, connectionId: string, actor: AuditEvent['actor'], origin: RequestOrigin): Promise<void> {
  await retryOnConflict(async () => {
    const current = await load(organizationId, connectionId);
    if (current.type === 'scim') throw new ConflictError('The scim connection of an organization cannot be deleted: it receives SCIM provisioning.');
    const projects = await syncProjectsUsingConnection(organizationId, connectionId);
    if (projects.length > 0) {
      throw new ConflictError(`Connection ${connectionId} is used by sync projects (${projects.map((project) => project.name).join(', ')}): delete them or point them at another connection first.`);
    }
    await transact([
      connections.deleteStep(organizationId, connectionId, { expectedVersion: current.version, onConflict: () => new ConcurrentChangeError(`Connection ${connectionId} was changed concurrently; retry.`) }),
      auditStep({ organizationId, action: 'connection.deleted', actor, origin, target: { type: 'connection', id: connectionId }, details: { name: current.name, type: current.type } }),
    ]);
  });
}

function vendorOf(dse: RootDse): ConnectionTestResult extends infer R ? (R extends { success: true; vendor: infer V } ? V : never) : never {
  const objectClasses = (dse.attributes.objectClass ?? []).map((value) => value.toLowerCase());
  const activeDirectory = dse.supportedCapabilities.includes(LDAP_OIDS.activeDirectoryCapability) || dse.forestFunctionality !== undefined;
  // OpenLDAP publishes no vendorName; its RootDSE is an OpenLDAProotDSE and its extensions sit under its OID arc.
  const openLdap = objectClasses.includes('openldaprootdse') || dse.supportedExtension.some((oid) => oid.startsWith('1.3.6.1.4.1.4203.'));
  return {
    product: activeDirectory ? 'Active Directory' : openLdap ? 'OpenLDAP' : 'unknown',
    vendorName: dse.vendorName ?? null,
    vendorVersion: dse.vendorVersion ?? null,
  };
}

/**
 * Tests a directory connection: connects with its TLS mode (verifying the certificate), binds with
 * its stored credentials, and reads the RootDSE — within the connection's timeouts and never more
 * than TEST_BUDGET_MS in all. A directory that refuses, cannot be reached, times out or fails TLS
 * is a result (`success: false` with the reason and the LDAP result code), never an error. Audited
 * as `connection.tested` with the outcome.
 */
export async function testConnection(organizationId: string, connectionId: string, actor: AuditEvent['actor'], origin: RequestOrigin): Promise<ConnectionTestResult> {
  const record = await load(organizationId, connectionId);
  const settings = record.directory;
  if (!settings) throw new ValidationError('The scim connection receives SCIM provisioning requests: there is no directory to test.');
  const password = await decryptSecret(settings.sealedPassword, passwordContext(organizationId, connectionId));
  const warnings = warningsOf(record);
  const budget = Math.min(settings.connectTimeoutMs + 2 * settings.operationTimeoutMs, TEST_BUDGET_MS);
  const started = performance.now();
  let connection: DirectoryConnection | undefined;
  let abandoned = false;
  let result: ConnectionTestResult;
  try {
    const dse = await withTimeout(
      (async () => {
        const opened = await DirectoryConnection.open(connectOptionsOf(settings));
        // Opened after the budget ran out: nobody will use or close it but us.
        if (abandoned) {
          await opened.close();
          throw new Error('abandoned');
        }
        connection = opened;
        await opened.bind(settings.bindDn, password);
        return opened.rootDse();
      })(),
      budget,
      'The connection test',
      () => {
        abandoned = true;
      },
    );
    result = {
      success: true,
      latencyMs: Math.round(performance.now() - started),
      namingContexts: dse.namingContexts,
      defaultNamingContext: dse.defaultNamingContext ?? null,
      vendor: vendorOf(dse),
      pagedResultsSupported: dse.supportedControl.includes(LDAP_OIDS.pagedResults),
      startTlsSupported: dse.supportedExtension.includes(LDAP_OIDS.startTls),
      tls: { mode: settings.tlsMode, verified: settings.tlsMode !== 'none' },
      warnings,
    };
  } catch (error) {
    result = { success: false, latencyMs: Math.round(performance.now() - started), ...classifyLdapError(error), warnings };
  } finally {
    await (connection as DirectoryConnection | undefined)?.close();
  }
  await transact([
    auditStep({
      organizationId,
      action: 'connection.tested',
      actor,
      origin,
      target: { type: 'connection', id: connectionId },
      details: result.success
        ? { success: true, latencyMs: result.latencyMs, tlsMode: settings.tlsMode, vendor: result.vendor.product }
        : { success: false, reason: result.reason, ...(result.resultCode !== undefined ? { resultCode: result.resultCode } : {}), latencyMs: result.latencyMs, tlsMode: settings.tlsMode },
    }),
  ]);
  return result;
}
