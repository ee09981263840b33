import { auditStep, type AuditEvent, type RequestOrigin } from '../audit/audit-entry.ts';
import { ConcurrentChangeError, ValidationError } from '../errors/domain-errors.ts';
import { validate } from '../http/validation.ts';
import * as groups from '../storage/groups.ts';
import * as samlStore from '../storage/saml.ts';
import { transact } from '../storage/transactions.ts';
import {
  CertificateError,
  certificateStatus,
  certificateWarnings,
  describeCertificate,
  orderCertificates,
  parseCertificate,
  splitCertificates,
  validateIdpCertificates,
  type CertificateInfo,
} from './certificates.ts';
import { parseIdpMetadata } from './idp-metadata.ts';
import { entityIdSchema, ssoUrlSchema, type AttributeMappings, type SamlSettingsInput } from './schemas.ts';
import { serviceProviderCertificate, serviceProviderUrls } from './service-provider.ts';

/** The seed's default mappings: the claim URIs Entra ID (and WS-Fed-style IdPs) send. */
export const DEFAULT_ATTRIBUTE_MAPPINGS: Required<Pick<AttributeMappings, 'email' | 'firstName' | 'lastName'>> = {
  email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  firstName: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
  lastName: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
};

/** An organization's SAML settings. */
export interface SamlSettings {
  /** OUR service provider's entity id (the seed's `entityId`); the Audience the IdP must address. */
  entityId: string;
  ssoUrl: string;
  /**
   * Every trusted IdP signing certificate, primary first (see `orderCertificates`). A response
   * verifies when it is signed with any of them, so an IdP's key rollover needs no administrator.
   */
  certificates: CertificateInfo[];
  /** The IdP's entity id: the Issuer its assertions must carry (null: not checked). */
  idpEntityId: string | null;
  attributeMappings: AttributeMappings;
  enabled: boolean;
  allowIdpInitiated: boolean;
  jitProvisioning: boolean;
  defaultGroupId: string | null;
  version: number;
  updatedAt: string;
}

/** The changeable fields, under the names the audit entry's `changedAttributes` uses (the seed's). */
const SETTING_FIELDS = ['entityId', 'ssoUrl', 'certificate', 'idpEntityId', 'attributeMappings', 'enabled', 'allowIdpInitiated', 'jitProvisioning', 'defaultGroupId'] as const;

function comparable(settings: SamlSettings | undefined): Record<(typeof SETTING_FIELDS)[number], unknown> | undefined {
  if (!settings) return undefined;
  // The trusted set, not its order: an order that changes with time alone is no change.
  const { certificates, ...rest } = settings;
  return { ...rest, certificate: certificates.map((certificate) => certificate.fingerprint).sort() };
}

/** Stored certificates were validated when saved; describing them again only reads their facts. */
function describeStored(pem: string): CertificateInfo {
  const { certificate, pem: normalised } = parseCertificate(pem);
  return describeCertificate(certificate, normalised);
}

function toSettings(record: samlStore.SamlSettingsRecord): SamlSettings {
  return {
    entityId: record.entityId,
    ssoUrl: record.ssoUrl,
    certificates: orderCertificates(record.certificates.map(describeStored)),
    idpEntityId: record.idpEntityId,
    attributeMappings: record.attributeMappings ?? { ...DEFAULT_ATTRIBUTE_MAPPINGS },
    enabled: record.enabled,
    allowIdpInitiated: record.allowIdpInitiated,
    jitProvisioning: record.jitProvisioning,
    defaultGroupId: record.defaultGroupId,
    version: record.version,
    updatedAt: record.updatedAt,
  };
}

/** The organization's settings, or undefined when SAML was never configured. */
export async function loadSamlSettings(organizationId: string): Promise<SamlSettings | undefined> {
  const record = await samlStore.settingsByOrganization(organizationId);
  return record ? toSettings(record) : undefined;
}

/** One trusted IdP certificate as GET /saml/settings shows it. */
function certificateView(info: CertificateInfo, now: Date) {
  return {
    certificate: info.pem,
    fingerprint: info.fingerprint,
    subject: info.subject,
    notBefore: info.notBefore,
    notAfter: info.notAfter,
    status: certificateStatus(info, now),
  };
}

/**
 * What GET /saml/settings answers: the settings (certificates included: they are public), each
 * trusted IdP certificate with its fingerprint, subject and validity, rollover warnings, and our
 * SP's values. `certificate`, `certificateFingerprint` and `certificateExpiresAt` describe the
 * primary certificate, as before key rollover support.
 */
export async function samlSettingsView(organizationId: string, settings?: SamlSettings, now = new Date()): Promise<Record<string, unknown>> {
  const current = settings ?? (await loadSamlSettings(organizationId));
  const urls = serviceProviderUrls(organizationId);
  const sp = await serviceProviderCertificate(organizationId);
  const serviceProvider = {
    entityId: current?.entityId ?? urls.defaultEntityId,
    acsUrl: urls.acsUrl,
    metadataUrl: urls.metadataUrl,
    loginUrl: urls.loginUrl,
    certificate: sp?.certificate ?? null,
    certificateFingerprint: sp?.fingerprint ?? null,
    certificateExpiresAt: sp?.notAfter ?? null,
  };
  if (!current) {
    return {
      configured: false,
      entityId: urls.defaultEntityId,
      ssoUrl: null,
      certificate: null,
      certificateFingerprint: null,
      certificateExpiresAt: null,
      certificates: [],
      certificateWarnings: [],
      idpEntityId: null,
      attributeMappings: { ...DEFAULT_ATTRIBUTE_MAPPINGS },
      enabled: false,
      allowIdpInitiated: false,
      jitProvisioning: false,
      defaultGroupId: null,
      updatedOn: null,
      serviceProvider,
    };
  }
  const certificates = orderCertificates(current.certificates, now);
  const primary = certificates[0];
  return {
    configured: true,
    entityId: current.entityId,
    ssoUrl: current.ssoUrl,
    certificate: primary?.pem ?? null,
    certificateFingerprint: primary?.fingerprint ?? null,
    certificateExpiresAt: primary?.notAfter ?? null,
    certificates: certificates.map((info) => certificateView(info, now)),
    certificateWarnings: certificateWarnings(certificates, now),
    idpEntityId: current.idpEntityId,
    attributeMappings: current.attributeMappings,
    enabled: current.enabled,
    allowIdpInitiated: current.allowIdpInitiated,
    jitProvisioning: current.jitProvisioning,
    defaultGroupId: current.defaultGroupId,
    updatedOn: current.updatedAt,
    serviceProvider,
  };
}

/** The body with its IdP fields, filled from the IdP's metadata where the body leaves them out. */
interface ResolvedInput extends Omit<SamlSettingsInput, 'certificate' | 'certificates'> {
  /** The certificates sent (one per entry), or undefined to keep the trusted set. */
  certificateInputs: string[] | undefined;
  /** Where a refused certificate came from, for the error message. */
  certificateField: 'certificate' | 'certificates' | 'idpMetadataXml';
  expiredInMetadata: number;
}

function resolveInput(input: SamlSettingsInput): ResolvedInput {
  if (input.certificate !== undefined && input.certificates !== undefined) {
    throw new ValidationError("Invalid request body 'certificates': send either certificate (one or more PEM blocks) or certificates (a list), not both.", { field: 'certificates' });
  }
  const { certificate, certificates, ...rest } = input;
  const sent = certificates ?? (certificate !== undefined ? splitCertificates(certificate) : undefined);
  const resolved: ResolvedInput = { ...rest, certificateInputs: sent, certificateField: certificates ? 'certificates' : 'certificate', expiredInMetadata: 0 };
  if (input.idpMetadataXml === undefined) return resolved;
  const metadata = parseIdpMetadata(input.idpMetadataXml);
  resolved.idpEntityId ??= validate(entityIdSchema(), metadata.entityId, 'body');
  if (resolved.ssoUrl === undefined) {
    if (!metadata.ssoUrl) throw new ValidationError("Invalid request body 'idpMetadataXml': the IdP offers no HTTP-Redirect SingleSignOnService; send ssoUrl.", { field: 'ssoUrl' });
    resolved.ssoUrl = validate(ssoUrlSchema(), metadata.ssoUrl, 'body');
  }
  if (resolved.certificateInputs === undefined) {
    if (metadata.certificates.length === 0) {
      const why = metadata.expiredCertificates > 0 ? `every signing certificate in it has expired (${metadata.expiredCertificates})` : 'the metadata has no signing certificate';
      throw new ValidationError(`Invalid request body 'idpMetadataXml': ${why}; send certificate.`, { field: 'certificate' });
    }
    resolved.certificateInputs = metadata.certificates;
    resolved.certificateField = 'idpMetadataXml';
    resolved.expiredInMetadata = metadata.expiredCertificates;
  }
  return resolved;
}

function validatedCertificates(input: ResolvedInput): CertificateInfo[] | undefined {
  if (input.certificateInputs === undefined) return undefined;
  try {
    return validateIdpCertificates(input.certificateInputs);
  } catch (error) {
    if (!(error instanceof CertificateError)) throw error;
    throw new ValidationError(`Invalid request body '${input.certificateField}': ${error.message}`, { field: input.certificateField });
  }
}

/**
 * Creates or updates the organization's SAML settings. Omitted fields keep their value (defaults
 * on first configuration); null clears idpEntityId or defaultGroupId. Certificates sent (in
 * `certificate`, `certificates` or the IdP metadata) replace the trusted set; stored ones are not
 * judged again, so an update of another field never fails because a kept certificate has since
 * expired. The change and its audit entry (`saml.settings.updated`: changed attribute names and
 * the certificates' fingerprints, never a certificate itself) land in one transaction, guarded
 * against a concurrent update (ConcurrentChangeError).
 */
export async function saveSamlSettings(organizationId: string, body: SamlSettingsInput, actor: AuditEvent['actor'], origin: RequestOrigin): Promise<Record<string, unknown>> {
  const input = resolveInput(body);
  const sentCertificates = validatedCertificates(input);
  const current = await loadSamlSettings(organizationId);
  const ssoUrl = input.ssoUrl ?? current?.ssoUrl;
  const certificates = sentCertificates ?? current?.certificates;
  if (ssoUrl === undefined) throw new ValidationError("Invalid request body 'ssoUrl': required (or send idpMetadataXml).", { field: 'ssoUrl' });
  if (certificates === undefined) throw new ValidationError("Invalid request body 'certificate': required (or send certificates or idpMetadataXml).", { field: 'certificate' });
  const defaultGroupId = input.defaultGroupId === undefined ? (current?.defaultGroupId ?? null) : input.defaultGroupId;
  if (defaultGroupId !== null && input.defaultGroupId !== undefined && !(await groups.byId(organizationId, defaultGroupId))) {
    throw new ValidationError(`Invalid request body 'defaultGroupId': no group ${defaultGroupId} exists in this organization.`, { field: 'defaultGroupId' });
  }
  const next: SamlSettings = {
    entityId: input.entityId ?? current?.entityId ?? serviceProviderUrls(organizationId).defaultEntityId,
    ssoUrl,
    certificates,
    idpEntityId: input.idpEntityId === undefined ? (current?.idpEntityId ?? null) : input.idpEntityId,
    attributeMappings: input.attributeMappings ? { ...DEFAULT_ATTRIBUTE_MAPPINGS, ...input.attributeMappings } : (current?.attributeMappings ?? { ...DEFAULT_ATTRIBUTE_MAPPINGS }),
    enabled: input.enabled ?? current?.enabled ?? true,
    allowIdpInitiated: input.allowIdpInitiated ?? current?.allowIdpInitiated ?? false,
    jitProvisioning: input.jitProvisioning ?? current?.jitProvisioning ?? false,
    defaultGroupId,
    version: (current?.version ?? 0) + 1,
    updatedAt: new Date().toISOString(),
  };
  const before = comparable(current);
  const after = comparable(next) as NonNullable<ReturnType<typeof comparable>>;
  const changed = SETTING_FIELDS.filter((field) => JSON.stringify(before?.[field]) !== JSON.stringify(after[field]));
  if (current && changed.length === 0) return samlSettingsView(organizationId, current);
  const primary = certificates[0] as CertificateInfo;
  const { certificates: _described, ...fields } = next;
  await transact([
    samlStore.settingsPutStep(
      { organizationId, ...fields, certificates: certificates.map((certificate) => certificate.pem) },
      { expectedVersion: current?.version, onConflict: () => new ConcurrentChangeError('The SAML settings were changed concurrently; retry.') },
    ),
    auditStep({
      organizationId,
      action: 'saml.settings.updated',
      actor,
      origin,
      target: { type: 'saml-settings', id: organizationId },
      details: {
        changedAttributes: changed,
        certificateFingerprint: primary.fingerprint,
        certificateExpiresAt: primary.notAfter,
        certificateFingerprints: certificates.map((certificate) => certificate.fingerprint),
        ...(body.idpMetadataXml !== undefined ? { fromIdpMetadata: true } : {}),
        ...(input.expiredInMetadata > 0 ? { expiredCertificatesIgnored: input.expiredInMetadata } : {}),
      },
    }),
  ]);
  return samlSettingsView(organizationId, next);
}
