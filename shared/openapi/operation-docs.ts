import type * as z from 'zod/mini';
import type { RequestContract } from '../http/request-contract.ts';

/** A named example (OpenAPI Example Object). */
export interface ExampleDoc {
  readonly summary: string;
  readonly value: unknown;
}

export interface ResponseDoc {
  readonly description: string;
  /** The body; absent for responses without one (204, 302, 304). */
  readonly schema?: z.ZodMiniType;
  /** Defaults to the family's media type (application/json, application/scim+json). */
  readonly contentTypes?: readonly string[];
  readonly examples?: Readonly<Record<string, ExampleDoc>>;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The documentation of one route that the route table does not hold: its tag, a description,
 * the request contract its handler validates with, its responses and examples. Parameters,
 * security, the standard error responses and the summary come from the route table and the
 * contract (see openapi-document.ts).
 */
export interface OperationDoc {
  /** Groups the operation in Swagger UI, as the seeds name them (Auditing, Clients, Users, …). */
  readonly tag: string;
  readonly description: string;
  /** The contract the handler validates with; absent for routes that read no input. */
  readonly request?: RequestContract;
  readonly requestExamples?: Readonly<Record<string, ExampleDoc>>;
  /** Descriptions of the path parameters (`{name}` in the route path). */
  readonly pathParameters?: Readonly<Record<string, string>>;
  /** Success responses and route-specific errors (409, 412, …); the generic ones are added. */
  readonly responses: Readonly<Record<number, ResponseDoc>>;
}

export type OperationDocs = Readonly<Record<string, OperationDoc>>;
