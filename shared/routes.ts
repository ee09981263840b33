/**
 * The route table: the single source of truth for every HTTP endpoint of the platform.
 *
 * The CDK stacks create one API Gateway method and one Lambda function per entry, and the local
 * runtime dispatches requests from this very table. It is plain data on purpose: synthesizing
 * the infrastructure must never load handler code.
 *
 * Adding an endpoint = one handler module under functions/ + one row in its family's file under
 * shared/route-table/ (the rows are split by family only to keep files short; this module is the
 * one table everything reads).
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'ANY';

/** API families share an error format, a rate-limit policy and an infrastructure (nested) stack. */
export type ApiFamily = 'platform' | 'identity' | 'scim' | 'directory' | 'governance';

/**
 * What a caller must hold to use a route.
 * - `public`: no authentication (health, discovery, login, token endpoint).
 * - `operator`: the deployment's operator key in the X-Operator-Key header.
 * - `authenticated`: any valid bearer access token of the organization.
 * - `optional-bearer`: no authentication needed, but a bearer token, when sent, must be a valid
 *   access token (any scope; 401 otherwise) and names the caller's organization — for public
 *   documents that a signed-in administrator may also fetch without naming the organization.
 * - any other value: an OAuth scope that the bearer token must carry.
 */
export type RoutePermission =
  | 'public'
  | 'operator'
  | 'authenticated'
  | 'optional-bearer'
  | 'scim:read'
  | 'scim:write'
  | 'directory:read'
  | 'directory:write'
  | 'audit:read'
  | 'governance:read'
  | 'governance:write'
  | 'identity:read'
  | 'identity:admin'
  | 'organization:owner';

/** Least-privilege grants the route's function needs. */
export interface RouteAccess {
  table: 'none' | 'read' | 'write';
  exportBucket?: 'none' | 'read' | 'write';
  /** Envelope-encryption key for client secrets and other secrets at rest. */
  secretsKey?: 'none' | 'encrypt' | 'decrypt' | 'both';
  /** Asymmetric key that signs access tokens. */
  signingKey?: 'none' | 'sign';
  /** The deployment's operator API key (a Secrets Manager secret in AWS). */
  operatorKey?: 'none' | 'read';
}

export interface RouteDefinition {
  /** Stable identifier, also the logical name of the function in CDK. */
  id: string;
  method: HttpMethod;
  /** API Gateway path template, e.g. `/api/scim/v2/Users/{id}`; `{proxy+}` is greedy. */
  path: string;
  /** Handler module relative to the repository root; it exports `handler`. */
  handler: string;
  family: ApiFamily;
  permission: RoutePermission;
  /** Does the route change state? Mutating routes must write an audit entry. */
  mutating: boolean;
  access: RouteAccess;
  /** Request body the route accepts; anything else is refused with 415. */
  body?: 'none' | 'json' | 'scim' | 'form';
  /** `oauth`: errors use RFC 6749 §5.2 bodies (the token endpoint). */
  errorFormat?: 'oauth';
  /** Lambda memory in MB (default 256). */
  memoryMb?: number;
  /** Lambda timeout in seconds (default 10). */
  timeoutSeconds?: number;
  /**
   * Files of npm packages the handler reads at run time (e.g. Swagger UI's static assets). The
   * CDK bundling copies each listed file next to the function's bundle, under
   * `package-files/<package>/<file>`; the local runtime reads them from node_modules. Handlers read
   * them with `readPackageFile` (shared/http/package-files.ts).
   */
  packageFiles?: readonly PackageFiles[];
  /**
   * true: the function serves the OpenAPI documents. The CDK app writes them at synth
   * (lib/openapi-documents.ts) and copies them next to the function's bundle, under
   * `openapi/<definition id>.json`, and the bundle reads them instead of generating them, so it
   * carries neither the generator nor the route table; the local runtime generates them in process
   * (shared/openapi/served-documents.ts).
   */
  openApiDocuments?: true;
  /**
   * Workers (ids from the worker table, shared/workers.ts) this route starts with `startWorker`.
   * The route's function gets exactly the send or invoke grant for each and the environment
   * variable that names the worker's queue or function; starting an undeclared worker fails.
   */
  starts?: readonly string[];
  /**
   * Workers with a `managedSchedules` trigger whose schedules this route creates, changes or
   * deletes (shared/workers/worker-schedules.ts). In AWS its function gets exactly
   * scheduler:CreateSchedule/UpdateSchedule/DeleteSchedule on the stack's schedule group and
   * iam:PassRole on the role the schedules invoke the worker with, and the variables naming them.
   */
  managesSchedules?: readonly string[];
  /**
   * true: the route reports the worker queues' backlog (GET /api/health). Its function gets
   * `sqs:GetQueueAttributes` on every worker queue and dead-letter queue and the variables naming
   * them (WORKER_<ID>_QUEUE_URL, WORKER_<ID>_DEAD_LETTER_QUEUE_URL), nothing more.
   */
  readsWorkerQueues?: true;
  summary: string;
}

/** Files of one npm package, relative to its root folder. */
export interface PackageFiles {
  package: string;
  files: readonly string[];
}

import { platformRoutes } from './route-table/platform.ts';
import { identityRoutes } from './route-table/identity.ts';
import { scimRoutes } from './route-table/scim.ts';
import { samlRoutes } from './route-table/saml.ts';
import { directoryRoutes } from './route-table/directory.ts';
import { directoryConnectionRoutes } from './route-table/directory-connections.ts';
import { directorySyncRoutes } from './route-table/directory-sync.ts';
import { governanceRoutes } from './route-table/governance.ts';

export const routes: readonly RouteDefinition[] = [...identityRoutes, ...samlRoutes, ...scimRoutes, ...directoryRoutes, ...directoryConnectionRoutes, ...directorySyncRoutes, ...governanceRoutes, ...platformRoutes];
