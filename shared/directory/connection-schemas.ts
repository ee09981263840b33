/**
 * Request schemas of the Directory API's connection routes (seed "REST API Reference",
 * "Connections"): they validate requests and document the API (shared/openapi).
 */
import { X509Certificate } from 'node:crypto';
import { isIP } from 'node:net';
import * as z from '../zod-mini.ts';
import { requestContract } from '../http/request-contract.ts';
import { lazily } from '../lazy.ts';
import { directoryPaging } from './schemas.ts';

/** The seed's paging: page default 1; pageSize default 50, max 200 ("Rate Limiting": max page size 200). */
export const DIRECTORY_MAX_PAGE_SIZE = 200;
export const DIRECTORY_DEFAULT_PAGE_SIZE = 50;

/**
 * Largest LDAP page a connection may ask for: Active Directory's default MaxPageSize (1,000) —
 * AD shortens larger pages silently and OpenLDAP refuses a page above its `size.pr` limit with
 * result 11 (adminLimitExceeded), so a larger value would only hide a misconfiguration.
 */
export const LDAP_MAX_PAGE_SIZE = 1000;
export const LDAP_DEFAULT_PAGE_SIZE = 500;
/** Timeouts, in milliseconds. The test endpoint never runs longer than TEST_BUDGET_MS in all. */
export const CONNECT_TIMEOUT_MS = { min: 100, max: 10_000, default: 5000 } as const;
export const OPERATION_TIMEOUT_MS = { min: 100, max: 20_000, default: 10_000 } as const;
export const MAX_CA_CERTIFICATE_CHARS = 65_536;

const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$/;
const UPN = /^[^\s@,=]{1,256}@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,252})$/;
const ATTRIBUTE_TYPE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)$/;

/** A host name (RFC 1123) or an IPv4/IPv6 address, without scheme or port. */
export function isHost(value: string): boolean {
  return HOSTNAME.test(value) || isIP(value) !== 0;
}

/** Splits on `separator` where it is not escaped with a backslash (RFC 4514 §2.4). */
function splitUnescaped(value: string, separator: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const char = value[i] as string;
    if (char === '\\' && i + 1 < value.length) {
      current += char + value[i + 1];
      i++;
    } else if (char === separator) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts;
}

/**
 * Is `value` a distinguished name in the string form of RFC 4514 (`uid=ada,ou=people,dc=example,dc=test`)?
 * Each RDN is one or more `type=value` pairs joined by `+`; types are names or numeric OIDs; values
 * are non-empty (or `#` hex); special characters must be escaped.
 */
export function isDistinguishedName(value: string): boolean {
  if (value.trim() === '' || value.length > 1024) return false;
  return splitUnescaped(value, ',').every((rdn) =>
    splitUnescaped(rdn, '+').every((ava) => {
      const equals = ava.indexOf('=');
      if (equals <= 0) return false;
      const type = ava.slice(0, equals).trim();
      const attributeValue = ava.slice(equals + 1).trim();
      if (!ATTRIBUTE_TYPE.test(type) || attributeValue === '') return false;
      if (attributeValue.startsWith('#')) return /^#(?:[0-9A-Fa-f]{2})+$/.test(attributeValue);
      // Unescaped specials other than the separators already split on.
      return !/(^|[^\\])[";<>=]/.test(attributeValue) && !/\\$/.test(attributeValue);
    }),
  );
}

/** A userPrincipalName (user@domain), the bind name Active Directory also accepts. */
export function isUserPrincipalName(value: string): boolean {
  return UPN.test(value);
}

/**
 * Why a CA certificate text is not acceptable, or undefined when it is one or more PEM
 * certificates (and nothing else): each block must parse as X.509.
 */
export function caCertificateProblem(pem: string): string | undefined {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) return 'contains a private key: send only the CA certificate';
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) return 'is not a PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----)';
  const rest = blocks.reduce((text, block) => text.replace(block, ''), pem);
  if (rest.trim() !== '') return 'has text outside its PEM certificate blocks';
  for (const [index, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch {
      return `certificate ${index + 1} is not a valid X.509 certificate`;
    }
  }
  return undefined;
}

const name = /* @__PURE__ */ lazily(() => z.string().check(z.trim(), z.minLength(1), z.maxLength(200), z.meta({ description: 'Display name', examples: ['Corporate Active Directory'] })));
const host = /* @__PURE__ */ lazily(() => z.string().check(z.trim(), z.minLength(1), z.maxLength(253), z.refine(isHost, { message: 'must be a host name or an IP address, without scheme or port' }), z.meta({ description: 'Directory server host name or IP address', examples: ['dc1.corp.example.com'] })));
const port = /* @__PURE__ */ lazily(() => z.int().check(z.gte(1), z.lte(65535), z.meta({ description: 'TCP port; default 636 for ldaps, 389 otherwise' })));
const tlsMode = /* @__PURE__ */ lazily(() => z.enum(['ldaps', 'startTLS', 'none']).check(z.meta({
  description: 'ldaps: TLS from the first byte (port 636); startTLS: upgrade a plain connection before binding (port 389); none: cleartext, only with allowInsecure',
})));
const allowInsecure = /* @__PURE__ */ lazily(() => z.boolean().check(z.meta({ description: 'Must be true to use tlsMode none (the bind password then crosses the network in clear)' })));
const caCertificate = /* @__PURE__ */ lazily(() => z.string().check(z.maxLength(MAX_CA_CERTIFICATE_CHARS), z.superRefine((value, context) => {
    const problem = caCertificateProblem(value);
    if (problem) context.addIssue({ code: 'custom', message: `caCertificate ${problem}` });
  }), z.meta({ description: "PEM certificate(s) of the CA that issued the server's certificate; without it the system trust store is used" })));
const tlsServerName = /* @__PURE__ */ lazily(() => z.string().check(z.trim(), z.minLength(1), z.maxLength(253), z.refine((value) => HOSTNAME.test(value), { message: 'must be a host name' }), z.meta({ description: 'Name the server certificate must carry when it differs from host (e.g. host is an IP address)', examples: ['dc1.corp.example.com'] })));
const baseDn = /* @__PURE__ */ lazily(() => z.string().check(z.trim(), z.minLength(1), z.maxLength(1024), z.refine(isDistinguishedName, { message: 'must be a distinguished name such as dc=example,dc=com (RFC 4514)' }), z.meta({ description: 'Search base', examples: ['DC=corp,DC=example,DC=com'] })));
const bindDn = /* @__PURE__ */ lazily(() => z.string().check(z.trim(), z.minLength(1), z.maxLength(1024), z.refine((value) => isDistinguishedName(value) || isUserPrincipalName(value), { message: 'must be a distinguished name or, for Active Directory, a userPrincipalName (user@domain)' }), z.meta({ description: 'Account the platform binds as: a DN, or for Active Directory a userPrincipalName', examples: ['svc-identity@corp.example.com'] })));
const password = /* @__PURE__ */ lazily(() => z.string().check(z.minLength(1), z.maxLength(1024), z.meta({ description: 'Bind password; write-only, stored envelope-encrypted and never returned', format: 'password' })));
const pageSize = /* @__PURE__ */ lazily(() => z.number().check(z.int(), z.gte(1), z.lte(LDAP_MAX_PAGE_SIZE, { message: `must be at most ${LDAP_MAX_PAGE_SIZE} (Active Directory's default MaxPageSize; OpenLDAP refuses pages above its size.pr limit)` }), z.meta({ description: `Entries per LDAP page (paged-results control); default ${LDAP_DEFAULT_PAGE_SIZE}` })));
const connectTimeoutMs = /* @__PURE__ */ lazily(() => z.int().check(z.gte(CONNECT_TIMEOUT_MS.min), z.lte(CONNECT_TIMEOUT_MS.max), z.meta({ description: `TCP and TLS connect timeout in ms; default ${CONNECT_TIMEOUT_MS.default}` })));
const operationTimeoutMs = /* @__PURE__ */ lazily(() => z.int().check(z.gte(OPERATION_TIMEOUT_MS.min), z.lte(OPERATION_TIMEOUT_MS.max), z.meta({ description: `Timeout of each LDAP operation in ms; default ${OPERATION_TIMEOUT_MS.default}` })));
const status = /* @__PURE__ */ lazily(() => z.enum(['active', 'disabled']).check(z.meta({ description: 'Disabled connections are not used by sync runs' })));

export const connectionCreateBody = /* @__PURE__ */ lazily(() => z.strictObject({
  name: name(),
  type: z.enum(['ldap', 'activeDirectory'], { message: "type must be 'ldap' or 'activeDirectory' (each organization's one 'scim' connection is created automatically)" }),
  status: z._default(status(), 'active'),
  host: host(),
  port: z.optional(port()),
  tlsMode: z._default(tlsMode(), 'ldaps'),
  allowInsecure: z._default(allowInsecure(), false),
  caCertificate: z.optional(caCertificate()),
  tlsServerName: z.optional(tlsServerName()),
  baseDn: baseDn(),
  bindDn: bindDn(),
  password: password(),
  pageSize: z._default(pageSize(), LDAP_DEFAULT_PAGE_SIZE),
  connectTimeoutMs: z._default(connectTimeoutMs(), CONNECT_TIMEOUT_MS.default),
  operationTimeoutMs: z._default(operationTimeoutMs(), OPERATION_TIMEOUT_MS.default),
}));

export const connectionUpdateBody = /* @__PURE__ */ lazily(() => z.strictObject({
    name: z.optional(name()),
    status: z.optional(status()),
    host: z.optional(host()),
    port: z.optional(port()),
    tlsMode: z.optional(tlsMode()),
    allowInsecure: z.optional(allowInsecure()),
    caCertificate: z.optional(z.nullable(caCertificate())).check(z.meta({ description: 'PEM CA certificate(s); null removes it' })),
    tlsServerName: z.optional(z.nullable(tlsServerName())).check(z.meta({ description: 'Certificate name to verify; null removes it' })),
    baseDn: z.optional(baseDn()),
    bindDn: z.optional(bindDn()),
    password: z.optional(password()),
    pageSize: z.optional(pageSize()),
    connectTimeoutMs: z.optional(connectTimeoutMs()),
    operationTimeoutMs: z.optional(operationTimeoutMs()),
  }).check(z.refine((body) => Object.keys(body).length > 0, { message: 'send at least one field to change' })));

export type ConnectionCreateInput = z.output<ReturnType<typeof connectionCreateBody>>;
export type ConnectionUpdateInput = z.output<ReturnType<typeof connectionUpdateBody>>;

const pageQuery = directoryPaging;

export const listConnectionsRequest = /* @__PURE__ */ requestContract('directory-connections-list', () => ({
  query: z.object({ ...pageQuery(), type: z.optional(z.enum(['scim', 'ldap', 'activeDirectory'])).check(z.meta({ description: 'Only connections of this type' })) }),
}));
export const createConnectionRequest = /* @__PURE__ */ requestContract('directory-connections-create', () => ({ body: connectionCreateBody() }));
export const updateConnectionRequest = /* @__PURE__ */ requestContract('directory-connections-update', () => ({ body: connectionUpdateBody() }));
