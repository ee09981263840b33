import * as apigw from 'aws-cdk-lib/aws-apigateway';

/** A response API Gateway produces itself (no function involved), rendered as JSON. */
export interface GatewayResponseDefinition {
  readonly id: string;
  readonly type: apigw.ResponseType;
  /** Overrides API Gateway's status code; absent = keep it. */
  readonly statusCode?: string;
  /** application/json body template (simple $context substitution only, no VTL). */
  readonly body: string;
}

function platformError(status: number, error: string, message: string): string {
  // Same shape as the platform family's errors (shared/http/error-responses.ts).
  return JSON.stringify({ error, message, statusCode: status });
}

/**
 * Gateway responses of the REST API. Every route is backed by a function and `/{proxy+}` catches
 * unknown paths, so API Gateway itself only answers for a handful of situations.
 */
export const gatewayResponses: readonly GatewayResponseDefinition[] = [
  {
    id: 'Default4xx',
    type: apigw.ResponseType.DEFAULT_4XX,
    // messageString is already a quoted JSON string; the status code is not available here.
    body: '{"error":"$context.error.responseType","message":$context.error.messageString,"requestId":"$context.requestId"}',
  },
  {
    id: 'Default5xx',
    type: apigw.ResponseType.DEFAULT_5XX,
    body: '{"error":"$context.error.responseType","message":$context.error.messageString,"requestId":"$context.requestId"}',
  },
  {
    // With the greedy fallback route every path resolves to a resource, so "missing
    // authentication token" only means: this resource exists but not with this method.
    id: 'MethodNotAllowed',
    type: apigw.ResponseType.MISSING_AUTHENTICATION_TOKEN,
    statusCode: '405',
    body: platformError(405, 'Method Not Allowed', 'The resource does not support this HTTP method.'),
  },
  {
    id: 'RequestTooLarge',
    type: apigw.ResponseType.REQUEST_TOO_LARGE,
    statusCode: '413',
    body: platformError(413, 'Payload Too Large', 'The request is larger than the API accepts.'),
  },
  {
    id: 'Throttled',
    type: apigw.ResponseType.THROTTLED,
    statusCode: '429',
    body: platformError(429, 'Too Many Requests', 'The request rate is too high; retry later.'),
  },
];

/** Adds the gateway responses to a REST API; returns them so a deployment can depend on them. */
export function addGatewayResponses(api: apigw.RestApi): apigw.GatewayResponse[] {
  return gatewayResponses.map((definition) =>
    api.addGatewayResponse(definition.id, {
      type: definition.type,
      ...(definition.statusCode ? { statusCode: definition.statusCode } : {}),
      responseHeaders: { 'Cache-Control': "'no-store'" },
      templates: { 'application/json': definition.body },
    }),
  );
}
