import * as z from '../zod-mini.ts';
import { requestContract } from '../http/request-contract.ts';
import { lazily } from '../lazy.ts';
import { pageQuerySchema } from '../http/paging.ts';
import { allPlatformScopes } from './scopes.ts';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './passwords.ts';
import { rateLimitOverridesSchema } from '../rate-limits/policy.ts';
import { MAX_PARTITION_KEY_VALUE_BYTES, MAX_SORT_KEY_VALUE_BYTES, tooManyBytesMessage, utf8Bytes } from '../http/limits.ts';
import { CORRELATION_ATTRIBUTES } from '../directory/person-correlation.ts';

/**
 * Request schemas of the Identity Management API: they validate requests and document the API.
 * Each is built on first use (`lazily`; call it: `roleBody()`), never at module initialisation:
 * every identity function bundle imports this whole module, and building all of its schemas cost
 * 10–15 ms of cold start (issue 17).
 */

/**
 * Values that become part of a DynamoDB key (a uniqueness claim, or a lookup by value) are bounded
 * in UTF-8 bytes as well as in characters: 300 characters of `€` are 900 bytes.
 */
function atMostBytes<T extends z.ZodMiniType<string>>(schema: T, limitBytes: number): T {
  // zod's refine keeps the schema's own type (checks are part of it); TypeScript sees the base type.
  return schema.check(z.refine((value: string) => utf8Bytes(value) <= limitBytes, { message: tooManyBytesMessage(limitBytes) }));
}
const inSortKey = <T extends z.ZodMiniType<string>>(schema: T) => atMostBytes(schema, MAX_SORT_KEY_VALUE_BYTES);
const inPartitionKey = <T extends z.ZodMiniType<string>>(schema: T) => atMostBytes(schema, MAX_PARTITION_KEY_VALUE_BYTES);

const name = /* @__PURE__ */ lazily(() => z.string().check(z.trim(), z.minLength(1), z.maxLength(200)));
const description = /* @__PURE__ */ lazily(() => z.string().check(z.maxLength(2000)));
const email = /* @__PURE__ */ lazily(() => inPartitionKey(z.email().check(z.maxLength(254))));
/** An API's identifier, the audience of its tokens: unique per organization, looked up by value. */
const audience = /* @__PURE__ */ lazily(() => inSortKey(z.string().check(z.maxLength(600))));

export const createOrganizationBody = /* @__PURE__ */ lazily(() => z.strictObject({
  name: name(),
  ownerEmail: email(),
  ownerPassword: z.string().check(z.minLength(PASSWORD_MIN_LENGTH), z.maxLength(PASSWORD_MAX_LENGTH)),
}));

export const updateOrganizationBody = /* @__PURE__ */ lazily(() => z.strictObject({
  name: z.optional(name()),
  rateLimits: z.optional(rateLimitOverridesSchema()),
  personCorrelation: z.optional(z.array(z.enum(CORRELATION_ATTRIBUTES)).check(z.minLength(1), z.maxLength(CORRELATION_ATTRIBUTES.length), z.refine((values) => new Set(values).size === values.length, { message: 'must not repeat an attribute' }))).check(z.meta({
      description: 'Person correlation rule for users provisioned over SCIM or created at SAML sign-in: the attributes, in order, that tie a new account to an existing person (default employeeNumber, email, userName)',
      examples: [['email', 'employeeNumber']],
    })),
}));

export const loginBody = /* @__PURE__ */ lazily(() => z.object({
  emailAddress: inPartitionKey(z.string().check(z.minLength(1), z.maxLength(254))).check(z.meta({ description: 'Email address of the account', examples: ['owner@yourcompany.com'] })),
  password: z.string().check(z.minLength(1), z.maxLength(1024), z.meta({ description: 'Password of the account', format: 'password' })),
}));

export const clientBody = /* @__PURE__ */ lazily(() => z.strictObject({
  name: name(),
  description: z._default(description(), ''),
  enabled: z._default(z.boolean(), true),
  clientType: z._default(z.literal('machineToMachine'), 'machineToMachine'),
  jwtSigningAlgorithm: z._default(z.literal('rs256'), 'rs256'),
  refreshTokenRotation: z._default(z.literal(false, { message: 'refresh tokens are not issued, so refreshTokenRotation must be false' }), false),
  grantTypeClientCredentials: z._default(z.boolean(), true),
}));

export const clientUpdateBody = /* @__PURE__ */ lazily(() => z.strictObject({
    name: z.optional(name()),
    description: z.optional(description()),
    enabled: z.optional(z.boolean()),
    grantTypeClientCredentials: z.optional(z.boolean()),
  }).check(z.refine((body) => Object.keys(body).length > 0, { message: 'send at least one of name, description, enabled, grantTypeClientCredentials' })));

const expandParts = (value: string | undefined) => (value ?? '').split(',').map((part) => part.trim()).filter((part) => part.length > 0);

/** `expand` as a comma-separated list of the named values. */
export function expandQuery<const T extends readonly [string, ...string[]]>(allowed: T) {
  return z.object({
    expand: z.pipe(
      z.optional(z.string().check(z.meta({ description: `Comma-separated related data to include: ${allowed.join(', ')}`, examples: [allowed.join(',')] }))).check(
        z.superRefine((value, context) => {
          const unknown = expandParts(value).find((part) => !(allowed as readonly string[]).includes(part));
          if (unknown !== undefined) context.addIssue({ code: 'custom', message: `unknown expand value '${unknown}'; allowed: ${allowed.join(', ')}` });
        }),
      ),
      z.transform((value) => new Set(expandParts(value) as T[number][])),
    ),
  });
}

export const scopeValue = /* @__PURE__ */ lazily(() => z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, 'a scope is printable ASCII without spaces, quotes or backslashes')));
const scopeItem = /* @__PURE__ */ lazily(() => z.strictObject({ value: scopeValue(), description: z._default(description(), '') }));

export const apiBody = /* @__PURE__ */ lazily(() => z.strictObject({
  name: name(),
  identifier: inSortKey(z.url({ protocol: /^https?$/ }).check(z.maxLength(600))),
  description: z._default(description(), ''),
  enabled: z._default(z.boolean(), true),
  scopes: z._default(z.array(scopeItem()).check(z.maxLength(200)), []),
}));

export const apiUpdateBody = /* @__PURE__ */ lazily(() => z.strictObject({ name: z.optional(name()), description: z.optional(description()), enabled: z.optional(z.boolean()) }).check(z.refine((body) => Object.keys(body).length > 0, { message: 'send at least one of name, description, enabled' })));

export const addScopesBody = /* @__PURE__ */ lazily(() => z.union([z.pipe(scopeItem(), z.transform((scope) => [scope])), z.array(scopeItem()).check(z.minLength(1), z.maxLength(200))]));

export const authorizeClientsBody = /* @__PURE__ */ lazily(() => z.array(z.strictObject({ clientId: z.string().check(z.minLength(1), z.maxLength(100)), scopes: z.optional(z.array(scopeValue()).check(z.maxLength(200))) })).check(z.minLength(1), z.maxLength(40)));

const platformScope = /* @__PURE__ */ lazily(() => z.enum(allPlatformScopes as [string, ...string[]]));
const roleName = /* @__PURE__ */ lazily(() => inSortKey(name()));
export const roleBody = /* @__PURE__ */ lazily(() => z.strictObject({ name: roleName(), description: z._default(description(), ''), scopes: z.array(platformScope()).check(z.minLength(1), z.maxLength(50)) }));
export const roleUpdateBody = /* @__PURE__ */ lazily(() => z.strictObject({ name: z.optional(roleName()), description: z.optional(description()), scopes: z.optional(z.array(platformScope()).check(z.minLength(1), z.maxLength(50))) }).check(z.refine((body) => Object.keys(body).length > 0, { message: 'send at least one of name, description, scopes' })));

export const assignRolesBody = /* @__PURE__ */ lazily(() => z.strictObject({ roles: z.array(z.string().check(z.minLength(1), z.maxLength(100))).check(z.minLength(1), z.maxLength(50)) }));

/** Longest credentials.clientId and client secret the token endpoint reads (form or Basic). */
export const TOKEN_CLIENT_ID_MAX_LENGTH = 200;
export const TOKEN_CLIENT_SECRET_MAX_LENGTH = 500;

export const tokenForm = /* @__PURE__ */ lazily(() => z.object({
  grant_type: z.optional(z.string()).check(z.meta({ description: 'Must be client_credentials', examples: ['client_credentials'] })),
  client_id: z.optional(inPartitionKey(z.string().check(z.maxLength(TOKEN_CLIENT_ID_MAX_LENGTH)))).check(z.meta({ description: 'credentials.clientId of the client registration (or use HTTP Basic authentication)' })),
  client_secret: z.optional(z.string().check(z.maxLength(TOKEN_CLIENT_SECRET_MAX_LENGTH))).check(z.meta({ description: 'credentials.clientSecret of the client registration', format: 'password' })),
  audience: z.optional(audience()).check(z.meta({ description: 'The API (audience) the token is for; may be sent in the query string instead' })),
  scope: z.optional(z.string().check(z.maxLength(2000))).check(z.meta({ description: 'Space-separated scopes to narrow the token to (default: all the client is authorized for)' })),
}));

// ---------------------------------------------------------------------------------------------
// Request contracts: what each route validates, bound to its route id (and documented from it).

const clientsPage = /* @__PURE__ */ lazily(() => pageQuerySchema({ pageSize: 20, maxPageSize: 100 }));

export const createOrganizationRequest = /* @__PURE__ */ requestContract('identity-organizations-create', () => ({ body: createOrganizationBody() }));
export const updateOrganizationRequest = /* @__PURE__ */ requestContract('identity-organizations-update', () => ({ body: updateOrganizationBody() }));
export const loginRequest = /* @__PURE__ */ requestContract('identity-login', () => ({ body: loginBody() }));

export const listClientsRequest = /* @__PURE__ */ requestContract('identity-clients-list', () => ({ query: clientsPage() }));
export const createClientRequest = /* @__PURE__ */ requestContract('identity-clients-create', () => ({ query: expandQuery(['credentials']), body: clientBody() }));
export const getClientRequest = /* @__PURE__ */ requestContract('identity-clients-get', () => ({ query: expandQuery(['credentials']) }));
export const updateClientRequest = /* @__PURE__ */ requestContract('identity-clients-update', () => ({ body: clientUpdateBody() }));

export const listApisRequest = /* @__PURE__ */ requestContract('identity-apis-list', () => ({
  query: z.extend(pageQuerySchema({ pageSize: 20, maxPageSize: 100 }), expandQuery(['scopes', 'clients']).shape),
}));
export const createApiRequest = /* @__PURE__ */ requestContract('identity-apis-create', () => ({ body: apiBody() }));
export const getApiRequest = /* @__PURE__ */ requestContract('identity-apis-get', () => ({ query: expandQuery(['scopes', 'clients']) }));
export const updateApiRequest = /* @__PURE__ */ requestContract('identity-apis-update', () => ({ body: apiUpdateBody() }));
export const addApiScopesRequest = /* @__PURE__ */ requestContract('identity-apis-scopes-add', () => ({ body: addScopesBody() }));
export const authorizeApiClientsRequest = /* @__PURE__ */ requestContract('identity-apis-clients-authorize', () => ({ body: authorizeClientsBody() }));

export const listRolesRequest = /* @__PURE__ */ requestContract('identity-roles-list', () => ({ query: pageQuerySchema({ pageSize: 20, maxPageSize: 100 }) }));
export const createRoleRequest = /* @__PURE__ */ requestContract('identity-roles-create', () => ({ body: roleBody() }));
export const updateRoleRequest = /* @__PURE__ */ requestContract('identity-roles-update', () => ({ body: roleUpdateBody() }));
export const assignUserRolesRequest = /* @__PURE__ */ requestContract('identity-users-roles-assign', () => ({ body: assignRolesBody() }));
export const assignGroupRolesRequest = /* @__PURE__ */ requestContract('identity-groups-roles-assign', () => ({ body: assignRolesBody() }));

export const issueTokenRequest = /* @__PURE__ */ requestContract('oauth-token', () => ({
  query: z.object({
    audience: z.optional(audience()).check(z.meta({ description: 'The API (audience) the token is for; may be sent in the form instead', examples: ['https://platform.invicti.com/api'] })),
  }),
  body: tokenForm(),
}));
