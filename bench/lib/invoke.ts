/**
 * In-process invocation of a route's Lambda handler — the same module and the same API Gateway
 * proxy event the local server would use — measuring exactly one request: its DynamoDB round
 * trips and consumed capacity (instrumented client, own async scope) and the CPU the handler
 * itself used (process.cpuUsage delta; DynamoDB Local runs in another process, so waiting for it
 * costs no CPU here). Requests run one at a time and nothing else runs in this process meanwhile.
 */
import type { IncomingMessage } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { routes } from '../../shared/routes.ts';
import { createRouteMatcher } from '../../shared/http/route-matcher.ts';
import { measureDynamoUsage, type DynamoUsage } from './dynamo-usage.ts';
import { lambdaContext, toProxyEvent } from '../../lib/local/lambda-adapter.ts';
import type { RequestSpec } from './load-protocol.ts';

type LambdaHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

const repoRoot = resolve(import.meta.dirname, '..', '..');
const match = createRouteMatcher(routes);
const handlers = new Map<string, Promise<LambdaHandler>>();

function load(handlerPath: string): Promise<LambdaHandler> {
  let loaded = handlers.get(handlerPath);
  if (!loaded) {
    // The very module URL the local server imports, so both share one module instance.
    loaded = import('../../shared/http/in-process.ts')
      .then(() => import(pathToFileURL(resolve(repoRoot, handlerPath)).href))
      .then((module: { handler: LambdaHandler }) => module.handler);
    handlers.set(handlerPath, loaded);
  }
  return loaded;
}

export interface InvocationMeasurement {
  status: number;
  body: string;
  headers: Record<string, unknown>;
  wallMs: number;
  /** user + system CPU of this process during the invocation, in milliseconds. */
  cpuMs: number;
  usage: DynamoUsage;
  routeId: string;
}

let sequence = 0;

export async function invokeInProcess(spec: RequestSpec): Promise<InvocationMeasurement> {
  // Short, like a real userName suffix (longer strings would push items over a 1 KB write step).
  const unique = `p${(sequence++).toString(36)}`;
  const url = new URL(spec.path.replaceAll('{{seq}}', unique), 'http://127.0.0.1');
  const method = spec.method.toUpperCase();
  const matched = match(method, url.pathname);
  if (matched.kind !== 'matched') throw new Error(`${method} ${url.pathname} matches no route (${matched.kind})`);
  const body = Buffer.from(spec.body?.replaceAll('{{seq}}', unique) ?? '', 'utf8');
  const headers: Record<string, string> = { host: '127.0.0.1', 'user-agent': 'identity-platform-bench', ...spec.headers };
  if (body.length > 0) headers['content-length'] = String(body.length);
  const rawHeaders = Object.entries(headers).flat();
  const lowered = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  const request = { method, httpVersion: '1.1', rawHeaders, headers: lowered, socket: { remoteAddress: '127.0.0.1' } } as unknown as IncomingMessage;
  const event = toProxyEvent(request, url, body, matched.route, matched.pathParameters, 'local');
  const handler = await load(matched.route.handler);
  const context = lambdaContext(matched.route, event.requestContext.requestId);

  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const { result, usage } = await measureDynamoUsage(() => handler(event, context));
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    status: result.statusCode,
    body: result.body ?? '',
    headers: result.headers ?? {},
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    usage,
    routeId: matched.route.id,
  };
}
