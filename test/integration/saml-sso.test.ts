import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditEntries, baseUrl, call, machineToken } from './support/platform-client.ts';
import { GROUP_SCHEMA, PATCH_OP, USER_SCHEMA } from './support/scim-client.ts';
import { SAML, postAcs, samlTenant, startLogin, type SamlTenant } from './support/saml/saml-client.ts';
import { EMAIL_CLAIM, GIVEN_NAME_CLAIM, SURNAME_CLAIM, createTestIdp, signedResponse } from './support/saml/test-idp.ts';
import { useLocalEngines } from './support/in-process.ts';
import type * as UsersRepository from '../../shared/storage/users.ts';

const NS_PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';

function responseFor(saml: SamlTenant, requestId: string | undefined, nameId: string, extra: Record<string, string[]> = {}, sign: 'assertion' | 'response' | 'both' = 'assertion') {
  return signedResponse(saml.idp, { acsUrl: saml.acsUrl, spEntityId: saml.spEntityId, nameId, ...(requestId ? { inResponseTo: requestId } : {}), attributes: { [EMAIL_CLAIM]: [nameId], ...extra } }, sign);
}

describe('SAML single sign-on, SP-initiated, end to end over HTTP', () => {
  let saml: SamlTenant;
  beforeAll(async () => {
    saml = await samlTenant();
  });

  it('publishes the ACS URL in the metadata exactly as the ACS route serves it, per organization', () => {
    expect(saml.acsUrl).toBe(`${baseUrl()}${SAML}/acs/${saml.tenant.organizationId}`);
    expect(saml.spEntityId).toBe(`${baseUrl()}${SAML}/metadata?organization=${saml.tenant.organizationId}`);
  });

  it('redirects to the IdP with a signed, deflated AuthnRequest for this SP', async () => {
    const login = await startLogin(saml, '/console/home');
    expect(`${login.location.origin}${login.location.pathname}`).toBe('http://127.0.0.1:9/idp/sso');
    const request = login.authnRequest.documentElement;
    expect(request?.namespaceURI).toBe(NS_PROTOCOL);
    expect(request?.localName).toBe('AuthnRequest');
    expect(request?.getAttribute('AssertionConsumerServiceURL')).toBe(saml.acsUrl);
    expect(request?.getAttribute('Destination')).toBe('http://127.0.0.1:9/idp/sso');
    expect(request?.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:assertion', 'Issuer').item(0)?.textContent).toBe(saml.spEntityId);
    expect(login.requestId).toMatch(/^_[0-9a-f]{32}$/);
    // RelayState sent to the IdP is our request id; the target URL stays with us.
    expect(login.relayState).toBe(login.requestId);
  });

  it('signs the Owner in: ACS → access token → GET /me, audited as user.login with method saml', async () => {
    for (const sign of ['assertion', 'response', 'both'] as const) {
      const login = await startLogin(saml, '/console/home');
      const acs = await postAcs(saml, responseFor(saml, login.requestId, saml.tenant.ownerEmail, {}, sign), { relayState: login.relayState });
      expect(acs.status, acs.text).toBe(200);
      expect(acs.headers.get('cache-control')).toBe('no-store');
      expect(acs.body).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, redirectTo: `${baseUrl()}/console/home` });
      const me = await call('GET', '/api/identity/v1/me', { token: acs.body.accessToken });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ organizationId: saml.tenant.organizationId, principalType: 'user', userId: saml.tenant.ownerUserId });
      expect(me.body.scopes).toContain('organization:owner');
    }
    const entries = await auditEntries(saml.tenant.organizationId);
    const logins = entries.filter((entry) => entry.action === 'user.login' && entry.details.method === 'saml');
    expect(logins).toHaveLength(3);
    expect(logins[0]).toMatchObject({ actorId: saml.tenant.ownerUserId, details: { idpInitiated: false, jitProvisioned: false } });
    expect(JSON.stringify(logins)).not.toContain('SAMLResponse');
  });

  it('hands a browser the token in the URL fragment of the RelayState page, under a strict CSP', async () => {
    const login = await startLogin(saml, '/console/reports?tab=1');
    const acs = await postAcs(saml, responseFor(saml, login.requestId, saml.tenant.ownerEmail), { relayState: login.relayState, accept: 'text/html,application/xhtml+xml,*/*' });
    expect(acs.status).toBe(200);
    expect(acs.headers.get('content-type')).toContain('text/html');
    expect(acs.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(acs.headers.get('referrer-policy')).toBe('no-referrer');
    const refresh = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(acs.text)?.[1]?.replace(/&amp;/g, '&');
    const target = new URL(refresh ?? '');
    expect(`${target.origin}${target.pathname}${target.search}`).toBe(`${baseUrl()}/console/reports?tab=1`);
    const fragment = new URLSearchParams(target.hash.slice(1));
    expect(fragment.get('token_type')).toBe('Bearer');
    expect((await call('GET', '/api/identity/v1/me', { token: fragment.get('access_token') ?? '' })).status).toBe(200);
  });

  it('answers a failure to a browser with a small page naming the reason code', async () => {
    const acs = await postAcs(saml, responseFor(saml, undefined, saml.tenant.ownerEmail), { accept: 'text/html' });
    expect(acs.status).toBe(401);
    expect(acs.headers.get('content-type')).toContain('text/html');
    expect(acs.text).toContain('<code>idp_initiated_not_allowed</code>');
  });

  it('refuses open redirects in RelayState and accepts URLs on the platform', async () => {
    for (const relayState of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', `/${'a'.repeat(1100)}`]) {
      const response = await call('GET', `${SAML}/login?organization=${saml.tenant.organizationId}&RelayState=${encodeURIComponent(relayState)}`);
      expect(response.status, relayState).toBe(400);
      expect(response.body.error).toBe('invalid_input');
    }
    expect((await startLogin(saml, `${baseUrl()}/console`)).requestId).toMatch(/^_/);
  });

  it('refuses users the IdP vouches for but the organization does not have (JIT off)', async () => {
    const login = await startLogin(saml);
    const acs = await postAcs(saml, responseFor(saml, login.requestId, `stranger-${randomUUID()}@example.com`));
    expect(acs.status).toBe(401);
    expect(acs.body).toMatchObject({ error: 'unauthenticated', reason: 'user_not_provisioned' });
    const failed = (await auditEntries(saml.tenant.organizationId)).filter((entry) => entry.action === 'user.login.failed');
    expect(failed.at(-1)?.details).toMatchObject({ method: 'saml', reason: 'user_not_provisioned' });
  });

  it('refuses deactivated users', async () => {
    const { token } = await machineToken(saml.tenant.ownerToken);
    const email = `deactivated-${randomUUID()}@example.com`;
    const created = await call('POST', '/api/scim/v2/Users', { token, json: { schemas: [USER_SCHEMA], userName: email, emails: [{ value: email, primary: true }], active: true }, headers: { 'Content-Type': 'application/scim+json' } });
    expect(created.status).toBe(201);
    const login = await startLogin(saml);
    expect((await postAcs(saml, responseFor(saml, login.requestId, email))).status).toBe(200);
    const patched = await call('PATCH', `/api/scim/v2/Users/${created.body.id}`, { token, json: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'active', value: false }] }, headers: { 'Content-Type': 'application/scim+json' } });
    expect(patched.status).toBe(200);
    const again = await startLogin(saml);
    const refused = await postAcs(saml, responseFor(saml, again.requestId, email));
    expect(refused.status).toBe(401);
    expect(refused.body.reason).toBe('user_inactive');
  });
});

describe('SAML just-in-time provisioning', () => {
  it('creates the user on first sign-in, adds it to the default group, and signs it in', async () => {
    const setup = await samlTenant();
    const { token } = await machineToken(setup.tenant.ownerToken);
    const group = await call('POST', '/api/scim/v2/Groups', { token, json: { schemas: [GROUP_SCHEMA], displayName: `SSO users ${randomUUID()}` }, headers: { 'Content-Type': 'application/scim+json' } });
    expect(group.status).toBe(201);
    const assigned = await call('POST', `/api/identity/v1/groups/${group.body.id}/roles`, { token: setup.tenant.ownerToken, json: { roles: ['viewer'] } });
    expect([200, 201]).toContain(assigned.status);
    const updated = await call('POST', `${SAML}/settings`, { token: setup.tenant.ownerToken, json: { jitProvisioning: true, defaultGroupId: group.body.id } });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ jitProvisioning: true, defaultGroupId: group.body.id });

    const email = `New.Person-${randomUUID()}@Example.com`;
    // The same human's SCIM account (another userName, the same email): the JIT user joins its person.
    const scimAccount = await call('POST', '/api/scim/v2/Users', { token, json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `scim-${randomUUID()}@corp.example`, emails: [{ value: email, primary: true }] } });
    expect(scimAccount.status, scimAccount.text).toBe(201);
    const login = await startLogin(setup);
    const acs = await postAcs(setup, responseFor(setup, login.requestId, email, { [GIVEN_NAME_CLAIM]: ['New'], [SURNAME_CLAIM]: ['Person'] }));
    expect(acs.status, acs.text).toBe(200);
    const me = await call('GET', '/api/identity/v1/me', { token: acs.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.scopes).toEqual(expect.arrayContaining(['directory:read', 'identity:read']));

    const user = await call('GET', `/api/scim/v2/Users/${me.body.userId}`, { token });
    expect(user.status).toBe(200);
    expect(user.body).toMatchObject({ userName: email.toLowerCase(), name: { givenName: 'New', familyName: 'Person' }, active: true });
    const members = await call('GET', `/api/scim/v2/Groups/${group.body.id}`, { token });
    expect(members.body.members.map((member: { value: string }) => member.value)).toContain(me.body.userId);
    const persons = await call('GET', `/api/persons?search=${encodeURIComponent(email.toLowerCase())}`, { token: setup.tenant.ownerToken });
    expect(persons.status, persons.text).toBe(200);
    expect(persons.body.data).toHaveLength(1);
    expect(persons.body.data[0].objectCount).toBe(2);
    const linked = await call('GET', `/api/persons/${persons.body.data[0].id}/objects`, { token: setup.tenant.ownerToken });
    expect(linked.body.data.map((object: { id: string; source: string }) => [object.id, object.source]).sort()).toEqual([[me.body.userId, 'saml-jit'], [scimAccount.body.id, 'scim']].sort());

    // One user record for every source, read through the one users repository (issue 11): the JIT
    // user and the local Owner are both there by id; SCIM sees the first and still hides the second.
    useLocalEngines();
    const users: typeof UsersRepository = await import('../../shared/storage/users.ts');
    expect(await users.byId(setup.tenant.organizationId, me.body.userId)).toMatchObject({ source: 'saml-jit', userName: email.toLowerCase(), active: true });
    expect(await users.byId(setup.tenant.organizationId, setup.tenant.ownerUserId)).toMatchObject({ source: 'local', userName: setup.tenant.ownerEmail });
    expect((await call('GET', `/api/scim/v2/Users/${setup.tenant.ownerUserId}`, { token })).status).toBe(404);

    // The second sign-in finds the user instead of creating another.
    const second = await startLogin(setup);
    const again = await postAcs(setup, responseFor(setup, second.requestId, email));
    expect(again.status).toBe(200);
    const entries = await auditEntries(setup.tenant.organizationId);
    expect(entries.filter((entry) => entry.action === 'user.created' && entry.details.source === 'saml-jit')).toHaveLength(1);
    expect(entries.some((entry) => entry.action === 'group.member.added' && entry.targetId === group.body.id)).toBe(true);
    expect(entries.filter((entry) => entry.action === 'user.login' && entry.details.method === 'saml').map((entry) => entry.details.jitProvisioned)).toEqual([true, false]);
  });
});

describe('IdP-initiated sign-in', () => {
  it('is refused unless allowIdpInitiated is on, then honours a RelayState on the platform only', async () => {
    const saml = await samlTenant();
    const refused = await postAcs(saml, responseFor(saml, undefined, saml.tenant.ownerEmail));
    expect(refused.status).toBe(401);
    expect(refused.body.reason).toBe('idp_initiated_not_allowed');

    expect((await call('POST', `${SAML}/settings`, { token: saml.tenant.ownerToken, json: { allowIdpInitiated: true } })).status).toBe(200);
    const allowed = await postAcs(saml, responseFor(saml, undefined, saml.tenant.ownerEmail), { relayState: '/console/start' });
    expect(allowed.status, allowed.text).toBe(200);
    expect(allowed.body.redirectTo).toBe(`${baseUrl()}/console/start`);
    const offsite = await postAcs(saml, responseFor(saml, undefined, saml.tenant.ownerEmail), { relayState: 'https://evil.example/' });
    expect(offsite.status).toBe(200);
    expect(offsite.body.redirectTo).toBe(`${baseUrl()}/`);
  });

  it('works with an EC (P-256) IdP certificate too', async () => {
    const saml = await samlTenant({ allowIdpInitiated: true }, createTestIdp({ keyType: 'ec' }));
    expect((await postAcs(saml, responseFor(saml, undefined, saml.tenant.ownerEmail))).status).toBe(200);
  });
});
