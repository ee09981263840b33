/**
 * A thin wrapper over ldapts (the maintained LDAPv3 client; version 8 on Node 20) for directory
 * connections and sync: connect with a TLS mode and a trusted CA, bind (DN or UPN), read the
 * RootDSE, and page through searches with the paged-results control (RFC 2696). It normalises what
 * ldapts returns — a single value as a string, several as an array, a missing attribute as `[]`,
 * Buffers for binary attributes — into `string[]` or `Buffer[]` per attribute, and classifies
 * failures into the few reasons an operator can act on (`classifyLdapError`).
 *
 * Transport security: `ldaps` is TLS from the first byte (RFC 4513 §3.1.3, port 636); `startTLS`
 * upgrades a plain connection with the StartTLS extended operation (RFC 4511 §4.14, OID
 * 1.3.6.1.4.1.1466.20037) before anything is sent; `none` sends the bind password in clear and is
 * only allowed for connections that say so explicitly. Certificates are always verified against
 * the connection's CA (or the system's trust store when it has none) and the host name — or
 * `tlsServerName` when the certificate names another host than the one dialled (e.g. an IP).
 */
import { Client, Control, FilterParser, ResultCodeError, type Entry, type SearchOptions } from 'ldapts';
import { checkServerIdentity as tlsCheckServerIdentity, type ConnectionOptions } from 'node:tls';
import { DirectoryDestinationError, resolveDirectoryHost } from './destination-policy.ts';

/** LDAP OIDs the RootDSE advertises (RFC 4512 §5.1). */
export const LDAP_OIDS = {
  /** Simple Paged Results control (RFC 2696). */
  pagedResults: '1.2.840.113556.1.4.319',
  /** StartTLS extended operation (RFC 4511 §4.14.1). */
  startTls: '1.3.6.1.4.1.1466.20037',
  /** Active Directory: LDAP_CAP_ACTIVE_DIRECTORY_OID in supportedCapabilities. */
  activeDirectoryCapability: '1.2.840.113556.1.4.800',
  /** Active Directory: show deleted objects control. */
  showDeleted: '1.2.840.113556.1.4.417',
} as const;

export type TlsMode = 'ldaps' | 'startTLS' | 'none';

/** How to reach and authenticate to a directory. Timeouts are in milliseconds. */
export interface LdapConnectOptions {
  host: string;
  port: number;
  tlsMode: TlsMode;
  /** PEM certificate(s) to trust instead of the system's store. */
  caCertificate?: string | undefined;
  /** The name the server certificate must carry, when it differs from `host`. */
  tlsServerName?: string | undefined;
  connectTimeoutMs: number;
  /** Bound on every single LDAP operation (bind, search page, StartTLS). */
  operationTimeoutMs: number;
}

/** An attribute's values: text, or Buffers for the attributes asked for as binary. */
export type LdapValues = string[] | Buffer[];

/** One directory entry with every attribute as an array (attribute names as the server sent them). */
export interface LdapEntry {
  dn: string;
  attributes: Record<string, LdapValues>;
}

/** What the RootDSE (RFC 4512 §5.1) says about the server, normalised. */
export interface RootDse {
  namingContexts: string[];
  defaultNamingContext: string | undefined;
  supportedControl: string[];
  supportedExtension: string[];
  supportedCapabilities: string[];
  supportedLdapVersion: string[];
  vendorName: string | undefined;
  vendorVersion: string | undefined;
  /** Active Directory only: forest functional level. */
  forestFunctionality: string | undefined;
  /** Active Directory only: the highest update sequence number committed (delta sync watermark). */
  highestCommittedUSN: string | undefined;
  /** Every attribute as read, for callers that need more. */
  attributes: Record<string, string[]>;
}

/** Why talking to a directory failed, in the terms an operator acts on. */
export type LdapFailureReason = 'invalid_credentials' | 'unreachable' | 'timeout' | 'tls_failure' | 'ldap_error' | 'destination_refused';

export interface LdapFailure {
  reason: LdapFailureReason;
  /** The LDAP result code (RFC 4511 §4.1.9) when the server answered with one, e.g. 49. */
  resultCode?: number;
  message: string;
}

/** Thrown when TLS could not be established although the server answered (StartTLS refused). */
export class LdapTlsError extends Error {
  readonly resultCode: number | undefined;
  constructor(message: string, resultCode?: number) {
    super(message);
    this.name = 'LdapTlsError';
    this.resultCode = resultCode;
  }
}

/** Thrown when an operation outlives its bound. */
export class LdapTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not complete within ${ms} ms`);
    this.name = 'LdapTimeoutError';
  }
}

function tlsOptions(options: LdapConnectOptions): ConnectionOptions {
  const servername = options.tlsServerName ?? options.host;
  return {
    rejectUnauthorized: true,
    ...(options.caCertificate ? { ca: options.caCertificate } : {}),
    // SNI must not carry an IP address (RFC 6066 §3); the identity check still uses `servername`.
    ...(isIpAddress(servername) ? {} : { servername }),
    ...(options.tlsServerName ? { checkServerIdentity: checkIdentityAs(options.tlsServerName) } : {}),
    minVersion: 'TLSv1.2',
  };
}

function isIpAddress(value: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(value) || value.includes(':');
}

function checkIdentityAs(name: string): NonNullable<ConnectionOptions['checkServerIdentity']> {
  return (_host, certificate) => tlsCheckServerIdentity(name, certificate);
}

function urlOf(options: LdapConnectOptions, address: string): string {
  const host = address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
  return `${options.tlsMode === 'ldaps' ? 'ldaps' : 'ldap'}://${host}:${options.port}`;
}

/** Races `promise` against a timer; on expiry runs `onTimeout` (to tear the socket down) and rejects. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new LdapTimeoutError(what, ms));
    }, ms);
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** A value of a single-valued attribute as text; undefined when absent. */
export function firstValue(values: LdapValues | undefined): string | undefined {
  const first = values?.[0];
  if (first === undefined) return undefined;
  return typeof first === 'string' ? first : first.toString('utf8');
}

/** Normalises one ldapts entry: every attribute becomes an array, empty ones are dropped. */
export function normaliseEntry(entry: Entry): LdapEntry {
  const attributes: Record<string, LdapValues> = {};
  for (const [name, raw] of Object.entries(entry)) {
    if (name === 'dn') continue;
    const values = Array.isArray(raw) ? raw : [raw];
    if (values.length === 0) continue;
    attributes[name] = values.every((value) => Buffer.isBuffer(value)) ? (values as Buffer[]) : values.map((value) => (Buffer.isBuffer(value) ? value.toString('utf8') : String(value)));
  }
  return { dn: entry.dn, attributes };
}

/** Looks an attribute up case-insensitively (LDAP attribute descriptions are case-insensitive, RFC 4512 §2.5). */
export function attribute(entry: LdapEntry, name: string): LdapValues | undefined {
  const lower = name.toLowerCase();
  const found = Object.keys(entry.attributes).find((candidate) => candidate.toLowerCase() === lower);
  return found === undefined ? undefined : entry.attributes[found];
}

const textValues = (entry: LdapEntry, name: string): string[] => (attribute(entry, name) ?? []).map((value) => (typeof value === 'string' ? value : value.toString('utf8')));

/**
 * An open connection to a directory. Always `close()` it (it is also `AsyncDisposable`); every
 * operation is bounded by `operationTimeoutMs`, and a timed-out connection is torn down.
 */
export class DirectoryConnection implements AsyncDisposable {
  readonly #client: Client;
  readonly #options: LdapConnectOptions;

  private constructor(client: Client, options: LdapConnectOptions) {
    this.#client = client;
    this.#options = options;
  }

  /**
   * Opens a connection: TCP (and TLS for `ldaps`) within `connectTimeoutMs`, then StartTLS for
   * `startTLS` within `operationTimeoutMs`. The host is resolved and checked first
   * (shared/directory/destination-policy.ts) and the socket goes to the checked address; TLS still
   * verifies the certificate against the host name. Throws DirectoryDestinationError for a refused
   * destination, what ldapts, node:dns or node:tls throw (classify with `classifyLdapError`) or an
   * LdapTimeoutError.
   */
  static async open(options: LdapConnectOptions): Promise<DirectoryConnection> {
    const address = await withTimeout(resolveDirectoryHost(options.host), options.connectTimeoutMs, 'Resolving the host');
    const tls = tlsOptions(options);
    const client = new Client({
      url: urlOf(options, address),
      connectTimeout: options.connectTimeoutMs,
      timeout: options.operationTimeoutMs,
      strictDN: false,
      ...(options.tlsMode === 'ldaps' ? { tlsOptions: tls } : {}),
    });
    const connection = new DirectoryConnection(client, options);
    if (options.tlsMode === 'startTLS') {
      // StartTLS connects first (bounded by connectTimeout), then runs the extended operation.
      try {
        await connection.#bounded(client.startTLS({ ...tls, host: options.host }), options.connectTimeoutMs + options.operationTimeoutMs, 'StartTLS');
      } catch (error) {
        await connection.close();
        // A server that refuses the StartTLS operation (e.g. protocolError 2: no TLS configured) is a TLS failure.
        if (error instanceof ResultCodeError) throw new LdapTlsError(`The server refused StartTLS: ${error.message.trim()}`, error.code);
        throw error;
      }
    }
    return connection;
  }

  #bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
    return withTimeout(promise, ms, what, () => void this.#client.unbind().catch(() => undefined));
  }

  /** Is the transport encrypted (ldaps, or upgraded by StartTLS)? */
  get encrypted(): boolean {
    return this.#options.tlsMode !== 'none';
  }

  /**
   * Simple bind with a DN or, for Active Directory, a userPrincipalName (user@domain).
   * Throws InvalidCredentialsError (result code 49) for a wrong name or password.
   */
  async bind(bindDn: string, password: string): Promise<void> {
    // An empty password would be an unauthenticated bind that "succeeds" (RFC 4513 §5.1.2).
    if (password.length === 0) throw new Error('Refusing an unauthenticated bind: the password is empty');
    await this.#bounded(this.#client.bind(bindDn, password), this.#connectBudget(), 'Bind');
  }

  /** The first operation may also have to connect (ldaps/none connect lazily). */
  #connectBudget(): number {
    return this.#options.connectTimeoutMs + this.#options.operationTimeoutMs;
  }

  /** Reads the RootDSE: a base search of the empty DN asking for all user and operational attributes. */
  async rootDse(): Promise<RootDse> {
    const result = await this.#bounded(
      this.#client.search('', { scope: 'base', filter: '(objectClass=*)', attributes: ['*', '+'] }),
      this.#connectBudget(),
      'RootDSE read',
    );
    const first = result.searchEntries[0];
    const entry = first ? normaliseEntry(first) : { dn: '', attributes: {} };
    const attributes: Record<string, string[]> = {};
    for (const name of Object.keys(entry.attributes)) attributes[name] = textValues(entry, name);
    const one = (name: string) => textValues(entry, name)[0];
    return {
      namingContexts: textValues(entry, 'namingContexts'),
      defaultNamingContext: one('defaultNamingContext'),
      supportedControl: textValues(entry, 'supportedControl'),
      supportedExtension: textValues(entry, 'supportedExtension'),
      supportedCapabilities: textValues(entry, 'supportedCapabilities'),
      supportedLdapVersion: textValues(entry, 'supportedLDAPVersion'),
      vendorName: one('vendorName'),
      vendorVersion: one('vendorVersion'),
      forestFunctionality: one('forestFunctionality'),
      highestCommittedUSN: one('highestCommittedUSN'),
      attributes,
    };
  }

  /**
   * Pages through a search with the paged-results control, `pageSize` entries per page, each page
   * bounded by `operationTimeoutMs`. Yields normalised entries page by page; attributes listed in
   * `binaryAttributes` (e.g. objectGUID) come back as Buffers. Referrals are not chased.
   * `showDeleted` sends Active Directory's Show Deleted control (critical), so tombstones match.
   */
  async *searchPages(
    baseDn: string,
    options: { filter: string; scope?: SearchOptions['scope']; attributes?: string[]; binaryAttributes?: string[]; pageSize: number; sizeLimit?: number; showDeleted?: boolean },
  ): AsyncGenerator<LdapEntry[]> {
    const pages = this.#client.searchPaginated(baseDn, {
      scope: options.scope ?? 'sub',
      filter: options.filter,
      ...(options.attributes ? { attributes: options.attributes } : {}),
      ...(options.binaryAttributes ? { explicitBufferAttributes: options.binaryAttributes } : {}),
      ...(options.sizeLimit ? { sizeLimit: options.sizeLimit } : {}),
      paged: { pageSize: options.pageSize },
    }, options.showDeleted ? [new Control(LDAP_OIDS.showDeleted, { critical: true })] : undefined);
    for (;;) {
      const next = await this.#bounded(pages.next(), this.#connectBudget(), 'Search page');
      if (next.done) return;
      yield next.value.searchEntries.map(normaliseEntry);
    }
  }

  /** Unbinds and closes the socket; never throws. */
  async close(): Promise<void> {
    await withTimeout(this.#client.unbind(), 2000, 'Unbind').catch(() => undefined);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

const TLS_ERROR_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EPIPE', 'EADDRNOTAVAIL']);

/**
 * Classifies a failure of `DirectoryConnection` into a reason: result code 49 → invalid_credentials;
 * refused, unresolvable or reset connections → unreachable; our own or ldapts' timeouts → timeout;
 * certificate and handshake errors → tls_failure; any other LDAP result code → ldap_error with the
 * code. The message is the server's or the socket's, never a secret (ldapts redacts passwords).
 */
export function classifyLdapError(error: unknown): LdapFailure {
  const message = (error instanceof Error ? error.message : String(error)).trim();
  if (error instanceof DirectoryDestinationError) return { reason: 'destination_refused', message };
  if (error instanceof LdapTlsError) return { reason: 'tls_failure', ...(error.resultCode !== undefined ? { resultCode: error.resultCode } : {}), message };
  if (error instanceof ResultCodeError) {
    // ldapts' message is the server's diagnostic text (often empty) followed by "Code: 0x31".
    const diagnostic = message.replace(/\s*Code: 0x[0-9a-f]+/gi, '').trim();
    const text = error.code === 49 ? 'Invalid credentials: the bind DN or password is wrong' : `The directory answered with LDAP result code ${error.code}`;
    return { reason: error.code === 49 ? 'invalid_credentials' : 'ldap_error', resultCode: error.code, message: diagnostic ? `${text} (${diagnostic})` : text };
  }
  if (error instanceof LdapTimeoutError || /timed? ?out|timeout/i.test(message)) return { reason: 'timeout', message };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (TLS_ERROR_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) return { reason: 'tls_failure', message: `${code}: ${message}` };
    // A plain server answering an ldaps client drops the connection mid-handshake.
    if (code === 'ECONNRESET' && /TLS|SSL/.test(message)) return { reason: 'tls_failure', message: `${code}: ${message}` };
    if (UNREACHABLE_CODES.has(code)) return { reason: 'unreachable', message: `${code}: ${message}` };
  }
  if (/certificate|SSL|TLS|handshake/i.test(message)) return { reason: 'tls_failure', message };
  if (/ECONNREFUSED|ECONNRESET|ENOTFOUND|EHOSTUNREACH|Connection closed|Socket error/i.test(message)) return { reason: 'unreachable', message };
  return { reason: 'ldap_error', message };
}

/** Did the directory answer noSuchObject (result code 32, RFC 4511 §4.1.9): the DN does not exist? */
export function isNoSuchObject(error: unknown): boolean {
  return error instanceof ResultCodeError && error.code === 32;
}

/** Is `value` an LDAP search filter in the string form of RFC 4515 (`(&(objectClass=person)(mail=*))`)? */
export function isLdapFilter(value: string): boolean {
  if (!value.startsWith('(') || !value.endsWith(')')) return false;
  try {
    FilterParser.parseString(value);
    return true;
  } catch {
    return false;
  }
}
