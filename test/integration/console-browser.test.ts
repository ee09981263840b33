import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { buildConsole } from '../../bin/build-console.ts';
import { CONSOLE_CSP } from '../../lib/console-site.ts';
import { baseUrl, call, createTenant, type Tenant } from './support/platform-client.ts';
import { slapdAvailable, startSlapd, type SlapdServer } from './support/ldap/slapd.ts';
import { createTestIdp, EMAIL_CLAIM, encode, signedResponse } from './support/saml/test-idp.ts';

/**
 * The admin console (issue 15) in Debian's Chromium, against the local runtime: static serving
 * and its headers, sign-in, the seed's four-step client setup ending in a SCIM call, a team with a
 * role, the audit log filtered and exported as CSV, SAML configured from IdP metadata and a SAML
 * sign-in landing in the console, an expired session, governance (a review decision, an
 * acknowledged violation), directory sync against a real slapd (a connection test, a dry run's
 * plan, a run and its history), and the phone-width layout. One browser and one organization for
 * the file; each test screenshots the page into test-artifacts/ on failure.
 *
 * CONSOLE_SCREENSHOTS=docs also copies the main screens' screenshots to docs/console/ (README).
 */
const CHROMIUM = '/usr/bin/chromium';
const installed = existsSync(CHROMIUM);
const requiredHere = process.env.CI === 'true' && process.env.CHROMIUM_INSTALL_FAILED !== '1';
const root = join(import.meta.dirname, '..', '..');
const artifacts = join(root, 'test-artifacts');
const docsShots = join(root, 'docs', 'console');

if (!installed && !requiredHere) {
  console.warn(`console-browser: skipped: ${CHROMIUM} is not installed (apt-get install -y chromium to run it)`);
}

let browser: Browser | undefined;
let page: Page;
let tenant: Tenant;
let slapd: SlapdServer | undefined;
const problems: string[] = [];

function screenshotOnFailure(name: string): void {
  onTestFailed(async () => {
    mkdirSync(artifacts, { recursive: true });
    await page?.screenshot({ path: join(artifacts, `console-${name}-failure.png`), fullPage: true }).catch(() => undefined);
  });
}

async function shot(name: string): Promise<void> {
  mkdirSync(artifacts, { recursive: true });
  const path = join(artifacts, `console-${name}.png`);
  await page.screenshot({ path, fullPage: true });
  if (process.env.CONSOLE_SCREENSHOTS === 'docs') {
    mkdirSync(docsShots, { recursive: true });
    copyFileSync(path, join(docsShots, `${name}.png`));
  }
}

async function signInWithPassword(email: string, password: string): Promise<void> {
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Polls like expect.poll, with room for a loaded machine (2 cores shared with the rest of the suite). */
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 100 });

/** A labelled text box (getByLabel would also match the field's "Copy …" button). */
const textbox = (name: string) => page.getByRole('textbox', { name, exact: true });

async function openScreen(name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name, exact: true }).click();
  await eventually(() => page.locator('#screen-title').textContent()).toBe(name);
}

describe.skipIf(!installed && !requiredHere)('Admin console in a browser', () => {
  beforeAll(async () => {
    await buildConsole({ ifStale: true, quiet: true });
    tenant = await createTenant('Console browser test');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
  });
  afterAll(async () => {
    await browser?.close();
    await slapd?.stop();
  });

  it('is installed where CI must run the browser test', () => {
    expect(installed, `${CHROMIUM} is missing although CI should have installed it (.ci/run)`).toBe(true);
  });

  it('is served at /console/ with a strict CSP, real content types, client routes falling back to index.html and no traversal', async () => {
    const index = await call('GET', '/console/');
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).toContain("connect-src 'self'");
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(index.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(index.text)?.[1];
    expect(script).toBeDefined();
    const asset = await call('GET', `/console/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    const clientRoute = await call('GET', '/console/teams');
    expect(clientRoute.status).toBe(200);
    expect(clientRoute.text).toBe(index.text);
    expect((await call('GET', '/console')).headers.get('location')).toBe('/console/');
    expect((await call('GET', '/console/assets/missing.js')).status).toBe(404);
    for (const path of ['/console/assets/..%2F..%2Fpackage.json', '/console/assets/%2e%2e/%2e%2e/package.json', '/console/assets/..%2Findex.html']) {
      const response = await call('GET', path);
      expect(response.status, path).toBe(404);
      expect(response.text).not.toContain('identity-platform');
    }
    expect((await call('POST', '/console/')).status).toBe(405);
  });

  it('signs in with email and password (a wrong password is refused with a message) and signs out', async () => {
    screenshotOnFailure('sign-in');
    await page.goto(`${baseUrl()}/console/`);
    await signInWithPassword(tenant.ownerEmail, 'not-the-password-123');
    await eventually(() => page.getByRole('alert').first().textContent()).toContain('not correct');
    await signInWithPassword(tenant.ownerEmail, tenant.ownerPassword);
    await eventually(() => page.locator('#screen-title').textContent()).toBe('Getting started');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await eventually(() => page.getByRole('status').first().textContent()).toContain('You signed out');
    // The token lived in memory only.
    expect(await page.evaluate('[window.localStorage.length, window.sessionStorage.length, document.cookie]')).toEqual([0, 0, '']);
    await signInWithPassword(tenant.ownerEmail, tenant.ownerPassword);
    await eventually(() => page.locator('#screen-title').textContent()).toBe('Getting started');
  });

  it('walks the four-step client setup and tests the connection with a SCIM call', async () => {
    screenshotOnFailure('getting-started');
    await page.getByLabel('Name', { exact: true }).fill('Microsoft EntraID (console)');
    await page.getByRole('button', { name: 'Create client registration' }).click();
    const secret = textbox('Client secret (client_secret)');
    await eventually(() => secret.inputValue()).toMatch(/.{32,}/);
    await page.getByRole('button', { name: 'Authorize for the platform API' }).click();
    await eventually(() => textbox('Tenant URL (SCIM base URL)').inputValue()).toBe(`${baseUrl()}/api/scim/v2`);
    expect(await textbox('Token endpoint').inputValue()).toBe(`${baseUrl()}/oauth/token?audience=${baseUrl()}/api`);
    expect(await textbox('Client secret').inputValue()).toBe(await secret.inputValue());
    await page.getByRole('button', { name: 'Test connection' }).click();
    await eventually(() => page.locator('#step-4 ~ .notice, section[aria-labelledby="step-4"] .notice').first().textContent()).toMatch(
      /Connection works: .*scim:read.*SCIM GET \/Users answered 200 \(\d+ users\)/,
    );
    await shot('getting-started');
    // The client really exists and was authorized for the platform API.
    const clients = await call('GET', '/api/identity/v1/apis/00000000-0000-0000-0000-000000000001/clients', { token: tenant.ownerToken });
    expect(clients.body.map((client: { name: string }) => client.name)).toContain('Microsoft EntraID (console)');
  });

  it('creates a team, finds it by search and assigns it a role', async () => {
    screenshotOnFailure('teams');
    await openScreen('Teams');
    await page.getByLabel('New team name').fill('Payments');
    await page.getByRole('button', { name: 'Create team' }).click();
    await eventually(() => page.getByRole('status').first().textContent()).toContain('Team “Payments” created.');
    await page.getByLabel('New team name').fill('Platform engineering');
    await page.getByRole('button', { name: 'Create team' }).click();
    await eventually(() => page.locator('table caption').first().textContent()).toBe('2 teams');
    await page.getByLabel('Search teams').fill('paym');
    await page.getByRole('button', { name: 'Search' }).click();
    await eventually(() => page.locator('table caption').first().textContent()).toBe('1 teams');
    await page.getByRole('button', { name: 'Roles of Payments' }).click();
    await page.getByLabel('Role to assign').selectOption({ label: 'Security Analyst' });
    await page.getByRole('button', { name: 'Assign role' }).click();
    await eventually(() => page.getByRole('region', { name: 'Roles of Payments' }).locator('.chips').textContent()).toContain('Security Analyst');
    await shot('teams');
    const groups = await call('GET', `/api/scim/v2/Groups?filter=${encodeURIComponent('displayName eq "Payments"')}`, { token: tenant.ownerToken });
    const roles = await call('GET', `/api/identity/v1/groups/${groups.body.Resources[0].id}/roles`, { token: tenant.ownerToken });
    expect(roles.body.items.map((role: { id: string }) => role.id)).toEqual(['security-analyst']);
  });

  it('creates a custom role with the scope picker', async () => {
    screenshotOnFailure('roles');
    await openScreen('Roles');
    await page.getByLabel('Role name').fill('Auditor');
    await page.getByRole('checkbox', { name: 'audit:read' }).check();
    await page.getByRole('checkbox', { name: 'directory:read' }).check();
    await page.getByRole('button', { name: 'Create role' }).click();
    await eventually(() => page.getByRole('status').first().textContent()).toContain('Role “Auditor” created.');
    const roles = await call('GET', '/api/identity/v1/roles?pageSize=100', { token: tenant.ownerToken });
    expect(roles.body.items.find((role: { name: string }) => role.name === 'Auditor')?.scopes.sort()).toEqual(['audit:read', 'directory:read']);
  });

  it('filters the audit log, draws its charts and downloads a CSV export', async () => {
    screenshotOnFailure('audit');
    await openScreen('Audit log');
    await eventually(() => page.locator('.charts .recharts-wrapper').count()).toBe(3);
    await page.getByLabel('Action').fill('group.created');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await eventually(() => page.locator('table.audit caption').textContent()).toBe('2 entries');
    expect(await page.locator('table.audit tbody tr td:nth-child(2)').allTextContents()).toEqual(['group.created', 'group.created']);
    // The failed sign-in of the sign-in test is on the failed sign-ins chart (one bar).
    await eventually(() => page.locator('figure', { hasText: 'Failed sign-ins per day' }).locator('.recharts-bar-rectangle').count()).toBeGreaterThanOrEqual(1);
    await shot('audit-log');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const rows = parse(readFileSync((await download.path()) ?? ''), { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row.action)).toEqual(['group.created', 'group.created']);
  });

  it('configures SAML from uploaded IdP metadata and signs in through the IdP into the console', async () => {
    screenshotOnFailure('saml');
    const idp = createTestIdp();
    const ssoUrl = 'https://idp.example.test/sso';
    const certificate = idp.certificate.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
    const metadata =
      `<?xml version="1.0" encoding="utf-8"?><EntityDescriptor entityID="${idp.entityId}" xmlns="urn:oasis:names:tc:SAML:2.0:metadata">` +
      `<IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><KeyDescriptor use="signing"><KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#">` +
      `<X509Data><X509Certificate>${certificate}</X509Certificate></X509Data></KeyInfo></KeyDescriptor>` +
      `<SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${ssoUrl}"/></IDPSSODescriptor></EntityDescriptor>`;
    await openScreen('Sign-in (SAML)');
    const acsUrl = `${baseUrl()}/api/identity/v1/saml/acs/${tenant.organizationId}`;
    await eventually(() => textbox('ACS URL (Reply URL / Single sign-on URL)').inputValue()).toBe(acsUrl);
    const spEntityId = await textbox('SP entity ID (Identifier / Audience URI)').inputValue();
    await page.getByLabel('Upload the IdP metadata file (Federation Metadata XML)').setInputFiles({ name: 'federationmetadata.xml', mimeType: 'application/xml', buffer: Buffer.from(metadata) });
    await eventually(() => textbox('Or paste the IdP metadata XML').inputValue()).toBe(metadata);
    await page.getByRole('button', { name: 'Save SAML settings' }).click();
    await eventually(() => page.getByRole('status').first().textContent()).toContain('SAML settings saved');
    await eventually(() => page.locator('dd').nth(1).textContent()).toBe(idp.entityId);
    await shot('saml');

    // SP-initiated sign-in: the IdP (played by the test) answers the AuthnRequest with a signed
    // response in a form; the ACS sends the browser back to the console with the token in the fragment.
    await page.route(`${ssoUrl}?**`, async (route) => {
      const url = new URL(route.request().url());
      const authnRequest = inflateRawSync(Buffer.from(url.searchParams.get('SAMLRequest') ?? '', 'base64')).toString('utf8');
      const requestId = /ID="([^"]+)"/.exec(authnRequest)?.[1];
      const xml = signedResponse(idp, { acsUrl, spEntityId, inResponseTo: requestId, nameId: tenant.ownerEmail, attributes: { [EMAIL_CLAIM]: [tenant.ownerEmail] } });
      const escapeAttribute = (value: string) => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
      await route.fulfill({
        contentType: 'text/html',
        body:
          `<form method="post" action="${acsUrl}"><input type="hidden" name="SAMLResponse" value="${escapeAttribute(encode(xml))}">` +
          `<input type="hidden" name="RelayState" value="${escapeAttribute(url.searchParams.get('RelayState') ?? '')}"><button>Continue</button></form>`,
      });
    });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Organization id').fill(tenant.organizationId);
    await page.getByRole('button', { name: 'Continue with SAML' }).click();
    await page.getByRole('button', { name: 'Continue' }).click();
    await eventually(() => page.locator('#screen-title').textContent()).toBe('Getting started');
    expect(new URL(page.url()).hash).toBe('');
    await page.unroute(`${ssoUrl}?**`);
  });

  it('returns to sign-in with a message when the token is refused', async () => {
    screenshotOnFailure('expired');
    await page.route('**/api/identity/v1/clients?**', (route) =>
      route.fulfill({ status: 401, contentType: 'application/json', body: JSON.stringify({ error: 'unauthorized', message: 'expired', statusCode: 401 }) }),
    );
    await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Client registrations', exact: true }).click();
    await eventually(() => page.getByRole('status').first().textContent()).toContain('Your session has expired');
    await page.unroute('**/api/identity/v1/clients?**');
    // Signing in again returns to the screen the session ended on.
    await signInWithPassword(tenant.ownerEmail, tenant.ownerPassword);
    await eventually(() => page.locator('#screen-title').textContent()).toBe('Client registrations');
  });

  it('lists client registrations and disables one', async () => {
    screenshotOnFailure('clients');
    await page.getByRole('button', { name: 'Disable Microsoft EntraID (console)' }).click();
    await eventually(() => page.getByRole('button', { name: 'Enable Microsoft EntraID (console)' }).count()).toBe(1);
    await shot('client-registrations');
  });

  it('decides a review item in the reviewer inbox and acknowledges an open violation', async () => {
    screenshotOnFailure('governance');
    const token = tenant.ownerToken;
    const scimJson = { 'Content-Type': 'application/scim+json' };
    const user = await call('POST', '/api/scim/v2/Users', {
      token,
      headers: scimJson,
      json: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@example.com', displayName: 'Ada Lovelace', active: true },
    });
    expect(user.status, user.text).toBe(201);
    const groups = await call('GET', `/api/scim/v2/Groups?filter=${encodeURIComponent('displayName eq "Payments"')}`, { token });
    const paymentsId = groups.body.Resources[0].id as string;
    const added = await call('PATCH', `/api/scim/v2/Groups/${paymentsId}`, {
      token,
      headers: scimJson,
      json: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: [{ value: user.body.id }] }] },
    });
    expect(added.status, added.text).toBe(204);
    const campaign = await call('POST', '/api/reviews/campaigns', {
      token,
      json: { name: 'Payments access review', scope: { kind: 'groups', groupIds: [paymentsId] }, reviewers: { kind: 'named', reviewerIds: [tenant.ownerUserId] }, dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString() },
    });
    expect(campaign.status, campaign.text).toBe(201);
    const started = await call('POST', `/api/reviews/campaigns/${campaign.body.id}/start`, { token });
    expect(started.status, started.text).toBe(200);
    // Neither the Owner nor Ada has a manager: the policy-sweep worker opens a violation for each.
    const policy = await call('POST', '/api/policies', { token, json: { name: 'Everyone has a manager', type: 'missingManager', parameters: {} } });
    expect(policy.status, policy.text).toBe(201);
    const adasViolations = async () => (await call('GET', `/api/violations?status=all&policyId=${policy.body.id}&userId=${user.body.id}`, { token })).body.data;
    // Polled once a second: the governance API allows 60 requests a minute.
    await expect.poll(async () => (await adasViolations()).length, { timeout: 20_000, interval: 1000 }).toBe(1);

    await openScreen('Governance');
    await eventually(() => page.getByRole('progressbar', { name: 'Progress of Payments access review' }).getAttribute('value')).toBe('0');
    const item = 'ada@example.com, member of Payments';
    await page.getByLabel(`Justification for ${item}`).fill('Moved to the research team');
    await page.getByRole('button', { name: `Revoke ${item}` }).click();
    await eventually(() => page.getByText('Revoked: Ada Lovelace, member of Payments.').count()).toBe(1);
    await eventually(() => page.getByRole('progressbar', { name: 'Progress of Payments access review' }).getAttribute('value')).toBe('1');
    await eventually(() => page.getByRole('button', { name: `Revoke ${item}` }).count()).toBe(0);
    const items = await call('GET', `/api/reviews/campaigns/${campaign.body.id}/items`, { token });
    expect(items.body.data).toEqual([expect.objectContaining({ userId: user.body.id, status: 'revoked', decision: expect.objectContaining({ decision: 'revoke', justification: 'Moved to the research team' }) })]);

    const violation = `Everyone has a manager for ada@example.com`;
    await eventually(() => page.getByRole('table', { name: /^Low \(\d+\)$/ }).getByText('Ada Lovelace').count()).toBe(1);
    await page.getByLabel(`Reason for ${violation}`).fill('HR assigns her manager this week');
    await shot('governance');
    await page.getByRole('button', { name: `Acknowledge ${violation}` }).click();
    await eventually(() => page.getByText(`Acknowledged: ${violation}.`).count()).toBe(1);
    // Only open violations are listed: Ada's is gone, the Owner's stays.
    await eventually(() => page.getByRole('button', { name: `Acknowledge ${violation}` }).count()).toBe(0);
    expect(await page.getByRole('button', { name: `Acknowledge Everyone has a manager for ${tenant.ownerEmail}` }).count()).toBe(1);
    expect(await adasViolations()).toEqual([expect.objectContaining({ status: 'acknowledged', acknowledgement: expect.objectContaining({ reason: 'HR assigns her manager this week' }) })]);
  });

  it.skipIf(!slapdAvailable() && process.env.CI !== 'true')('tests a directory connection, shows a dry run as a diff, runs a sync and shows its history', async () => {
    screenshotOnFailure('directory');
    slapd = await startSlapd();
    const token = tenant.ownerToken;
    const connection = await call('POST', '/api/connections', {
      token,
      json: { name: 'OpenLDAP', type: 'ldap', host: slapd.host, port: slapd.port, tlsMode: 'none', allowInsecure: true, baseDn: slapd.baseDn, bindDn: slapd.serviceDn, password: slapd.servicePassword },
    });
    expect(connection.status, connection.text).toBe(201);
    const project = await call('POST', '/api/sync/projects', { token, json: { name: 'OpenLDAP people', connectionId: connection.body.id } });
    expect(project.status, project.text).toBe(201);

    await openScreen('Directory');
    await page.getByRole('button', { name: 'Test OpenLDAP', exact: true }).click();
    await eventually(() => page.getByRole('status', { name: 'Test result of OpenLDAP' }).textContent()).toMatch(/^Connected in \d+ ms: OpenLDAP/);

    // A dry run: its plan as a diff, and nothing changed.
    await page.getByRole('button', { name: 'Dry run OpenLDAP people' }).click();
    await eventually(() => page.getByRole('heading', { name: 'Plan of the dry run of “OpenLDAP people”' }).count()).toBe(1);
    const runs = async () => (await call('GET', `/api/sync/history?projectId=${project.body.id}`, { token })).body.data as { id: string; status: string; dryRun?: boolean; counts: Record<string, number> }[];
    const [dryRun] = await runs();
    expect(dryRun).toMatchObject({ status: 'succeeded', dryRun: true });
    const adds = page.getByRole('region', { name: 'Adds' }).locator('li');
    expect(dryRun?.counts.created).toBeGreaterThan(slapd.users.length - 1);
    expect(await adds.count()).toBe(dryRun?.counts.created);
    expect((await adds.allTextContents()).join('\n')).toContain(`uid=${slapd.users[0]?.uid}`);
    expect((await call('GET', `/api/users?pageSize=200`, { token })).body.data.filter((user: { source?: string }) => user.source === 'ldap')).toEqual([]);

    await page.getByRole('button', { name: 'Run OpenLDAP people now' }).click();
    await eventually(() => page.getByText('Run of “OpenLDAP people”: succeeded.').count()).toBe(1);
    const [run] = await runs();
    expect(run).toMatchObject({ status: 'succeeded', counts: expect.objectContaining({ created: dryRun?.counts.created, errors: 0 }) });
    expect(run?.dryRun).toBeUndefined();
    const rows = page.locator('table.history tbody tr');
    await eventually(() => rows.count()).toBe(2);
    expect(await rows.nth(0).locator('td').nth(3).textContent()).toBe('succeeded');
    expect(await rows.nth(0).locator('td.counts').textContent()).toContain(`${run?.counts.created} created`);
    expect(await rows.nth(1).locator('td').nth(2).textContent()).toBe('full, dry run');
    expect(await page.getByRole('region', { name: 'Adds' }).locator('li').count()).toBe(run?.counts.created);
    await shot('directory');
    // The history's per-object changes of the dry run, opened from its row.
    await rows.nth(1).getByRole('button', { name: /^Changes of/ }).click();
    await eventually(() => page.getByRole('heading', { name: /^Plan of the dry run of “OpenLDAP people” queued/ }).count()).toBe(1);
    expect(await page.getByRole('region', { name: 'Adds' }).locator('li').count()).toBe(dryRun?.counts.created);
  });

  it('works at phone width: the navigation folds behind a Menu button', async () => {
    screenshotOnFailure('phone');
    await page.setViewportSize({ width: 390, height: 844 });
    const nav = page.getByRole('navigation', { name: 'Console' });
    expect(await nav.isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Menu' }).click();
    await nav.getByRole('link', { name: 'Teams', exact: true }).click();
    await eventually(() => page.locator('#screen-title').textContent()).toBe('Teams');
    expect(await nav.isVisible()).toBe(false);
    // Nothing wider than the screen but the tables, which scroll on their own.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await shot('phone-teams');
    for (const screen of ['Governance', 'Directory']) {
      await page.getByRole('button', { name: 'Menu' }).click();
      await nav.getByRole('link', { name: screen, exact: true }).click();
      await eventually(() => page.locator('#screen-title').textContent()).toBe(screen);
      await eventually(() => page.locator('main table caption').first().textContent()).not.toMatch(/Loading/);
      expect(await page.evaluate<number>('document.documentElement.scrollWidth'), screen).toBeLessThanOrEqual(390);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(problems.filter((problem) => /Content Security Policy|Refused to/i.test(problem))).toEqual([]);
  });
});
