import { beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { auditEntries, baseUrl, call, createTenant, machineToken, type MachineClient, type Tenant } from './support/platform-client.ts';
import { useLocalEngines } from './support/in-process.ts';

let tenant: Tenant;
let client: MachineClient;

const form = (fields: Record<string, string>, query = `?audience=${encodeURIComponent(`${baseUrl()}/api`)}`, headers: Record<string, string> = {}) =>
  call('POST', `/oauth/token${query}`, {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

beforeAll(async () => {
  tenant = await createTenant();
  ({ client } = await machineToken(tenant.ownerToken));
});

describe('OAuth token endpoint (client_credentials)', () => {
  it('authenticates with client_secret_post and with client_secret_basic', async () => {
    const post = await form({ grant_type: 'client_credentials', client_id: client.credentialsClientId, client_secret: client.clientSecret });
    expect(post.status).toBe(200);
    const viaBasic = await form({ grant_type: 'client_credentials' }, undefined, { Authorization: basic(client.credentialsClientId, client.clientSecret) });
    expect(viaBasic.status).toBe(200);
    expect(viaBasic.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(viaBasic.body.scope.split(' ')).toContain('scim:write');
  });

  it('accepts audience in the body as well as the query string, and refuses two different ones', async () => {
    const inBody = await form({ grant_type: 'client_credentials', client_id: client.credentialsClientId, client_secret: client.clientSecret, audience: `${baseUrl()}/api` }, '');
    expect(inBody.status).toBe(200);
    const conflicting = await form({ grant_type: 'client_credentials', client_id: client.credentialsClientId, client_secret: client.clientSecret, audience: 'https://other.example' });
    expect(conflicting.status).toBe(400);
    expect(conflicting.body.error).toBe('invalid_request');
  });

  it('answers invalid_client 401 with a Basic challenge for a wrong secret or unknown client, and audits it', async () => {
    const wrong = await form({ grant_type: 'client_credentials', client_id: client.credentialsClientId, client_secret: 'x'.repeat(43) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error).toBe('invalid_client');
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Basic/);
    const unknown = await form({ grant_type: 'client_credentials', client_id: 'A'.repeat(32), client_secret: 'nope' });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error_description).toBe(wrong.body.error_description);
    const failures = (await auditEntries(tenant.organizationId)).filter((entry) => entry.action === 'client.token.failed');
    expect(failures.length).toBeGreaterThan(0);
    expect(JSON.stringify(failures)).not.toContain(client.clientSecret);
  });

  it('answers unsupported_grant_type and invalid_request for missing or wrong grant types', async () => {
    const password = await form({ grant_type: 'password', client_id: client.credentialsClientId, client_secret: client.clientSecret });
    expect(password.body.error).toBe('unsupported_grant_type');
    const missing = await form({ client_id: client.credentialsClientId, client_secret: client.clientSecret });
    expect(missing.body.error).toBe('invalid_request');
  });

  it('refuses repeated parameters, two authentication methods and a JSON body with invalid_request', async () => {
    const repeated = await call('POST', '/oauth/token', {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&grant_type=client_credentials&client_id=${client.credentialsClientId}&client_secret=${client.clientSecret}`,
    });
    expect(repeated.status).toBe(400);
    expect(repeated.body.error).toBe('invalid_request');
    const both = await form({ grant_type: 'client_credentials', client_id: client.credentialsClientId, client_secret: client.clientSecret }, undefined, {
      Authorization: basic(client.credentialsClientId, client.clientSecret),
    });
    expect(both.body.error).toBe('invalid_request');
    const json = await call('POST', '/oauth/token', { json: { grant_type: 'client_credentials' } });
    expect(json.status).toBe(400);
    expect(json.body.error).toBe('invalid_request');
  });

  it('narrows scopes on request and refuses scopes that were not granted with invalid_scope', async () => {
    const narrowed = await form({ grant_type: 'client_credentials', client_id: client.credentialsClientId, client_secret: client.clientSecret, scope: 'scim:read' });
    expect(narrowed.body.scope).toBe('scim:read');
    const escalated = await form({ grant_type: 'client_credentials', client_id: client.credentialsClientId, client_secret: client.clientSecret, scope: 'scim:read organization:owner' });
    expect(escalated.status).toBe(400);
    expect(escalated.body.error).toBe('invalid_scope');
  });

  it('refuses a disabled client with unauthorized_client', async () => {
    const { client: other } = await machineToken(tenant.ownerToken);
    await call('PATCH', `/api/identity/v1/clients/${other.clientId}`, { token: tenant.ownerToken, json: { enabled: false } });
    const refused = await form({ grant_type: 'client_credentials', client_id: other.credentialsClientId, client_secret: other.clientSecret });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('unauthorized_client');
  });

  it('issues tokens for a custom API audience with that API’s scopes only', async () => {
    const identifier = `https://inventory.example.com/${Date.now()}`;
    const api = await call('POST', '/api/identity/v1/apis', {
      token: tenant.ownerToken,
      json: { name: 'Inventory', identifier, scopes: [{ value: 'inventory:read' }, { value: 'inventory:write' }] },
    });
    await call('POST', `/api/identity/v1/apis/${api.body.id}/clients`, { token: tenant.ownerToken, json: [{ clientId: client.clientId, scopes: ['inventory:read'] }] });
    const token = await form({ grant_type: 'client_credentials', client_id: client.credentialsClientId, client_secret: client.clientSecret, audience: identifier }, '');
    expect(token.status).toBe(200);
    expect(token.body.scope).toBe('inventory:read');
    const onPlatform = await call('GET', '/api/identity/v1/me', { token: token.body.access_token });
    expect(onPlatform.status).toBe(401);
  });

  it('follows every change of enabled and grantTypeClientCredentials (kept on the credentials item), also across a secret rotation', async () => {
    const { client: other } = await machineToken(tenant.ownerToken);
    const token = (secret = other.clientSecret) => form({ grant_type: 'client_credentials', client_id: other.credentialsClientId, client_secret: secret });
    const patch = (json: Record<string, unknown>) => call('PATCH', `/api/identity/v1/clients/${other.clientId}`, { token: tenant.ownerToken, json });
    expect((await patch({ enabled: false })).status).toBe(200);
    expect((await token()).body.error).toBe('unauthorized_client');
    expect((await patch({ enabled: true })).status).toBe(200);
    expect((await token()).status).toBe(200);
    expect((await patch({ grantTypeClientCredentials: false })).status).toBe(200);
    const notAllowed = await token();
    expect(notAllowed.status).toBe(400);
    expect(notAllowed.body.error_description).toMatch(/not allowed to use the client_credentials grant/);
    // A rotation replaces the secret only: the registration's flags stay on the credentials.
    const rotated = await call('POST', `/api/identity/v1/clients/${other.clientId}/secret`, { token: tenant.ownerToken });
    expect(rotated.status).toBe(200);
    const newSecret = rotated.body.credentials.clientSecret as string;
    expect((await token(newSecret)).body.error_description).toMatch(/not allowed to use the client_credentials grant/);
    expect((await patch({ grantTypeClientCredentials: true })).status).toBe(200);
    expect((await token(newSecret)).status).toBe(200);
    expect((await token()).status).toBe(401);
    const reasons = (await auditEntries(tenant.organizationId)).filter((entry) => entry.action === 'client.token.failed' && entry.targetId === other.clientId).map((entry) => entry.details.reason);
    expect(reasons).toEqual(['client_disabled', 'grant_not_allowed', 'grant_not_allowed', 'wrong_secret']);
  });

  it('credentials written before the flags were kept on them: the registration decides, a missing flag never counts as enabled, and the next registration change fills them in', async () => {
    useLocalEngines();
    const { dynamo, tableName } = await import('../../shared/storage/clients.ts');
    const { keys } = await import('../../shared/storage/keys.ts');
    const { client: legacy } = await machineToken(tenant.ownerToken);
    const credentialsKey = keys.clientCredentials(legacy.credentialsClientId);
    const registrationKey = keys.client(tenant.organizationId, legacy.clientId);
    const credentialsItem = async () => (await dynamo().send(new GetCommand({ TableName: tableName(), Key: credentialsKey, ConsistentRead: true }))).Item ?? {};
    expect(await credentialsItem()).toMatchObject({ enabled: true, grantTypeClientCredentials: true });
    // The credentials item as this platform wrote it before the change: no copies.
    await dynamo().send(new UpdateCommand({ TableName: tableName(), Key: credentialsKey, UpdateExpression: 'REMOVE enabled, grantTypeClientCredentials' }));
    const token = () => form({ grant_type: 'client_credentials', client_id: legacy.credentialsClientId, client_secret: legacy.clientSecret });
    expect((await token()).status).toBe(200);
    // A registration disabled back then (written straight to the table, as the old code did): refused.
    await dynamo().send(new UpdateCommand({ TableName: tableName(), Key: registrationKey, UpdateExpression: 'SET enabled = :off', ExpressionAttributeValues: { ':off': false } }));
    expect((await token()).body.error).toBe('unauthorized_client');
    // Only one of the two copies present: still "unknown", so still the registration decides.
    await dynamo().send(new UpdateCommand({ TableName: tableName(), Key: credentialsKey, UpdateExpression: 'SET grantTypeClientCredentials = :on', ExpressionAttributeValues: { ':on': true } }));
    expect((await token()).body.error).toBe('unauthorized_client');
    // Enabling it through the API writes both copies in the same transaction.
    expect((await call('PATCH', `/api/identity/v1/clients/${legacy.clientId}`, { token: tenant.ownerToken, json: { enabled: true } })).status).toBe(200);
    expect(await credentialsItem()).toMatchObject({ enabled: true, grantTypeClientCredentials: true });
    expect((await token()).status).toBe(200);
  });
});
