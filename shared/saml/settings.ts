import { auditStep, type AuditEvent, type RequestOrigin } from '../audit/audit-entry.ts';
import { ConcurrentChangeError, NotFoundError, ValidationError } from '../errors/domain-errors.ts';
import { validate } from '../http/validation.ts';
import { loadGroup } from '../scim/groups.ts';
import { getItem } from '../scim/resource-store.ts';
import { tableName } from '../storage/clients.ts';
import { EntityType, keys } from '../storage/keys.ts';
import { transact } from '../storage/transactions.ts';
import { validateIdpCertificate } from './certificates.ts';
import { parseIdpMetadata } from './idp-metadata.ts';
import { certificateSchema, entityIdSchema, ssoUrlSchema, type AttributeMappings, type SamlSettingsInput } from './schemas.ts';
import { serviceProviderCertificate, serviceProviderUrls } from './service-provider.ts';

/** The seed's default mappings: the claim URIs Entra ID (and WS-Fed-style IdPs) send. */
export const DEFAULT_ATTRIBUTE_MAPPINGS: Required<Pick<AttributeMappings, 'email' | 'firstName' | 'lastName'>> = {
  email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
  firstName: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
  lastName: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
};

/** An organization's stored SAML settings. */
export interface SamlSettings {
  /** OUR service provider's entity id (the seed's `entityId`); the Audience the IdP must address. */
  entityId: string;
  ssoUrl: string;
  certificate: string;
  /** The IdP's entity id: the Issuer its assertions must carry (null: not checked). */
  idpEntityId: string | null;
  attributeMappings: AttributeMappings;
  enabled: boolean;
  allowIdpInitiated: boolean;
  jitProvisioning: boolean;
  defaultGroupId: string | null;
  certificateFingerprint: string;
  certificateNotAfter: string;
  version: number;
  updatedAt: string;
}

const SETTING_FIELDS = ['entityId', 'ssoUrl', 'certificate', 'idpEntityId', 'attributeMappings', 'enabled', 'allowIdpInitiated', 'jitProvisioning', 'defaultGroupId'] as const;

function toSettings(item: Record<string, unknown>): SamlSettings {
  return {
    entityId: item.entityId as string,
    ssoUrl: item.ssoUrl as string,
    certificate: item.certificate as string,
    idpEntityId: (item.idpEntityId as string | null | undefined) ?? null,
    attributeMappings: (item.attributeMappings as AttributeMappings | undefined) ?? { ...DEFAULT_ATTRIBUTE_MAPPINGS },
    enabled: item.enabled === true,
    allowIdpInitiated: item.allowIdpInitiated === true,
    jitProvisioning: item.jitProvisioning === true,
    defaultGroupId: (item.defaultGroupId as string | null | undefined) ?? null,
    certificateFingerprint: item.certificateFingerprint as string,
    certificateNotAfter: item.certificateNotAfter as string,
    version: item.version as number,
    updatedAt: item.updatedAt as string,
  };
}

/** The organization's settings, or undefined when SAML was never configured. */
export async function loadSamlSettings(organizationId: string): Promise<SamlSettings | undefined> {
  const item = await getItem(keys.samlSettings(organizationId));
  return item ? toSettings(item) : undefined;
}

/** What GET /saml/settings answers: the settings (certificate included: it is public) and our SP's values. */
export async function samlSettingsView(organizationId: string, settings?: SamlSettings): Promise<Record<string, unknown>> {
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
  return {
    configured: true,
    entityId: current.entityId,
    ssoUrl: current.ssoUrl,
    certificate: current.certificate,
    certificateFingerprint: current.certificateFingerprint,
    certificateExpiresAt: current.certificateNotAfter,
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

/** Fills IdP fields the body leaves out from the IdP's metadata, validated like typed-in values. */
function withMetadata(input: SamlSettingsInput): SamlSettingsInput {
  if (input.idpMetadataXml === undefined) return input;
  const metadata = parseIdpMetadata(input.idpMetadataXml);
  const filled = { ...input };
  filled.idpEntityId ??= validate(entityIdSchema, metadata.entityId, 'body');
  if (filled.ssoUrl === undefined) {
    if (!metadata.ssoUrl) throw new ValidationError("Invalid request body 'idpMetadataXml': the IdP offers no HTTP-Redirect SingleSignOnService; send ssoUrl.", { field: 'ssoUrl' });
    filled.ssoUrl = validate(ssoUrlSchema, metadata.ssoUrl, 'body');
  }
  if (filled.certificate === undefined) {
    if (!metadata.certificate) throw new ValidationError("Invalid request body 'idpMetadataXml': the metadata has no signing certificate; send certificate.", { field: 'certificate' });
    filled.certificate = validate(certificateSchema, metadata.certificate, 'body');
  }
  return filled;
}

/**
 * Creates or updates the organization's SAML settings. Omitted fields keep their value (defaults
 * on first configuration); null clears idpEntityId or defaultGroupId. The change and its audit
 * entry (`saml.settings.updated`: changed attribute names and the certificate's fingerprint, never
 * the certificate itself) land in one transaction, guarded against a concurrent update.
 */
export async function saveSamlSettings(organizationId: string, body: SamlSettingsInput, actor: AuditEvent['actor'], origin: RequestOrigin): Promise<Record<string, unknown>> {
  const input = withMetadata(body);
  const current = await loadSamlSettings(organizationId);
  const ssoUrl = input.ssoUrl ?? current?.ssoUrl;
  const certificateInput = input.certificate ?? current?.certificate;
  if (ssoUrl === undefined) throw new ValidationError("Invalid request body 'ssoUrl': required (or send idpMetadataXml).", { field: 'ssoUrl' });
  if (certificateInput === undefined) throw new ValidationError("Invalid request body 'certificate': required (or send idpMetadataXml).", { field: 'certificate' });
  const certificate = validateIdpCertificate(certificateInput);
  const defaultGroupId = input.defaultGroupId === undefined ? (current?.defaultGroupId ?? null) : input.defaultGroupId;
  if (defaultGroupId !== null && input.defaultGroupId !== undefined) {
    await loadGroup(organizationId, defaultGroupId).catch((error: unknown) => {
      if (error instanceof NotFoundError) throw new ValidationError(`Invalid request body 'defaultGroupId': no group ${defaultGroupId} exists in this organization.`, { field: 'defaultGroupId' });
      throw error;
    });
  }
  const now = new Date().toISOString();
  const next: SamlSettings = {
    entityId: input.entityId ?? current?.entityId ?? serviceProviderUrls(organizationId).defaultEntityId,
    ssoUrl,
    certificate: certificate.pem,
    idpEntityId: input.idpEntityId === undefined ? (current?.idpEntityId ?? null) : input.idpEntityId,
    attributeMappings: input.attributeMappings ? { ...DEFAULT_ATTRIBUTE_MAPPINGS, ...input.attributeMappings } : (current?.attributeMappings ?? { ...DEFAULT_ATTRIBUTE_MAPPINGS }),
    enabled: input.enabled ?? current?.enabled ?? true,
    allowIdpInitiated: input.allowIdpInitiated ?? current?.allowIdpInitiated ?? false,
    jitProvisioning: input.jitProvisioning ?? current?.jitProvisioning ?? false,
    defaultGroupId,
    certificateFingerprint: certificate.fingerprint,
    certificateNotAfter: certificate.notAfter,
    version: (current?.version ?? 0) + 1,
    updatedAt: now,
  };
  const changed = SETTING_FIELDS.filter((field) => JSON.stringify(current?.[field]) !== JSON.stringify(next[field]));
  if (current && changed.length === 0) return samlSettingsView(organizationId, current);
  await transact([
    {
      item: {
        Put: {
          TableName: tableName(),
          Item: { ...keys.samlSettings(organizationId), type: EntityType.SamlSettings, organizationId, ...next },
          ConditionExpression: current ? 'version = :seen' : 'attribute_not_exists(pk)',
          ...(current ? { ExpressionAttributeValues: { ':seen': current.version } } : {}),
        },
      },
      onConditionFailed: () => new ConcurrentChangeError('The SAML settings were changed concurrently; retry.'),
    },
    auditStep({
      organizationId,
      action: 'saml.settings.updated',
      actor,
      origin,
      target: { type: 'saml-settings', id: organizationId },
      details: {
        changedAttributes: changed,
        certificateFingerprint: certificate.fingerprint,
        certificateExpiresAt: certificate.notAfter,
        ...(body.idpMetadataXml !== undefined ? { fromIdpMetadata: true } : {}),
      },
    }),
  ]);
  return samlSettingsView(organizationId, next);
}
