import { auditStep, type RequestOrigin } from '../audit/audit-entry.ts';
import { OAuthError } from '../errors/domain-errors.ts';
import { transact } from '../storage/transactions.ts';
import { clientSubject, issueAccessToken, platformAudience } from '../auth/access-tokens.ts';
import { authenticateClientCredentials, clientTokenFlags } from './clients.ts';
import { findApiByIdentifier, grantedScopes } from './apis.ts';
import { addMetric } from '../observability/metrics.ts';
import * as metric from '../observability/metrics-catalog.ts';

export interface TokenRequest {
  grantType: string | undefined;
  clientId: string | undefined;
  clientSecret: string | undefined;
  audience: string | undefined;
  scope: string | undefined;
}

export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
}

/** Audits a refused token request (and counts it as a failed client-credentials sign-in). */
async function auditFailure(organizationId: string | null, clientId: string | null, origin: RequestOrigin, reason: string, audience: string): Promise<void> {
  addMetric(metric.signInFailures, 1, { kind: 'clientCredentials' });
  await transact([
    auditStep({
      organizationId,
      action: 'client.token.failed',
      actor: clientId ? { actorType: 'client', actorId: clientId } : { actorType: 'anonymous', actorId: 'anonymous' },
      origin,
      ...(clientId ? { target: { type: 'client', id: clientId } } : {}),
      details: { grantType: 'client_credentials', reason, audience },
    }),
  ]);
}

/**
 * The client-credentials grant (RFC 6749 §4.4): authenticates the client, checks it is enabled,
 * allowed the grant, and authorized for the requested audience, narrows scopes to what was
 * granted, and issues a one-hour access token. No refresh tokens, no long-lived tokens.
 */
export async function clientCredentialsGrant(request: TokenRequest, origin: RequestOrigin): Promise<TokenResponse> {
  if (!request.grantType) throw new OAuthError('invalid_request', 'The grant_type parameter is required.');
  if (request.grantType !== 'client_credentials') {
    throw new OAuthError('unsupported_grant_type', `Grant type '${request.grantType}' is not supported; use client_credentials.`);
  }
  if (!request.clientId || !request.clientSecret) {
    throw new OAuthError('invalid_client', 'Client authentication failed: send client_id and client_secret (client_secret_post or client_secret_basic).');
  }
  const audience = request.audience ?? platformAudience();
  const { client, authenticated } = await authenticateClientCredentials(request.clientId, request.clientSecret);
  if (!client || !authenticated) {
    await auditFailure(client?.organizationId ?? null, client?.clientId ?? null, origin, client ? 'wrong_secret' : 'unknown_client', audience);
    throw new OAuthError('invalid_client', 'Client authentication failed.');
  }
  const { organizationId, clientId } = client;
  const flags = await clientTokenFlags(client);
  if (!flags.enabled) {
    await auditFailure(organizationId, clientId, origin, 'client_disabled', audience);
    throw new OAuthError('unauthorized_client', 'The client is disabled.');
  }
  if (!flags.grantTypeClientCredentials) {
    await auditFailure(organizationId, clientId, origin, 'grant_not_allowed', audience);
    throw new OAuthError('unauthorized_client', 'The client is not allowed to use the client_credentials grant.');
  }
  const api = await findApiByIdentifier(organizationId, audience);
  const granted = api && api.enabled ? await grantedScopes(organizationId, api.id, clientId) : undefined;
  if (!api || !granted) {
    await auditFailure(organizationId, clientId, origin, 'not_authorized_for_audience', audience);
    throw new OAuthError(
      'unauthorized_client',
      `The client is not authorized for the audience '${audience}'. Authorize it with POST /api/identity/v1/apis/{apiId}/clients.`,
    );
  }
  const available = new Set(api.scopes.map((scope) => scope.value));
  const effective = granted.filter((scope) => available.has(scope));
  let scopes = effective;
  if (request.scope !== undefined) {
    const requested = request.scope.split(' ').filter((scope) => scope.length > 0);
    const refused = requested.filter((scope) => !effective.includes(scope));
    if (refused.length > 0) {
      await auditFailure(organizationId, clientId, origin, 'invalid_scope', audience);
      throw new OAuthError('invalid_scope', `The client was not granted ${refused.map((scope) => `'${scope}'`).join(', ')} for this audience.`);
    }
    scopes = requested;
  }
  const token = await issueAccessToken({
    subject: clientSubject(request.clientId),
    subjectType: 'client',
    organizationId,
    audience,
    scopes,
    clientId: request.clientId,
    clientRegistrationId: clientId,
  });
  await transact([
    auditStep({ organizationId, action: 'client.token.issued', actor: { actorType: 'client', actorId: clientId }, origin, target: { type: 'client', id: clientId }, details: { audience, scopes } }),
  ]);
  return { access_token: token.token, token_type: 'Bearer', expires_in: token.expiresIn, scope: token.scope };
}
