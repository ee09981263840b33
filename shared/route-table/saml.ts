import type { RouteDefinition } from '../routes.ts';

const SAML = '/api/identity/v1/saml';
const base = { family: 'identity' as const };

/**
 * SAML 2.0 single sign-on. Settings are managed with a bearer token; metadata, login and the ACS
 * are public because browsers and IdPs call them unauthenticated — they name the organization in
 * the URL, and the ACS trusts nothing in the message that is not signed by that organization's IdP.
 * Metadata also takes an optional bearer token, which names the organization instead (the seed
 * "Identity Management API" fetches it with the Owner's token and no query string).
 */
export const samlRoutes: readonly RouteDefinition[] = [
  {
    ...base,
    id: 'identity-saml-settings-get',
    method: 'GET',
    path: `${SAML}/settings`,
    handler: 'functions/identity/saml/get-saml-settings.ts',
    permission: 'identity:read',
    mutating: false,
    access: { table: 'read' },
    summary: "Get the organization's SAML settings and its service provider values",
  },
  {
    ...base,
    id: 'identity-saml-settings-update',
    method: 'POST',
    path: `${SAML}/settings`,
    handler: 'functions/identity/saml/update-saml-settings.ts',
    permission: 'identity:admin',
    mutating: true,
    body: 'json',
    access: { table: 'write' },
    summary: 'Configure SAML single sign-on (IdP URL, certificate, or IdP metadata XML; mappings; provisioning)',
  },
  {
    ...base,
    id: 'identity-saml-metadata',
    method: 'GET',
    path: `${SAML}/metadata`,
    handler: 'functions/identity/saml/get-saml-metadata.ts',
    permission: 'optional-bearer',
    // The SP key pair is generated (and audited) on first use.
    mutating: true,
    access: { table: 'write', secretsKey: 'both' },
    summary: "Signed SAML service provider metadata of an organization (?organization=<id>, or the bearer token's organization)",
  },
  {
    ...base,
    id: 'identity-saml-login',
    method: 'GET',
    path: `${SAML}/login`,
    handler: 'functions/identity/saml/start-saml-login.ts',
    permission: 'public',
    mutating: true,
    access: { table: 'write', secretsKey: 'both' },
    summary: 'Start SP-initiated sign-in: redirect to the IdP with a signed AuthnRequest (?organization=<id>)',
  },
  {
    ...base,
    id: 'identity-saml-acs',
    method: 'POST',
    path: `${SAML}/acs/{organizationId}`,
    handler: 'functions/identity/saml/consume-saml-response.ts',
    permission: 'public',
    mutating: true,
    body: 'form',
    access: { table: 'write', signingKey: 'sign' },
    summary: 'Assertion Consumer Service (HTTP-POST binding): verify a SAMLResponse and issue an access token',
  },
];
