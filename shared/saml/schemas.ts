import * as z from 'zod';
import { CertificateError, MAX_IDP_CERTIFICATES, splitCertificates, validateIdpCertificates } from './certificates.ts';

/** SAML core §8.3.6: entity identifiers are absolute URIs of at most 1024 characters. */
export const entityIdSchema = z
  .string()
  .trim()
  .min(1)
  .max(1024)
  .refine((value) => /^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/.test(value), 'must be an absolute URI (https://… or urn:…)');

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The IdP's sign-in URL: https, or http only for a loopback IdP (a test IdP on the same machine). */
export const ssoUrlSchema = z
  .string()
  .trim()
  .min(1)
  .max(2048)
  .superRefine((value, context) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      context.addIssue({ code: 'custom', message: 'must be an absolute URL' });
      return;
    }
    if (url.username || url.password) context.addIssue({ code: 'custom', message: 'must not contain credentials' });
    else if (url.hash) context.addIssue({ code: 'custom', message: 'must not contain a fragment' });
    else if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
      context.addIssue({ code: 'custom', message: 'must use https (http is accepted only for loopback hosts such as localhost or 127.0.0.1)' });
    } else if (url.protocol !== 'https:' && url.protocol !== 'http:') context.addIssue({ code: 'custom', message: 'must use https' });
  });

function checkCertificates(inputs: () => string[], context: z.core.$RefinementCtx<unknown>): void {
  try {
    validateIdpCertificates(inputs());
  } catch (error) {
    if (!(error instanceof CertificateError)) throw error;
    context.addIssue({ code: 'custom', message: error.message });
  }
}

/**
 * The IdP's signing certificate(s) as one text field: one PEM block (or bare base64), or several
 * PEM blocks during a key rollover. Each must parse, not be expired, and be RSA ≥ 2048 bits or EC.
 */
export const certificateSchema = z
  .string()
  .min(1)
  .max(MAX_IDP_CERTIFICATES * 8_000)
  .superRefine((value, context) => checkCertificates(() => splitCertificates(value), context));

/** The IdP's signing certificates as a list, one certificate (PEM or bare base64) per entry. */
export const certificateListSchema = z
  .array(z.string().min(1).max(8_000))
  .min(1)
  .max(MAX_IDP_CERTIFICATES)
  .superRefine((value, context) => checkCertificates(() => value, context));

/** The name of a SAML attribute (often a claim URI) to read a user property from. */
const attributeName = z.string().trim().min(1).max(512);

export const attributeMappingsSchema = z.strictObject({
  email: attributeName.optional(),
  firstName: attributeName.optional(),
  lastName: attributeName.optional(),
  displayName: attributeName.optional(),
});

export type AttributeMappings = z.infer<typeof attributeMappingsSchema>;

/**
 * POST /saml/settings: the seed's fields (entityId is OUR service provider's entity id), plus the
 * IdP's entity id, the switches, and optionally the IdP's metadata document to fill entityId-free
 * IdP fields from. Omitted fields keep their current value.
 */
export const samlSettingsBody = z.strictObject({
  entityId: entityIdSchema.optional(),
  ssoUrl: ssoUrlSchema.optional(),
  certificate: certificateSchema.optional(),
  certificates: certificateListSchema.optional(),
  idpEntityId: entityIdSchema.nullable().optional(),
  idpMetadataXml: z.string().min(1).max(512 * 1024).optional(),
  attributeMappings: attributeMappingsSchema.optional(),
  enabled: z.boolean().optional(),
  allowIdpInitiated: z.boolean().optional(),
  jitProvisioning: z.boolean().optional(),
  defaultGroupId: z.uuid().nullable().optional(),
});

export type SamlSettingsInput = z.infer<typeof samlSettingsBody>;

/**
 * GET /saml/metadata: IdPs fetch it unauthenticated and name the organization; a caller with a
 * bearer token may leave it out (the token names the organization).
 */
export const metadataQuery = z.object({ organization: z.uuid().optional() });

export const loginQuery = z.object({
  organization: z.uuid(),
  RelayState: z.string().max(1024).optional(),
});

/** The HTTP-POST binding's form fields (SAML bindings §3.5.4). */
export const acsForm = z.object({
  SAMLResponse: z.string().min(1).max(1024 * 1024),
  RelayState: z.string().max(1024).optional(),
});
