import type { APIGatewayProxyResult } from 'aws-lambda';
import type { RouteDefinition } from '../routes.ts';
import { addMetric, withMetrics } from '../observability/metrics.ts';
import * as metric from '../observability/metrics-catalog.ts';
import { traceInvocation } from '../observability/tracing.ts';
import { countDynamoUsage, emptyDynamoUsage } from '../storage/dynamo-usage.ts';

/** `2xx`…`5xx` of an HTTP status (the `statusClass` dimension). */
export function statusClassOf(statusCode: number): string {
  return `${Math.min(5, Math.max(2, Math.floor(statusCode / 100)))}xx`;
}

/**
 * Runs one request of `route` (the whole middleware pipeline) as an observed invocation: traced as
 * `## <route id>`, its DynamoDB round trips and consumed capacity counted, and its metrics written
 * once at the end (shared/observability/metrics-catalog.ts: Requests, Responses by status class,
 * ServerErrors, Latency in ms, DynamoDB round trips and capacity units, RateLimitRefusals — 1 for a
 * 429), together with the domain metrics the request recorded (sign-in failures, SCIM operations…).
 * A pipeline that throws (it should not: its error responder answers) counts as a 5xx.
 */
export function observeRequest(route: RouteDefinition, pipeline: () => Promise<APIGatewayProxyResult>): Promise<APIGatewayProxyResult> {
  const started = performance.now();
  const usage = emptyDynamoUsage();
  return traceInvocation(route.id, { route: route.id, family: route.family }, () =>
    withMetrics(
      () => countDynamoUsage(usage, pipeline),
      ({ result }) => {
        const status = result?.statusCode ?? 500;
        const byRoute = { family: route.family, route: route.id };
        addMetric(metric.requests, 1, byRoute);
        addMetric(metric.responses, 1, { family: route.family, statusClass: statusClassOf(status) });
        addMetric(metric.serverErrors, status >= 500 ? 1 : 0, byRoute);
        addMetric(metric.rateLimitRefusals, status === 429 ? 1 : 0, byRoute);
        addMetric(metric.latency, Math.round((performance.now() - started) * 100) / 100, byRoute);
        addMetric(metric.dynamoRoundTrips, usage.roundTrips, byRoute);
        addMetric(metric.dynamoReadCapacity, usage.readCapacityUnits, byRoute);
        addMetric(metric.dynamoWriteCapacity, usage.writeCapacityUnits, byRoute);
      },
    ),
  );
}
