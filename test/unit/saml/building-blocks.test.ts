import { X509Certificate, generateKeyPairSync, verify } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';

vi.stubEnv('TABLE_NAME', 'identity-platform');
vi.stubEnv('PUBLIC_BASE_URL', 'https://id.example.test');

const { CertificateError, createSelfSignedCertificate, validateIdpCertificate } = await import('../../../shared/saml/certificates.ts');
const { UnsafeXmlError, parseXmlStrict, textOf } = await import('../../../shared/saml/xml.ts');
const { parseIdpMetadata } = await import('../../../shared/saml/idp-metadata.ts');
const { safeRelayTarget } = await import('../../../shared/saml/relay-state.ts');
const { buildAuthnRequest, redirectUrl } = await import('../../../shared/saml/authn-request.ts');
const { buildSpMetadata, signSpMetadata } = await import('../../../shared/saml/sp-metadata.ts');
const { restrictAlgorithms } = await import('../../../shared/saml/algorithms.ts');
const { createTestIdp, injectCommentInNameId, newId, signedResponse } = await import('../../integration/support/saml/test-idp.ts');

describe('self-signed certificates', () => {
  it.each([
    ['RSA 2048', generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['EC P-256', generateKeyPairSync('ec', { namedCurve: 'P-256' })],
  ])('issues a %s certificate that node parses and that verifies with its own key', (_label, pair) => {
    const notAfter = new Date(Date.UTC(2060, 0, 1));
    const pem = createSelfSignedCertificate({ ...pair, commonName: 'Unit SP', notBefore: new Date(Date.UTC(2024, 0, 1)), notAfter });
    const certificate = new X509Certificate(pem);
    expect(certificate.subject).toBe('CN=Unit SP');
    expect(certificate.issuer).toBe('CN=Unit SP');
    expect(certificate.verify(pair.publicKey)).toBe(true);
    expect(certificate.checkPrivateKey(pair.privateKey)).toBe(true);
    expect(certificate.ca).toBe(false);
    // GeneralizedTime from 2050 on (RFC 5280 §4.1.2.5).
    expect(new Date(certificate.validTo).toISOString()).toBe(notAfter.toISOString());
    expect(validateIdpCertificate(pem).fingerprint).toBe(certificate.fingerprint256);
  });
});

describe('IdP certificate validation', () => {
  const good = createTestIdp().certificate;
  const failure = (input: string) => {
    try {
      validateIdpCertificate(input);
      return 'valid';
    } catch (error) {
      if (error instanceof CertificateError) return error.message;
      throw error;
    }
  };

  it('accepts PEM and bare base64 (as IdP consoles offer it)', () => {
    expect(failure(good)).toBe('valid');
    expect(failure(good.replace(/-----[A-Z ]+-----/g, ''))).toBe('valid');
  });

  it('names the problem: not PEM, not a certificate, several, expired, weak or unsupported keys', () => {
    expect(failure('hello')).toMatch(/not a PEM/);
    expect(failure('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toMatch(/could not be parsed/);
    expect(failure(good + good)).toMatch(/2 certificates/);
    expect(failure(createTestIdp({ notBefore: new Date(Date.now() - 2e9), notAfter: new Date(Date.now() - 1e9) }).certificate)).toMatch(/expired/);
    expect(failure(createTestIdp({ rsaBits: 1024 }).certificate)).toMatch(/1024 bits/);
    const ed = generateKeyPairSync('ed25519');
    expect(() => createSelfSignedCertificate({ ...ed, commonName: 'x', notBefore: new Date(), notAfter: new Date(Date.now() + 1e9) })).toThrow(/ed25519/);
  });
});

describe('the hardened XML parser', () => {
  const reason = (xml: string) => {
    try {
      parseXmlStrict(xml);
      return 'parsed';
    } catch (error) {
      return error instanceof UnsafeXmlError ? error.kind : 'other';
    }
  };

  it('refuses DTDs and entities before parsing, and treats every parser complaint as fatal', () => {
    expect(reason('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')).toBe('dtd_forbidden');
    expect(reason('<!doctype a><a/>')).toBe('dtd_forbidden');
    expect(reason('<a>&x;</a>')).toBe('malformed_xml');
    expect(reason('<a><b></a>')).toBe('malformed_xml');
    expect(reason('<a/><b/>')).toBe('malformed_xml');
    expect(reason('')).toBe('malformed_xml');
    expect(reason('<?xml version="1.0"?><a/>')).toBe('parsed');
  });

  it('reads the full text of an element split by a comment', () => {
    const element = parseXmlStrict('<n>user@evil.com<!---->.example.com</n>').documentElement as Element;
    expect(textOf(element)).toBe('user@evil.com.example.com');
  });

  it('what was signed has no comment and the whole identity (c14n drops comments)', () => {
    const idp = createTestIdp();
    const signed = signedResponse(idp, { acsUrl: 'https://sp/acs', spEntityId: 'https://sp', nameId: 'alice@example.com.evil.test', inResponseTo: newId() });
    const injected = injectCommentInNameId(signed, 'alice@example.com'.length);
    const document = new DOMParser().parseFromString(injected, 'text/xml');
    const signature = document.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature').item(0);
    const verifier = restrictAlgorithms(new SignedXml({ publicCert: idp.certificate, getCertFromKeyInfo: () => null }));
    verifier.loadSignature(signature as unknown as Parameters<SignedXml['loadSignature']>[0]);
    expect(verifier.checkSignature(injected)).toBe(true);
    const signedAssertion = parseXmlStrict(verifier.getSignedReferences()[0] as string).documentElement as Element;
    const nameId = signedAssertion.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'NameID').item(0) as Element;
    expect(textOf(nameId)).toBe('alice@example.com.evil.test');
  });
});

describe('IdP metadata', () => {
  const idp = createTestIdp();
  const body = idp.certificate.replace(/-----[A-Z ]+-----|\s+/g, '');
  const okta =
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="http://www.okta.com/exk123"><md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">` +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${body}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://acme.okta.com/app/acme_platform_1/exk123/sso/saml"/>` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://acme.okta.com/app/acme_platform_1/exk123/sso/saml"/>` +
    `</md:IDPSSODescriptor></md:EntityDescriptor>`;

  it("reads Okta's metadata: entity id, redirect SSO URL, signing certificate", () => {
    const parsed = parseIdpMetadata(okta);
    expect(parsed).toMatchObject({ entityId: 'http://www.okta.com/exk123', ssoUrl: 'https://acme.okta.com/app/acme_platform_1/exk123/sso/saml' });
    expect(parsed.certificates.map((pem) => new X509Certificate(pem).fingerprint256)).toEqual([new X509Certificate(idp.certificate).fingerprint256]);
  });

  it('finds the one IdP inside an EntitiesDescriptor and refuses ambiguous or unsafe documents', () => {
    expect(parseIdpMetadata(`<md:EntitiesDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata">${okta.replace(' xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata"', '')}</md:EntitiesDescriptor>`).entityId).toBe('http://www.okta.com/exk123');
    expect(() => parseIdpMetadata(`<!DOCTYPE x>${okta}`)).toThrow(/DOCTYPE/);
    expect(() => parseIdpMetadata('<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="x"/>')).toThrow(/found 0/);
    expect(() => parseIdpMetadata('<foo/>')).toThrow(/not SAML 2.0 metadata/);
  });
});

describe('RelayState targets', () => {
  it.each([
    ['/console/home?x=1', 'https://id.example.test/console/home?x=1'],
    ['https://id.example.test/app#frag', 'https://id.example.test/app'],
    ['//evil.example/x', undefined],
    ['/\\evil.example', undefined],
    ['https://evil.example/', undefined],
    ['https://id.example.test.evil.example/', undefined],
    ['https://user:pw@id.example.test/', undefined],
    ['javascript:alert(1)', undefined],
    ['/line\nbreak', undefined],
    [`/${'a'.repeat(1024)}`, undefined],
    ['', undefined],
  ])('%s → %s', (input, expected) => {
    expect(safeRelayTarget(input)).toBe(expected);
  });
});

describe('AuthnRequest over the HTTP-Redirect binding', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

  it('deflates the request and signs the exact query octets (SAML bindings §3.4.4.1)', () => {
    const xml = buildAuthnRequest({ id: newId(), issueInstant: new Date(), spEntityId: 'https://sp/"x"', acsUrl: 'https://sp/acs', ssoUrl: 'https://idp/sso?tenant=a&b=1' });
    expect(xml).toContain('<saml:Issuer>https://sp/&quot;x&quot;</saml:Issuer>');
    const url = redirectUrl('https://idp/sso?tenant=a', xml, 'relay state', privateKey);
    expect(url.startsWith('https://idp/sso?tenant=a&SAMLRequest=')).toBe(true);
    const query = url.slice(url.indexOf('SAMLRequest='));
    const signed = query.slice(0, query.indexOf('&Signature='));
    const signature = decodeURIComponent(query.slice(query.indexOf('&Signature=') + '&Signature='.length));
    expect(signed).toContain('&RelayState=relay%20state&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256');
    expect(verify('sha256', Buffer.from(signed), publicKey, Buffer.from(signature, 'base64'))).toBe(true);
    const samlRequest = decodeURIComponent(signed.slice('SAMLRequest='.length, signed.indexOf('&')));
    expect(inflateRawSync(Buffer.from(samlRequest, 'base64')).toString('utf8')).toBe(xml);
  });
});

describe('SP metadata', () => {
  it('is signed at its root and verifies with the certificate inside it; any change breaks it', () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const certificate = createSelfSignedCertificate({ ...pair, commonName: 'SP', notBefore: new Date(), notAfter: new Date(Date.now() + 1e10) });
    const xml = signSpMetadata(buildSpMetadata('https://sp/entity', 'https://sp/acs/1', certificate), { privateKey: pair.privateKey, certificate });
    const check = (candidate: string) => {
      const document = new DOMParser().parseFromString(candidate, 'text/xml');
      const root = document.documentElement as Element;
      const signature = root.firstChild as Element;
      expect(signature.localName).toBe('Signature');
      const verifier = new SignedXml({ publicCert: certificate, getCertFromKeyInfo: () => null });
      verifier.loadSignature(signature as unknown as Parameters<SignedXml['loadSignature']>[0]);
      try {
        return verifier.checkSignature(candidate) && verifier.getReferences()[0]?.uri === `#${root.getAttribute('ID')}`;
      } catch {
        return false;
      }
    };
    expect(check(xml)).toBe(true);
    expect(check(xml.replace('https://sp/acs/1', 'https://evil/acs'))).toBe(false);
  });
});
