import type * as z from 'zod/mini';
import type { ScimType } from '../errors/domain-errors.ts';
import type { ApiRequest } from './api-request.ts';
import { validate, type ScimTypeOfIssue } from './validation.ts';
import { lazily } from '../lazy.ts';

/** The parts of a request a route validates; each is a zod schema. */
export interface RequestSchemas {
  /** Query parameters, one property per parameter (documented one by one). */
  readonly query?: z.ZodMiniObject;
  /** Request headers by lower-case name (documented as header parameters). */
  readonly headers?: z.ZodMiniObject;
  /** The body: JSON, SCIM JSON or form fields, as the route's `body` kind says. */
  readonly body?: z.ZodMiniType;
}

/**
 * What one route accepts, bound to the route's id. The handler validates with it
 * ({@link validateRequest}) and the OpenAPI generator documents it, so the published definition
 * is generated from exactly the schemas that validate requests.
 */
export type RequestContract<S extends RequestSchemas = RequestSchemas> = S & {
  readonly routeId: string;
  /** SCIM error type of a validation failure (default invalidValue; see validate()). */
  readonly scimType?: ScimType;
  readonly scimTypeOf?: ScimTypeOfIssue;
};

/**
 * Binds a route's request schemas to its id. `schemas` is a function: it runs the first time the
 * contract is read (by the handler's first validation or by the OpenAPI generator), not when the
 * module loads, so a function bundle that imports a family's schema module builds only its own
 * route's schemas, on its first request (issue 17: building every route's zod schemas at module
 * initialisation cost SCIM functions 13–17 ms of cold start).
 *
 * @param routeId The route-table id of the route this contract validates (checked on every call).
 * @param schemas Builds the query, header and body schemas; called at most once.
 * @param options How validation failures map to SCIM error types (SCIM routes only).
 */
export function requestContract<const S extends RequestSchemas>(
  routeId: string,
  schemas: () => S,
  options: { scimType?: ScimType; scimTypeOf?: ScimTypeOfIssue } = {},
): RequestContract<S> {
  const built = /* @__PURE__ */ lazily(schemas);
  const contract = { ...options, routeId };
  for (const part of ['query', 'headers', 'body'] as const) {
    Object.defineProperty(contract, part, { enumerable: true, get: () => built()[part] });
  }
  return Object.freeze(contract) as RequestContract<S>;
}

type Output<T> = T extends z.ZodMiniType ? z.output<T> : undefined;

export interface ValidatedRequest<S extends RequestSchemas> {
  query: Output<S['query']>;
  headers: Output<S['headers']>;
  body: Output<S['body']>;
}

/**
 * Validates a request against its route's contract. A contract of another route is a wiring bug
 * (the documentation would describe other rules than the ones applied), so it fails loudly.
 */
export function validateRequest<S extends RequestSchemas>(contract: RequestContract<S>, request: ApiRequest): ValidatedRequest<S> {
  if (contract.routeId !== request.route.id) {
    throw new Error(`Route ${request.route.id} validates with the contract of ${contract.routeId}`);
  }
  const check = (schema: z.ZodMiniType | undefined, value: unknown, where: 'query' | 'header' | 'body' | 'form') =>
    schema === undefined ? undefined : validate(schema, value, where, contract.scimType, contract.scimTypeOf);
  const form = request.route.body === 'form';
  return {
    query: check(contract.query, request.query, 'query'),
    headers: check(contract.headers, request.headers, 'header'),
    body: check(contract.body, form ? (request.body ?? {}) : request.body, form ? 'form' : 'body'),
  } as ValidatedRequest<S>;
}
