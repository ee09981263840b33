import type { RouteDefinition } from '../routes.ts';
import type { ApiRequest } from '../http/api-request.ts';
import type { Principal } from './principal.ts';
import { verifyOperatorKey } from './operator-key.ts';
import { authenticateBearer } from './bearer.ts';

/**
 * The one authentication step of every route: public routes pass, operator routes need the
 * deployment's operator key, `optional-bearer` routes pass without an Authorization header and
 * verify a bearer token like any other route when one is sent, and every other route needs a
 * bearer access token carrying the route's scope.
 */
export async function authenticate(route: RouteDefinition, request: ApiRequest): Promise<Principal | undefined> {
  switch (route.permission) {
    case 'public':
      return undefined;
    case 'optional-bearer':
      return request.headers.authorization ? authenticateBearer(route, request) : undefined;
    case 'operator':
      await verifyOperatorKey(request.headers['x-operator-key']);
      return { kind: 'operator' };
    default:
      return authenticateBearer(route, request);
  }
}
