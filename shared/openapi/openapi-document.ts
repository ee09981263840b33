/**
 * Builds the OpenAPI 3.1 documents from the route table (method, path, summary, permission,
 * body kind, family) and each route's operation doc (tag, description, request contract,
 * responses, examples). Request schemas are the zod schemas the handlers validate with, turned
 * into JSON Schema 2020-12 by zod itself; a route without an operation doc fails the build.
 */
import * as z from '../zod-mini.ts';
import type { RouteDefinition } from '../routes.ts';
import { familyForPath } from '../http/error-responses.ts';
import { publishesRateLimitHeaders } from '../http/rate-limit-headers.ts';
import type { ApiDefinition } from './definitions.ts';
import type { ExampleDoc, OperationDoc, OperationDocs, ResponseDoc } from './operation-docs.ts';
import { directoryError, identityError, oauthError, scimError } from './response-schemas.ts';

type Json = Record<string, unknown>;

export interface OpenApiDocument extends Json {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string; description: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> };
}

export interface OpenApiOperation extends Json {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters: Json[];
  requestBody?: Json;
  responses: Record<string, Json>;
}

export interface BuildOptions {
  readonly routes: readonly RouteDefinition[];
  readonly operations: OperationDocs;
  /** The deployment's PUBLIC_BASE_URL: the server every operation is sent to. */
  readonly baseUrl: string;
  readonly version: string;
  /** Names of reusable schemas (components), by schema. */
  readonly componentNames: ReadonlyMap<z.ZodMiniType, string>;
  /**
   * JSON Schema metadata of schemas that do not carry it themselves (e.g. the SCIM attribute
   * descriptions, shared/openapi/scim-attribute-metadata.ts), merged over their `.meta()`.
   */
  readonly metadata?: SchemaMetadata;
}

/** Metadata (description, format, …) of a schema, or undefined when it has none to add. */
export type SchemaMetadata = (schema: z.core.$ZodType) => Record<string, unknown> | undefined;

type MetadataRegistry = ReturnType<typeof z.registry<Record<string, unknown>>>;

/** zod's global metadata registry (what `.meta()` writes) with `extra` merged over each entry. */
function metadataRegistry(extra: SchemaMetadata | undefined): MetadataRegistry {
  if (!extra) return z.globalRegistry;
  const registry = z.registry<Record<string, unknown>>();
  registry.get = (schema) => {
    const own = z.globalRegistry.get(schema);
    const added = extra(schema);
    return added ? { ...own, ...added } : own;
  };
  return registry;
}

const SCIM_MEDIA_TYPES = ['application/scim+json', 'application/json'];
const scopePermissions = new Set(['public', 'operator', 'authenticated', 'optional-bearer']);

const genericPathParameters: Record<string, string> = {
  id: 'The resource id',
  organizationId: 'The organization id',
  clientId: 'The client registration id (clientId UUID, not credentials.clientId)',
  apiId: 'The API id; 00000000-0000-0000-0000-000000000001 is the platform API',
  roleId: 'The role id: a UUID for custom roles, or a built-in role (owner, administrator, …)',
  userId: 'The user id',
  groupId: 'The group (team) id',
  scope: 'The scope value',
};

function pascal(id: string): string {
  return id.replace(/(^|[-_.])([a-z0-9])/gi, (_, __, letter: string) => letter.toUpperCase());
}

/** The error body of a route; the token endpoint answers rate limits and internal errors in its family's format. */
function errorBody(route: RouteDefinition, status = 400): { schema: z.ZodMiniType; mediaTypes: readonly string[] } {
  if (route.errorFormat === 'oauth' && status !== 429 && status < 500) return { schema: oauthError, mediaTypes: ['application/json'] };
  const family = route.family === 'platform' ? familyForPath(route.path) : route.family;
  if (family === 'scim') return { schema: scimError, mediaTypes: ['application/scim+json'] };
  if (family === 'identity') return { schema: identityError, mediaTypes: ['application/json'] };
  return { schema: directoryError, mediaTypes: ['application/json'] };
}

const errorCodes: Record<number, [code: string, reason: string, message: string]> = {
  400: ['invalid_input', 'Bad Request', "Invalid request body 'name': Too small: expected string to have >=1 characters"],
  401: ['unauthenticated', 'Unauthorized', 'The access token is missing, invalid or expired.'],
  403: ['forbidden', 'Forbidden', 'This operation needs the scope identity:admin.'],
  404: ['not_found', 'Not Found', 'The resource was not found.'],
  409: ['conflict', 'Conflict', 'The value is already taken.'],
  412: ['precondition_failed', 'Precondition Failed', 'The resource has changed.'],
  413: ['payload_too_large', 'Payload Too Large', 'The request body is larger than 1048576 bytes.'],
  415: ['unsupported_media_type', 'Unsupported Media Type', "Content-Type 'text/plain' is not supported here; send application/json."],
  429: ['rate_limited', 'Too Many Requests', 'Rate limit exceeded; retry after 42 seconds.'],
  500: ['internal_error', 'Internal Server Error', 'An internal error occurred. Request id: 3f0c9e2a-7d1b-4c55-9a43-0c8f1e7b2d61.'],
};

/** An example of the family's error body for a status (as shared/http/error-responses.ts renders it). */
function errorExample(route: RouteDefinition, status: number): unknown {
  const [code, reason, message] = errorCodes[status] ?? ['error', 'Error', 'The request failed.'];
  const { schema } = errorBody(route, status);
  if (schema === oauthError) return { error: status === 401 ? 'invalid_client' : 'invalid_request', error_description: message };
  if (schema === scimError) {
    const scimType = status === 400 ? 'invalidValue' : status === 409 ? 'uniqueness' : undefined;
    return { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: String(status), ...(scimType ? { scimType } : {}), detail: message };
  }
  if (schema === identityError) return { error: code, message, statusCode: status };
  return { error: reason, message, statusCode: status };
}

function successMediaTypes(route: RouteDefinition): readonly string[] {
  const family = route.family === 'platform' ? familyForPath(route.path) : route.family;
  return family === 'scim' ? ['application/scim+json'] : ['application/json'];
}

const rateLimitHeaderDocs: Readonly<Record<string, string>> = {
  'X-RateLimit-Limit': 'Requests allowed in the window that binds the caller (per minute or per hour)',
  'X-RateLimit-Remaining': 'Requests left in that window',
  'X-RateLimit-Reset': 'When that window ends, in epoch seconds (UTC)',
};

/** The error responses every route of its kind can give, from the route table alone. */
function standardErrors(route: RouteDefinition, doc: OperationDoc): Record<number, ResponseDoc> {
  const errors: Record<number, ResponseDoc> = {};
  const scim = errorBody(route).schema === scimError;
  const takesInput = doc.request !== undefined || route.body !== undefined;
  if (takesInput) {
    errors[400] = { description: scim ? 'Invalid request; scimType names the rule (RFC 7644 §3.12)' : 'Invalid input; the message names each offending field' };
  }
  if (route.permission === 'operator') errors[401] = { description: 'Missing or wrong X-Operator-Key' };
  else if (route.permission === 'optional-bearer') {
    errors[401] = { description: 'A bearer token was sent but is malformed, expired or revoked', headers: { 'WWW-Authenticate': 'Bearer challenge (RFC 6750)' } };
  } else if (route.permission !== 'public') {
    errors[401] = { description: 'Missing, malformed, expired or revoked bearer token', headers: { 'WWW-Authenticate': 'Bearer challenge (RFC 6750)' } };
  }
  if (!scopePermissions.has(route.permission)) {
    errors[403] = { description: `The token does not carry the scope ${route.permission} (the denial is audited)` };
  }
  if (route.path.includes('{')) errors[404] = { description: 'No such resource in the organization' };
  if (route.body !== undefined) {
    errors[413] = { description: 'The request body is larger than the route accepts' };
    errors[415] = { description: 'The Content-Type is not one the route accepts' };
  }
  if (route.permission !== 'public') {
    errors[429] = { description: route.permission === 'optional-bearer' ? "With a bearer token: the caller's rate limit is exhausted" : "The caller's rate limit is exhausted", headers: { 'Retry-After': 'Seconds until the window ends' } };
  }
  errors[500] = { description: 'Unexpected error; the body carries only the request id' };
  return errors;
}

function security(route: RouteDefinition): Record<string, string[]>[] {
  if (route.permission === 'public') return [];
  // OpenAPI's way to say "optional": the empty requirement, or a bearer token.
  if (route.permission === 'optional-bearer') return [{}, { bearerAuth: [] }];
  if (route.permission === 'operator') return [{ operatorKey: [] }];
  if (route.permission === 'authenticated') return [{ bearerAuth: [] }];
  return [{ bearerAuth: [route.permission] }];
}

function accessNote(route: RouteDefinition): string {
  if (route.permission === 'public') return 'No authentication.';
  if (route.permission === 'optional-bearer') return 'No authentication needed; a bearer access token, when sent, must be valid and names the organization.';
  if (route.permission === 'operator') return 'Platform operators only: send the deployment operator key in `X-Operator-Key`.';
  if (route.permission === 'authenticated') return 'Any bearer access token of the organization.';
  return `Bearer access token with the scope \`${route.permission}\`.`;
}

function examplesOf(examples: Readonly<Record<string, ExampleDoc>> | undefined): Json | undefined {
  if (!examples || Object.keys(examples).length === 0) return undefined;
  return Object.fromEntries(Object.entries(examples).map(([name, example]) => [name, { summary: example.summary, value: example.value }]));
}

/** Drops the ±2^53-1 bounds zod gives every integer: they say nothing to a reader. */
function withoutSafeIntegerBounds<T>(value: T): T {
  if (Array.isArray(value)) value.forEach(withoutSafeIntegerBounds);
  else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if (record.minimum === Number.MIN_SAFE_INTEGER) delete record.minimum;
    if (record.maximum === Number.MAX_SAFE_INTEGER) delete record.maximum;
    Object.values(record).forEach(withoutSafeIntegerBounds);
  }
  return value;
}

/**
 * SCIM's `$ref` sub-attribute as a property name reads like a JSON reference to many tools (and
 * to OpenAPI validators): express it as a pattern property, which means the same.
 */
function withoutRefProperties<T>(value: T): T {
  if (Array.isArray(value)) value.forEach(withoutRefProperties);
  else if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const properties = record.properties as Record<string, unknown> | undefined;
    if (properties && typeof properties === 'object' && '$ref' in properties && typeof properties.$ref === 'object') {
      record.patternProperties = { ...(record.patternProperties as object | undefined), '^\\$ref$': properties.$ref };
      delete properties.$ref;
    }
    Object.values(record).forEach(withoutRefProperties);
  }
  return value;
}

/** JSON Schema of one parameter, with its description and first example lifted out. */
function parameterOf(name: string, location: 'query' | 'header', schema: z.ZodMiniType, metadata: MetadataRegistry): Json {
  const json = withoutSafeIntegerBounds(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', metadata }) as Json);
  delete json.$schema;
  const description = typeof json.description === 'string' ? json.description : undefined;
  delete json.description;
  const examples = Array.isArray(json.examples) ? json.examples : undefined;
  return {
    name: location === 'header' ? name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => `${dash}${letter.toUpperCase()}`) : name,
    in: location,
    required: !schema.safeParse(undefined).success,
    ...(description ? { description } : {}),
    schema: json,
    ...(examples && examples.length > 0 ? { example: examples[0] } : {}),
  };
}

class Components {
  readonly registry = z.registry<{ id: string }>();
  private readonly ids = new Map<z.ZodMiniType, string>();
  private readonly taken = new Set<string>();

  constructor(
    private readonly names: ReadonlyMap<z.ZodMiniType, string>,
    readonly metadata: MetadataRegistry,
  ) {
    for (const [schema, name] of names) this.add(schema, name);
  }

  private add(schema: z.ZodMiniType, name: string): string {
    const known = this.ids.get(schema);
    if (known) return known;
    let id = name;
    for (let n = 2; this.taken.has(id); n++) id = `${name}${n}`;
    this.taken.add(id);
    this.ids.set(schema, id);
    this.registry.add(schema, { id });
    return id;
  }

  ref(schema: z.ZodMiniType, fallbackName: string): Json {
    return { $ref: `#/components/schemas/${this.add(schema, this.names.get(schema) ?? fallbackName)}` };
  }

  /** Every registered schema as JSON Schema, keeping only those the document references. */
  render(document: Json): Record<string, Json> {
    const { schemas } = z.toJSONSchema(this.registry, {
      io: 'input',
      unrepresentable: 'any',
      metadata: this.metadata,
      uri: (id) => `#/components/schemas/${id}`,
    }) as { schemas: Record<string, Json> };
    for (const schema of Object.values(schemas)) {
      delete schema.$id;
      delete schema.$schema;
      withoutRefProperties(withoutSafeIntegerBounds(schema));
    }
    const reachable = new Set<string>();
    const visit = (value: unknown): void => {
      if (Array.isArray(value)) return value.forEach(visit);
      if (typeof value !== 'object' || value === null) return;
      for (const [key, member] of Object.entries(value)) {
        if (key === '$ref' && typeof member === 'string' && member.startsWith('#/components/schemas/')) {
          const id = member.slice('#/components/schemas/'.length);
          if (!reachable.has(id)) {
            reachable.add(id);
            visit(schemas[id]);
          }
        } else {
          visit(member);
        }
      }
    };
    visit(document);
    return Object.fromEntries(Object.entries(schemas).filter(([id]) => reachable.has(id)).sort(([a], [b]) => a.localeCompare(b)));
  }
}

function operationOf(route: RouteDefinition, doc: OperationDoc, components: Components): OpenApiOperation {
  if (doc.request && doc.request.routeId !== route.id) {
    throw new Error(`The operation doc of ${route.id} names the request contract of ${doc.request.routeId}`);
  }
  const parameters: Json[] = [];
  for (const match of route.path.matchAll(/\{(\w+)\}/g)) {
    const name = match[1] as string;
    parameters.push({
      name,
      in: 'path',
      required: true,
      description: doc.pathParameters?.[name] ?? genericPathParameters[name] ?? name,
      schema: { type: 'string' },
    });
  }
  for (const [location, schema] of [['query', doc.request?.query], ['header', doc.request?.headers]] as const) {
    if (!schema) continue;
    for (const [name, property] of Object.entries(schema.shape)) parameters.push(parameterOf(name, location, property as z.ZodMiniType, components.metadata));
  }

  let requestBody: Json | undefined;
  if (route.body && route.body !== 'none') {
    const schema = doc.request?.body;
    if (!schema) throw new Error(`Route ${route.id} takes a ${route.body} body but its operation doc has no request body schema`);
    const mediaTypes = route.body === 'form' ? ['application/x-www-form-urlencoded'] : route.body === 'scim' ? SCIM_MEDIA_TYPES : ['application/json'];
    const examples = examplesOf(doc.requestExamples);
    const reference = components.ref(schema, `${pascal(route.id)}Request`);
    requestBody = {
      required: schema.safeParse(undefined).success === false,
      content: Object.fromEntries(mediaTypes.map((type) => [type, { schema: reference, ...(examples ? { examples } : {}) }])),
    };
  }

  const responses: Record<string, Json> = {};
  const all = { ...standardErrors(route, doc), ...doc.responses };
  for (const [status, response] of Object.entries(all).sort(([a], [b]) => Number(a) - Number(b))) {
    const code = Number(status);
    const error = errorBody(route, code);
    const schema = response.schema ?? (code >= 400 ? error.schema : undefined);
    const mediaTypes = response.contentTypes ?? (code >= 400 ? error.mediaTypes : successMediaTypes(route));
    const examples = examplesOf(response.examples ?? (code >= 400 && !response.schema ? { error: { summary: response.description, value: errorExample(route, code) } } : undefined));
    const rendered: Json = { description: response.description };
    // Every answer to a caller that was counted carries its rate-limit state; a 401 has no caller yet.
    const headers = { ...(publishesRateLimitHeaders(route) && code !== 401 ? rateLimitHeaderDocs : {}), ...response.headers };
    if (Object.keys(headers).length > 0) {
      rendered.headers = Object.fromEntries(Object.entries(headers).map(([name, description]) => [name, { description, schema: { type: 'string' } }]));
    }
    if (schema) {
      const reference = components.ref(schema, `${pascal(route.id)}Response${status}`);
      rendered.content = Object.fromEntries(mediaTypes.map((type) => [type, { schema: reference, ...(examples ? { examples } : {}) }]));
    }
    responses[status] = rendered;
  }

  return {
    operationId: route.id,
    summary: route.summary,
    description: `${doc.description}\n\n**Access:** ${accessNote(route)}`,
    tags: [doc.tag],
    security: security(route),
    parameters,
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

/** One API definition as an OpenAPI 3.1 document. */
export function buildOpenApiDocument(definition: ApiDefinition, options: BuildOptions): OpenApiDocument {
  const components = new Components(options.componentNames, metadataRegistry(options.metadata));
  const paths: Record<string, Record<string, OpenApiOperation>> = {};
  const usedTags = new Set<string>();
  const usedSchemes = new Set<string>();
  for (const route of options.routes.filter((candidate) => definition.includes(candidate))) {
    const doc = options.operations[route.id];
    if (!doc) throw new Error(`Route ${route.id} (${route.method} ${route.path}) has no operation doc under shared/openapi/operations/`);
    if (route.method === 'ANY') throw new Error(`Route ${route.id}: ANY routes cannot be documented`);
    const operation = operationOf(route, doc, components);
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
    usedTags.add(doc.tag);
    for (const requirement of operation.security) for (const scheme of Object.keys(requirement)) usedSchemes.add(scheme);
  }
  const tags = definition.tags.filter((tag) => usedTags.has(tag.name));
  for (const tag of usedTags) if (!tags.some((known) => known.name === tag)) tags.push({ name: tag, description: tag });

  const securitySchemes: Record<string, Json> = {};
  if (usedSchemes.has('bearerAuth')) {
    securitySchemes.bearerAuth = {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description:
        'A one-hour RS256 access token: from POST /api/identity/v1/userCredentials/login (users) or ' +
        'POST /oauth/token?audience=<base-url>/api with client credentials (machine clients, e.g. SCIM).',
    };
  }
  if (usedSchemes.has('operatorKey')) {
    securitySchemes.operatorKey = { type: 'apiKey', in: 'header', name: 'X-Operator-Key', description: "The deployment's operator API key (platform operators only)" };
  }

  const document: OpenApiDocument = {
    openapi: '3.1.0',
    info: { title: definition.title, version: options.version, description: definition.description },
    servers: [{ url: options.baseUrl, description: 'This deployment (PUBLIC_BASE_URL)' }],
    tags,
    paths,
    components: { schemas: {}, securitySchemes },
  };
  document.components.schemas = components.render({ paths });
  return document;
}
