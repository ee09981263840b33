/**
 * The SAML repository: the only module that reads or writes an organization's SAML items — its IdP
 * trust settings, its service provider key pair, outstanding AuthnRequest ids and the assertion
 * replay cache.
 *
 * Access patterns (README, "Storage"):
 * - saml.settingsByOrganization — GetItem `ORG#<org>` / `SAML#SETTINGS`;
 * - saml.serviceProviderByOrganization — GetItem `ORG#<org>` / `SAML#SP`;
 * - saml.requestById — GetItem `ORG#<org>#SAMLREQ` / request id (TTL item);
 * - saml.assertionUseStep — conditional Put `ORG#<org>#SAMLASSERTION` / digest (TTL item).
 */
import { createHash } from 'node:crypto';
import type { DomainError } from '../errors/domain-errors.ts';
import { EntityType } from './keys.ts';
import * as keys from './keys.ts';
import { getItem } from './queries.ts';
import { put, putNew, remove, type TransactionStep } from './transactions.ts';

type Item = Record<string, unknown>;

/** Which SAML attribute (Name) carries each user property. */
export interface SamlAttributeMappingsRecord {
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
  displayName?: string | undefined;
}

/** An organization's IdP trust settings, as stored. */
export interface SamlSettingsRecord {
  organizationId: string;
  /** OUR service provider's entity id (the seed's `entityId`). */
  entityId: string;
  ssoUrl: string;
  /**
   * The IdP's signing certificates (normalised PEM, one CERTIFICATE block each), every one of them
   * trusted; the first is the primary (shown as `certificate`). Items written before key rollover
   * support held a single `certificate`; they read back as a list of one.
   */
  certificates: string[];
  idpEntityId: string | null;
  /** Undefined when the stored item has none (the domain applies its defaults). */
  attributeMappings: SamlAttributeMappingsRecord | undefined;
  enabled: boolean;
  allowIdpInitiated: boolean;
  jitProvisioning: boolean;
  defaultGroupId: string | null;
  /** Optimistic-concurrency version, 1 on first configuration. */
  version: number;
  /** ISO 8601. */
  updatedAt: string;
}

/** The organization's SP signing key pair: the certificate in the clear, the private key sealed. */
export interface ServiceProviderRecord {
  organizationId: string;
  /** PEM. */
  certificate: string;
  /** SHA-256, colon-separated upper-case hex. */
  fingerprint: string;
  /** ISO 8601. */
  certificateNotAfter: string;
  /** The envelope-encrypted PKCS#8 PEM private key (shared/crypto/envelope.ts), opaque here. */
  sealedPrivateKey: unknown;
  /** ISO 8601. */
  createdAt: string;
}

/** An outstanding SP-initiated AuthnRequest. */
export interface SamlRequestRecord {
  organizationId: string;
  /** `_` + 32 lower-case hex digits (the AuthnRequest ID). */
  requestId: string;
  /** Where to send the browser after sign-in (validated when the request was made). */
  relayTarget?: string | undefined;
  /** ISO 8601. */
  createdAt: string;
  /** Epoch seconds after which the request can no longer be answered (also the TTL). */
  expiresAt: number;
}

// --- settings ------------------------------------------------------------------------------------

function toSettings(item: Item): SamlSettingsRecord {
  const list = Array.isArray(item.certificates) ? item.certificates.filter((pem): pem is string => typeof pem === 'string') : [];
  const certificates = list.length > 0 ? list : typeof item.certificate === 'string' ? [item.certificate] : [];
  return {
    organizationId: item.organizationId as string,
    entityId: item.entityId as string,
    ssoUrl: item.ssoUrl as string,
    certificates,
    idpEntityId: (item.idpEntityId as string | null | undefined) ?? null,
    attributeMappings: item.attributeMappings as SamlAttributeMappingsRecord | undefined,
    enabled: item.enabled === true,
    allowIdpInitiated: item.allowIdpInitiated === true,
    jitProvisioning: item.jitProvisioning === true,
    defaultGroupId: (item.defaultGroupId as string | null | undefined) ?? null,
    version: item.version as number,
    updatedAt: item.updatedAt as string,
  };
}

/** saml.settingsByOrganization — the organization's settings (strongly consistent), or undefined when SAML was never configured. */
export async function settingsByOrganization(organizationId: string): Promise<SamlSettingsRecord | undefined> {
  const item = await getItem(keys.samlSettings(organizationId));
  return item ? toSettings(item) : undefined;
}

/**
 * saml.settingsPutStep — writes the whole settings record. Without `expectedVersion` no settings
 * may exist yet (first configuration); with it, the stored version must still be that one.
 * `certificate` (the primary) is written beside `certificates` so that a function version from
 * before key rollover support, still running during a deployment, reads the item as it used to.
 */
export function settingsPutStep(record: SamlSettingsRecord, options: { expectedVersion: number | undefined; onConflict: () => DomainError }): TransactionStep {
  const item: Item = {
    ...keys.samlSettings(record.organizationId),
    type: EntityType.SamlSettings,
    ...record,
    certificate: record.certificates[0],
  };
  if (options.expectedVersion === undefined) return putNew(item, options.onConflict);
  return put(item, { expression: 'version = :seen', values: { ':seen': options.expectedVersion } }, options.onConflict);
}

// --- service provider key pair -------------------------------------------------------------------

/**
 * saml.serviceProviderByOrganization — the organization's SP key pair, or undefined before first
 * use. Strongly consistent unless `consistent` is false (the public certificate alone can be stale).
 */
export async function serviceProviderByOrganization(organizationId: string, options: { consistent?: boolean } = {}): Promise<ServiceProviderRecord | undefined> {
  const item = await getItem(keys.samlServiceProvider(organizationId), options.consistent ?? true);
  if (!item) return undefined;
  return {
    organizationId,
    certificate: item.certificate as string,
    fingerprint: item.fingerprint as string,
    certificateNotAfter: item.certificateNotAfter as string,
    sealedPrivateKey: item.sealedPrivateKey,
    createdAt: item.createdAt as string,
  };
}

/** saml.serviceProviderCreateStep — stores the SP key pair; fails with `onExists` when the organization already has one. */
export function serviceProviderCreateStep(record: ServiceProviderRecord, onExists: () => DomainError): TransactionStep {
  return putNew({ ...keys.samlServiceProvider(record.organizationId), type: EntityType.SamlServiceProvider, ...record }, onExists);
}

// --- outstanding AuthnRequests -------------------------------------------------------------------

/** saml.requestCreateStep — remembers an AuthnRequest id until `expiresAt` (TTL); fails with `onCollision` if the id is taken. */
export function requestCreateStep(record: SamlRequestRecord, onCollision: () => DomainError): TransactionStep {
  return putNew({ ...keys.samlRequest(record.organizationId, record.requestId), type: EntityType.SamlRequest, ...record }, onCollision);
}

/**
 * saml.requestById — an outstanding request (strongly consistent), or undefined. TTL deletion lags,
 * so an expired request can still be returned: `requestConsumeStep` is what enforces expiry.
 * Throws (a programming error) when `requestId` is not of the shape this platform issues.
 */
export async function requestById(organizationId: string, requestId: string): Promise<SamlRequestRecord | undefined> {
  const item = await getItem(keys.samlRequest(organizationId, requestId));
  if (!item) return undefined;
  return {
    organizationId,
    requestId,
    ...(typeof item.relayTarget === 'string' ? { relayTarget: item.relayTarget } : {}),
    createdAt: item.createdAt as string,
    expiresAt: item.expiresAt as number,
  };
}

/**
 * saml.requestConsumeStep — deletes the request, only if it exists and has not expired at `now`,
 * so each AuthnRequest is answered at most once; otherwise `onUnknown`.
 */
export function requestConsumeStep(organizationId: string, requestId: string, options: { now: Date; onUnknown: () => DomainError }): TransactionStep {
  return remove(
    keys.samlRequest(organizationId, requestId),
    { expression: 'attribute_exists(pk) AND expiresAt > :now', values: { ':now': Math.floor(options.now.getTime() / 1000) } },
    options.onUnknown,
  );
}

// --- assertion replay cache ----------------------------------------------------------------------

/**
 * saml.assertionUseStep — records that the assertion `assertionId` from `issuer` was consumed,
 * kept until `usableUntil` (TTL, rounded up to the second); fails with `onReplayed` when it was
 * consumed before. The key is a SHA-256 digest of issuer and ID, so any IdP-chosen ID fits a key.
 */
export function assertionUseStep(
  organizationId: string,
  assertion: { issuer: string; assertionId: string; usableUntil: Date },
  onReplayed: () => DomainError,
): TransactionStep {
  const digest = createHash('sha256').update(`${assertion.issuer}\n${assertion.assertionId}`).digest('base64url');
  return putNew(
    { ...keys.samlAssertionUse(organizationId, digest), type: EntityType.SamlAssertionUse, organizationId, expiresAt: Math.ceil(assertion.usableUntil.getTime() / 1000) },
    onReplayed,
  );
}
