import type { RouteDefinition } from '../routes.ts';
import type { ApiRequest } from '../http/api-request.ts';
import type { Principal } from './principal.ts';

/** Verifies a bearer access token for a route (shared/auth/bearer.ts `authenticateBearer`). */
export type BearerAuthenticator = (route: RouteDefinition, request: ApiRequest) => Promise<Principal>;
/** Checks the X-Operator-Key header (shared/auth/operator-key.ts `verifyOperatorKey`). */
export type OperatorKeyVerifier = (presented: string | undefined) => Promise<void>;

export interface Authenticators {
  bearer?: BearerAuthenticator;
  operator?: OperatorKeyVerifier;
}

const installed: Authenticators = {};

/**
 * Installs the authentication code a process may run. The pipeline does not import it itself, so
 * a function's bundle carries only what its route needs: in Lambda the route's bundling injects
 * shared/auth/install-bearer.ts or install-operator-key.ts (lib/platform-function.ts
 * `bundlingFor`), a public route neither; in process (local runtime, bench) shared/http/in-process.ts
 * installs both.
 */
export function installAuthenticators(authenticators: Authenticators): void {
  Object.assign(installed, authenticators);
}

function required<K extends keyof Authenticators>(kind: K, route: RouteDefinition): NonNullable<Authenticators[K]> {
  const found = installed[kind];
  if (!found) throw new Error(`Route ${route.id} (${route.permission}) needs the ${kind} authenticator, which this bundle does not carry`);
  return found as NonNullable<Authenticators[K]>;
}

/**
 * The one authentication step of every route: public routes pass, operator routes need the
 * deployment's operator key, `optional-bearer` routes pass without an Authorization header and
 * verify a bearer token like any other route when one is sent, and every other route needs a
 * bearer access token carrying the route's scope.
 *
 * @throws Error when the authenticator the route's permission needs is not installed (a bundling defect).
 */
export async function authenticate(route: RouteDefinition, request: ApiRequest): Promise<Principal | undefined> {
  switch (route.permission) {
    case 'public':
      return undefined;
    case 'optional-bearer':
      return request.headers.authorization ? required('bearer', route)(route, request) : undefined;
    case 'operator':
      await required('operator', route)(request.headers['x-operator-key']);
      return { kind: 'operator' };
    default:
      return required('bearer', route)(route, request);
  }
}
