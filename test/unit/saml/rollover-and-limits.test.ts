import { X509Certificate } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { DOMParser, XMLSerializer, type Element } from '@xmldom/xmldom';

vi.stubEnv('TABLE_NAME', 'identity-platform');
vi.stubEnv('PUBLIC_BASE_URL', 'https://id.example.test');

const { CertificateError, MAX_IDP_CERTIFICATES, certificateStatus, certificateWarnings, orderCertificates, splitCertificates, validateIdpCertificates } = await import('../../../shared/saml/certificates.ts');
const { MAX_XML_DEPTH, UnsafeXmlError, parseXmlStrict, xmlNestingDepth } = await import('../../../shared/saml/xml.ts');
const { parseIdpMetadata } = await import('../../../shared/saml/idp-metadata.ts');
const { metadataOrganization } = await import('../../../shared/saml/sp-metadata.ts');
const { SamlRejection } = await import('../../../shared/saml/rejection.ts');
const { verifySamlResponse } = await import('../../../shared/saml/verify-response.ts');
const { EMAIL_CLAIM, createTestIdp, encode, newId, signXml, signedResponse, buildResponseXml } = await import('../../integration/support/saml/test-idp.ts');

const DAY = 86_400_000;
const now = new Date();
const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

describe('IdP signing certificates during a key rollover', () => {
  const current = createTestIdp({ notAfter: new Date(now.getTime() + 20 * DAY) });
  const next = createTestIdp({ entityId: current.entityId, notAfter: new Date(now.getTime() + 400 * DAY) });

  it('splits a field of several PEM blocks, keeps bare base64 as one, and refuses other PEM blocks', () => {
    expect(splitCertificates(`${current.certificate}\n${next.certificate}`)).toHaveLength(2);
    const bare = current.certificate.replace(/-----[A-Z ]+-----|\s+/g, '');
    expect(splitCertificates(bare)).toEqual([bare]);
    expect(() => splitCertificates(`${current.certificate}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----`)).toThrow(/not a CERTIFICATE/);
    expect(() => splitCertificates('-----BEGIN CERTIFICATE-----\nAAAA')).toThrow(CertificateError);
  });

  it('keeps each certificate once, primary first (the valid one that expires last), at most the maximum', () => {
    const kept = validateIdpCertificates([current.certificate, next.certificate, current.certificate], now);
    expect(kept.map((info) => info.fingerprint)).toEqual([fingerprint(next.certificate), fingerprint(current.certificate)]);
    expect(kept[0]).toMatchObject({ subject: 'CN=Test IdP', notAfter: new Date(new X509Certificate(next.certificate).validTo).toISOString() });
    const many = Array.from({ length: MAX_IDP_CERTIFICATES + 1 }, () => createTestIdp().certificate);
    expect(() => validateIdpCertificates(many, now)).toThrow(`${MAX_IDP_CERTIFICATES + 1} certificates were sent; at most ${MAX_IDP_CERTIFICATES} are kept.`);
    expect(() => validateIdpCertificates([], now)).toThrow(/At least one/);
  });

  it('names which certificate of a list it refuses', () => {
    const weak = createTestIdp({ rsaBits: 1024 });
    expect(() => validateIdpCertificates([current.certificate, weak.certificate], now)).toThrow(/^Certificate 2 of 2: .*1024 bits/);
  });

  it('orders valid, then not yet valid, then expired certificates', () => {
    const infos = [
      { name: 'expired', notBefore: '2020-01-01T00:00:00.000Z', notAfter: new Date(now.getTime() - DAY).toISOString() },
      { name: 'future', notBefore: new Date(now.getTime() + DAY).toISOString(), notAfter: new Date(now.getTime() + 900 * DAY).toISOString() },
      { name: 'valid-short', notBefore: '2020-01-01T00:00:00.000Z', notAfter: new Date(now.getTime() + 10 * DAY).toISOString() },
      { name: 'valid-long', notBefore: '2020-01-01T00:00:00.000Z', notAfter: new Date(now.getTime() + 100 * DAY).toISOString() },
    ];
    expect(orderCertificates(infos, now).map((info) => info.name)).toEqual(['valid-long', 'valid-short', 'future', 'expired']);
    expect(infos.map((info) => certificateStatus(info, now))).toEqual(['expired', 'not_yet_valid', 'valid', 'valid']);
  });

  describe('warnings', () => {
    const at = (days: number) => new Date(now.getTime() + days * DAY).toISOString();
    const cert = (id: string, notBefore: number, notAfter: number) => ({ fingerprint: id, notBefore: at(notBefore), notAfter: at(notAfter) });

    it('warns when the only valid certificate expires within 30 days', () => {
      expect(certificateWarnings([cert('A', -100, 29)], now)).toEqual([expect.objectContaining({ code: 'certificate_expiring', fingerprint: 'A', message: expect.stringContaining('The only valid IdP certificate expires on') })]);
      expect(certificateWarnings([cert('A', -100, 31)], now)).toEqual([]);
    });

    it('stays quiet once the successor is configured, valid now or later', () => {
      expect(certificateWarnings([cert('A', -100, 10), cert('B', -1, 400)], now)).toEqual([]);
      expect(certificateWarnings([cert('A', -100, 10), cert('B', 5, 400)], now)).toEqual([]);
    });

    it('warns when every valid certificate expires within 30 days', () => {
      const warnings = certificateWarnings([cert('A', -100, 10), cert('B', -100, 20)], now);
      expect(warnings).toEqual([expect.objectContaining({ code: 'certificate_expiring', fingerprint: 'B', message: expect.stringContaining('Every valid IdP certificate expires by') })]);
    });

    it('names each expired certificate, and says when none is valid', () => {
      expect(certificateWarnings([cert('OLD', -400, -1), cert('NEW', -1, 400)], now)).toEqual([expect.objectContaining({ code: 'certificate_expired', fingerprint: 'OLD' })]);
      expect(certificateWarnings([cert('OLD', -400, -1)], now).map((warning) => warning.code)).toEqual(['certificate_expired', 'no_valid_certificate']);
    });
  });

  it('reads every signing certificate from IdP metadata, leaving expired ones out', () => {
    const expired = createTestIdp({ notBefore: new Date(now.getTime() - 400 * DAY), notAfter: new Date(now.getTime() - DAY) });
    const body = (pem: string) => pem.replace(/-----[A-Z ]+-----|\s+/g, '');
    const key = (pem: string, use = 'signing') => `<md:KeyDescriptor use="${use}"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${body(pem)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>`;
    const encryption = createTestIdp();
    const xml =
      `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.test"><md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
      `${key(current.certificate)}${key(next.certificate)}${key(expired.certificate)}${key(encryption.certificate, 'encryption')}` +
      `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.test/sso"/></md:IDPSSODescriptor></md:EntityDescriptor>`;
    const parsed = parseIdpMetadata(xml, now);
    expect(parsed.certificates.map(fingerprint)).toEqual([fingerprint(current.certificate), fingerprint(next.certificate)]);
    expect(parsed.expiredCertificates).toBe(1);
  });
});

describe('verifying a response against several trusted certificates', () => {
  const acsUrl = 'https://id.example.test/api/identity/v1/saml/acs/11111111-1111-4111-8111-111111111111';
  const spEntityId = 'https://id.example.test/api/identity/v1/saml/metadata?organization=11111111-1111-4111-8111-111111111111';
  const current = createTestIdp();
  const next = createTestIdp({ entityId: current.entityId });
  const ec = createTestIdp({ entityId: current.entityId, keyType: 'ec' });
  const stranger = createTestIdp({ entityId: current.entityId });
  const base = { acsUrl, spEntityId, nameId: 'alice@example.com', inResponseTo: newId(), attributes: { [EMAIL_CLAIM]: ['alice@example.com'] } };
  const policy = { idpCertificates: [current.certificate, next.certificate, ec.certificate], idpEntityId: current.entityId, spEntityId, acsUrl };
  const reasonOf = (xml: string, overrides: Partial<typeof policy> = {}) => {
    try {
      verifySamlResponse(encode(xml), { ...policy, ...overrides });
      return 'accepted';
    } catch (error) {
      if (error instanceof SamlRejection) return error.reason;
      throw error;
    }
  };

  it.each([
    ['the current key', current],
    ['the next key', next],
    ['an EC key listed beside RSA keys', ec],
  ])('accepts a response signed with %s', (_label, signer) => {
    for (const sign of ['assertion', 'response', 'both'] as const) expect(reasonOf(signedResponse(signer, base, sign)), sign).toBe('accepted');
  });

  it('refuses a key that is not listed, and the listed keys once one is removed', () => {
    expect(reasonOf(signedResponse(stranger, base))).toBe('signature_invalid');
    expect(reasonOf(signedResponse(next, base), { idpCertificates: [current.certificate] })).toBe('signature_invalid');
    expect(reasonOf(signedResponse(ec, base), { idpCertificates: [current.certificate, next.certificate] })).toBe('signature_invalid');
  });
});

describe('Destination (SAML core §3.2.2 optional; bindings §3.5.5.2 required on signed messages)', () => {
  const acsUrl = 'https://id.example.test/api/identity/v1/saml/acs/11111111-1111-4111-8111-111111111111';
  const spEntityId = 'https://id.example.test/sp';
  const idp = createTestIdp();
  const policy = { idpCertificates: [idp.certificate], idpEntityId: idp.entityId, spEntityId, acsUrl };
  const base = { acsUrl, spEntityId, nameId: 'alice@example.com', inResponseTo: newId() };
  const reasonOf = (xml: string) => {
    try {
      verifySamlResponse(encode(xml), policy);
      return 'accepted';
    } catch (error) {
      if (error instanceof SamlRejection) return error.reason;
      throw error;
    }
  };

  it('accepts an unsigned Response without Destination around a signed Assertion for our ACS', () => {
    expect(reasonOf(signedResponse(idp, { ...base, destination: null }, 'assertion'))).toBe('accepted');
  });

  it('requires Destination on a signed Response', () => {
    expect(reasonOf(signedResponse(idp, base, 'response'))).toBe('accepted');
    expect(reasonOf(signedResponse(idp, { ...base, destination: null }, 'response'))).toBe('destination_missing');
    expect(reasonOf(signedResponse(idp, { ...base, destination: null }, 'both'))).toBe('destination_missing');
  });

  it('checks Destination whenever it is present, signed or not', () => {
    expect(reasonOf(signedResponse(idp, { ...base, destination: 'https://other.example/acs' }, 'assertion'))).toBe('destination_mismatch');
    expect(reasonOf(signedResponse(idp, { ...base, destination: 'https://other.example/acs' }, 'response'))).toBe('destination_mismatch');
  });

  it('does not let an unsigned Destination stand in for the signed Recipient', () => {
    expect(reasonOf(signedResponse(idp, { ...base, destination: null, recipient: 'https://other.example/acs' }, 'assertion'))).toBe('recipient_mismatch');
  });
});

describe('XML nesting depth', () => {
  const nested = (levels: number, inner = '') => `${'<a>'.repeat(levels)}${inner}${'</a>'.repeat(levels)}`;

  it('measures depth from the text alone', () => {
    expect(xmlNestingDepth('<a/>')).toBe(1);
    expect(xmlNestingDepth(nested(3))).toBe(3);
    expect(xmlNestingDepth('<?xml version="1.0"?><r><a/><b x="1"/><c><d/></c></r>')).toBe(3);
    // '>' and '<' inside comments, CDATA, processing instructions and attribute values open nothing.
    expect(xmlNestingDepth(`<r><!-- <a><b><c> --><![CDATA[<a><b><c>]]><?pi <a><b> ?><e x="a>b" y='<c>'/></r>`)).toBe(2);
    expect(xmlNestingDepth('<r a="/"></r>')).toBe(1);
  });

  it('stops early once the limit is passed', () => {
    expect(xmlNestingDepth(nested(100_000), 5)).toBe(6);
  });

  it(`parses ${MAX_XML_DEPTH} levels and refuses one more, before parsing`, () => {
    expect(parseXmlStrict(nested(MAX_XML_DEPTH)).documentElement?.localName).toBe('a');
    expect(() => parseXmlStrict(nested(MAX_XML_DEPTH + 1))).toThrow(expect.objectContaining({ kind: 'xml_too_deep' }));
    expect(() => parseXmlStrict(nested(MAX_XML_DEPTH + 1))).toThrow(UnsafeXmlError);
  });

  it('refuses a SAML response nested thousands of levels deep with a 400 reason, quickly', () => {
    const idp = createTestIdp();
    const acsUrl = 'https://id.example.test/acs';
    const policy = { idpCertificates: [idp.certificate], idpEntityId: undefined, spEntityId: 'https://sp', acsUrl };
    const xml = buildResponseXml({ issuer: idp.entityId, acsUrl, spEntityId: 'https://sp', nameId: 'alice@example.com' });
    // Control: the same response, signed and not nested, verifies.
    expect(verifySamlResponse(encode(signXml(xml, 'assertion', idp)), policy).nameId).toBe('alice@example.com');
    const deep = xml.replace('</saml:Assertion>', `<saml:Advice>${nested(20_000)}</saml:Advice></saml:Assertion>`);
    const started = performance.now();
    expect(() => verifySamlResponse(encode(deep), policy)).toThrow(expect.objectContaining({ reason: 'xml_too_deep', status: 400 }));
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('refuses deep IdP metadata as an invalid idpMetadataXml', () => {
    const metadata = `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"><md:Extensions>${nested(MAX_XML_DEPTH)}</md:Extensions></md:EntityDescriptor>`;
    expect(() => parseIdpMetadata(metadata)).toThrow(/idpMetadataXml.*nested at most 32 levels/);
  });

  it('keeps real responses far below the limit', () => {
    const idp = createTestIdp();
    const signed = signedResponse(idp, { acsUrl: 'https://a', spEntityId: 'https://b', nameId: 'c@example.com', attributes: { [EMAIL_CLAIM]: ['c@example.com'] } }, 'both');
    const depth = xmlNestingDepth(signed);
    expect(depth).toBeLessThan(MAX_XML_DEPTH / 2);
    // The same count as a DOM walk gives.
    const walk = (element: Element): number => 1 + Math.max(0, ...Array.from(element.childNodes).filter((node) => node.nodeType === 1).map((node) => walk(node as Element)));
    expect(depth).toBe(walk(new DOMParser().parseFromString(signed, 'text/xml').documentElement as Element));
    expect(new XMLSerializer().serializeToString(parseXmlStrict(signed))).toContain('Assertion');
  });
});

describe('which organization GET /saml/metadata describes', () => {
  const a = '11111111-1111-4111-8111-111111111111';
  const b = '22222222-2222-4222-8222-222222222222';

  it("is the token's organization when a bearer token was sent (the seed's call)", () => {
    expect(metadataOrganization(undefined, a)).toBe(a);
    expect(metadataOrganization(a, a)).toBe(a);
  });

  it('is the query parameter without a token, which then is required', () => {
    expect(metadataOrganization(b, undefined)).toBe(b);
    expect(() => metadataOrganization(undefined, undefined)).toThrow(/'organization': required without a bearer token/);
  });

  it('refuses a query naming another organization than the token', () => {
    expect(() => metadataOrganization(b, a)).toThrow(/names another organization than the access token/);
  });
});
