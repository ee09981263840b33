import { generateKeyPairSync } from 'node:crypto';
import { InvalidCredentialsError, UnwillingToPerformError } from 'ldapts';
import { describe, expect, it } from 'vitest';
import { caCertificateProblem, isDistinguishedName, isHost, isUserPrincipalName } from '../../shared/directory/connection-schemas.ts';
import { classifyLdapError, LdapTimeoutError, LdapTlsError, normaliseEntry } from '../../shared/directory/ldap-client.ts';
import { nameBasedUuid, scimConnectionId } from '../../shared/directory/scim-connection.ts';
import { createSelfSignedCertificate } from '../../shared/saml/certificates.ts';

describe('connection field rules', () => {
  it('accepts RFC 4514 DNs and refuses what is not one', () => {
    for (const dn of ['dc=example,dc=test', 'CN=Dave Cutler,CN=Users,DC=example,DC=test', 'uid=a\\,b,ou=people,dc=x', 'cn=a+sn=b,dc=x', '2.5.4.3=x,dc=y', 'cn=#04024869,dc=x']) {
      expect(isDistinguishedName(dn), dn).toBe(true);
    }
    for (const dn of ['', 'example.test', 'dc=', '=x', 'dc=x,', 'cn=a=b,dc=x', 'cn=x\\', 'c n=x', 'cn=#zz']) expect(isDistinguishedName(dn), dn).toBe(false);
  });

  it('tells UPNs and hosts apart from other strings', () => {
    expect(isUserPrincipalName('svc-identity@corp.example.com')).toBe(true);
    expect(isUserPrincipalName('cn=x,dc=y')).toBe(false);
    expect(isUserPrincipalName('a b@corp')).toBe(false);
    for (const host of ['dc1.corp.example.com', '127.0.0.5', '::1', 'localhost']) expect(isHost(host), host).toBe(true);
    for (const host of ['ldap://dc1', 'dc1:636', '-bad.example', 'a b', '']) expect(isHost(host), host).toBe(false);
  });

  it('accepts PEM certificates and refuses anything else in a CA certificate', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const certificate = createSelfSignedCertificate({ privateKey, publicKey, commonName: 'Test CA', notBefore: new Date(), notAfter: new Date(Date.now() + 86_400_000) });
    expect(caCertificateProblem(certificate)).toBeUndefined();
    expect(caCertificateProblem(`${certificate}\n${certificate}`)).toBeUndefined();
    expect(caCertificateProblem('hello')).toMatch(/not a PEM certificate/);
    expect(caCertificateProblem(`junk\n${certificate}`)).toMatch(/outside/);
    expect(caCertificateProblem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toMatch(/not a valid X.509/);
    expect(caCertificateProblem(privateKey.export({ type: 'pkcs8', format: 'pem' }) as string)).toMatch(/private key/);
  });

  it('derives name-based UUIDs per RFC 9562 (version 5) and one scim connection id per organization', () => {
    // RFC 9562 Appendix A.4: UUIDv5 of "www.example.com" in the DNS namespace.
    expect(nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    const organization = '0c7a4f4e-2f7a-4e0b-9a55-1f3b6c2d8e90';
    expect(scimConnectionId(organization)).toBe(scimConnectionId(organization));
    expect(scimConnectionId(organization)).not.toBe(scimConnectionId('1c7a4f4e-2f7a-4e0b-9a55-1f3b6c2d8e90'));
  });
});

describe('LDAP client helpers', () => {
  it('classifies failures into the reasons the test endpoint reports', () => {
    expect(classifyLdapError(new InvalidCredentialsError(''))).toEqual({ reason: 'invalid_credentials', resultCode: 49, message: 'Invalid credentials: the bind DN or password is wrong' });
    expect(classifyLdapError(new UnwillingToPerformError('no'))).toMatchObject({ reason: 'ldap_error', resultCode: 53 });
    expect(classifyLdapError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toMatchObject({ reason: 'unreachable' });
    expect(classifyLdapError(Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }))).toMatchObject({ reason: 'tls_failure' });
    expect(classifyLdapError(Object.assign(new Error('Client network socket disconnected before secure TLS connection was established'), { code: 'ECONNRESET' }))).toMatchObject({ reason: 'tls_failure' });
    expect(classifyLdapError(new LdapTlsError('The server refused StartTLS', 2))).toEqual({ reason: 'tls_failure', resultCode: 2, message: 'The server refused StartTLS' });
    expect(classifyLdapError(new LdapTimeoutError('Bind', 300))).toMatchObject({ reason: 'timeout' });
    expect(classifyLdapError(new Error('Connection timeout'))).toMatchObject({ reason: 'timeout' });
  });

  it('normalises ldapts values: strings and arrays to arrays, Buffers kept, empty attributes dropped', () => {
    const guid = Buffer.from([1, 2, 3]);
    expect(normaliseEntry({ dn: 'cn=x', cn: 'x', memberOf: ['a', 'b'], objectGUID: guid, manager: [] })).toEqual({ dn: 'cn=x', attributes: { cn: ['x'], memberOf: ['a', 'b'], objectGUID: [guid] } });
  });
});
