/**
 * The console's API client. Every type comes from the zod schemas the API publishes as its
 * OpenAPI documents (shared/openapi/response-schemas.ts): `import type` only, so the console and
 * the API cannot drift apart silently and no server code is bundled.
 */
import type * as z from 'zod';
import type * as contracts from '../../shared/openapi/response-schemas.ts';
import type * as samlContracts from '../../shared/openapi/operations/saml.ts';
import type * as reviewContracts from '../../shared/openapi/operations/governance.ts';
import type * as policyContracts from '../../shared/openapi/operations/governance-policies.ts';
import type * as connectionContracts from '../../shared/openapi/operations/directory-connections.ts';
import type * as syncContracts from '../../shared/openapi/operations/directory-sync.ts';

export type Client = z.infer<typeof contracts.client>;
export type ClientList = z.infer<typeof contracts.clientList>;
export type ClientCredentials = z.infer<typeof contracts.clientCredentials>;
export type RotatedSecret = z.infer<typeof contracts.rotatedSecret>;
export type Role = z.infer<typeof contracts.role>;
export type RolePage = z.infer<typeof contracts.rolePage>;
export type RoleItems = z.infer<typeof contracts.roleItems>;
export type AuditEntry = z.infer<typeof contracts.auditEntry>;
export type AuditPage = z.infer<typeof contracts.auditPage>;
export type AuditExportJob = z.infer<typeof contracts.auditExportJob>;
export type LoginResult = z.infer<typeof contracts.loginResult>;
export type Me = z.infer<typeof contracts.me>;
export type TokenResponse = z.infer<typeof contracts.tokenResponse>;
export type IdentityError = z.infer<typeof contracts.identityError>;
export type ScimError = z.infer<typeof contracts.scimError>;
export type OAuthError = z.infer<typeof contracts.oauthError>;

/** The fields of a SCIM Group (RFC 7643 §4.2) the console reads. */
export interface ScimGroup {
  id: string;
  displayName: string;
  externalId?: string;
  members?: { value: string; display?: string; type?: string }[];
  meta?: { created?: string; lastModified?: string };
}
/** The fields of a SCIM User (RFC 7643 §4.1) the console reads. */
export interface ScimUser {
  id: string;
  userName: string;
  active?: boolean;
  displayName?: string;
  name?: { givenName?: string; familyName?: string; formatted?: string };
  emails?: { value: string; primary?: boolean }[];
}
/** A SCIM ListResponse (RFC 7644 §3.4.2). */
export interface ScimListResponse<T> {
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources?: T[];
}

/** The built-in platform API every client is authorized for (README, "the seed's four steps"). */
export const PLATFORM_API_ID = '00000000-0000-0000-0000-000000000001';
/**
 * What precedes /console in the address: '' on a custom domain or locally, '/v1' on an API
 * Gateway stage URL. API paths are below the same prefix (same origin, no CORS).
 */
export const ROOT = window.location.pathname.replace(/\/console(\/.*)?$/, '');
export const IDENTITY = `${ROOT}/api/identity/v1`;
export const SCIM = `${ROOT}/api/scim/v2`;

/** An API answer other than 2xx, with the message each API family's error body carries. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

/** The token was refused (401): the session is over. */
export class SessionExpiredError extends ApiError {}

/** The human-readable message of any of the platform's error bodies. */
export function errorMessage(status: number, body: unknown): string {
  if (body && typeof body === 'object') {
    const value = body as Partial<IdentityError & ScimError & OAuthError>;
    const text = value.message ?? value.detail ?? value.error_description ?? value.error;
    if (typeof text === 'string' && text.length > 0) return text;
  }
  return `The request failed with HTTP ${status}.`;
}

async function parseBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** Requests with the signed-in user's bearer token; a 401 ends the session through `onExpired`. */
export interface ApiClient {
  get<T>(path: string, query?: Query): Promise<T>;
  send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, contentType?: string): Promise<T>;
  /** The raw response (downloads); 401 still ends the session. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

export function createApiClient(token: string, onExpired: (message: string) => void): ApiClient {
  async function run(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('Authorization', `Bearer ${token}`);
    const response = await fetch(path, { ...init, headers, credentials: 'omit' });
    if (response.status === 401) {
      const body = await parseBody(response);
      const message = 'Your session has expired or was revoked. Sign in again.';
      onExpired(message);
      throw new SessionExpiredError(401, message, body);
    }
    return response;
  }
  async function json<T>(path: string, init?: RequestInit): Promise<T> {
    const response = await run(path, init);
    const body = await parseBody(response);
    if (!response.ok) throw new ApiError(response.status, errorMessage(response.status, body), body);
    return body as T;
  }
  return {
    get: (path, query) => json(withQuery(path, query)),
    send: (method, path, body, contentType = 'application/json') =>
      json(path, body === undefined ? { method } : { method, body: JSON.stringify(body), headers: { 'Content-Type': contentType } }),
    fetch: run,
  };
}

/** POST /userCredentials/login: an email and password for a one-hour access token. */
export async function login(emailAddress: string, password: string): Promise<LoginResult> {
  const response = await fetch(`${IDENTITY}/userCredentials/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ emailAddress, password }),
    credentials: 'omit',
  });
  const body = await parseBody(response);
  if (!response.ok) {
    const message = response.status === 401 ? 'The email address or password is not correct.' : errorMessage(response.status, body);
    throw new ApiError(response.status, message, body);
  }
  return body as LoginResult;
}

/** The OAuth 2.0 client-credentials grant (RFC 6749 §4.4) at /oauth/token, for "test connection". */
export async function clientCredentialsToken(credentials: ClientCredentials, audience: string): Promise<TokenResponse> {
  const response = await fetch(withQuery(`${ROOT}/oauth/token`, { audience }), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret }),
    credentials: 'omit',
  });
  const body = await parseBody(response);
  if (!response.ok) throw new ApiError(response.status, errorMessage(response.status, body), body);
  return body as TokenResponse;
}

export interface OpenIdConfiguration {
  issuer: string;
  token_endpoint: string;
}

/** The discovery document: the issuer is the base URL, `<issuer>/api` the platform API's audience. */
export async function discovery(): Promise<OpenIdConfiguration> {
  const response = await fetch(`${ROOT}/.well-known/openid-configuration`, { credentials: 'omit' });
  const body = await parseBody(response);
  if (!response.ok) throw new ApiError(response.status, errorMessage(response.status, body), body);
  return body as OpenIdConfiguration;
}

export type SamlSettings = z.infer<ReturnType<typeof samlContracts.samlSettingsView>>;

export type ReviewCampaign = z.infer<typeof reviewContracts.reviewCampaignView>;
export type ReviewCampaignList = z.infer<typeof reviewContracts.reviewCampaignList>;
export type ReviewItem = z.infer<typeof reviewContracts.reviewItemView>;
export type ReviewItemList = z.infer<typeof reviewContracts.reviewItemList>;
export type Violation = z.infer<typeof policyContracts.violationView>;
export type ViolationList = z.infer<typeof policyContracts.violationList>;
export type Connection = z.infer<typeof connectionContracts.connectionView>;
export type ConnectionList = z.infer<typeof connectionContracts.connectionList>;
export type ConnectionTestResult = z.infer<typeof connectionContracts.connectionTestResult>;
export type SyncProject = z.infer<typeof syncContracts.syncProjectView>;
export type SyncProjectList = z.infer<typeof syncContracts.syncProjectList>;
export type SyncRun = z.infer<typeof syncContracts.syncRunView>;
export type SyncRunList = z.infer<typeof syncContracts.syncRunList>;
export type SyncRunDetail = z.infer<typeof syncContracts.syncRunDetail>;
export type SyncChange = z.infer<typeof syncContracts.syncChange>;

/** The Directory and Governance APIs (`/api/...`, the seed's `{data, totalCount, page, pageSize}` envelope). */
export const DIRECTORY = `${ROOT}/api`;
