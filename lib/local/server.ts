import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { routes, type RouteDefinition } from '../../shared/routes.ts';
import { createRouteMatcher } from '../../shared/http/route-matcher.ts';
import { errorResponse, familyForPath } from '../../shared/http/error-responses.ts';
import { MethodNotAllowedError, PayloadTooLargeError } from '../../shared/errors/domain-errors.ts';
import { lambdaContext, toProxyEvent, writeProxyResult } from './lambda-adapter.ts';
import { isConsolePath, serveConsole } from './console-server.ts';

type LambdaHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

/** API Gateway refuses request payloads above 10 MB before any function runs. */
const GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024;

const repoRoot = resolve(import.meta.dirname, '..', '..');

class BodyTooLarge extends Error {}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > GATEWAY_MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolveBody(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/**
 * The local stand-in for API Gateway + Lambda: dispatches every request from the route table to
 * the route's handler module, passing the same proxy event and reading back the same result.
 * Handler modules load once, like a warm Lambda.
 */
export function createLocalServer(options: { stage?: string } = {}): Server {
  const stage = options.stage ?? 'local';
  const match = createRouteMatcher(routes);
  const modules = new Map<string, Promise<LambdaHandler>>();

  function load(route: RouteDefinition): Promise<LambdaHandler> {
    let loaded = modules.get(route.handler);
    if (!loaded) {
      // The route table and authenticators a Lambda bundle receives at build time are installed in process.
      loaded = import('../../shared/http/in-process.ts')
        .then(() => import(pathToFileURL(resolve(repoRoot, route.handler)).href))
        .then((module: { handler?: LambdaHandler }) => {
          if (typeof module.handler !== 'function') throw new Error(`${route.handler} does not export a handler`);
          return module.handler;
        });
      modules.set(route.handler, loaded);
    }
    return loaded;
  }

  async function dispatch(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = (request.method ?? 'GET').toUpperCase();
    // The admin console's static files, as the API Gateway S3 integration serves them in AWS.
    if (isConsolePath(url.pathname)) {
      request.resume();
      return serveConsole(method, url.pathname, response);
    }
    let body: Buffer;
    try {
      body = await readBody(request);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        return writeProxyResult(response, errorResponse(new PayloadTooLargeError(GATEWAY_MAX_BODY_BYTES), familyForPath(url.pathname), 'gateway'));
      }
      throw error;
    }
    const matched = match(method, url.pathname);
    if (matched.kind === 'method-not-allowed') {
      return writeProxyResult(
        response,
        errorResponse(new MethodNotAllowedError(method, url.pathname, matched.allow), familyForPath(url.pathname), 'gateway'),
      );
    }
    if (matched.kind === 'not-found') {
      return writeProxyResult(response, { statusCode: 404, body: JSON.stringify({ message: 'Not Found' }) });
    }
    const event = toProxyEvent(request, url, body, matched.route, matched.pathParameters, stage);
    const handler = await load(matched.route);
    const result = await handler(event, lambdaContext(matched.route, event.requestContext.requestId));
    writeProxyResult(response, result);
  }

  return createServer((request, response) => {
    dispatch(request, response).catch((error: unknown) => {
      // What API Gateway answers when the integration itself fails.
      console.error('local runtime: integration failure', error);
      if (!response.headersSent) {
        response.writeHead(502, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ message: 'Internal server error' }));
      }
    });
  });
}
