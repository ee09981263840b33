import * as z from '../../zod-mini.ts';
import { requestContract } from '../../http/request-contract.ts';
import { lazily } from '../../lazy.ts';
import { acsForm, loginQuery, metadataQuery, samlSettingsBody } from '../../saml/schemas.ts';
import * as ex from '../examples.ts';
import type { OperationDocs } from '../operation-docs.ts';

/**
 * The SAML handlers validate with `validate(<schema>(), …)` directly; these contracts bind the very
 * same schemas to their routes for the documentation, and test/unit/openapi.test.ts checks that
 * each handler still validates with the schema named in `samlValidatedWith`.
 */
export const samlValidatedWith: Readonly<Record<string, readonly string[]>> = {
  'identity-saml-settings-update': ['samlSettingsBody'],
  'identity-saml-metadata': ['metadataQuery'],
  'identity-saml-login': ['loginQuery'],
  'identity-saml-acs': ['acsForm'],
};

const nullableText = /* @__PURE__ */ lazily(() => z.nullable(z.string()));
export const samlSettingsView = /* @__PURE__ */ lazily(() => z.object({
  configured: z.boolean().check(z.meta({ description: 'false until settings are saved; the other fields then show defaults' })),
  entityId: z.string().check(z.meta({ description: "This platform's service provider entity id, as the IdP knows it" })),
  ssoUrl: nullableText().check(z.meta({ description: "The IdP's sign-in URL" })),
  certificate: nullableText().check(z.meta({ description: "The IdP's primary signing certificate (PEM): the valid one that expires last" })),
  certificateFingerprint: nullableText(),
  certificateExpiresAt: nullableText(),
  certificates: z.array(
      z.object({
        certificate: z.string().check(z.meta({ description: 'PEM' })),
        fingerprint: z.string().check(z.meta({ description: 'SHA-256, colon-separated hex' })),
        subject: z.string(),
        notBefore: z.string(),
        notAfter: z.string(),
        status: z.enum(['valid', 'not_yet_valid', 'expired']),
      }),
    ).check(z.meta({ description: "Every trusted IdP signing certificate, primary first; a response signed with any of them verifies (key rollover)" })),
  certificateWarnings: z.array(z.object({ code: z.enum(['certificate_expired', 'certificate_expiring', 'no_valid_certificate']), message: z.string(), fingerprint: z.optional(z.string()) })).check(z.meta({ description: 'Expired certificates, and no successor configured within 30 days of the last valid certificate expiring' })),
  idpEntityId: nullableText(),
  attributeMappings: z.record(z.string(), z.string()).check(z.meta({ description: 'SAML attribute (claim) names read for email, firstName, lastName, displayName' })),
  enabled: z.boolean(),
  allowIdpInitiated: z.boolean(),
  jitProvisioning: z.boolean(),
  defaultGroupId: nullableText(),
  updatedOn: nullableText(),
  serviceProvider: z.object({
      entityId: z.string(),
      acsUrl: z.string(),
      metadataUrl: z.string(),
      loginUrl: z.string(),
      certificate: nullableText(),
      certificateFingerprint: nullableText(),
      certificateExpiresAt: nullableText(),
    }).check(z.meta({ description: 'The values to enter at the IdP' })),
}));
export const samlAcsResult = /* @__PURE__ */ lazily(() => z.object({ accessToken: z.string(), expiresIn: z.int(), tokenType: z.literal('Bearer'), redirectTo: z.string() }));
export const samlError = /* @__PURE__ */ lazily(() => z.object({ error: z.string(), reason: z.string().check(z.meta({ description: 'A stable reason code' })), message: z.string(), statusCode: z.int() }));

const settingsView = {
  configured: true,
  ...ex.samlSettings,
  certificateFingerprint: 'sha256:3b:9a:…',
  certificateExpiresAt: '2027-01-01T00:00:00Z',
  certificates: [
    {
      certificate: '-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----',
      fingerprint: '3B:9A:…',
      subject: 'CN=Microsoft Azure Federated SSO Certificate',
      notBefore: '2024-01-01T00:00:00.000Z',
      notAfter: '2027-01-01T00:00:00.000Z',
      status: 'valid',
    },
  ],
  certificateWarnings: [],
  idpEntityId: 'https://idp.example.com/saml',
  enabled: true,
  allowIdpInitiated: false,
  jitProvisioning: true,
  defaultGroupId: null,
  updatedOn: '2025-11-01T09:00:00Z',
  serviceProvider: {
    entityId: 'https://platform.invicti.com',
    acsUrl: 'https://platform.invicti.com/api/identity/v1/saml/acs/yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy',
    metadataUrl: 'https://platform.invicti.com/api/identity/v1/saml/metadata?organization=yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy',
    loginUrl: 'https://platform.invicti.com/api/identity/v1/saml/login?organization=yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy',
    certificate: '-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----',
    certificateFingerprint: 'sha256:7f:01:…',
    certificateExpiresAt: '2035-11-01T09:00:00Z',
  },
};

/** SAML 2.0 single sign-on (/api/identity/v1/saml); built on first call, like every schema here. */
export const samlOperations = /* @__PURE__ */ lazily((): OperationDocs => ({
  'identity-saml-settings-get': {
    tag: 'SAML',
    description: 'Retrieves the current SAML SSO configuration of the organization and the service provider values to enter at the IdP.',
    responses: { 200: { description: 'The settings', schema: samlSettingsView(), examples: { example: { summary: 'Get SAML settings (seed)', value: settingsView } } } },
  },
  'identity-saml-settings-update': {
    tag: 'SAML',
    description:
      'Sets or updates the SAML SSO configuration with your IdP values: its sign-in URL and signing certificate (or its metadata XML), ' +
      'attribute mappings, and the switches. Omitted fields keep their value. To configure trust at the IdP, use GET /api/identity/v1/saml/metadata.',
    request: requestContract('identity-saml-settings-update', () => ({ body: samlSettingsBody() })),
    requestExamples: { seed: { summary: 'Configure SAML settings (seed)', value: ex.samlSettings } },
    responses: { 200: { description: 'The settings', schema: samlSettingsView(), examples: { example: { summary: 'Saved', value: settingsView } } } },
  },
  'identity-saml-metadata': {
    tag: 'SAML',
    description:
      "The signed SAML metadata document of the organization's service provider, which the IdP needs to configure trust. " +
      'With a bearer token (any scope) the organization is the token\'s and `organization` may be left out; IdPs fetch it unauthenticated with `?organization=<id>`.',
    request: requestContract('identity-saml-metadata', () => ({ query: metadataQuery() })),
    responses: {
      200: {
        description: 'SAML metadata (XML)',
        schema: z.string().check(z.meta({ description: 'An EntityDescriptor document' })),
        contentTypes: ['application/samlmetadata+xml'],
        examples: { example: { summary: 'Metadata', value: '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://platform.invicti.com">…</md:EntityDescriptor>' } },
      },
    },
  },
  'identity-saml-login': {
    tag: 'SAML',
    description: 'Starts SP-initiated sign-in: redirects the browser to the IdP with a signed AuthnRequest. RelayState is where the browser goes after sign-in.',
    request: requestContract('identity-saml-login', () => ({ query: loginQuery() })),
    responses: { 302: { description: 'Redirect to the IdP', headers: { Location: 'The IdP sign-in URL with SAMLRequest, RelayState, SigAlg and Signature' } } },
  },
  'identity-saml-acs': {
    tag: 'SAML',
    description:
      'Assertion Consumer Service (HTTP-POST binding): verifies the signed SAMLResponse from the IdP and issues an access token. ' +
      'Browsers get a page that hands the token to the RelayState URL in the URL fragment; callers that accept only JSON get it as JSON.',
    request: requestContract('identity-saml-acs', () => ({ body: acsForm() })),
    requestExamples: { example: { summary: 'The IdP form post', value: { SAMLResponse: 'PHNhbWxwOlJlc3BvbnNlIHhtbG5zOnNhbWxwPSJ1cm46b2FzaXM6bmFtZXM6dGM6U0FNTDoyLjA6cHJvdG9jb2wiIC4uLj4=', RelayState: '/' } } },
    responses: {
      200: {
        description: 'Signed in: a page (text/html) or, with Accept: application/json, the token',
        schema: samlAcsResult(),
        contentTypes: ['application/json', 'text/html'],
        examples: { example: { summary: 'JSON', value: { ...ex.loginResponse, redirectTo: 'https://platform.invicti.com/' } } },
      },
      400: { description: 'The SAMLResponse is malformed', schema: samlError(), contentTypes: ['application/json', 'text/html'] },
      401: { description: 'The SAMLResponse is not acceptable (signature, audience, time, replay, …): reason names the check', schema: samlError(), contentTypes: ['application/json', 'text/html'] },
    },
  },
}));
