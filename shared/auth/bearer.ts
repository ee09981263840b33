import type { RouteDefinition } from '../routes.ts';
import type { ApiRequest } from '../http/api-request.ts';
import { AuthenticationError, PermissionError } from '../errors/domain-errors.ts';
import { auditStep, actorFromPrincipal } from '../audit/audit-entry.ts';
import { transact } from '../storage/transactions.ts';
import { assertWithinRateLimit } from '../rate-limits/rate-limiter.ts';
import { admitRequest, rateLimitFor } from '../rate-limits/policy.ts';
import type { Principal } from './principal.ts';
import { platformAudience, verifyAccessToken } from './access-tokens.ts';
import { assertPrincipalActive } from './principal-status.ts';
import { isUuid } from '../uuid.ts';

const BEARER = /^Bearer[ ]+([A-Za-z0-9\-._~+/]+=*)$/i;

function readBearerToken(authorization: string | undefined): string {
  if (!authorization) {
    throw new AuthenticationError('This operation requires a bearer access token.', 'Bearer realm="identity-platform"');
  }
  const match = BEARER.exec(authorization.trim());
  if (!match) {
    throw new AuthenticationError(
      'The Authorization header must carry a bearer token (RFC 6750).',
      'Bearer error="invalid_request", error_description="Malformed Authorization header"',
    );
  }
  return match[1] as string;
}

/** Records a refused permission in the organization's audit log, then refuses. */
async function denyPermission(route: RouteDefinition, request: ApiRequest, principal: Principal): Promise<never> {
  const organizationId = principal.kind === 'operator' ? null : principal.organizationId;
  await transact([
    auditStep({
      organizationId,
      action: 'permission.denied',
      actor: actorFromPrincipal(principal),
      origin: { ipAddress: request.sourceIp, userAgent: request.userAgent },
      target: { type: 'route', id: route.id },
      details: { method: request.method, path: request.path, requiredScope: route.permission },
    }),
  ]);
  throw new PermissionError(`This operation requires the '${route.permission}' scope.`);
}

/**
 * Authenticates a bearer token for a protected route: strict verification, the principal still
 * active, the caller's rate limit for the API family, then the route's scope from the route table.
 * The organization comes from the verified token only.
 */
export async function authenticateBearer(route: RouteDefinition, request: ApiRequest): Promise<Principal> {
  const token = readBearerToken(request.headers.authorization);
  const claims = await verifyAccessToken(token, platformAudience());
  const scopes = new Set(claims.scope.split(' ').filter((scope) => scope.length > 0));
  const principal: Principal =
    claims.sub_type === 'client'
      ? { kind: 'client', organizationId: claims.org_id, clientId: claims.client_registration_id ?? '', scopes }
      : { kind: 'user', organizationId: claims.org_id, userId: claims.sub, scopes };
  const principalId = principal.kind === 'client' ? principal.clientId : principal.userId;
  if (!isUuid(principal.organizationId) || !isUuid(principalId)) {
    throw new AuthenticationError('The access token does not name a valid principal.', 'Bearer error="invalid_token", error_description="The token does not name a valid principal"');
  }
  await assertPrincipalActive(principal);
  // Platform routes are not rate limited: a direct test of the global, folded in a bundle (the
  // second test narrows the type).
  if ((globalThis.__PLATFORM_API_FAMILY__ ?? route.family) !== 'platform' && route.family !== 'platform') {
    const limit = await rateLimitFor(principal.organizationId, route.family);
    // Kept on the request so the answer (success or error, 429 included) can publish it.
    const subject = `${principal.organizationId}#${principal.kind}#${principalId}#${route.family}`;
    request.rateLimit = await admitRequest(subject, route.family, limit);
    assertWithinRateLimit(request.rateLimit);
  }
  // `authenticated` and `optional-bearer` routes need a valid token of the organization, no scope.
  if (route.permission !== 'authenticated' && route.permission !== 'optional-bearer' && !scopes.has(route.permission)) {
    return denyPermission(route, request, principal);
  }
  return principal;
}
