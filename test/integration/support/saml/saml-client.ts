import { verify, X509Certificate } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { baseUrl, call, createTenant, type HttpResult, type Tenant } from '../platform-client.ts';
import { createTestIdp, encode, type TestIdp } from './test-idp.ts';

export const SAML = '/api/identity/v1/saml';

export interface SamlTenant {
  tenant: Tenant;
  idp: TestIdp;
  acsUrl: string;
  spEntityId: string;
  /** The SP certificate published in our metadata (PEM). */
  spCertificate: string;
}

function pem(base64: string): string {
  return `-----BEGIN CERTIFICATE-----\n${base64.replace(/\s+/g, '').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

/**
 * Reads our metadata and checks its enveloped signature with the certificate it publishes. With
 * `token`, it is fetched the seed's way: that bearer token and no query string.
 */
export async function fetchVerifiedMetadata(organizationId: string, token?: string): Promise<{ xml: string; certificate: string; entityId: string; acsUrl: string; response: HttpResult }> {
  const response = token ? await call('GET', `${SAML}/metadata`, { token }) : await call('GET', `${SAML}/metadata?organization=${organizationId}`);
  if (response.status !== 200) throw new Error(`metadata: ${response.status} ${response.text}`);
  const document = new DOMParser().parseFromString(response.text, 'text/xml');
  const root = document.documentElement as Element;
  const certificate = pem(root.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'X509Certificate').item(0)?.textContent ?? '');
  const signature = root.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature').item(0);
  if (!signature || signature.parentNode !== root) throw new Error('metadata is not signed at its root');
  // Independent of the platform's verifier: plain xml-crypto, the published certificate only.
  const verifier = new SignedXml({ publicCert: certificate, getCertFromKeyInfo: () => null });
  verifier.loadSignature(signature as unknown as Parameters<SignedXml['loadSignature']>[0]);
  if (!verifier.checkSignature(response.text)) throw new Error('metadata signature does not verify');
  const reference = verifier.getReferences()[0];
  if (verifier.getSignedReferences().length !== 1 || reference?.uri !== `#${root.getAttribute('ID')}`) throw new Error('metadata signature does not cover the EntityDescriptor');
  const acs = root.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:metadata', 'AssertionConsumerService').item(0);
  return { xml: response.text, certificate, entityId: root.getAttribute('entityID') ?? '', acsUrl: acs?.getAttribute('Location') ?? '', response };
}

/** A fresh organization with SAML configured for a fresh test IdP. */
export async function samlTenant(settings: Record<string, unknown> = {}, idp: TestIdp = createTestIdp()): Promise<SamlTenant> {
  const tenant = await createTenant('SAML organization');
  const saved = await call('POST', `${SAML}/settings`, {
    token: tenant.ownerToken,
    json: { ssoUrl: 'http://127.0.0.1:9/idp/sso', certificate: idp.certificate, idpEntityId: idp.entityId, ...settings },
  });
  if (saved.status !== 200) throw new Error(`settings: ${saved.status} ${saved.text}`);
  const metadata = await fetchVerifiedMetadata(tenant.organizationId);
  return { tenant, idp, acsUrl: metadata.acsUrl, spEntityId: metadata.entityId, spCertificate: metadata.certificate };
}

export interface StartedLogin {
  requestId: string;
  relayState: string | undefined;
  authnRequest: Document;
  location: URL;
}

/**
 * GET /saml/login and take the redirect apart like an IdP: check the HTTP-Redirect signature over
 * the raw query octets with the SP certificate from metadata, inflate and parse the AuthnRequest.
 */
export async function startLogin(saml: SamlTenant, relayState?: string): Promise<StartedLogin> {
  const query = new URLSearchParams({ organization: saml.tenant.organizationId, ...(relayState !== undefined ? { RelayState: relayState } : {}) });
  const response = await call('GET', `${SAML}/login?${query.toString()}`);
  if (response.status !== 302) throw new Error(`login: ${response.status} ${response.text}`);
  const location = new URL(response.headers.get('location') ?? '');
  const raw = Object.fromEntries(location.search.slice(1).split('&').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
  const signedOctets = ['SAMLRequest', 'RelayState', 'SigAlg'].filter((name) => raw[name] !== undefined).map((name) => `${name}=${raw[name]}`).join('&');
  if (decodeURIComponent(raw.SigAlg ?? '') !== 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256') throw new Error('unexpected SigAlg');
  const signature = Buffer.from(decodeURIComponent(raw.Signature ?? ''), 'base64');
  if (!verify('sha256', Buffer.from(signedOctets), new X509Certificate(saml.spCertificate).publicKey, signature)) throw new Error('AuthnRequest signature does not verify');
  const xml = inflateRawSync(Buffer.from(decodeURIComponent(raw.SAMLRequest ?? ''), 'base64')).toString('utf8');
  const authnRequest = new DOMParser().parseFromString(xml, 'text/xml');
  const requestId = authnRequest.documentElement?.getAttribute('ID') ?? '';
  return { requestId, relayState: raw.RelayState === undefined ? undefined : decodeURIComponent(raw.RelayState), authnRequest, location };
}

/** POST a SAML response to the organization's ACS as a browser's auto-submitted form would. */
export async function postAcs(saml: SamlTenant, xml: string, options: { relayState?: string; accept?: string; encoded?: string } = {}): Promise<HttpResult<any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const form = new URLSearchParams({ SAMLResponse: options.encoded ?? encode(xml), ...(options.relayState !== undefined ? { RelayState: options.relayState } : {}) });
  return call('POST', new URL(saml.acsUrl).pathname, {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: options.accept ?? 'application/json' },
    body: form.toString(),
  });
}

export { baseUrl };
