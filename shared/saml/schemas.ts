import * as z from '../zod-mini.ts';
import { lazily } from '../lazy.ts';
import { CertificateError, MAX_IDP_CERTIFICATES, splitCertificates, validateIdpCertificates } from './certificates.ts';

/** SAML core §8.3.6: entity identifiers are absolute URIs of at most 1024 characters. */
export const entityIdSchema = /* @__PURE__ */ lazily(() => z.string().check(z.trim(), z.minLength(1), z.maxLength(1024), z.refine((value) => /^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/.test(value), 'must be an absolute URI (https://… or urn:…)')));

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** The IdP's sign-in URL: https, or http only for a loopback IdP (a test IdP on the same machine). */
export const ssoUrlSchema = /* @__PURE__ */ lazily(() => z.string().check(z.trim(), z.minLength(1), z.maxLength(2048), z.superRefine((value, context) => {
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
  })));

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
export const certificateSchema = /* @__PURE__ */ lazily(() => z.string().check(z.minLength(1), z.maxLength(MAX_IDP_CERTIFICATES * 8_000), z.superRefine((value, context) => checkCertificates(() => splitCertificates(value), context))));

/** The IdP's signing certificates as a list, one certificate (PEM or bare base64) per entry. */
export const certificateListSchema = /* @__PURE__ */ lazily(() => z.array(z.string().check(z.minLength(1), z.maxLength(8_000))).check(z.minLength(1), z.maxLength(MAX_IDP_CERTIFICATES), z.superRefine((value, context) => checkCertificates(() => value, context))));

/** The name of a SAML attribute (often a claim URI) to read a user property from. */
const attributeName = /* @__PURE__ */ lazily(() => z.string().check(z.trim(), z.minLength(1), z.maxLength(512)));

export const attributeMappingsSchema = /* @__PURE__ */ lazily(() => z.strictObject({
  email: z.optional(attributeName()),
  firstName: z.optional(attributeName()),
  lastName: z.optional(attributeName()),
  displayName: z.optional(attributeName()),
}));

export type AttributeMappings = z.output<ReturnType<typeof attributeMappingsSchema>>;

/**
 * POST /saml/settings: the seed's fields (entityId is OUR service provider's entity id), plus the
 * IdP's entity id, the switches, and optionally the IdP's metadata document to fill entityId-free
 * IdP fields from. Omitted fields keep their current value.
 */
export const samlSettingsBody = /* @__PURE__ */ lazily(() => z.strictObject({
  entityId: z.optional(entityIdSchema()),
  ssoUrl: z.optional(ssoUrlSchema()),
  certificate: z.optional(certificateSchema()),
  certificates: z.optional(certificateListSchema()),
  idpEntityId: z.optional(z.nullable(entityIdSchema())),
  idpMetadataXml: z.optional(z.string().check(z.minLength(1), z.maxLength(512 * 1024))),
  attributeMappings: z.optional(attributeMappingsSchema()),
  enabled: z.optional(z.boolean()),
  allowIdpInitiated: z.optional(z.boolean()),
  jitProvisioning: z.optional(z.boolean()),
  defaultGroupId: z.optional(z.nullable(z.uuid())),
}));

export type SamlSettingsInput = z.output<ReturnType<typeof samlSettingsBody>>;

/**
 * GET /saml/metadata: IdPs fetch it unauthenticated and name the organization; a caller with a
 * bearer token may leave it out (the token names the organization).
 */
export const metadataQuery = /* @__PURE__ */ lazily(() => z.object({ organization: z.optional(z.uuid()) }));

export const loginQuery = /* @__PURE__ */ lazily(() => z.object({
  organization: z.uuid(),
  RelayState: z.optional(z.string().check(z.maxLength(1024))),
}));

/** The HTTP-POST binding's form fields (SAML bindings §3.5.4). */
export const acsForm = /* @__PURE__ */ lazily(() => z.object({
  SAMLResponse: z.string().check(z.minLength(1), z.maxLength(1024 * 1024)),
  RelayState: z.optional(z.string().check(z.maxLength(1024))),
}));
