/**
 * zod schemas of the responses, for the OpenAPI definitions only (no handler imports this module:
 * responses are shaped by the domain layer's types). Error bodies mirror
 * shared/http/error-responses.ts, the one place that renders them.
 */
import * as z from '../zod-mini.ts';
import { LIST_RESPONSE_SCHEMA } from '../scim/scim-config.ts';
import { scimGroupSchema, scimUserSchema } from '../scim/resource-zod.ts';
import { allPlatformScopes } from '../identity/scopes.ts';

const uuid = z.uuid();
const timestamp = z.iso.datetime({ offset: true });

// ---------------------------------------------------------------------------------------------
// Error bodies, one per API family

export const identityError = z.object({
    error: z.string().check(z.meta({ description: 'Stable error code, e.g. invalid_input, not_found, forbidden, rate_limited', examples: ['not_found'] })),
    message: z.string().check(z.meta({ description: 'What went wrong, for people' })),
    statusCode: z.int().check(z.meta({ description: 'The HTTP status code', examples: [404] })),
  }).check(z.meta({ description: 'Error body of the Identity Management API' }));

export const directoryError = z.object({
    error: z.string().check(z.meta({ description: 'The HTTP reason phrase', examples: ['Not Found'] })),
    message: z.string(),
    statusCode: z.int().check(z.meta({ examples: [404] })),
  }).check(z.meta({ description: 'Error body of the Directory API' }));

export const oauthError = z.object({
    error: z.enum(['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'invalid_target', 'rate_limited']).check(z.meta({ description: 'RFC 6749 §5.2 error code' })),
    error_description: z.optional(z.string()),
  }).check(z.meta({ description: 'Token endpoint error (RFC 6749 §5.2)' }));

export const scimError = z.object({
    schemas: z.array(z.literal('urn:ietf:params:scim:api:messages:2.0:Error')),
    status: z.string().check(z.meta({ description: 'The HTTP status code, as a string', examples: ['400'] })),
    scimType: z.optional(z.enum(['invalidFilter', 'tooMany', 'uniqueness', 'mutability', 'invalidSyntax', 'invalidPath', 'noTarget', 'invalidValue', 'invalidVers', 'sensitive', 'invalidCursor', 'expiredCursor'])).check(z.meta({ description: 'Only on 400 and 409 responses (RFC 7644 §3.12)' })),
    detail: z.string(),
  }).check(z.meta({ description: 'SCIM error (RFC 7644 §3.12)' }));

// ---------------------------------------------------------------------------------------------
// Identity Management API

export const pageInfo = z.object({
  totalCount: z.int(),
  pageSize: z.int(),
  currentPage: z.int(),
  totalPages: z.int(),
});

export const clientCredentials = z.object({
    clientId: z.string().check(z.meta({ description: 'client_id for the token endpoint' })),
    clientSecret: z.string().check(z.meta({ description: 'client_secret for the token endpoint (256-bit random value)' })),
  }).check(z.meta({ description: 'Credentials for the client-credentials grant' }));

export const client = z.object({
  clientId: uuid.check(z.meta({ description: 'The registration id (authorize this one for APIs)' })),
  name: z.string(),
  description: z.string(),
  enabled: z.boolean(),
  clientType: z.literal('machineToMachine'),
  jwtSigningAlgorithm: z.literal('rs256'),
  refreshTokenRotation: z.boolean(),
  grantTypeClientCredentials: z.boolean(),
  createdOn: timestamp,
  updatedOn: timestamp,
  secretRotatedOn: timestamp,
  credentials: z.nullable(clientCredentials).check(z.meta({ description: 'Only with expand=credentials (Owners); null otherwise' })),
});
export const clientList = z.object({ items: z.array(client), pageInfo });
export const rotatedSecret = z.object({ credentials: clientCredentials });

export const apiScope = z.object({ value: z.string(), description: z.string() });
export const authorizedClient = z.object({
  clientId: uuid,
  name: z.string(),
  scopes: z.array(z.string()),
  authorizedOn: timestamp,
});
export const api = z.object({
  id: uuid,
  name: z.string(),
  identifier: z.string().check(z.meta({ description: 'The audience value of tokens for this API' })),
  description: z.string(),
  enabled: z.boolean(),
  builtIn: z.boolean().check(z.meta({ description: 'The platform API (00000000-0000-0000-0000-000000000001) is built in and cannot be changed' })),
  createdOn: timestamp,
  updatedOn: timestamp,
  scopes: z.optional(z.array(apiScope)).check(z.meta({ description: 'With expand=scopes (always on create and update)' })),
  clients: z.optional(z.array(authorizedClient)).check(z.meta({ description: 'With expand=clients' })),
});
export const apiList = z.object({ items: z.array(api), pageInfo });
export const apiScopeList = z.object({ items: z.array(apiScope) });
export const authorizedClientList = z.array(authorizedClient);

export const role = z.object({
  id: z.string().check(z.meta({ description: 'A UUID for custom roles; owner, administrator, … for built-in ones' })),
  name: z.string(),
  description: z.string(),
  scopes: z.array(z.enum(allPlatformScopes as [string, ...string[]])),
  builtIn: z.boolean(),
  createdOn: z.nullable(timestamp),
  updatedOn: z.nullable(timestamp),
});
export const rolePage = z.object({ items: z.array(role), pageInfo });
export const roleItems = z.object({ items: z.array(role) });

export const auditEntry = z.object({
  id: z.string().check(z.meta({ description: 'Time-ordered id (ULID)' })),
  organizationId: uuid,
  userId: z.nullable(z.string()).check(z.meta({ description: 'The acting user; null when a client or the system acted' })),
  actor: z.object({ type: z.enum(['user', 'client', 'operator', 'system', 'anonymous']), id: z.string() }),
  action: z.string().check(z.meta({ examples: ['user.login'] })),
  target: z.nullable(z.object({ type: z.string(), id: z.string() })),
  timestamp,
  details: z.record(z.string(), z.unknown()).check(z.meta({ description: 'ip address, user agent, changed attribute names, … — never secrets' })),
});
export const auditPageInfo = z.extend(pageInfo, {
  totalCountCapped: z.optional(z.literal(true)).check(z.meta({ description: 'Present when more than 10,000 entries match: totalCount is then 10,000 (a lower bound) and pages past it are still served' })),
  searchWindowLimited: z.optional(z.literal(true)).check(z.meta({
      description:
        'Present when a query that needs a filter (free text, target:, ip:, actorType:, targetType:, action prefix) searched only the first 10,000 entries ' +
        'of its time range in its order; totalCount and the pages cover those. Narrow fromDate/toDate to search further.',
    })),
  searchWindowEnd: z.optional(z.iso.datetime()).check(z.meta({ description: 'With searchWindowLimited: when the last searched entry was written' })),
});
export const auditPage = z.object({ items: z.array(auditEntry), pageInfo: auditPageInfo });

export const auditExportJob = z.object({
  jobId: z.string().check(z.meta({ description: 'The job id (ULID)' })),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  exportType: z.enum(['csv', 'json']),
  fromDate: z.nullable(z.string()).check(z.meta({ description: 'Start of the exported range (ISO 8601), null: from the beginning' })),
  toDate: z.nullable(z.string()).check(z.meta({ description: 'End of the exported range (ISO 8601), null: up to the time of the export' })),
  query: z.nullable(z.string()),
  maxEntries: z.nullable(z.int()).check(z.meta({ description: 'pageSize as requested: the most entries to include' })),
  createdAt: timestamp,
  completedAt: z.nullable(z.string()),
  entries: z.nullable(z.int()).check(z.meta({ description: 'Entries in the file, once succeeded' })),
  bytes: z.nullable(z.int()).check(z.meta({ description: 'Size of the file in bytes, once succeeded' })),
  fileName: z.nullable(z.string()),
  downloadUrl: z.nullable(z.string()).check(z.meta({ description: 'Once succeeded: a presigned GET URL of the file, valid for 5 minutes from this answer' })),
  downloadUrlExpiresAt: z.nullable(z.string()),
  error: z.nullable(z.string()).check(z.meta({ description: 'Why the job failed' })),
});

export const loginResult = z.object({
  accessToken: z.string().check(z.meta({ description: 'RS256 JWT access token (RFC 9068) for the platform API' })),
  expiresIn: z.int().check(z.meta({ description: 'Seconds until the token expires', examples: [3600] })),
  tokenType: z.literal('Bearer'),
});

export const me = z.object({
  organizationId: uuid,
  principalType: z.enum(['user', 'client']),
  userId: z.optional(uuid),
  clientId: z.optional(z.string()),
  scopes: z.array(z.string()),
});

export const organizationCreated = z.object({ organizationId: uuid, ownerUserId: uuid });
export const organization = z.object({
  id: uuid,
  name: z.string(),
  createdAt: timestamp,
  rateLimits: z.record(z.string(), z.unknown()),
  personCorrelation: z.optional(z.array(z.string())).check(z.meta({ description: 'Person correlation rule for SCIM and SAML just-in-time users (answered by PATCH)' })),
});

export const tokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.int().check(z.meta({ examples: [3600] })),
  scope: z.string().check(z.meta({ description: 'Space-separated scopes the token carries' })),
});

export const jwks = z.object({
  keys: z.array(
    z.looseObject({ kty: z.literal('RSA'), kid: z.string(), use: z.optional(z.literal('sig')), alg: z.optional(z.literal('RS256')), n: z.string(), e: z.string() }),
  ),
});

export const openIdConfiguration = z.looseObject({
  issuer: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
  grant_types_supported: z.array(z.string()),
  token_endpoint_auth_methods_supported: z.array(z.string()),
  scopes_supported: z.array(z.string()),
});

export const auditExportFile = z.string().check(z.meta({ description: 'The export file (CSV, or NDJSON for exportType=json)', format: 'binary' }));

// ---------------------------------------------------------------------------------------------
// Platform

const dependencyHealth = z.object({ status: z.enum(['ok', 'unavailable']), latencyMs: z.number() });
const signingKeyHealth = z
  .object({
    status: z.enum(['ok', 'missing', 'rotationDue', 'unavailable']).check(z.meta({ description: 'missing: no token signed yet; rotationDue: older than rotationPeriodDays' })),
    kid: z.optional(z.string()).check(z.meta({ description: 'The current key (RFC 7638 thumbprint, as in the JWKS)' })),
    createdAt: z.optional(z.iso.datetime()).check(z.meta({ description: 'When the current key was published' })),
    ageDays: z.optional(z.int()),
    nextRotationAt: z.optional(z.iso.datetime()).check(z.meta({ description: 'When its rotation falls due (createdAt + rotationPeriodDays)' })),
    rotationPeriodDays: z.int(),
    retiredKeysPublished: z.optional(z.int()).check(z.meta({ description: 'Retired keys still in the JWKS until the tokens they signed expire' })),
  })
  .check(z.meta({ description: 'The access-token signing key' }));
const workerQueuesHealth = z
  .object({
    status: z.enum(['ok', 'deadLetters', 'unavailable']).check(z.meta({ description: 'deadLetters: some dead-letter queue holds messages' })),
    workers: z.array(
      z.object({
        worker: z.string().check(z.meta({ description: 'Worker id (worker table)' })),
        messages: z.optional(z.int()).check(z.meta({ description: 'Messages waiting on its queue (queue workers; SQS ApproximateNumberOfMessages)' })),
        inFlight: z.optional(z.int()).check(z.meta({ description: 'Messages being handled (ApproximateNumberOfMessagesNotVisible)' })),
        deadLetters: z.optional(z.int()).check(z.meta({ description: 'Messages in its dead-letter queue' })),
      }),
    ),
  })
  .check(z.meta({ description: 'Backlog of the worker queues' }));
export const health = z.object({
  status: z.enum(['ok', 'degraded']),
  version: z.string(),
  region: z.string(),
  checks: z.object({ table: dependencyHealth, exportBucket: dependencyHealth }),
  signingKey: signingKeyHealth,
  workerQueues: workerQueuesHealth,
});

// ---------------------------------------------------------------------------------------------
// SCIM

export const scimUser = scimUserSchema('output');
export const scimGroup = scimGroupSchema('output');

function listResponse(resource: z.ZodMiniType, description: string) {
  return z.object({
      schemas: z.array(z.literal(LIST_RESPONSE_SCHEMA)),
      totalResults: z.int(),
      startIndex: z.int(),
      itemsPerPage: z.int(),
      nextCursor: z.optional(z.string()).check(z.meta({ description: 'With cursor paging: the cursor of the next page, absent on the last one' })),
      Resources: z.array(resource),
    }).check(z.meta({ description }));
}

export const scimUserList = listResponse(scimUser, 'A ListResponse of Users (RFC 7644 §3.4.2)');
export const scimGroupList = listResponse(scimGroup, 'A ListResponse of Groups (RFC 7644 §3.4.2)');
export const scimResourceList = listResponse(z.union([scimUser, scimGroup]), 'A ListResponse of Users and Groups');

export const serviceProviderConfig = z.looseObject({
    schemas: z.array(z.string()),
    documentationUri: z.optional(z.url()),
    patch: z.object({ supported: z.boolean() }),
    bulk: z.object({ supported: z.boolean(), maxOperations: z.int(), maxPayloadSize: z.int() }),
    filter: z.object({ supported: z.boolean(), maxResults: z.int() }),
    changePassword: z.object({ supported: z.boolean() }),
    sort: z.object({ supported: z.boolean() }),
    etag: z.object({ supported: z.boolean() }),
    authenticationSchemes: z.array(z.looseObject({ type: z.string(), name: z.string(), description: z.string() })),
  }).check(z.meta({ description: 'ServiceProviderConfig (RFC 7643 §5)' }));

export const resourceType = z.looseObject({ schemas: z.array(z.string()), id: z.string(), name: z.string(), endpoint: z.string(), schema: z.string(), schemaExtensions: z.array(z.looseObject({ schema: z.string(), required: z.boolean() })) }).check(z.meta({ description: 'ResourceType (RFC 7643 §6)' }));
export const resourceTypeList = listResponse(resourceType, 'A ListResponse of ResourceTypes');

export const scimSchema = z.looseObject({ schemas: z.array(z.string()), id: z.string(), name: z.string(), description: z.string(), attributes: z.array(z.looseObject({ name: z.string(), type: z.string() })) }).check(z.meta({ description: 'Schema (RFC 7643 §7)' }));
export const scimSchemaList = listResponse(scimSchema, 'A ListResponse of Schemas');

export const bulkResponse = z.object({
    schemas: z.array(z.literal('urn:ietf:params:scim:api:messages:2.0:BulkResponse')),
    Operations: z.array(
      z.looseObject({
        method: z.string(),
        bulkId: z.optional(z.string()),
        location: z.optional(z.string()),
        version: z.optional(z.string()),
        status: z.string().check(z.meta({ examples: ['201'] })),
        response: z.optional(z.unknown()).check(z.meta({ description: 'The SCIM error of a failed operation' })),
      }),
    ),
  }).check(z.meta({ description: 'A BulkResponse message (RFC 7644 §3.7)' }));
