import { X509Certificate, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditEntries, baseUrl, call, createTenant, machineToken, type Tenant } from './support/platform-client.ts';
import { SAML, fetchVerifiedMetadata } from './support/saml/saml-client.ts';
import { createTestIdp } from './support/saml/test-idp.ts';

const idp = createTestIdp({ entityId: 'https://sts.windows.net/00000000-0000-0000-0000-00000000abcd/' });
const seedBody = {
  entityId: 'https://platform.example.test/saml',
  ssoUrl: 'https://idp.example.com/sso/saml',
  certificate: idp.certificate,
  attributeMappings: {
    email: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress',
    firstName: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname',
    lastName: 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname',
  },
};

function certificateBase64(pem: string): string {
  return pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
}

/** IdP metadata in the shape Entra ID's "Federation Metadata XML" has (trimmed). */
function entraMetadata(entityId: string, certificates: string[]): string {
  const keys = certificates.map((pem) => `<KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${certificateBase64(pem)}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>`).join('');
  return (
    `<?xml version="1.0" encoding="utf-8"?><EntityDescriptor ID="_${randomUUID()}" entityID="${entityId}" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">` +
    `<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${keys}` +
    `<SingleLogoutService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://login.microsoftonline.com/tenant/saml2"/>` +
    `<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://login.microsoftonline.com/tenant/saml2"/>` +
    `<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://login.microsoftonline.com/tenant/saml2/post"/>` +
    `</IDPSSODescriptor></EntityDescriptor>`
  );
}

describe('SAML settings', () => {
  let tenant: Tenant;
  beforeAll(async () => {
    tenant = await createTenant('SAML settings');
  });

  it('shows the service provider values before anything is configured', async () => {
    const response = await call('GET', `${SAML}/settings`, { token: tenant.ownerToken });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      configured: false,
      enabled: false,
      ssoUrl: null,
      certificate: null,
      serviceProvider: {
        entityId: `${baseUrl()}${SAML}/metadata?organization=${tenant.organizationId}`,
        acsUrl: `${baseUrl()}${SAML}/acs/${tenant.organizationId}`,
        metadataUrl: `${baseUrl()}${SAML}/metadata?organization=${tenant.organizationId}`,
      },
    });
  });

  it("accepts the seed's body and returns the certificate with its fingerprint and expiry", async () => {
    const saved = await call('POST', `${SAML}/settings`, { token: tenant.ownerToken, json: seedBody });
    expect(saved.status, saved.text).toBe(200);
    const fetched = await call('GET', `${SAML}/settings`, { token: tenant.ownerToken });
    const certificate = new X509Certificate(idp.certificate);
    expect(fetched.body).toMatchObject({
      configured: true,
      ...seedBody,
      certificate: expect.stringContaining('-----BEGIN CERTIFICATE-----'),
      certificateFingerprint: certificate.fingerprint256,
      certificateExpiresAt: new Date(certificate.validTo).toISOString(),
      enabled: true,
      allowIdpInitiated: false,
      jitProvisioning: false,
      defaultGroupId: null,
      idpEntityId: null,
    });
    expect(new X509Certificate(fetched.body.certificate).fingerprint256).toBe(certificate.fingerprint256);
    const audit = (await auditEntries(tenant.organizationId)).filter((entry) => entry.action === 'saml.settings.updated');
    expect(audit).toHaveLength(1);
    expect(audit[0]?.details).toMatchObject({ certificateFingerprint: certificate.fingerprint256, changedAttributes: expect.arrayContaining(['entityId', 'ssoUrl', 'certificate']) });
    expect(JSON.stringify(audit)).not.toContain(certificateBase64(idp.certificate).slice(20, 80));
  });

  it('updates only what is sent, audits the changed attribute names, and skips no-op updates', async () => {
    const saved = await call('POST', `${SAML}/settings`, { token: tenant.ownerToken, json: { allowIdpInitiated: true, idpEntityId: idp.entityId } });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ allowIdpInitiated: true, idpEntityId: idp.entityId, ssoUrl: seedBody.ssoUrl });
    expect((await call('POST', `${SAML}/settings`, { token: tenant.ownerToken, json: { allowIdpInitiated: true } })).status).toBe(200);
    const audit = (await auditEntries(tenant.organizationId)).filter((entry) => entry.action === 'saml.settings.updated');
    expect(audit).toHaveLength(2);
    expect(audit[1]?.details.changedAttributes).toEqual(['idpEntityId', 'allowIdpInitiated']);
  });

  const invalid: [string, Record<string, unknown>, RegExp][] = [
    ['an http ssoUrl on a public host', { ssoUrl: 'http://idp.example.com/sso' }, /ssoUrl.*https/],
    ['an ssoUrl that is not a URL', { ssoUrl: 'idp/sso' }, /ssoUrl.*absolute URL/],
    ['a certificate that is not PEM', { certificate: 'not a certificate' }, /certificate.*not a PEM/],
    ['a PEM block that is not a certificate', { certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' }, /certificate.*could not be parsed/],
    ['an expired certificate', { certificate: createTestIdp({ notBefore: new Date(Date.now() - 3 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) }).certificate }, /certificate.*expired/],
    ['an RSA 1024 certificate', { certificate: createTestIdp({ rsaBits: 1024 }).certificate }, /certificate.*1024 bits/],
    ['certificate and certificates together', { certificates: [idp.certificate] }, /certificates.*either certificate.*or certificates/],
    ['a second certificate that is expired', { certificate: undefined, certificates: [idp.certificate, createTestIdp({ notBefore: new Date(Date.now() - 3 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) }).certificate] }, /certificates.*Certificate 2 of 2.*expired/],
    ['a private key among the PEM blocks', { certificate: `${idp.certificate}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n` }, /certificate.*not a CERTIFICATE/],
    ['more certificates than are kept', { certificate: Array.from({ length: 6 }, () => createTestIdp().certificate).join('') }, /certificate.*6 certificates were sent; at most 5/],
    ['an empty certificate list', { certificate: undefined, certificates: [] }, /certificates/],
    ['an entityId that is not an absolute URI', { entityId: 'platform' }, /entityId.*absolute URI/],
    ['an unknown field', { ssoURL: 'https://idp.example.com' }, /ssoURL/],
    ['a default group that does not exist', { defaultGroupId: randomUUID() }, /defaultGroupId.*no group/],
  ];
  it.each(invalid)('refuses %s with a clear 400', async (_label, change, message) => {
    const response = await call('POST', `${SAML}/settings`, { token: tenant.ownerToken, json: { ...seedBody, ...change } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ error: 'invalid_input', statusCode: 400 });
    expect(response.body.message).toMatch(message);
  });

  it('accepts http for a loopback IdP and EC certificates', async () => {
    const ec = createTestIdp({ keyType: 'ec' });
    const saved = await call('POST', `${SAML}/settings`, { token: tenant.ownerToken, json: { ssoUrl: 'http://localhost:8443/sso', certificate: ec.certificate } });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body.certificateFingerprint).toBe(new X509Certificate(ec.certificate).fingerprint256);
  });

  it('fills the IdP fields from IdP metadata XML, keeping every signing certificate, the one that expires last first', async () => {
    const own = await createTenant('SAML metadata import');
    const older = createTestIdp({ notAfter: new Date(Date.now() + 30 * 86_400_000) });
    const entityId = `https://sts.windows.net/${randomUUID()}/`;
    const saved = await call('POST', `${SAML}/settings`, { token: own.ownerToken, json: { idpMetadataXml: entraMetadata(entityId, [older.certificate, idp.certificate]) } });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body).toMatchObject({
      idpEntityId: entityId,
      ssoUrl: 'https://login.microsoftonline.com/tenant/saml2',
      certificateFingerprint: new X509Certificate(idp.certificate).fingerprint256,
      entityId: `${baseUrl()}${SAML}/metadata?organization=${own.organizationId}`,
    });
    expect(saved.body.certificates.map((entry: { fingerprint: string }) => entry.fingerprint)).toEqual([idp, older].map((key) => new X509Certificate(key.certificate).fingerprint256));
    const audit = (await auditEntries(own.organizationId)).find((entry) => entry.action === 'saml.settings.updated');
    expect(audit?.details.fromIdpMetadata).toBe(true);
  });

  it('parses IdP metadata with the hardened parser (DOCTYPE refused, malformed refused)', async () => {
    const doctype = `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>${entraMetadata('https://idp.example', [idp.certificate])}`;
    const refused = await call('POST', `${SAML}/settings`, { token: tenant.ownerToken, json: { idpMetadataXml: doctype } });
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/idpMetadataXml.*DOCTYPE/);
    const malformed = await call('POST', `${SAML}/settings`, { token: tenant.ownerToken, json: { idpMetadataXml: '<EntityDescriptor' } });
    expect(malformed.status).toBe(400);
  });

  it('needs identity:read to read and identity:admin to change', async () => {
    const { token } = await machineToken(tenant.ownerToken, ['identity:read']);
    expect((await call('GET', `${SAML}/settings`, { token })).status).toBe(200);
    expect((await call('POST', `${SAML}/settings`, { token, json: { enabled: false } })).status).toBe(403);
    expect((await call('GET', `${SAML}/settings`)).status).toBe(401);
  });
});

describe('SAML settings are per organization', () => {
  it("org B's token reads and changes only org B's settings", async () => {
    const a = await createTenant('Org A');
    const b = await createTenant('Org B');
    expect((await call('POST', `${SAML}/settings`, { token: a.ownerToken, json: { ...seedBody, jitProvisioning: true } })).status).toBe(200);

    const readByB = await call('GET', `${SAML}/settings`, { token: b.ownerToken });
    expect(readByB.status).toBe(200);
    expect(readByB.body).toMatchObject({ configured: false, serviceProvider: { acsUrl: expect.stringContaining(b.organizationId) } });
    expect(readByB.text).not.toContain(a.organizationId);

    const other = createTestIdp();
    expect((await call('POST', `${SAML}/settings`, { token: b.ownerToken, json: { ssoUrl: 'https://b.example/sso', certificate: other.certificate } })).status).toBe(200);
    const readByA = await call('GET', `${SAML}/settings`, { token: a.ownerToken });
    expect(readByA.body).toMatchObject({ ssoUrl: seedBody.ssoUrl, jitProvisioning: true, certificateFingerprint: new X509Certificate(idp.certificate).fingerprint256 });
    expect((await auditEntries(a.organizationId)).filter((entry) => entry.action === 'saml.settings.updated')).toHaveLength(1);
  });
});

describe('SAML service provider metadata', () => {
  it('is public, signed, and verifies with the certificate it contains', async () => {
    const tenant = await createTenant('SAML metadata');
    const metadata = await fetchVerifiedMetadata(tenant.organizationId);
    expect(metadata.response.headers.get('content-type')).toContain('application/samlmetadata+xml');
    expect(metadata.xml).toContain('AuthnRequestsSigned="true"');
    expect(metadata.xml).toContain('WantAssertionsSigned="true"');
    expect(metadata.xml).toContain('<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>');
    expect(metadata.xml).toContain('Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"');
    expect(metadata.xml).toContain('SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"');
    expect(metadata.xml).toContain('CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"');
    expect(metadata.acsUrl).toBe(`${baseUrl()}${SAML}/acs/${tenant.organizationId}`);
    expect(metadata.entityId).toBe(`${baseUrl()}${SAML}/metadata?organization=${tenant.organizationId}`);
    const key = new X509Certificate(metadata.certificate);
    expect(key.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);

    // The key is generated once, audited, and shown (public half only) in the settings.
    const again = await fetchVerifiedMetadata(tenant.organizationId);
    expect(new X509Certificate(again.certificate).fingerprint256).toBe(key.fingerprint256);
    const settings = await call('GET', `${SAML}/settings`, { token: tenant.ownerToken });
    expect(settings.body.serviceProvider.certificateFingerprint).toBe(key.fingerprint256);
    const created = (await auditEntries(tenant.organizationId)).filter((entry) => entry.action === 'saml.sp_credentials.created');
    expect(created).toHaveLength(1);
    expect(JSON.stringify(created)).not.toContain('PRIVATE KEY');

    // A configured SP entity id is what the metadata announces.
    await call('POST', `${SAML}/settings`, { token: tenant.ownerToken, json: seedBody });
    expect((await fetchVerifiedMetadata(tenant.organizationId)).entityId).toBe(seedBody.entityId);
  });

  it('needs an existing organization', async () => {
    expect((await call('GET', `${SAML}/metadata?organization=${randomUUID()}`)).status).toBe(404);
    expect((await call('GET', `${SAML}/metadata`)).status).toBe(400);
    expect((await call('GET', `${SAML}/metadata?organization=not-a-uuid`)).status).toBe(400);
  });

  it('has no login or ACS for an organization without SAML', async () => {
    const tenant = await createTenant('No SAML');
    expect((await call('GET', `${SAML}/login?organization=${tenant.organizationId}`)).status).toBe(404);
    const acs = await call('POST', `${SAML}/acs/${tenant.organizationId}`, { headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' }, body: 'SAMLResponse=PHg%2BPC94Pg%3D%3D' });
    expect(acs.status).toBe(401);
    expect(acs.body.reason).toBe('saml_not_configured');
    expect((await call('POST', `${SAML}/acs/${randomUUID()}`, { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'SAMLResponse=eA%3D%3D' })).status).toBe(404);
    expect((await call('POST', `${SAML}/acs/${tenant.organizationId}`, { headers: { 'Content-Type': 'application/json' }, body: '{}' })).status).toBe(415);
  });
});
