import { X509Certificate, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditEntries, baseUrl, call, createTenant, machineToken, type Tenant } from './support/platform-client.ts';
import { SAML, fetchVerifiedMetadata, postAcs, samlTenant, startLogin, type SamlTenant } from './support/saml/saml-client.ts';
import { readStoredSamlSettings, writeStoredSamlSettings } from './support/saml/stored-settings.ts';
import { EMAIL_CLAIM, createTestIdp, signedResponse, type ResponseOptions, type TestIdp } from './support/saml/test-idp.ts';

/**
 * Interoperability fixes from public SP bug reports (issue 12 §5, §6): IdP signing-key rollover,
 * the Destination rule, deeply nested XML, and the seed's own metadata call.
 */
const DAY = 86_400_000;
const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;
const isoNotAfter = (pem: string) => new Date(new X509Certificate(pem).validTo).toISOString();

function certificateBase64(pem: string): string {
  return pem.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
}

/** IdP metadata as Entra ID publishes it during a rollover: one KeyDescriptor per signing key. */
function idpMetadata(entityId: string, certificates: string[]): string {
  const keys = certificates
    .map((pem) => `<KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><X509Data><X509Certificate>${certificateBase64(pem)}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>`)
    .join('');
  return (
    `<?xml version="1.0" encoding="utf-8"?><EntityDescriptor ID="_${randomUUID()}" entityID="${entityId}" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">` +
    `<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">${keys}` +
    `<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://login.microsoftonline.com/tenant/saml2"/>` +
    `</IDPSSODescriptor></EntityDescriptor>`
  );
}

/** Signs in the tenant's Owner with a fresh SP-initiated request, the response signed by `signer`. */
async function signIn(saml: SamlTenant, signer: TestIdp, overrides: Partial<ResponseOptions> = {}, sign: 'assertion' | 'response' | 'both' = 'assertion') {
  const login = await startLogin(saml);
  const email = saml.tenant.ownerEmail;
  const xml = signedResponse(signer, { acsUrl: saml.acsUrl, spEntityId: saml.spEntityId, inResponseTo: login.requestId, nameId: email, attributes: { [EMAIL_CLAIM]: [email] }, ...overrides }, sign);
  return postAcs(saml, xml, { relayState: login.relayState });
}

const settingsOf = async (tenant: Tenant) => (await call('GET', `${SAML}/settings`, { token: tenant.ownerToken })).body;

describe('IdP signing-key rollover', () => {
  const entityId = `https://sts.windows.net/${randomUUID()}/`;
  const current = createTestIdp({ entityId, notAfter: new Date(Date.now() + 20 * DAY) });
  const next = createTestIdp({ entityId, notAfter: new Date(Date.now() + 400 * DAY) });
  const stranger = createTestIdp({ entityId });

  it('keeps both signing certificates from the IdP metadata and signs in with either key until one is removed', async () => {
    const saml = await samlTenant({ certificate: undefined, idpMetadataXml: idpMetadata(entityId, [current.certificate, next.certificate]) }, current);
    const settings = await settingsOf(saml.tenant);
    expect(settings).toMatchObject({
      certificate: expect.stringContaining('-----BEGIN CERTIFICATE-----'),
      certificateFingerprint: fingerprint(next.certificate),
      certificateExpiresAt: isoNotAfter(next.certificate),
      certificateWarnings: [],
    });
    expect(settings.certificates).toEqual(
      [next, current].map((idp) => ({
        certificate: expect.stringContaining('-----BEGIN CERTIFICATE-----'),
        fingerprint: fingerprint(idp.certificate),
        subject: 'CN=Test IdP',
        notBefore: new Date(new X509Certificate(idp.certificate).validFrom).toISOString(),
        notAfter: isoNotAfter(idp.certificate),
        status: 'valid',
      })),
    );
    const audit = (await auditEntries(saml.tenant.organizationId)).filter((entry) => entry.action === 'saml.settings.updated');
    expect(audit.at(-1)?.details).toMatchObject({ fromIdpMetadata: true, certificateFingerprints: [fingerprint(next.certificate), fingerprint(current.certificate)] });

    // The IdP still signs with the current key; after the switch, with the next one. Both sign in.
    for (const signer of [current, next]) {
      const accepted = await signIn(saml, signer);
      expect(accepted.status, accepted.text).toBe(200);
      expect(accepted.body.tokenType).toBe('Bearer');
    }
    const refused = await signIn(saml, stranger);
    expect(refused.status).toBe(401);
    expect(refused.body.reason).toBe('signature_invalid');

    // The administrator retires the old key: only the next one verifies.
    const retired = await call('POST', `${SAML}/settings`, { token: saml.tenant.ownerToken, json: { certificate: next.certificate } });
    expect(retired.status, retired.text).toBe(200);
    expect(retired.body.certificates.map((entry: { fingerprint: string }) => entry.fingerprint)).toEqual([fingerprint(next.certificate)]);
    expect((await signIn(saml, current)).body.reason).toBe('signature_invalid');
    expect((await signIn(saml, next)).status).toBe(200);
  });

  it('accepts several PEM blocks in certificate or a certificates list, each certificate once', async () => {
    const tenant = await createTenant('SAML certificate lists');
    const both = await call('POST', `${SAML}/settings`, { token: tenant.ownerToken, json: { ssoUrl: 'https://idp.example.com/sso', certificate: `${current.certificate}\n${next.certificate}` } });
    expect(both.status, both.text).toBe(200);
    expect(both.body.certificates.map((entry: { fingerprint: string }) => entry.fingerprint)).toEqual([fingerprint(next.certificate), fingerprint(current.certificate)]);

    // The same set as a list, with a duplicate: no change, so no audit entry.
    const same = await call('POST', `${SAML}/settings`, { token: tenant.ownerToken, json: { certificates: [current.certificate, next.certificate, current.certificate] } });
    expect(same.status, same.text).toBe(200);
    expect(same.body.certificates).toHaveLength(2);
    const replaced = await call('POST', `${SAML}/settings`, { token: tenant.ownerToken, json: { certificates: [stranger.certificate] } });
    expect(replaced.body.certificates.map((entry: { fingerprint: string }) => entry.fingerprint)).toEqual([fingerprint(stranger.certificate)]);
    const audit = (await auditEntries(tenant.organizationId)).filter((entry) => entry.action === 'saml.settings.updated');
    expect(audit.map((entry) => entry.details.changedAttributes)).toEqual([expect.arrayContaining(['ssoUrl', 'certificate']), ['certificate']]);
  });

  it('warns when the only valid certificate expires within 30 days, and stops once the next one is added', async () => {
    const tenant = await createTenant('SAML expiring certificate');
    const soon = createTestIdp({ notAfter: new Date(Date.now() + 10 * DAY) });
    const saved = await call('POST', `${SAML}/settings`, { token: tenant.ownerToken, json: { ssoUrl: 'https://idp.example.com/sso', certificate: soon.certificate } });
    expect(saved.status).toBe(200);
    expect(saved.body.certificateWarnings).toEqual([
      { code: 'certificate_expiring', fingerprint: fingerprint(soon.certificate), message: expect.stringMatching(/^The only valid IdP certificate expires on .* \(within 30 days\)/) },
    ]);
    expect((await settingsOf(tenant)).certificateWarnings).toHaveLength(1);
    const withSuccessor = await call('POST', `${SAML}/settings`, { token: tenant.ownerToken, json: { certificates: [soon.certificate, next.certificate] } });
    expect(withSuccessor.body.certificateWarnings).toEqual([]);
  });

  it('leaves expired certificates of the metadata out, and refuses metadata whose signing certificates all expired', async () => {
    const tenant = await createTenant('SAML metadata with an expired key');
    const expired = createTestIdp({ entityId, notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - DAY) });
    const saved = await call('POST', `${SAML}/settings`, { token: tenant.ownerToken, json: { idpMetadataXml: idpMetadata(entityId, [expired.certificate, next.certificate]) } });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body.certificates.map((entry: { fingerprint: string }) => entry.fingerprint)).toEqual([fingerprint(next.certificate)]);
    expect((await auditEntries(tenant.organizationId)).find((entry) => entry.action === 'saml.settings.updated')?.details.expiredCertificatesIgnored).toBe(1);

    const refused = await call('POST', `${SAML}/settings`, { token: tenant.ownerToken, json: { idpMetadataXml: idpMetadata(entityId, [expired.certificate]) } });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_input', message: expect.stringMatching(/idpMetadataXml.*every signing certificate in it has expired/) });
  });
});

describe('settings stored before key rollover support', () => {
  /** The item shape written before: one `certificate` with its fingerprint and expiry beside it. */
  async function storeLegacy(saml: SamlTenant, idp: TestIdp): Promise<void> {
    await writeStoredSamlSettings(saml.tenant.organizationId, {
      entityId: saml.spEntityId,
      ssoUrl: 'http://127.0.0.1:9/idp/sso',
      certificate: idp.certificate,
      certificateFingerprint: fingerprint(idp.certificate),
      certificateNotAfter: isoNotAfter(idp.certificate),
      idpEntityId: idp.entityId,
      attributeMappings: { email: EMAIL_CLAIM },
      enabled: true,
      allowIdpInitiated: false,
      jitProvisioning: false,
      defaultGroupId: null,
      version: 3,
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
  }

  it('reads as a list of one certificate, signs in, and takes the new shape on the next update', async () => {
    const saml = await samlTenant();
    await storeLegacy(saml, saml.idp);
    const settings = await settingsOf(saml.tenant);
    expect(settings).toMatchObject({ certificateFingerprint: fingerprint(saml.idp.certificate), certificateWarnings: [], updatedOn: '2026-01-01T00:00:00.000Z' });
    expect(settings.certificates).toEqual([expect.objectContaining({ fingerprint: fingerprint(saml.idp.certificate), status: 'valid' })]);
    expect((await signIn(saml, saml.idp)).status).toBe(200);

    const updated = await call('POST', `${SAML}/settings`, { token: saml.tenant.ownerToken, json: { allowIdpInitiated: true } });
    expect(updated.status, updated.text).toBe(200);
    const stored = await readStoredSamlSettings(saml.tenant.organizationId);
    expect(stored).toMatchObject({ version: 4, allowIdpInitiated: true, certificates: [expect.stringContaining('-----BEGIN CERTIFICATE-----')], certificate: expect.stringContaining('-----BEGIN CERTIFICATE-----') });
    expect((await signIn(saml, saml.idp)).status).toBe(200);
  });

  it('keeps verifying with a certificate that expired after it was saved, warns about it, and still takes other changes', async () => {
    const saml = await samlTenant();
    const expired = createTestIdp({ entityId: saml.idp.entityId, notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - DAY) });
    await storeLegacy(saml, expired);
    const settings = await settingsOf(saml.tenant);
    expect(settings.certificates).toEqual([expect.objectContaining({ fingerprint: fingerprint(expired.certificate), status: 'expired' })]);
    expect(settings.certificateWarnings.map((warning: { code: string }) => warning.code)).toEqual(['certificate_expired', 'no_valid_certificate']);
    // Trust comes from the configuration, not the certificate's dates (SAML metadata interoperability profile).
    expect((await signIn(saml, expired)).status).toBe(200);
    expect((await call('POST', `${SAML}/settings`, { token: saml.tenant.ownerToken, json: { jitProvisioning: true } })).status).toBe(200);
  });
});

describe('Destination: checked when present, required on a signed Response', () => {
  let saml: SamlTenant;
  beforeAll(async () => {
    saml = await samlTenant();
  });

  it('signs in with an unsigned Response without Destination around a signed Assertion for our ACS', async () => {
    const control = await signIn(saml, saml.idp);
    expect(control.status, control.text).toBe(200);
    const accepted = await signIn(saml, saml.idp, { destination: null });
    expect(accepted.status, accepted.text).toBe(200);
    expect(accepted.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600 });
  });

  it('refuses a signed Response without Destination, and a wrong Destination signed or not', async () => {
    expect((await signIn(saml, saml.idp, {}, 'response')).status).toBe(200);
    for (const sign of ['response', 'both'] as const) {
      const refused = await signIn(saml, saml.idp, { destination: null }, sign);
      expect(refused.status).toBe(401);
      expect(refused.body).toMatchObject({ reason: 'destination_missing', message: expect.stringContaining('§3.5.5.2') });
    }
    for (const sign of ['assertion', 'response'] as const) {
      expect((await signIn(saml, saml.idp, { destination: 'https://other-sp.example/acs' }, sign)).body.reason).toBe('destination_mismatch');
    }
  });
});

describe('deeply nested XML', () => {
  it('is refused at the ACS with 400 xml_too_deep before it is walked, and audited', async () => {
    const saml = await samlTenant();
    const login = await startLogin(saml);
    const email = saml.tenant.ownerEmail;
    const signed = signedResponse(saml.idp, { acsUrl: saml.acsUrl, spEntityId: saml.spEntityId, inResponseTo: login.requestId, nameId: email, attributes: { [EMAIL_CLAIM]: [email] } });
    const deep = signed.replace('</saml:Assertion>', `<saml:Advice>${'<a>'.repeat(20_000)}${'</a>'.repeat(20_000)}</saml:Advice></saml:Assertion>`);
    const refused = await postAcs(saml, deep, { relayState: login.relayState });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ reason: 'xml_too_deep', message: expect.stringContaining('nested at most 32 levels') });
    // Control: the request was not consumed by the refusal, and the undamaged response signs in.
    expect((await postAcs(saml, signed, { relayState: login.relayState })).status).toBe(200);
    const failures = (await auditEntries(saml.tenant.organizationId)).filter((entry) => entry.action === 'user.login.failed');
    expect(failures.map((entry) => entry.details.reason)).toContain('xml_too_deep');
  });

  it('is refused in IdP metadata with a 400 naming the field', async () => {
    const tenant = await createTenant('SAML deep metadata');
    const idp = createTestIdp();
    const deep = idpMetadata(idp.entityId, [idp.certificate]).replace('<IDPSSODescriptor', `<Extensions>${'<x>'.repeat(5_000)}${'</x>'.repeat(5_000)}</Extensions><IDPSSODescriptor`);
    const refused = await call('POST', `${SAML}/settings`, { token: tenant.ownerToken, json: { idpMetadataXml: deep } });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ error: 'invalid_input', message: expect.stringMatching(/idpMetadataXml.*nested at most 32 levels/) });
  });
});

describe("the seed's metadata call: GET /saml/metadata with a bearer token and no query string", () => {
  let tenant: Tenant;
  beforeAll(async () => {
    tenant = await createTenant('SAML metadata by token');
  });

  it("answers with the token's organization, signed, and not for shared caches", async () => {
    const metadata = await fetchVerifiedMetadata(tenant.organizationId, tenant.ownerToken);
    expect(metadata.entityId).toBe(`${baseUrl()}${SAML}/metadata?organization=${tenant.organizationId}`);
    expect(metadata.acsUrl).toBe(`${baseUrl()}${SAML}/acs/${tenant.organizationId}`);
    expect(metadata.response.headers.get('content-type')).toContain('application/samlmetadata+xml');
    expect(metadata.response.headers.get('cache-control')).toBe('private, max-age=300');
    expect(metadata.response.headers.get('vary')).toBe('Authorization');
    // The same document (the same SP key) as the unauthenticated fetch an IdP makes.
    const anonymous = await fetchVerifiedMetadata(tenant.organizationId);
    expect(anonymous.certificate).toBe(metadata.certificate);
    expect(anonymous.response.headers.get('cache-control')).toBe('public, max-age=300');
  });

  it('takes any valid token of the organization, whatever its scopes', async () => {
    const { token } = await machineToken(tenant.ownerToken, ['scim:read']);
    const response = await call('GET', `${SAML}/metadata`, { token });
    expect(response.status, response.text).toBe(200);
    expect(response.text).toContain(`${SAML}/acs/${tenant.organizationId}`);
  });

  it('refuses a present but invalid token with 401, as every protected route does', async () => {
    for (const authorization of ['Bearer not-a-token', 'Basic b3duZXI6cHc=']) {
      const response = await call('GET', `${SAML}/metadata?organization=${tenant.organizationId}`, { headers: { Authorization: authorization } });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(response.body).toMatchObject({ error: 'unauthenticated', statusCode: 401 });
    }
  });

  it('accepts the organization in the query only when it is the token’s, and requires it without a token', async () => {
    expect((await call('GET', `${SAML}/metadata?organization=${tenant.organizationId}`, { token: tenant.ownerToken })).status).toBe(200);
    const other = await call('GET', `${SAML}/metadata?organization=${randomUUID()}`, { token: tenant.ownerToken });
    expect(other.status).toBe(400);
    expect(other.body).toMatchObject({ error: 'invalid_input', message: expect.stringContaining('names another organization than the access token') });
    const anonymous = await call('GET', `${SAML}/metadata`);
    expect(anonymous.status).toBe(400);
    expect(anonymous.body.message).toMatch(/'organization': required without a bearer token/);
  });
});
