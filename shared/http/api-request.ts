import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { RouteDefinition } from '../routes.ts';
import type { Principal } from '../auth/principal.ts';
import type { RateLimitState } from '../rate-limits/rate-limiter.ts';

/** What a handler sees of a request: normalised, parsed, and (for protected routes) authenticated. */
export interface ApiRequest {
  route: RouteDefinition;
  event: APIGatewayProxyEvent;
  requestId: string;
  method: string;
  path: string;
  pathParameters: Readonly<Record<string, string>>;
  /** First value of each query parameter. */
  query: Readonly<Record<string, string>>;
  /** Header names lower-cased; repeated headers joined with a comma. */
  headers: Readonly<Record<string, string>>;
  /** Parsed body: a JSON value, form fields, or undefined when the request has none. */
  body: unknown;
  rawBody: string | undefined;
  sourceIp: string;
  userAgent: string;
  /** Set for every route whose permission is not `public`. */
  principal: Principal | undefined;
  /** The caller's rate-limit state once the request was counted (bearer routes of a rate-limited family). */
  rateLimit?: RateLimitState | undefined;
}

/** The authenticated caller and its tenant; set by the authentication step. */
export type AuthenticatedRequest = ApiRequest & { principal: Principal };
