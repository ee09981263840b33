import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';

export const baseUrl = (): string => inject('baseUrl');
export const PLATFORM_API_ID = '00000000-0000-0000-0000-000000000001';

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** One HTTP request to the local runtime; JSON bodies are sent and parsed when present. */
export async function call<T = any>( // eslint-disable-line @typescript-eslint/no-explicit-any
  method: string,
  path: string,
  options: { token?: string; json?: unknown; body?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers['Content-Type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  }
  const response = await fetch(`${baseUrl()}${path}`, { method, headers, body, redirect: 'manual' });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

/** A request from another loopback source address (127.0.0.x), for per-IP behaviour. */
export function callFrom(
  localAddress: string,
  method: string,
  path: string,
  json: unknown,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const url = new URL(`${baseUrl()}${path}`);
  const payload = JSON.stringify(json);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method, localAddress, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

export interface Tenant {
  organizationId: string;
  ownerUserId: string;
  ownerEmail: string;
  ownerPassword: string;
  ownerToken: string;
}

/** A fresh organization with its Owner signed in: each test file works in its own tenant. */
export async function createTenant(name = 'Test organization'): Promise<Tenant> {
  const ownerEmail = `owner-${randomUUID()}@example.com`;
  const ownerPassword = `pw-${randomUUID()}`;
  const created = await call<{ organizationId: string; ownerUserId: string }>('POST', '/api/identity/v1/organizations', {
    headers: { 'X-Operator-Key': inject('operatorApiKey') },
    json: { name, ownerEmail, ownerPassword },
  });
  if (created.status !== 201) throw new Error(`organization create failed: ${created.status} ${created.text}`);
  const ownerToken = await login(ownerEmail, ownerPassword);
  return { ...created.body, ownerEmail, ownerPassword, ownerToken };
}

export async function login(emailAddress: string, password: string): Promise<string> {
  const result = await call<{ accessToken: string }>('POST', '/api/identity/v1/userCredentials/login', { json: { emailAddress, password } });
  if (result.status !== 200) throw new Error(`login failed: ${result.status} ${result.text}`);
  return result.body.accessToken;
}

export interface MachineClient {
  clientId: string;
  credentialsClientId: string;
  clientSecret: string;
}

export async function createClient(ownerToken: string, name = 'Provisioning client'): Promise<MachineClient> {
  const result = await call('POST', '/api/identity/v1/clients?expand=credentials', {
    token: ownerToken,
    json: { name, description: 'test', enabled: true, clientType: 'machineToMachine', jwtSigningAlgorithm: 'rs256', refreshTokenRotation: false, grantTypeClientCredentials: true },
  });
  if (result.status !== 201) throw new Error(`client create failed: ${result.status} ${result.text}`);
  return { clientId: result.body.clientId, credentialsClientId: result.body.credentials.clientId, clientSecret: result.body.credentials.clientSecret };
}

export async function requestToken(client: MachineClient, extra: Record<string, string> = {}): Promise<HttpResult> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: client.credentialsClientId, client_secret: client.clientSecret, ...extra });
  return call('POST', `/oauth/token?audience=${encodeURIComponent(`${baseUrl()}/api`)}`, {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
}

/** Creates a client, authorizes it for the platform API and returns a bearer token for it. */
export async function machineToken(ownerToken: string, scopes?: string[]): Promise<{ client: MachineClient; token: string }> {
  const client = await createClient(ownerToken);
  const authorized = await call('POST', `/api/identity/v1/apis/${PLATFORM_API_ID}/clients`, {
    token: ownerToken,
    json: [{ clientId: client.clientId, ...(scopes ? { scopes } : {}) }],
  });
  if (authorized.status !== 201) throw new Error(`authorize failed: ${authorized.status} ${authorized.text}`);
  const token = await requestToken(client);
  if (token.status !== 200) throw new Error(`token failed: ${token.status} ${token.text}`);
  return { client, token: (token.body as { access_token: string }).access_token };
}

let documentClient: DynamoDBDocumentClient | undefined;

/** Reads an organization's audit entries straight from the table (oldest first). */
export async function auditEntries(organizationId: string): Promise<Record<string, any>[]> { // eslint-disable-line @typescript-eslint/no-explicit-any
  documentClient ??= DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: inject('dynamodbEndpoint'), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
  );
  const result = await documentClient.send(
    new QueryCommand({ TableName: 'identity-platform', KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `ORG#${organizationId}#AUDIT` }, ConsistentRead: true }),
  );
  return result.Items ?? [];
}
