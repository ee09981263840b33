import { describe, expect, it } from 'vitest';
import { DOMParser, XMLSerializer, type Document, type Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { SamlRejection, type SamlRejectionReason } from '../../../shared/saml/rejection.ts';
import { MAX_RESPONSE_BYTES, verifySamlResponse, type ResponsePolicy } from '../../../shared/saml/verify-response.ts';
import {
  EMAIL_CLAIM,
  NS_ASSERTION,
  NS_DSIG,
  NS_PROTOCOL,
  RSA_SHA1,
  SHA1,
  addSecondAssertion,
  buildResponseXml,
  createTestIdp,
  encode,
  injectCommentInNameId,
  newId,
  signXml,
  signedResponse,
  stripSignatures,
  withDoctype,
  wrapSignature,
  type ResponseOptions,
  type XswVariant,
} from '../../integration/support/saml/test-idp.ts';

const idp = createTestIdp();
const attacker = createTestIdp({ entityId: idp.entityId });
const acsUrl = 'https://platform.example.test/api/identity/v1/saml/acs/11111111-1111-4111-8111-111111111111';
const spEntityId = 'https://platform.example.test/api/identity/v1/saml/metadata?organization=11111111-1111-4111-8111-111111111111';
const policy: ResponsePolicy = { idpCertificates: [idp.certificate], idpEntityId: idp.entityId, spEntityId, acsUrl };
const requestId = newId();
const base: Omit<ResponseOptions, 'issuer'> = { acsUrl, spEntityId, nameId: 'alice@example.com', inResponseTo: requestId, attributes: { [EMAIL_CLAIM]: ['alice@example.com'] } };

function reasonOf(xml: string, overrides: Partial<ResponsePolicy> = {}): SamlRejectionReason | 'accepted' {
  try {
    verifySamlResponse(encode(xml), { ...policy, ...overrides });
    return 'accepted';
  } catch (error) {
    if (error instanceof SamlRejection) return error.reason;
    throw error;
  }
}

function edit(xml: string, change: (root: Element) => void): string {
  const document = new DOMParser().parseFromString(xml, 'text/xml');
  change(document.documentElement as Element);
  return new XMLSerializer().serializeToString(document);
}

describe('verifySamlResponse: controls', () => {
  it.each(['assertion', 'response', 'both'] as const)('accepts a response whose %s is signed, reading identity from the signed XML', (sign) => {
    const verified = verifySamlResponse(encode(signedResponse(idp, base, sign)), policy);
    expect(verified).toMatchObject({ nameId: 'alice@example.com', issuer: idp.entityId, inResponseTo: requestId, attributes: { [EMAIL_CLAIM]: ['alice@example.com'] } });
    expect(verified.signed).toEqual({ response: sign !== 'assertion', assertion: sign !== 'response' });
  });

  it('accepts ECDSA (P-256, ecdsa-sha256) and RSA-SHA512 signatures', () => {
    const ec = createTestIdp({ keyType: 'ec' });
    expect(verifySamlResponse(encode(signedResponse(ec, base)), { ...policy, idpCertificates: [ec.certificate], idpEntityId: ec.entityId }).nameId).toBe('alice@example.com');
    const sha512 = signedResponse(idp, base, 'assertion', { signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512', digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha512' });
    expect(reasonOf(sha512)).toBe('accepted');
  });

  it('accepts IdP-initiated responses (no InResponseTo) at this layer; the ACS decides', () => {
    expect(verifySamlResponse(encode(signedResponse(idp, { ...base, inResponseTo: undefined })), policy).inResponseTo).toBeUndefined();
  });

  it('tolerates two minutes of clock skew and no more', () => {
    const now = new Date();
    const early = signedResponse(idp, { ...base, now, notBefore: new Date(now.getTime() + 100_000) });
    expect(reasonOf(early)).toBe('accepted');
    const tooEarly = signedResponse(idp, { ...base, now, notBefore: new Date(now.getTime() + 130_000) });
    expect(reasonOf(tooEarly)).toBe('assertion_not_yet_valid');
  });

  it('remembers the assertion until its validity ends plus skew', () => {
    const now = new Date();
    const verified = verifySamlResponse(encode(signedResponse(idp, { ...base, now, notOnOrAfter: new Date(now.getTime() + 60_000), subjectNotOnOrAfter: new Date(now.getTime() + 30_000) })), policy);
    expect(verified.usableUntil.getTime()).toBe(now.getTime() + 30_000 + 120_000);
  });
});

describe('verifySamlResponse: XML signature wrapping (XSW1–8)', () => {
  const expected: Record<XswVariant, SamlRejectionReason> = {
    1: 'multiple_assertions',
    2: 'multiple_assertions',
    3: 'multiple_assertions',
    4: 'multiple_assertions',
    5: 'multiple_assertions',
    6: 'multiple_assertions',
    7: 'multiple_assertions',
    8: 'multiple_assertions',
  };
  for (const variant of [1, 2, 3, 4, 5, 6, 7, 8] as const) {
    it(`refuses XSW${variant} (control: the unwrapped response passes)`, () => {
      const signed = signedResponse(idp, base, variant <= 2 ? 'response' : 'assertion');
      expect(reasonOf(signed)).toBe('accepted');
      expect(reasonOf(wrapSignature(signed, variant, 'mallory@example.com'))).toBe(expected[variant]);
    });
  }

  it.each([2, 3, 4, 5, 6, 7, 8] as const)('XSW%i is a real attack: its signature still verifies for a verifier that only checks the cryptography', (variant) => {
    const wrapped = wrapSignature(signedResponse(idp, base, variant <= 2 ? 'response' : 'assertion'), variant, 'mallory@example.com');
    const document = new DOMParser().parseFromString(wrapped, 'text/xml');
    const signature = document.getElementsByTagNameNS(NS_DSIG, 'Signature').item(0);
    const naive = new SignedXml({ publicCert: idp.certificate, getCertFromKeyInfo: () => null });
    naive.loadSignature(signature as unknown as Parameters<SignedXml['loadSignature']>[0]);
    expect(naive.checkSignature(wrapped)).toBe(true);
    // …while the assertion a naive reader takes (Response/Assertion) names the attacker's choice.
    const root = document.documentElement as Element;
    const direct = Array.from(root.getElementsByTagNameNS(NS_ASSERTION, 'Assertion')).find((assertion) => assertion.parentNode === root);
    const subject = Array.from(direct?.getElementsByTagNameNS(NS_ASSERTION, 'Subject') ?? []).find((candidate) => candidate.parentNode === direct);
    expect(subject?.getElementsByTagNameNS(NS_ASSERTION, 'NameID').item(0)?.textContent).toBe('mallory@example.com');
  });

  it('refuses the only assertion moved out of place (inside Extensions) even without a second one', () => {
    const signed = signedResponse(idp, base);
    const moved = edit(signed, (root) => {
      const assertion = root.getElementsByTagNameNS(NS_ASSERTION, 'Assertion').item(0) as Element;
      const extensions = (root.ownerDocument as Document).createElementNS(NS_PROTOCOL, 'samlp:Extensions');
      root.removeChild(assertion);
      extensions.appendChild(assertion);
      root.appendChild(extensions);
    });
    expect(reasonOf(moved)).toBe('assertion_misplaced');
  });

  it('refuses a signature that is not a direct child of the element it signs', () => {
    const signed = signedResponse(idp, base);
    const moved = edit(signed, (root) => {
      const signature = root.getElementsByTagNameNS(NS_DSIG, 'Signature').item(0) as Element;
      const extensions = (root.ownerDocument as Document).createElementNS(NS_PROTOCOL, 'samlp:Extensions');
      signature.parentNode?.removeChild(signature);
      extensions.appendChild(signature);
      root.insertBefore(extensions, root.firstChild);
    });
    expect(reasonOf(moved)).toBe('signature_misplaced');
  });

  it('refuses a signature inside the assertion that references the response', () => {
    const signed = signXml(buildResponseXml({ issuer: idp.entityId, ...base }), 'response', idp);
    const moved = edit(signed, (root) => {
      const signature = root.getElementsByTagNameNS(NS_DSIG, 'Signature').item(0) as Element;
      const assertion = root.getElementsByTagNameNS(NS_ASSERTION, 'Assertion').item(0) as Element;
      root.removeChild(signature);
      assertion.insertBefore(signature, assertion.firstChild?.nextSibling ?? null);
    });
    expect(reasonOf(moved)).toBe('reference_mismatch');
  });

  it('refuses duplicate IDs anywhere in the document', () => {
    const signed = signedResponse(idp, base);
    const duplicated = edit(signed, (root) => {
      const assertion = root.getElementsByTagNameNS(NS_ASSERTION, 'Assertion').item(0) as Element;
      const status = root.getElementsByTagNameNS(NS_PROTOCOL, 'Status').item(0) as Element;
      status.setAttribute('ID', assertion.getAttribute('ID') ?? '');
    });
    expect(reasonOf(duplicated)).toBe('duplicate_id');
  });
});

describe('verifySamlResponse: signatures and keys', () => {
  it('refuses an unsigned response (signature exclusion)', () => {
    expect(reasonOf(stripSignatures(signedResponse(idp, base, 'both')))).toBe('signature_missing');
  });

  it('ignores KeyInfo: an attacker signing with their own key and embedding their certificate is refused', () => {
    const forged = signedResponse(attacker, { ...base, nameId: 'mallory@example.com' }, 'both');
    expect(forged).toContain('X509Certificate');
    expect(reasonOf(forged)).toBe('signature_invalid');
    // Control: the same response verifies when the organization trusts that certificate.
    expect(reasonOf(forged, { idpCertificates: [attacker.certificate] })).toBe('accepted');
  });

  it('refuses content changed after signing', () => {
    const tampered = signedResponse(idp, base).replace('alice@example.com</saml:NameID>', 'admin@example.com</saml:NameID>');
    expect(reasonOf(tampered)).toBe('signature_invalid');
  });

  it('refuses an RSA-SHA1 signature and a SHA-1 digest', () => {
    expect(reasonOf(signedResponse(idp, base, 'assertion', { signatureAlgorithm: RSA_SHA1, digestAlgorithm: SHA1, unrestricted: true }))).toBe('weak_algorithm');
    expect(reasonOf(signedResponse(idp, base, 'assertion', { digestAlgorithm: SHA1, unrestricted: true }))).toBe('weak_algorithm');
  });

  it('refuses a signature whose algorithm does not fit the configured key', () => {
    const ec = createTestIdp({ keyType: 'ec', entityId: idp.entityId });
    expect(reasonOf(signedResponse(ec, base))).toBe('signature_invalid');
  });

  it('refuses an encrypted assertion with a clear reason', () => {
    const encrypted = edit(signedResponse(idp, base), (root) => {
      const assertion = root.getElementsByTagNameNS(NS_ASSERTION, 'Assertion').item(0) as Element;
      const wrapper = (root.ownerDocument as Document).createElementNS(NS_ASSERTION, 'saml:EncryptedAssertion');
      root.replaceChild(wrapper, assertion);
    });
    expect(reasonOf(encrypted)).toBe('encrypted_assertion_unsupported');
  });

  it('refuses two assertions, even when each is validly signed', () => {
    const signed = signedResponse(idp, base);
    const other = signedResponse(idp, { ...base, nameId: 'bob@example.com' });
    expect(reasonOf(addSecondAssertion(signed, other))).toBe('multiple_assertions');
  });
});

describe('verifySamlResponse: parsing limits', () => {
  it('refuses a DOCTYPE (entity expansion) before parsing', () => {
    expect(reasonOf(withDoctype(signedResponse(idp, base)))).toBe('dtd_forbidden');
  });

  it('refuses malformed XML, bad base64 and oversized input', () => {
    expect(reasonOf('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol">')).toBe('malformed_xml');
    expect(() => verifySamlResponse('not base64!', policy)).toThrow(expect.objectContaining({ reason: 'invalid_encoding' }));
    expect(() => verifySamlResponse('A'.repeat(Math.ceil(MAX_RESPONSE_BYTES / 3) * 4 + 4), policy)).toThrow(expect.objectContaining({ reason: 'response_too_large' }));
    expect(reasonOf('<Response/>')).toBe('not_a_response');
  });
});

describe('verifySamlResponse: comment injection', () => {
  it('refuses a comment inside the NameID (control: the same response without it passes)', () => {
    const signed = signedResponse(idp, { ...base, nameId: 'alice@example.com.evil.test' });
    expect(reasonOf(signed)).toBe('accepted');
    const injected = injectCommentInNameId(signed, 'alice@example.com'.length);
    expect(injected).toContain('alice@example.com<!---->.evil.test');
    expect(reasonOf(injected)).toBe('comment_in_value');
  });
});

describe('verifySamlResponse: what the assertion must say', () => {
  const cases: [string, Partial<ResponseOptions>, SamlRejectionReason][] = [
    ['a wrong audience', { audience: 'https://other-sp.example.test' }, 'audience_mismatch'],
    ['a wrong recipient', { recipient: 'https://evil.example.test/acs' }, 'recipient_mismatch'],
    ['a wrong destination', { destination: 'https://evil.example.test/acs' }, 'destination_mismatch'],
    ['another issuer', { issuer: 'https://other-idp.example.test' }, 'issuer_mismatch'],
    ['an expired assertion', { now: new Date(Date.now() - 20 * 60_000) }, 'assertion_expired'],
    ['a not yet valid assertion', { notBefore: new Date(Date.now() + 10 * 60_000), notOnOrAfter: new Date(Date.now() + 20 * 60_000) }, 'assertion_not_yet_valid'],
    ['an expired subject confirmation', { subjectNotOnOrAfter: new Date(Date.now() - 5 * 60_000) }, 'subject_confirmation_expired'],
    ['a failed status', { status: 'urn:oasis:names:tc:SAML:2.0:status:Responder' }, 'status_not_success'],
  ];
  it.each(cases)('refuses %s', (_label, overrides, reason) => {
    expect(reasonOf(signedResponse(idp, base))).toBe('accepted');
    expect(reasonOf(signedResponse(idp, { ...base, ...overrides }))).toBe(reason);
  });

  it('refuses InResponseTo values that disagree between the response and the assertion', () => {
    const signed = signedResponse(idp, base, 'assertion');
    const changed = edit(signed, (root) => root.setAttribute('InResponseTo', newId()));
    expect(reasonOf(changed)).toBe('in_response_to_mismatch');
  });

  it('does not trust an InResponseTo added to an unsigned response around an IdP-initiated assertion', () => {
    const signed = signedResponse(idp, { ...base, inResponseTo: undefined }, 'assertion');
    expect(reasonOf(edit(signed, (root) => root.setAttribute('InResponseTo', requestId)))).toBe('in_response_to_mismatch');
  });

  it('checks the issuer only against the configured IdP entity id', () => {
    expect(reasonOf(signedResponse(idp, { ...base, issuer: 'https://renamed-idp.example.test' }), { idpEntityId: undefined })).toBe('accepted');
  });
});
