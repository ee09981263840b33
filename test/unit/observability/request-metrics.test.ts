import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureStdout, onlyPoint, parseEmf } from './emf.ts';

/*
 * The request pipeline's metrics, read back from the EMF lines a real handler prints. DynamoDB is a
 * loopback stand-in that answers GetItem (after one throttling answer, which the SDK retries) and
 * records what it was sent, so round trips and consumed capacity can be checked against it.
 */

let server: Server;
const received: { target: string; body: Record<string, unknown> }[] = [];
let throttleNext = false;

async function readBody(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) body += String(chunk);
  return body;
}

beforeAll(async () => {
  server = createServer((request, response) => {
    void readBody(request).then((body) => {
      received.push({ target: String(request.headers['x-amz-target']), body: JSON.parse(body) as Record<string, unknown> });
      response.setHeader('content-type', 'application/x-amz-json-1.0');
      if (throttleNext) {
        throttleNext = false;
        response.statusCode = 400;
        response.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#ThrottlingException', message: 'slow down' }));
        return;
      }
      response.end(JSON.stringify({ Item: { pk: { S: 'a' } }, ConsumedCapacity: { TableName: 'identity-platform', CapacityUnits: 0.5 } }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  Object.assign(process.env, {
    TABLE_NAME: 'identity-platform',
    PUBLIC_BASE_URL: 'https://platform.example.com',
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  delete process.env.POWERTOOLS_DEV;
  await import('../../../shared/http/in-process.ts');
});

afterAll(async () => {
  await new Promise((done) => server.close(done));
});

function event(method: string, path: string): APIGatewayProxyEvent {
  return {
    httpMethod: method,
    path,
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { identity: { sourceIp: '192.0.2.1' } },
  } as unknown as APIGatewayProxyEvent;
}

function context(): Context {
  return { awsRequestId: 'request-1', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;
}

describe('request metrics', () => {
  it('counts a 404 as one request, a 4xx response and no server error, with family and route dimensions', async () => {
    const { handler } = await import('../../../functions/platform/route-not-found.ts');
    let status = 0;
    const output = await captureStdout(async () => {
      status = (await handler(event('GET', '/nowhere'), context())).statusCode;
    });
    expect(status).toBe(404);
    const points = parseEmf(output);
    expect(points.every((point) => point.namespace === 'IdentityPlatform')).toBe(true);
    const requests = onlyPoint(points, 'Requests');
    expect(requests).toMatchObject({ unit: 'Count', value: 1, dimensions: { family: 'platform', route: 'platform-fallback' } });
    expect(requests.dimensionSets).toEqual([['family'], ['family', 'route']]);
    const responses = onlyPoint(points, 'Responses');
    expect(responses).toMatchObject({ unit: 'Count', value: 1, dimensions: { family: 'platform', statusClass: '4xx' }, dimensionSets: [['family', 'statusClass']] });
    expect(onlyPoint(points, 'ServerErrors').value).toBe(0);
    expect(onlyPoint(points, 'RateLimitRefusals').value).toBe(0);
    expect(onlyPoint(points, 'DynamoDbRoundTrips').value).toBe(0);
    const latency = onlyPoint(points, 'Latency');
    expect(latency.unit).toBe('Milliseconds');
    expect(latency.value).toBeGreaterThan(0);
    // Never a service (or any other) dimension beyond the catalogue's.
    expect(points.flatMap((point) => point.dimensionSets.flat()).filter((name) => !['family', 'route', 'statusClass'].includes(name))).toEqual([]);
  });

  it('counts an unexpected error as a 5xx response and one server error', async () => {
    const { createHandler } = await import('../../../shared/http/create-handler.ts');
    const handler = createHandler('platform-health', async () => {
      throw new Error('disk on fire');
    });
    let status = 0;
    const output = await captureStdout(async () => {
      status = (await handler(event('GET', '/api/health'), context())).statusCode;
    });
    expect(status).toBe(500);
    const points = parseEmf(output);
    expect(onlyPoint(points, 'ServerErrors')).toMatchObject({ value: 1, dimensions: { family: 'platform', route: 'platform-health' } });
    expect(onlyPoint(points, 'Responses').dimensions.statusClass).toBe('5xx');
  });

  it('reports the DynamoDB round trips the request sent (retries included) and the capacity DynamoDB reported', async () => {
    const { createHandler } = await import('../../../shared/http/create-handler.ts');
    const { jsonResponse } = await import('../../../shared/http/responses.ts');
    const { dynamo, tableName } = await import('../../../shared/storage/clients.ts');
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const handler = createHandler('platform-health', async () => {
      await dynamo().send(new GetCommand({ TableName: tableName(), Key: { pk: 'a', sk: 'b' } }));
      await dynamo().send(new GetCommand({ TableName: tableName(), Key: { pk: 'a', sk: 'c' } }));
      return jsonResponse(200, { ok: true });
    });
    received.length = 0;
    throttleNext = true;
    const output = await captureStdout(async () => {
      expect((await handler(event('GET', '/api/health'), context())).statusCode).toBe(200);
    });
    const points = parseEmf(output);
    expect(received.length).toBe(3);
    expect(received.every((request) => request.target === 'DynamoDB_20120810.GetItem' && request.body.ReturnConsumedCapacity === 'TOTAL')).toBe(true);
    expect(onlyPoint(points, 'DynamoDbRoundTrips', { route: 'platform-health' }).value).toBe(received.length);
    expect(onlyPoint(points, 'DynamoDbConsumedReadCapacity').value).toBe(1);
    expect(onlyPoint(points, 'DynamoDbConsumedWriteCapacity').value).toBe(0);
    expect(onlyPoint(points, 'Responses').dimensions.statusClass).toBe('2xx');
  });

  it('keeps concurrent requests apart: each line carries only its own request', async () => {
    const { createHandler } = await import('../../../shared/http/create-handler.ts');
    const { jsonResponse } = await import('../../../shared/http/responses.ts');
    const { dynamo, tableName } = await import('../../../shared/storage/clients.ts');
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const reads = (count: number) =>
      createHandler('platform-health', async () => {
        for (let i = 0; i < count; i++) await dynamo().send(new GetCommand({ TableName: tableName(), Key: { pk: 'a', sk: String(i) } }));
        return jsonResponse(200, {});
      });
    const output = await captureStdout(() => Promise.all([reads(1)(event('GET', '/api/health'), context()), reads(4)(event('GET', '/api/health'), context())]));
    const trips = parseEmf(output).filter((point) => point.name === 'DynamoDbRoundTrips').map((point) => point.value);
    expect(trips.sort()).toEqual([1, 4]);
  });
});
