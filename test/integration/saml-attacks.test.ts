import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditEntries, call, machineToken } from './support/platform-client.ts';
import { USER_SCHEMA } from './support/scim-client.ts';
import { postAcs, samlTenant, startLogin, type SamlTenant } from './support/saml/saml-client.ts';
import {
  EMAIL_CLAIM,
  RSA_SHA1,
  SHA1,
  addSecondAssertion,
  createTestIdp,
  encode,
  injectCommentInNameId,
  newId,
  signedResponse,
  stripSignatures,
  withDoctype,
  wrapSignature,
  type ResponseOptions,
  type SignOptions,
  type TestIdp,
  type XswVariant,
} from './support/saml/test-idp.ts';

/**
 * Every attack goes through the real ACS over HTTP against a fresh SP-initiated request, and each
 * has a control: the same response without the attack signs in.
 */
let saml: SamlTenant;
let victim: string;
let mallory: string;

beforeAll(async () => {
  saml = await samlTenant();
  victim = saml.tenant.ownerEmail;
  // The attacker has a real account at the IdP and in the organization: the controls sign them in.
  mallory = `mallory-${randomUUID()}@example.com`;
  const { token } = await machineToken(saml.tenant.ownerToken);
  const created = await call('POST', '/api/scim/v2/Users', { token, json: { schemas: [USER_SCHEMA], userName: mallory, active: true }, headers: { 'Content-Type': 'application/scim+json' } });
  expect(created.status).toBe(201);
});

type Build = (requestId: string) => string;

function response(requestId: string, overrides: Partial<ResponseOptions> = {}, sign: 'assertion' | 'response' | 'both' = 'assertion', options: SignOptions = {}, idp: TestIdp = saml.idp): string {
  const nameId = overrides.nameId ?? mallory;
  return signedResponse(idp, { acsUrl: saml.acsUrl, spEntityId: saml.spEntityId, inResponseTo: requestId, nameId, attributes: { [EMAIL_CLAIM]: [nameId] }, ...overrides }, sign, options);
}

async function attempt(build: Build) {
  const login = await startLogin(saml);
  return postAcs(saml, build(login.requestId), { relayState: login.relayState });
}

async function expectRefused(control: Build, attack: Build, reason: string, status = 401) {
  const passed = await attempt(control);
  expect(passed.status, passed.text).toBe(200);
  const refused = await attempt(attack);
  expect(refused.status, refused.text).toBe(status);
  expect(refused.body.reason).toBe(reason);
  expect(refused.body.accessToken).toBeUndefined();
}

describe('the ACS refuses XML signature wrapping', () => {
  for (const variant of [1, 2, 3, 4, 5, 6, 7, 8] as XswVariant[]) {
    it(`XSW${variant}: mallory's signed ${variant <= 2 ? 'response' : 'assertion'} wrapped around an assertion for the victim`, async () => {
      const sign = variant <= 2 ? 'response' : 'assertion';
      await expectRefused((id) => response(id, {}, sign), (id) => wrapSignature(response(id, {}, sign), variant, victim), 'multiple_assertions');
    });
  }
});

describe('the ACS refuses forged, altered and weak signatures', () => {
  it('signature exclusion (no signature at all)', async () => {
    await expectRefused((id) => response(id, {}, 'both'), (id) => stripSignatures(response(id, { nameId: victim }, 'both')), 'signature_missing');
  });

  it("KeyInfo substitution: the attacker's own key and certificate in KeyInfo", async () => {
    const forger = createTestIdp({ entityId: saml.idp.entityId });
    await expectRefused((id) => response(id, {}, 'both'), (id) => response(id, { nameId: victim }, 'both', {}, forger), 'signature_invalid');
  });

  it('an RSA-SHA1 signature', async () => {
    await expectRefused((id) => response(id), (id) => response(id, {}, 'assertion', { signatureAlgorithm: RSA_SHA1, digestAlgorithm: SHA1, unrestricted: true }), 'weak_algorithm');
  });

  it('two assertions, each validly signed', async () => {
    await expectRefused((id) => response(id), (id) => addSecondAssertion(response(id), response(id, { nameId: victim })), 'multiple_assertions');
  });

  it('an encrypted assertion (not supported: a clear reason code)', async () => {
    const encrypted = (id: string) =>
      response(id).replace(/<saml:Assertion [\s\S]*<\/saml:Assertion>/, '<saml:EncryptedAssertion><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"/></saml:EncryptedAssertion>');
    await expectRefused((id) => response(id), encrypted, 'encrypted_assertion_unsupported');
  });
});

describe('the ACS refuses injected content', () => {
  it('comment injection in the NameID (mallory@… signed, "victim<!---->…" sent)', async () => {
    // The IdP signs an identity that merely starts with the victim's address.
    const lookalike = `${victim}.evil.example`;
    await expectRefused((id) => response(id), (id) => injectCommentInNameId(response(id, { nameId: lookalike }), victim.length), 'comment_in_value');
  });

  it('a DTD with entity declarations', async () => {
    await expectRefused((id) => response(id), (id) => withDoctype(response(id)), 'dtd_forbidden', 400);
  });

  it('an oversized SAMLResponse', async () => {
    const passed = await attempt((id) => response(id));
    expect(passed.status).toBe(200);
    const login = await startLogin(saml);
    const huge = response(login.requestId).replace('</saml:Assertion>', `<saml:Advice>${'x'.repeat(300 * 1024)}</saml:Advice></saml:Assertion>`);
    const refused = await postAcs(saml, huge);
    expect(refused.status).toBe(400);
    expect(refused.body.reason).toBe('response_too_large');
  });
});

describe('the ACS refuses responses not meant for it, or not now', () => {
  const cases: [string, Partial<ResponseOptions>, string][] = [
    ['another audience', { audience: 'https://other-sp.example' }, 'audience_mismatch'],
    ['another recipient', { recipient: 'https://other-sp.example/acs' }, 'recipient_mismatch'],
    ['another destination', { destination: 'https://other-sp.example/acs' }, 'destination_mismatch'],
    ['an expired assertion', { now: new Date(Date.now() - 30 * 60_000) }, 'assertion_expired'],
    ['a not yet valid assertion', { notBefore: new Date(Date.now() + 10 * 60_000), notOnOrAfter: new Date(Date.now() + 20 * 60_000) }, 'assertion_not_yet_valid'],
    ['another issuer', { issuer: 'https://other-idp.example' }, 'issuer_mismatch'],
  ];
  it.each(cases)('%s', async (_label, overrides, reason) => {
    await expectRefused((id) => response(id), (id) => response(id, overrides), reason);
  });

  it('a response to a request that was never issued (mismatched InResponseTo)', async () => {
    await expectRefused((id) => response(id), () => response(newId()), 'unknown_request');
  });

  it("a response to another organization's request", async () => {
    const other = await samlTenant();
    const foreign = await startLogin(other);
    await expectRefused((id) => response(id), () => response(foreign.requestId), 'unknown_request');
  });

  it('a replayed assertion (the same response posted twice)', async () => {
    const login = await startLogin(saml);
    const xml = response(login.requestId);
    expect((await postAcs(saml, xml)).status).toBe(200);
    const replayed = await postAcs(saml, xml);
    expect(replayed.status).toBe(401);
    expect(replayed.body.reason).toBe('assertion_replayed');
  });

  it('a second response to an already answered request', async () => {
    const login = await startLogin(saml);
    expect((await postAcs(saml, response(login.requestId))).status).toBe(200);
    const second = await postAcs(saml, response(login.requestId));
    expect(second.status).toBe(401);
    expect(second.body.reason).toBe('unknown_request');
  });

  it('audits every refusal with its reason, never the assertion', async () => {
    const entries = (await auditEntries(saml.tenant.organizationId)).filter((entry) => entry.action === 'user.login.failed');
    const reasons = new Set(entries.map((entry) => entry.details.reason));
    for (const reason of ['multiple_assertions', 'signature_missing', 'signature_invalid', 'weak_algorithm', 'comment_in_value', 'dtd_forbidden', 'assertion_replayed', 'unknown_request', 'audience_mismatch']) {
      expect(reasons.has(reason), reason).toBe(true);
    }
    const serialized = JSON.stringify(entries);
    expect(serialized).not.toContain('Assertion');
    expect(serialized).not.toContain(encode('<samlp:Response').slice(0, 12));
    expect(entries.every((entry) => entry.details.method === 'saml')).toBe(true);
  });
});
