import { generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { createSelfSignedCertificate, type CertificateHash } from '../../../../shared/saml/certificates.ts';
import { ENVELOPED_SIGNATURE, EXCLUSIVE_C14N, restrictAlgorithms } from '../../../../shared/saml/algorithms.ts';

/**
 * A SAML identity provider for tests: its own key pair and self-signed certificate, and responses
 * built and signed with xml-crypto the way Entra ID and Okta build them. Attack helpers take a
 * correctly signed response and rewrite it the way an attacker would.
 */
export const NS_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
export const NS_ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';
export const NS_DSIG = 'http://www.w3.org/2000/09/xmldsig#';
export const EMAIL_CLAIM = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress';
export const GIVEN_NAME_CLAIM = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname';
export const SURNAME_CLAIM = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname';

export const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
export const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';
export const ECDSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';
export const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
export const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';

export interface TestIdp {
  entityId: string;
  privateKey: KeyObject;
  certificate: string;
}

export interface TestIdpOptions {
  entityId?: string;
  keyType?: 'rsa' | 'ec';
  rsaBits?: number;
  notBefore?: Date;
  notAfter?: Date;
  certificateHash?: CertificateHash;
}

export function createTestIdp(options: TestIdpOptions = {}): TestIdp {
  const pair = options.keyType === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: options.rsaBits ?? 2048 });
  const certificate = createSelfSignedCertificate({
    privateKey: pair.privateKey,
    publicKey: pair.publicKey,
    commonName: 'Test IdP',
    notBefore: options.notBefore ?? new Date(Date.now() - 3_600_000),
    notAfter: options.notAfter ?? new Date(Date.now() + 365 * 86_400_000),
    hash: options.certificateHash ?? 'sha256',
  });
  return { entityId: options.entityId ?? `https://idp.example.test/${randomBytes(6).toString('hex')}`, privateKey: pair.privateKey, certificate };
}

export const newId = () => `_${randomBytes(16).toString('hex')}`;

export interface ResponseOptions {
  issuer: string;
  acsUrl: string;
  spEntityId: string;
  nameId: string;
  /** The AuthnRequest ID answered; omitted for IdP-initiated responses. */
  inResponseTo?: string;
  attributes?: Record<string, string[]>;
  /** The Response's Destination; null leaves the attribute out (SAML core makes it optional). */
  destination?: string | null;
  recipient?: string;
  audience?: string;
  now?: Date;
  notBefore?: Date;
  notOnOrAfter?: Date;
  subjectNotOnOrAfter?: Date;
  status?: string;
  responseId?: string;
  assertionId?: string;
  /** Raw XML for the NameID's content (for comment injection). */
  nameIdXml?: string;
}

const escape = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

/** An unsigned Response in the shape Entra ID sends (samlp/saml prefixes, Issuer first). */
export function buildResponseXml(options: ResponseOptions): string {
  const now = options.now ?? new Date();
  const iso = (date: Date) => date.toISOString();
  const notBefore = options.notBefore ?? new Date(now.getTime() - 60_000);
  const notOnOrAfter = options.notOnOrAfter ?? new Date(now.getTime() + 5 * 60_000);
  const subjectNotOnOrAfter = options.subjectNotOnOrAfter ?? notOnOrAfter;
  const inResponseTo = options.inResponseTo ? ` InResponseTo="${options.inResponseTo}"` : '';
  const attributes = Object.entries(options.attributes ?? {})
    .map(([name, values]) => `<saml:Attribute Name="${escape(name)}">${values.map((value) => `<saml:AttributeValue>${escape(value)}</saml:AttributeValue>`).join('')}</saml:Attribute>`)
    .join('');
  return (
    `<samlp:Response xmlns:samlp="${NS_PROTOCOL}" xmlns:saml="${NS_ASSERTION}" ID="${options.responseId ?? newId()}" Version="2.0" IssueInstant="${iso(now)}"${options.destination === null ? '' : ` Destination="${escape(options.destination ?? options.acsUrl)}"`}${inResponseTo}>` +
    `<saml:Issuer>${escape(options.issuer)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="${options.status ?? 'urn:oasis:names:tc:SAML:2.0:status:Success'}"/></samlp:Status>` +
    `<saml:Assertion ID="${options.assertionId ?? newId()}" Version="2.0" IssueInstant="${iso(now)}">` +
    `<saml:Issuer>${escape(options.issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">${options.nameIdXml ?? escape(options.nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData${inResponseTo} NotOnOrAfter="${iso(subjectNotOnOrAfter)}" Recipient="${escape(options.recipient ?? options.acsUrl)}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(notBefore)}" NotOnOrAfter="${iso(notOnOrAfter)}"><saml:AudienceRestriction><saml:Audience>${escape(options.audience ?? options.spEntityId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    (attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '') +
    `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${newId()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `</saml:Assertion></samlp:Response>`
  );
}

export interface SignOptions {
  signatureAlgorithm?: string;
  digestAlgorithm?: string;
  /** Leave the xml-crypto defaults (SHA-1 allowed) in place, to produce weak signatures. */
  unrestricted?: boolean;
}

/** Signs the Assertion or the Response with an enveloped signature right after its Issuer, KeyInfo included. */
export function signXml(xml: string, target: 'assertion' | 'response', signer: { privateKey: KeyObject; certificate: string }, options: SignOptions = {}): string {
  const element = target === 'assertion' ? "//*[local-name(.)='Assertion']" : '/*';
  const signatureAlgorithm = options.signatureAlgorithm ?? (signer.privateKey.asymmetricKeyType === 'ec' ? ECDSA_SHA256 : RSA_SHA256);
  const signedXml = new SignedXml({ privateKey: signer.privateKey, publicCert: signer.certificate, signatureAlgorithm, canonicalizationAlgorithm: EXCLUSIVE_C14N });
  if (!options.unrestricted) restrictAlgorithms(signedXml);
  signedXml.addReference({ xpath: element, transforms: [ENVELOPED_SIGNATURE, EXCLUSIVE_C14N], digestAlgorithm: options.digestAlgorithm ?? SHA256 });
  signedXml.computeSignature(xml, { prefix: 'ds', location: { reference: `${element}/*[local-name(.)='Issuer']`, action: 'after' } });
  return signedXml.getSignedXml();
}

/** A response signed the way the IdP is configured to: the assertion (Entra's default), the response, or both (Okta's). */
export function signedResponse(idp: TestIdp, options: Omit<ResponseOptions, 'issuer'> & { issuer?: string }, sign: 'assertion' | 'response' | 'both' = 'assertion', signOptions: SignOptions = {}): string {
  let xml = buildResponseXml({ issuer: idp.entityId, ...options });
  if (sign !== 'response') xml = signXml(xml, 'assertion', idp, signOptions);
  if (sign !== 'assertion') xml = signXml(xml, 'response', idp, signOptions);
  return xml;
}

export function encode(xml: string): string {
  return Buffer.from(xml, 'utf8').toString('base64');
}

// --- Attacks ---

function parse(xml: string): Document {
  return new DOMParser().parseFromString(xml, 'text/xml');
}

function serialize(document: Document): string {
  return new XMLSerializer().serializeToString(document);
}

function child(parent: Element, namespace: string, localName: string): Element {
  for (let node = parent.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).namespaceURI === namespace && (node as Element).localName === localName) return node as Element;
  }
  throw new Error(`no ${localName} under ${parent.localName}`);
}

function descendant(root: Element, namespace: string, localName: string): Element {
  const found = root.getElementsByTagNameNS(namespace, localName).item(0);
  if (!found) throw new Error(`no ${localName}`);
  return found;
}

/** Turns an assertion copy into the attacker's: another subject (and a fresh ID when asked). */
function makeEvil(assertion: Element, evilNameId: string, newIdentity: boolean): Element {
  const evil = assertion.cloneNode(true) as Element;
  if (newIdentity) evil.setAttribute('ID', newId());
  const nameId = descendant(evil, NS_ASSERTION, 'NameID');
  while (nameId.firstChild) nameId.removeChild(nameId.firstChild);
  nameId.appendChild((evil.ownerDocument as Document).createTextNode(evilNameId));
  for (const value of Array.from(evil.getElementsByTagNameNS(NS_ASSERTION, 'AttributeValue'))) {
    if (value.textContent?.includes('@')) {
      while (value.firstChild) value.removeChild(value.firstChild);
      value.appendChild((evil.ownerDocument as Document).createTextNode(evilNameId));
    }
  }
  return evil;
}

function removeSignature(element: Element): void {
  for (let node = element.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).localName === 'Signature') {
      element.removeChild(node);
      return;
    }
  }
}

export type XswVariant = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

/**
 * The eight XML Signature Wrapping variants of Somorovsky et al., "On Breaking SAML: Be Whoever
 * You Want to Be" (USENIX Security 2012), as SAML Raider applies them. XSW1–2 need a signed
 * Response, XSW3–8 a signed Assertion. In each, the signed original stays somewhere the signature
 * still verifies while an attacker's assertion (naming `evilNameId`) sits where a naive SP reads.
 */
export function wrapSignature(xml: string, variant: XswVariant, evilNameId: string): string {
  const document = parse(xml);
  const response = document.documentElement as Element;
  const assertion = child(response, NS_ASSERTION, 'Assertion');
  switch (variant) {
    case 1: {
      // Evil response (new ID) on top; the original signed response inside the copied Signature.
      const evilResponse = response.cloneNode(true) as Element;
      evilResponse.setAttribute('ID', newId());
      const evilAssertion = child(evilResponse, NS_ASSERTION, 'Assertion');
      evilResponse.replaceChild(makeEvil(evilAssertion, evilNameId, true), evilAssertion);
      const signature = child(evilResponse, NS_DSIG, 'Signature');
      signature.appendChild(response.cloneNode(true));
      document.replaceChild(evilResponse, response);
      break;
    }
    case 2: {
      // Evil response on top; the original response (detached from its signature) before the signature.
      const evilResponse = response.cloneNode(true) as Element;
      evilResponse.setAttribute('ID', newId());
      const evilAssertion = child(evilResponse, NS_ASSERTION, 'Assertion');
      evilResponse.replaceChild(makeEvil(evilAssertion, evilNameId, true), evilAssertion);
      const original = response.cloneNode(true) as Element;
      removeSignature(original);
      const signature = child(evilResponse, NS_DSIG, 'Signature');
      evilResponse.insertBefore(original, signature);
      document.replaceChild(evilResponse, response);
      break;
    }
    case 3: {
      // An unsigned evil assertion (new ID) before the signed original.
      const evil = makeEvil(assertion, evilNameId, true);
      removeSignature(evil);
      response.insertBefore(evil, assertion);
      break;
    }
    case 4: {
      // The signed original moved inside the evil assertion.
      const evil = makeEvil(assertion, evilNameId, true);
      removeSignature(evil);
      response.replaceChild(evil, assertion);
      evil.appendChild(assertion);
      break;
    }
    case 5: {
      // The evil assertion keeps the original's signature; the original (unsigned) goes last.
      const evil = makeEvil(assertion, evilNameId, true);
      response.replaceChild(evil, assertion);
      removeSignature(assertion);
      response.appendChild(assertion);
      break;
    }
    case 6: {
      // As 5, but the original (unsigned) hides inside the signature the evil assertion carries.
      const evil = makeEvil(assertion, evilNameId, true);
      response.replaceChild(evil, assertion);
      removeSignature(assertion);
      child(evil, NS_DSIG, 'Signature').appendChild(assertion);
      break;
    }
    case 7: {
      // The signed original inside samlp:Extensions (schema-valid "anything" content); the evil one in its place.
      const evil = makeEvil(assertion, evilNameId, true);
      removeSignature(evil);
      const extensions = document.createElementNS(NS_PROTOCOL, 'samlp:Extensions');
      response.replaceChild(evil, assertion);
      extensions.appendChild(assertion);
      response.insertBefore(extensions, child(response, NS_PROTOCOL, 'Status'));
      break;
    }
    case 8: {
      // The evil assertion carries the signature, with the original (unsigned) inside a ds:Object.
      const evil = makeEvil(assertion, evilNameId, true);
      response.replaceChild(evil, assertion);
      removeSignature(assertion);
      const object = document.createElementNS(NS_DSIG, 'ds:Object');
      object.appendChild(assertion);
      child(evil, NS_DSIG, 'Signature').appendChild(object);
      break;
    }
  }
  return serialize(document);
}

/** Signature exclusion: every Signature element removed. */
export function stripSignatures(xml: string): string {
  const document = parse(xml);
  for (const signature of Array.from(document.getElementsByTagNameNS(NS_DSIG, 'Signature'))) signature.parentNode?.removeChild(signature);
  return serialize(document);
}

/** Comment injection: a comment inserted into the NameID after signing (c14n ignores it, so the signature holds). */
export function injectCommentInNameId(xml: string, at: number): string {
  const document = parse(xml);
  const nameId = descendant(document.documentElement as Element, NS_ASSERTION, 'NameID');
  const text = nameId.textContent ?? '';
  while (nameId.firstChild) nameId.removeChild(nameId.firstChild);
  nameId.appendChild(document.createTextNode(text.slice(0, at)));
  nameId.appendChild(document.createComment(''));
  nameId.appendChild(document.createTextNode(text.slice(at)));
  return serialize(document);
}

/** Appends a second, separately signed assertion (e.g. one issued to another user). */
export function addSecondAssertion(xml: string, otherSignedXml: string): string {
  const document = parse(xml);
  const other = parse(otherSignedXml).documentElement as Element;
  const assertion = child(other, NS_ASSERTION, 'Assertion');
  document.documentElement?.appendChild(document.importNode(assertion, true));
  return serialize(document);
}

/** Prepends a DTD with an entity (a billion-laughs style payload is refused the same way). */
export function withDoctype(xml: string): string {
  return xml.replace(
    /^<samlp:Response/,
    '<!DOCTYPE samlp:Response [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><samlp:Response',
  );
}
