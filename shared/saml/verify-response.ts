import { X509Certificate, createPublicKey, type KeyObject } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import {
  ENVELOPED_SIGNATURE,
  EXCLUSIVE_C14N,
  SIGNATURE_ALGORITHMS,
  isAllowedDigestAlgorithm,
  isAllowedSignatureAlgorithm,
  isWeakAlgorithm,
  restrictAlgorithms,
} from './algorithms.ts';
import { SamlRejection, type SamlRejectionReason } from './rejection.ts';
import { NS, UnsafeXmlError, allElements, childElements, containsComment, isNamed, parseXmlStrict, singleChild, textOf } from './xml.ts';

/** Largest SAMLResponse accepted, decoded. Real responses are a few KB; 256 KB bounds parsing work. */
export const MAX_RESPONSE_BYTES = 256 * 1024;
/** Tolerated difference between the IdP's clock and ours, for every time window. */
export const CLOCK_SKEW_SECONDS = 120;

const SUCCESS = 'urn:oasis:names:tc:SAML:2.0:status:Success';
const BEARER = 'urn:oasis:names:tc:SAML:2.0:cm:bearer';
/** Attributes xml-crypto treats as element IDs when it resolves a Reference URI. */
const ID_ATTRIBUTES = new Set(['ID', 'Id', 'id']);

/** What the response must match: everything comes from the organization's settings, never from the message. */
export interface ResponsePolicy {
  /**
   * The organization's trusted IdP signing certificates (PEM): the only keys signatures are checked
   * with. A signature verifies when any of them verifies it (an IdP rolling its key over signs with
   * either key while both are listed).
   */
  idpCertificates: readonly string[];
  /** The IdP's entity id; when configured, the assertion's Issuer must equal it. */
  idpEntityId: string | undefined;
  /** Our SP entity id: the Audience. */
  spEntityId: string;
  /** Our ACS URL for this organization: the Destination and the Recipient. */
  acsUrl: string;
  now?: Date;
}

/** The facts of a verified response, all read from signed XML (except where noted). */
export interface VerifiedResponse {
  /** The response's ID (from the unsigned envelope when only the assertion is signed). */
  responseId: string;
  assertionId: string;
  issuer: string;
  /** The request this answers; undefined for IdP-initiated sign-in. Only ever taken from signed XML. */
  inResponseTo: string | undefined;
  nameId: string;
  nameIdFormat: string | undefined;
  /** Attribute values by attribute Name, each the full text content of an AttributeValue. */
  attributes: Record<string, string[]>;
  sessionIndex: string | undefined;
  /** Until when the assertion can be presented (plus skew): how long the replay cache must remember it. */
  usableUntil: Date;
  signed: { response: boolean; assertion: boolean };
}

function reject(reason: SamlRejectionReason, detail?: string): never {
  throw new SamlRejection(reason, detail);
}

/**
 * Decodes the HTTP-POST binding's base64 SAMLResponse, bounded in size and strict about the
 * alphabet and the text encoding (a lenient decoder would silently drop what it does not know).
 */
export function decodeSamlResponse(encoded: string): string {
  const compact = encoded.replace(/[\r\n\t ]+/g, '');
  if (compact.length > Math.ceil(MAX_RESPONSE_BYTES / 3) * 4) reject('response_too_large', `The limit is ${MAX_RESPONSE_BYTES} bytes decoded.`);
  if (compact === '' || compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) reject('invalid_encoding');
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length > MAX_RESPONSE_BYTES) reject('response_too_large', `The limit is ${MAX_RESPONSE_BYTES} bytes decoded.`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return reject('invalid_encoding', 'The decoded response is not UTF-8.');
  }
}

function parse(xml: string) {
  try {
    return parseXmlStrict(xml);
  } catch (error) {
    if (error instanceof UnsafeXmlError) reject(error.kind, error.kind === 'xml_too_deep' ? error.message : undefined);
    throw error;
  }
}

function idOf(element: Element): string {
  return element.getAttribute('ID') ?? '';
}

/** xml-crypto finds a Reference's target by ID/Id/id anywhere: any repeated value is a wrapping attempt. */
function assertUniqueIds(elements: Element[]): void {
  const seen = new Set<string>();
  for (const element of elements) {
    for (let index = 0; index < element.attributes.length; index++) {
      const attribute = element.attributes.item(index);
      if (!attribute || !ID_ATTRIBUTES.has(attribute.localName ?? attribute.name)) continue;
      if (seen.has(attribute.value)) reject('duplicate_id', `ID '${attribute.value.slice(0, 64)}' appears more than once.`);
      seen.add(attribute.value);
    }
  }
}

function algorithmOf(element: Element | undefined | 'multiple'): string {
  if (!element || element === 'multiple') return reject('reference_mismatch', 'The signature is incomplete.');
  return element.getAttribute('Algorithm') ?? '';
}

function checkAlgorithm(uri: string, allowed: (uri: string) => boolean, what: string): void {
  if (isWeakAlgorithm(uri)) reject('weak_algorithm', `${what}: ${uri}.`);
  if (!allowed(uri)) reject('unsupported_algorithm', `${what}: ${uri || '(none)'}.`);
}

/**
 * Checks a signature's shape before any cryptography: SAML's profile of XML Signature (SAML core
 * §5.4) allows one Reference to the ID of the element that contains the signature, the enveloped
 * and exclusive-c14n transforms only, and here only strong algorithms.
 */
function inspectSignature(signature: Element, signed: Element, keys: readonly KeyObject[]): KeyObject[] {
  const signedInfo = singleChild(signature, NS.dsig, 'SignedInfo');
  if (!signedInfo || signedInfo === 'multiple') return reject('reference_mismatch', 'The signature must have one SignedInfo.');
  const c14n = algorithmOf(singleChild(signedInfo, NS.dsig, 'CanonicalizationMethod'));
  checkAlgorithm(c14n, (uri) => uri === EXCLUSIVE_C14N, 'Canonicalization');
  const method = algorithmOf(singleChild(signedInfo, NS.dsig, 'SignatureMethod'));
  checkAlgorithm(method, isAllowedSignatureAlgorithm, 'Signature algorithm');
  const fitting = isAllowedSignatureAlgorithm(method) ? keys.filter((key) => key.asymmetricKeyType === SIGNATURE_ALGORITHMS[method].keyType) : [];
  if (fitting.length === 0) reject('signature_invalid', 'The signature algorithm does not fit any configured certificate.');
  const references = childElements(signedInfo, NS.dsig, 'Reference');
  if (references.length !== 1) reject('reference_mismatch', `The signature has ${references.length} references; exactly one is required.`);
  const reference = references[0] as Element;
  const id = idOf(signed);
  if (id === '' || reference.getAttribute('URI') !== `#${id}`) reject('reference_mismatch');
  const transforms = singleChild(reference, NS.dsig, 'Transforms');
  if (transforms === 'multiple') reject('unsupported_transform');
  for (const transform of transforms ? childElements(transforms) : []) {
    const algorithm = transform.getAttribute('Algorithm') ?? '';
    if (!isNamed(transform, NS.dsig, 'Transform') || (algorithm !== ENVELOPED_SIGNATURE && algorithm !== EXCLUSIVE_C14N)) {
      reject('unsupported_transform', algorithm);
    }
  }
  checkAlgorithm(algorithmOf(singleChild(reference, NS.dsig, 'DigestMethod')), isAllowedDigestAlgorithm, 'Digest algorithm');
  return fitting;
}

/** A verifier that has checked a signature with one key, or undefined when that key does not verify it. */
function verifierFor(xml: string, signature: Element, key: KeyObject): SignedXml | undefined {
  const verifier = restrictAlgorithms(new SignedXml({ publicCert: key, getCertFromKeyInfo: () => null }));
  try {
    verifier.loadSignature(signature as unknown as Parameters<SignedXml['loadSignature']>[0]);
    return verifier.checkSignature(xml) ? verifier : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Verifies one signature with the configured keys only (KeyInfo is never consulted; each key is
 * tried in turn and the first that verifies wins) and returns the element that was actually
 * signed, re-parsed from the canonical bytes xml-crypto hashed — so nothing later can read from a
 * node the signature does not cover.
 */
function verifiedElement(xml: string, signature: Element, signed: Element, keys: readonly KeyObject[]): Element {
  let verifier: SignedXml | undefined;
  for (const key of keys) {
    verifier = verifierFor(xml, signature, key);
    if (verifier) break;
  }
  if (!verifier) return reject('signature_invalid');
  const references = verifier.getSignedReferences();
  if (references.length !== 1) reject('signature_invalid', 'The signature must cover exactly one element.');
  const element = parse(references[0] as string).documentElement as Element;
  if (element.namespaceURI !== signed.namespaceURI || element.localName !== signed.localName || idOf(element) !== idOf(signed)) {
    reject('reference_mismatch');
  }
  return element;
}

function instant(value: string | null, reason: SamlRejectionReason, what: string): number | undefined {
  if (value === null) return undefined;
  const time = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time)) reject(reason, `${what} is not a valid time.`);
  return time;
}

function only(parent: Element, namespace: string, localName: string, reason: SamlRejectionReason): Element | undefined {
  const found = singleChild(parent, namespace, localName);
  if (found === 'multiple') reject(reason, `More than one ${localName}.`);
  return found;
}

/** Text of a value-carrying element in signed XML: every text node, so nothing is cut short. */
function identityText(element: Element): string {
  return textOf(element).trim();
}

/** Elements whose text is an identity or a trust decision. */
const VALUE_ELEMENTS = new Set(['Issuer', 'NameID', 'AttributeValue', 'Audience']);

/**
 * Comment injection ("user@evil.com<!---->.example.com"): c14n drops comments, so the signature
 * still verifies, and a reader that takes the first text node sees another identity. Values are
 * read from the signed canonical XML, where the text is whole; a comment inside a value in the
 * received document is refused outright, as no IdP produces one.
 */
function assertNoCommentsInValues(elements: Element[]): void {
  for (const element of elements) {
    if (element.namespaceURI === NS.assertion && VALUE_ELEMENTS.has(element.localName ?? '') && containsComment(element)) {
      reject('comment_in_value', `In ${element.localName}.`);
    }
  }
}

interface Confirmation {
  inResponseTo: string | undefined;
  notOnOrAfter: number;
}

/** SAML profiles §4.1.4.2–3: a bearer confirmation for our ACS URL that has not expired. */
function bearerConfirmation(subject: Element, policy: ResponsePolicy, now: number, skew: number): Confirmation {
  const bearers = childElements(subject, NS.assertion, 'SubjectConfirmation').filter((confirmation) => confirmation.getAttribute('Method') === BEARER);
  if (bearers.length === 0) reject('no_bearer_confirmation');
  let failure: SamlRejection | undefined;
  for (const bearer of bearers) {
    try {
      const data = only(bearer, NS.assertion, 'SubjectConfirmationData', 'no_bearer_confirmation');
      if (!data) reject('no_bearer_confirmation', 'SubjectConfirmationData is missing.');
      if (data.getAttribute('Recipient') !== policy.acsUrl) reject('recipient_mismatch');
      const notOnOrAfter = instant(data.getAttribute('NotOnOrAfter'), 'subject_confirmation_expired', 'NotOnOrAfter');
      if (notOnOrAfter === undefined) reject('no_bearer_confirmation', 'NotOnOrAfter is missing.');
      if (now - skew >= notOnOrAfter) reject('subject_confirmation_expired');
      const notBefore = instant(data.getAttribute('NotBefore'), 'assertion_not_yet_valid', 'NotBefore');
      if (notBefore !== undefined && now + skew < notBefore) reject('assertion_not_yet_valid');
      return { inResponseTo: data.getAttribute('InResponseTo') ?? undefined, notOnOrAfter };
    } catch (error) {
      if (!(error instanceof SamlRejection)) throw error;
      failure ??= error;
    }
  }
  throw failure;
}

function readAttributes(assertion: Element): Record<string, string[]> {
  const attributes: Record<string, string[]> = {};
  for (const statement of childElements(assertion, NS.assertion, 'AttributeStatement')) {
    for (const attribute of childElements(statement, NS.assertion, 'Attribute')) {
      const name = attribute.getAttribute('Name');
      if (!name) continue;
      const values = childElements(attribute, NS.assertion, 'AttributeValue').map(identityText).filter((value) => value !== '');
      (attributes[name] ??= []).push(...values);
    }
  }
  return attributes;
}

function certificateKey(pem: string): KeyObject {
  try {
    return new X509Certificate(pem).publicKey;
  } catch {
    // The settings API validates certificates, so this is a corrupt or hand-edited setting.
    return createPublicKey(pem);
  }
}

/**
 * Verifies a SAML 2.0 Response from the HTTP-POST binding against an organization's settings and
 * returns the authenticated facts, or throws a SamlRejection with a stable reason code.
 *
 * Signature wrapping defence: the document must be a Response with exactly one Assertion, as its
 * direct child; every ID in the document is unique; signatures may only sit directly inside the
 * Response or the Assertion and must reference exactly that element. What is consumed is the
 * element xml-crypto reports as signed (re-parsed from its canonical form), never a node looked up
 * again in the original document.
 */
export function verifySamlResponse(encoded: string, policy: ResponsePolicy): VerifiedResponse {
  const now = (policy.now ?? new Date()).getTime();
  const skew = CLOCK_SKEW_SECONDS * 1000;
  const xml = decodeSamlResponse(encoded);
  const root = parse(xml).documentElement as Element;
  if (!isNamed(root, NS.protocol, 'Response')) reject('not_a_response');
  if (root.getAttribute('Version') !== '2.0') reject('unsupported_version');

  // Status first: a failed sign-in at the IdP usually carries no assertion, and saying why helps.
  const statusCode = only(root, NS.protocol, 'Status', 'status_not_success');
  const code = statusCode ? only(statusCode, NS.protocol, 'StatusCode', 'status_not_success') : undefined;
  if (code?.getAttribute('Value') !== SUCCESS) reject('status_not_success', `Status: ${(code?.getAttribute('Value') ?? 'missing').slice(0, 200)}.`);

  const elements = allElements(root);
  assertUniqueIds(elements);
  if (elements.some((element) => isNamed(element, NS.assertion, 'EncryptedAssertion'))) reject('encrypted_assertion_unsupported');
  const assertions = elements.filter((element) => isNamed(element, NS.assertion, 'Assertion'));
  if (assertions.length === 0) reject('no_assertion');
  if (assertions.length > 1) reject('multiple_assertions', `Found ${assertions.length}.`);
  const assertion = assertions[0] as Element;
  if (assertion.parentNode !== root) reject('assertion_misplaced');
  assertNoCommentsInValues(elements);

  const signatures = elements.filter((element) => isNamed(element, NS.dsig, 'Signature'));
  for (const signature of signatures) {
    if (signature.parentNode !== root && signature.parentNode !== assertion) reject('signature_misplaced');
  }
  const responseSignatures = childElements(root, NS.dsig, 'Signature');
  const assertionSignatures = childElements(assertion, NS.dsig, 'Signature');
  if (responseSignatures.length > 1 || assertionSignatures.length > 1) reject('signature_misplaced', 'An element carries more than one signature.');
  if (signatures.length === 0) reject('signature_missing');

  const keys = policy.idpCertificates.map(certificateKey);
  const responseSignature = responseSignatures[0];
  const assertionSignature = assertionSignatures[0];
  const responseKeys = responseSignature ? inspectSignature(responseSignature, root, keys) : [];
  const assertionKeys = assertionSignature ? inspectSignature(assertionSignature, assertion, keys) : [];
  const signedResponse = responseSignature ? verifiedElement(xml, responseSignature, root, responseKeys) : undefined;
  const signedAssertionAlone = assertionSignature ? verifiedElement(xml, assertionSignature, assertion, assertionKeys) : undefined;

  // The assertion to consume: inside the signed Response when it is signed, else the signed Assertion.
  let consumed: Element;
  if (signedResponse) {
    const inner = childElements(signedResponse, NS.assertion, 'Assertion');
    if (inner.length !== 1) reject('multiple_assertions');
    consumed = inner[0] as Element;
  } else {
    consumed = signedAssertionAlone as Element;
  }
  if (consumed.getAttribute('Version') !== '2.0') reject('unsupported_version');
  const envelope = signedResponse ?? root;

  const issuerElement = only(consumed, NS.assertion, 'Issuer', 'issuer_mismatch');
  const issuer = issuerElement ? identityText(issuerElement) : '';
  if (issuer === '') reject('issuer_mismatch', 'The assertion names no issuer.');
  if (policy.idpEntityId !== undefined && issuer !== policy.idpEntityId) reject('issuer_mismatch');
  const responseIssuer = only(envelope, NS.assertion, 'Issuer', 'issuer_mismatch');
  if (responseIssuer && identityText(responseIssuer) !== issuer) reject('issuer_mismatch', 'The response and assertion issuers differ.');

  // SAML core §3.2.2 makes Destination optional; the HTTP-POST binding (bindings §3.5.5.2) requires
  // it on a signed message. So: a signed Response must name our ACS; an unsigned one may omit it
  // (the signed assertion's Recipient still pins our ACS), but when present it must be ours.
  const destination = envelope.getAttribute('Destination');
  if (signedResponse && (destination === null || destination === '')) reject('destination_missing');
  if (destination !== null && destination !== policy.acsUrl) reject('destination_mismatch');

  const conditions = only(consumed, NS.assertion, 'Conditions', 'missing_conditions');
  if (!conditions) reject('missing_conditions');
  const notBefore = instant(conditions.getAttribute('NotBefore'), 'assertion_not_yet_valid', 'NotBefore');
  const notOnOrAfter = instant(conditions.getAttribute('NotOnOrAfter'), 'assertion_expired', 'NotOnOrAfter');
  if (notOnOrAfter === undefined) reject('missing_conditions', 'NotOnOrAfter is missing.');
  if (notBefore !== undefined && now + skew < notBefore) reject('assertion_not_yet_valid');
  if (now - skew >= notOnOrAfter) reject('assertion_expired');
  // Every AudienceRestriction must name us (SAML core §2.5.1.4: they all apply).
  const restrictions = childElements(conditions, NS.assertion, 'AudienceRestriction');
  if (restrictions.length === 0) reject('audience_mismatch', 'The assertion has no AudienceRestriction.');
  for (const restriction of restrictions) {
    if (!childElements(restriction, NS.assertion, 'Audience').some((audience) => identityText(audience) === policy.spEntityId)) reject('audience_mismatch');
  }

  const subject = only(consumed, NS.assertion, 'Subject', 'missing_subject');
  if (!subject) reject('missing_subject');
  const nameIdElement = only(subject, NS.assertion, 'NameID', 'missing_subject');
  const confirmation = bearerConfirmation(subject, policy, now, skew);

  // InResponseTo is trusted only from signed XML: the assertion's confirmation, or a signed Response.
  const responseInResponseTo = envelope.getAttribute('InResponseTo') ?? undefined;
  if (responseInResponseTo !== undefined && responseInResponseTo !== confirmation.inResponseTo) {
    if (confirmation.inResponseTo !== undefined || !signedResponse) reject('in_response_to_mismatch');
  }
  const inResponseTo = confirmation.inResponseTo ?? responseInResponseTo;

  const authnStatements = childElements(consumed, NS.assertion, 'AuthnStatement');
  if (authnStatements.length === 0) reject('missing_authn_statement');
  const nameId = nameIdElement ? identityText(nameIdElement) : '';
  if (nameId === '') reject('missing_subject');

  return {
    responseId: root.getAttribute('ID') ?? '',
    assertionId: idOf(consumed),
    issuer,
    inResponseTo,
    nameId,
    nameIdFormat: nameIdElement?.getAttribute('Format') ?? undefined,
    attributes: readAttributes(consumed),
    sessionIndex: authnStatements[0]?.getAttribute('SessionIndex') ?? undefined,
    usableUntil: new Date(Math.min(notOnOrAfter, confirmation.notOnOrAfter) + skew),
    signed: { response: signedResponse !== undefined, assertion: assertionSignature !== undefined },
  };
}
