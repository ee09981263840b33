import type { RouteDefinition } from '../routes.ts';
import type { ApiRequest } from '../http/api-request.ts';
import { AuthenticationError, PermissionError } from '../errors/domain-errors.ts';
import type { Principal } from './principal.ts';
import { platformAudience, verifyAccessToken } from './access-tokens.ts';

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

/**
 * Authenticates a bearer token for a protected route and checks the route's scope from the route
 * table. The organization comes from the verified token only.
 */
export async function authenticateBearer(route: RouteDefinition, request: ApiRequest): Promise<Principal> {
  const token = readBearerToken(request.headers.authorization);
  const claims = await verifyAccessToken(token, platformAudience());
  const scopes = new Set(claims.scope.split(' ').filter((scope) => scope.length > 0));
  const principal: Principal =
    claims.sub_type === 'client'
      ? { kind: 'client', organizationId: claims.org_id, clientId: claims.client_registration_id ?? '', scopes }
      : { kind: 'user', organizationId: claims.org_id, userId: claims.sub, scopes };
  if (!scopes.has(route.permission)) {
    throw new PermissionError(`This operation requires the '${route.permission}' scope.`);
  }
  return principal;
}
