import { sign, type KeyObject } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { auditStep, type RequestOrigin } from '../audit/audit-entry.ts';
import { ConflictError, NotFoundError, ValidationError } from '../errors/domain-errors.ts';
import * as samlStore from '../storage/saml.ts';
import { transact } from '../storage/transactions.ts';
import { signatureAlgorithmFor, SIGNATURE_ALGORITHMS } from './algorithms.ts';
import { safeRelayTarget } from './relay-state.ts';
import { loadSamlSettings } from './settings.ts';
import { samlId } from './sp-metadata.ts';
import { serviceProviderCredentials, serviceProviderUrls } from './service-provider.ts';
import { NS, escapeXml } from './xml.ts';

/** How long the IdP has to answer an AuthnRequest: long enough for MFA, short enough to limit replay. */
export const REQUEST_LIFETIME_SECONDS = 10 * 60;

export interface AuthnRequestParameters {
  id: string;
  issueInstant: Date;
  spEntityId: string;
  acsUrl: string;
  ssoUrl: string;
}

/** The AuthnRequest XML (SAML core §3.4.1), asking for an HTTP-POST response at our ACS URL. */
export function buildAuthnRequest(parameters: AuthnRequestParameters): string {
  // NameIDPolicy names no Format: the IdP's configured format is used (asking for one the IdP's
  // app is not set up for fails the sign-in at Okta); users are matched by email either way.
  return (
    `<samlp:AuthnRequest xmlns:samlp="${NS.protocol}" xmlns:saml="${NS.assertion}" ID="${parameters.id}" Version="2.0" ` +
    `IssueInstant="${parameters.issueInstant.toISOString()}" Destination="${escapeXml(parameters.ssoUrl)}" ` +
    `AssertionConsumerServiceURL="${escapeXml(parameters.acsUrl)}" ProtocolBinding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST">` +
    `<saml:Issuer>${escapeXml(parameters.spEntityId)}</saml:Issuer>` +
    `<samlp:NameIDPolicy AllowCreate="true"/>` +
    `</samlp:AuthnRequest>`
  );
}

/**
 * The HTTP-Redirect binding (SAML bindings §3.4.4.1): the request is DEFLATEd, base64-encoded and
 * URL-encoded; the signature covers the exact octets `SAMLRequest=…&RelayState=…&SigAlg=…` as
 * they appear in the query, and is appended as `Signature`.
 */
export function redirectUrl(ssoUrl: string, requestXml: string, relayState: string | undefined, privateKey: KeyObject): string {
  const sigAlg = signatureAlgorithmFor(privateKey);
  const parts = [`SAMLRequest=${encodeURIComponent(deflateRawSync(Buffer.from(requestXml, 'utf8')).toString('base64'))}`];
  if (relayState !== undefined) parts.push(`RelayState=${encodeURIComponent(relayState)}`);
  parts.push(`SigAlg=${encodeURIComponent(sigAlg)}`);
  const signedQuery = parts.join('&');
  const signature = sign(SIGNATURE_ALGORITHMS[sigAlg].hash, Buffer.from(signedQuery, 'utf8'), sigAlg.includes('ecdsa') ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey);
  return `${ssoUrl}${ssoUrl.includes('?') ? '&' : '?'}${signedQuery}&Signature=${encodeURIComponent(signature.toString('base64'))}`;
}

/**
 * SP-initiated sign-in: remembers a fresh request id (a TTL item, consumed once by the ACS through
 * InResponseTo, holding where to send the browser afterwards) and returns the IdP URL to redirect
 * to. The RelayState sent to the IdP is the request id, so the target URL never leaves us.
 */
export async function startSamlLogin(organizationId: string, relayState: string | undefined, origin: RequestOrigin): Promise<{ location: string; requestId: string }> {
  const settings = await loadSamlSettings(organizationId);
  if (!settings || !settings.enabled) throw new NotFoundError(`SAML single sign-on is not configured or not enabled for organization ${organizationId}.`);
  const target = relayState === undefined ? undefined : safeRelayTarget(relayState);
  if (relayState !== undefined && target === undefined) {
    throw new ValidationError("Invalid query parameter 'RelayState': must be a relative path or a URL on this platform's base URL, at most 1024 characters.", { field: 'RelayState' });
  }
  const credentials = await serviceProviderCredentials(organizationId, origin);
  const urls = serviceProviderUrls(organizationId);
  const id = samlId();
  const now = new Date();
  const xml = buildAuthnRequest({ id, issueInstant: now, spEntityId: settings.entityId, acsUrl: urls.acsUrl, ssoUrl: settings.ssoUrl });
  await transact([
    samlStore.requestCreateStep(
      {
        organizationId,
        requestId: id,
        ...(target ? { relayTarget: target } : {}),
        createdAt: now.toISOString(),
        // TTL removes it eventually; the ACS also checks the time itself, as TTL deletion lags.
        expiresAt: Math.floor(now.getTime() / 1000) + REQUEST_LIFETIME_SECONDS,
      },
      () => new ConflictError('SAML request id collision; retry.'),
    ),
    auditStep({ organizationId, action: 'saml.login.started', actor: { actorType: 'anonymous', actorId: 'anonymous' }, origin, target: { type: 'saml-request', id }, details: { method: 'saml' } }),
  ]);
  return { location: redirectUrl(settings.ssoUrl, xml, id, credentials.privateKey), requestId: id };
}
