import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { RouteDefinition } from '../../shared/routes.ts';

type Multi = Record<string, string[]>;

function single(multi: Multi): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, values] of Object.entries(multi)) {
    const last = values.at(-1);
    if (last !== undefined) result[name] = last;
  }
  return result;
}

/**
 * Builds the event API Gateway's REST API proxy integration sends to Lambda: headers and query
 * parameters in single- and multi-value form, path parameters, the resource template and the
 * request context with the caller's IP and user agent.
 */
export function toProxyEvent(
  request: IncomingMessage,
  url: URL,
  body: Buffer,
  route: RouteDefinition,
  pathParameters: Record<string, string>,
  stage: string,
): APIGatewayProxyEvent {
  const multiValueHeaders: Multi = {};
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i] as string;
    (multiValueHeaders[name] ??= []).push(request.rawHeaders[i + 1] as string);
  }
  const multiValueQuery: Multi = {};
  for (const [name, value] of url.searchParams) (multiValueQuery[name] ??= []).push(value);
  const hasQuery = Object.keys(multiValueQuery).length > 0;
  const textual = body.length === 0 || isTextual(request.headers['content-type']);
  const now = Date.now();
  const sourceIp = (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const requestId = randomUUID();
  return {
    resource: route.path,
    path: url.pathname,
    httpMethod: (request.method ?? 'GET').toUpperCase(),
    headers: single(multiValueHeaders),
    multiValueHeaders,
    queryStringParameters: hasQuery ? single(multiValueQuery) : null,
    multiValueQueryStringParameters: hasQuery ? multiValueQuery : null,
    pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : null,
    stageVariables: null,
    body: body.length === 0 ? null : textual ? body.toString('utf8') : body.toString('base64'),
    isBase64Encoded: !textual,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: `HTTP/${request.httpVersion}`,
      httpMethod: (request.method ?? 'GET').toUpperCase(),
      path: `/${stage}${url.pathname}`,
      stage,
      requestId,
      requestTimeEpoch: now,
      resourceId: route.id,
      resourcePath: route.path,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp,
        user: null,
        userAgent: request.headers['user-agent'] ?? null,
        userArn: null,
      },
    },
  };
}

function isTextual(contentType: string | undefined): boolean {
  if (!contentType) return true;
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return type.startsWith('text/') || type.includes('json') || type.includes('xml') || type === 'application/x-www-form-urlencoded';
}

/** A Lambda context good enough for handlers (of routes and workers): request id, remaining time, function name. */
export function lambdaContext(route: Pick<RouteDefinition, 'id'> & { timeoutSeconds?: number | undefined; memoryMb?: number | undefined }, requestId: string): Context {
  const deadline = Date.now() + (route.timeoutSeconds ?? 10) * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: route.id,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${route.id}`,
    memoryLimitInMB: String(route.memoryMb ?? 256),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${route.id}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Writes a proxy result back as API Gateway does, including multi-value headers and base64 bodies. */
export function writeProxyResult(response: ServerResponse, result: APIGatewayProxyResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) {
    headers[name] = values.map((value) => String(value));
  }
  const body = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : Buffer.from(result.body ?? '', 'utf8');
  headers['Content-Length'] = String(body.length);
  response.writeHead(result.statusCode, headers);
  response.end(body);
}
