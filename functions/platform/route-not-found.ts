import { createHandler } from '#shared/http/create-handler.ts';
import { createRouteMatcher } from '#shared/http/route-matcher.ts';
import { MethodNotAllowedError, RouteNotFoundError } from '#shared/errors/domain-errors.ts';
import { routes } from '#shared/routes.ts';

const match = createRouteMatcher(routes.filter((route) => route.id !== 'platform-fallback'));

/** Catch-all: tells an unknown path (404) from a known path used with the wrong method (405). */
export const handler = createHandler('platform-fallback', async (request) => {
  const result = match(request.method, request.path);
  if (result.kind === 'method-not-allowed') throw new MethodNotAllowedError(request.method, request.path, result.allow);
  throw new RouteNotFoundError(request.method, request.path);
});
