import middy from '@middy/core';
import { ServiceUnavailableError } from '../errors/domain-errors.ts';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { RouteDefinition } from '../routes.ts';
import { routeRow } from './route-source.ts';
import { logger } from '../observability/logger.ts';
import { errorResponse, familyForPath } from './error-responses.ts';
import { parseBody, readRawBody } from './body-parser.ts';
import type { ApiRequest } from './api-request.ts';
import { authenticate } from '../auth/authenticate.ts';
import { withRateLimitHeaders } from './rate-limit-headers.ts';
import { observeRequest } from './request-metrics.ts';

export type RouteHandler = (request: ApiRequest) => Promise<APIGatewayProxyResult>;

interface PipelineState {
  started: number;
  request?: ApiRequest;
}

function lowerCaseHeaders(event: APIGatewayProxyEvent): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(event.multiValueHeaders ?? {})) {
    if (values && values.length > 0) headers[name.toLowerCase()] = values.join(', ');
  }
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined && headers[name.toLowerCase()] === undefined) headers[name.toLowerCase()] = value;
  }
  return headers;
}

function firstValues(event: APIGatewayProxyEvent): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (value !== undefined) query[name] = value;
  }
  for (const [name, values] of Object.entries(event.multiValueQueryStringParameters ?? {})) {
    const first = values?.[0];
    if (first !== undefined) query[name] = first;
  }
  return query;
}

function buildRequest(route: RouteDefinition, event: APIGatewayProxyEvent, requestId: string): ApiRequest {
  const headers = lowerCaseHeaders(event);
  const rawBody = readRawBody(event);
  return {
    route,
    event,
    requestId,
    method: event.httpMethod,
    path: event.path,
    pathParameters: Object.fromEntries(
      Object.entries(event.pathParameters ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined),
    ),
    query: firstValues(event),
    headers,
    rawBody,
    body: undefined,
    sourceIp: event.requestContext?.identity?.sourceIp ?? 'unknown',
    userAgent: headers['user-agent'] ?? '',
    principal: undefined,
  };
}

/**
 * True for middy's early-timeout error (thrown shortly before the Lambda deadline): the work ran out
 * of time, which a retry can finish — a 503 with Retry-After, not an internal error.
 */
function reachedDeadline(error: unknown): boolean {
  return error instanceof Error && error.name === 'TimeoutError' && (error.cause as { package?: string } | undefined)?.package === '@middy/core';
}

/**
 * Wraps a route's handler in the platform's middleware pipeline (middy): the error responder is
 * outermost, so anything thrown — by parsing, authentication or the handler — becomes the API
 * family's error format, and anything that is not a domain error becomes a generic 500. The whole
 * pipeline runs observed (shared/http/request-metrics.ts): traced, DynamoDB usage counted, metrics
 * written once per request.
 */
export function createHandler(routeId: string, handle: RouteHandler) {
  // A bundle checks its injected row at init; in process the table may be installed after handler
  // modules load, so the row is looked up at the first request.
  let resolved: RouteDefinition | undefined = globalThis.__PLATFORM_ROUTE__ === undefined ? undefined : routeRow(routeId);
  const currentRoute = (): RouteDefinition => (resolved ??= routeRow(routeId));
  const state = new WeakMap<APIGatewayProxyEvent, PipelineState>();

  const errorResponder: middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context> = {
    onError: async (request) => {
      const route = currentRoute();
      const requestId = request.context.awsRequestId ?? 'unknown';
      // A direct test of the global (esbuild folds it): only a platform route's bundle carries familyForPath.
      const family = (globalThis.__PLATFORM_API_FAMILY__ ?? route.family) === 'platform' ? familyForPath(request.event.path ?? '') : route.family;
      const error = reachedDeadline(request.error)
        ? new ServiceUnavailableError('The request could not finish within its time limit; what it completed is kept, and retrying it converges.', { retryAfterSeconds: 5, cause: request.error })
        : request.error;
      const response = withRateLimitHeaders(route, state.get(request.event)?.request?.rateLimit, errorResponse(error, family, requestId, route.errorFormat));
      if (response.statusCode >= 500) {
        logger.error('request failed', { routeId: route.id, error: request.error as Error });
      }
      request.response = response;
      logAccess(request.event, response, state.get(request.event));
    },
  };

  const requestLogger: middy.MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context> = {
    before: async (request) => {
      const route = currentRoute();
      state.set(request.event, { started: performance.now() });
      logger.appendKeys({ requestId: request.context.awsRequestId, routeId: route.id });
    },
    after: async (request) => {
      if (request.response) logAccess(request.event, request.response, state.get(request.event));
    },
  };

  const pipeline = middy<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context>()
    .use(errorResponder)
    .use(requestLogger)
    .handler(async (event, context) => {
      const route = currentRoute();
      const request = buildRequest(route, event, context.awsRequestId ?? 'unknown');
      const pipeline = state.get(event);
      if (pipeline) pipeline.request = request;
      // Authenticate before looking at the body: an anonymous caller learns nothing about parsing.
      request.principal = await authenticate(route, request);
      request.body = parseBody(route, request.headers['content-type'], request.rawBody);
      return withRateLimitHeaders(route, request.rateLimit, await handle(request));
    });
  // Outside the pipeline, so the metrics see the final response (the error responder's included).
  return (event: APIGatewayProxyEvent, context: Context): Promise<APIGatewayProxyResult> => observeRequest(currentRoute(), () => pipeline(event, context));
}

function logAccess(event: APIGatewayProxyEvent, response: APIGatewayProxyResult, pipeline: PipelineState | undefined): void {
  const principal = pipeline?.request?.principal;
  logger.info('request', {
    method: event.httpMethod,
    path: event.path,
    status: response.statusCode,
    durationMs: pipeline ? Math.round((performance.now() - pipeline.started) * 10) / 10 : undefined,
    organizationId: principal && principal.kind !== 'operator' ? principal.organizationId : undefined,
    sourceIp: event.requestContext?.identity?.sourceIp,
  });
}
