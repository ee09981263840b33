/**
 * Issue 12, item 1: every limit of the engines is a validation rule. This file walks EVERY route
 * of the route table with the route's valid sample (support/route-limit-samples.ts) taken apart:
 *
 * 1. over-long strings (1,030 and 3,000 ASCII characters, and 1,200-byte multi-byte strings that
 *    are short in characters) in every string of the body, every path and query parameter, every
 *    header the route reads, and embedded where they reach an index (SCIM filter values, audit
 *    query terms);
 * 2. JSON documents nested 5,000 levels deep as the whole body and in place of every value;
 * 3. bodies under the advertised 1 MiB limit whose item would exceed DynamoDB's 400 KB item
 *    limit (420,000 characters, and a field filling the body to just under 1 MiB);
 * 4. deeply nested XML to the SAML ACS and in IdP metadata, and deeply nested SCIM filters.
 *
 * Every answer must be below 500, and every 4xx must carry a well-formed error body in the
 * route's API family format. A route without a sample fails by name.
 */
import { request as httpRequest } from 'node:http';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { routes, type RouteDefinition } from '../../shared/routes.ts';
import { familyForPath } from '../../shared/http/error-responses.ts';
import { DEFAULT_MAX_BODY_BYTES } from '../../shared/http/body-parser.ts';
import { operationDocs } from '../../shared/openapi/registry.ts';
import { baseUrl, call, createTenant } from './support/platform-client.ts';
import { prepareSampleContext, sampleContext } from './support/mutating-route-samples.ts';
import { routeLimitSamples, SEARCH_REQUEST, type LimitContext, type ProbeRequest } from './support/route-limit-samples.ts';
import { createTestIdp, encode, NS_ASSERTION, NS_PROTOCOL } from './support/saml/test-idp.ts';
import { fetchVerifiedMetadata, SAML } from './support/saml/saml-client.ts';

const SAMPLES_FILE = 'test/integration/support/route-limit-samples.ts';
const SCIM_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** Strings longer than any key DynamoDB accepts (1,024-byte sort key, 2,048-byte partition key). */
const LONG_STRINGS: Readonly<Record<string, string>> = {
  '1,030 ASCII characters': 'a'.repeat(1030),
  '3,000 ASCII characters': 'b'.repeat(3000),
  '400 × "€" (1,200 bytes)': '€'.repeat(400),
  '300 × "𝄞" (1,200 bytes, 600 UTF-16 units)': '𝄞'.repeat(300),
};
/** Header values must be Latin-1 on the wire. */
const LONG_HEADER_VALUES: Readonly<Record<string, string>> = {
  '1,030 characters': `"${'c'.repeat(1028)}"`,
  '3,000 characters': `W/"${'d'.repeat(2995)}"`,
};
/** Above DynamoDB's 400 KB item limit, below the 1 MiB body limit. */
const ITEM_SIZE_STRING = 'n'.repeat(420_000);
const NESTING_DEPTH = 5000;

const DEEP_PLACEHOLDER = 'deep-placeholder-5c1e0b';
const deepArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const deepObjects = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

let ctx: LimitContext;

beforeAll(async () => {
  const tenant = await createTenant('Route limits');
  // Thousands of requests by one caller: lift this organization's rate limits before its first
  // bearer request (the limits are cached per organization), so no probe meets a 429 instead.
  const lifted = { perMinute: 1_000_000, perHour: 10_000_000 };
  const patched = await call('PATCH', `/api/identity/v1/organizations/${tenant.organizationId}`, {
    headers: { 'X-Operator-Key': inject('operatorApiKey') },
    json: { rateLimits: { identity: lifted, scim: lifted, directory: lifted, governance: lifted } },
  });
  if (patched.status !== 200) throw new Error(`rate limits: ${patched.status} ${patched.text}`);
  const base = await prepareSampleContext(tenant);
  const idp = createTestIdp();
  const saved = await call('POST', `${SAML}/settings`, {
    token: tenant.ownerToken,
    json: { ssoUrl: 'http://127.0.0.1:9/idp/sso', certificate: idp.certificate, idpEntityId: idp.entityId, enabled: true },
  });
  if (saved.status !== 200) throw new Error(`SAML settings: ${saved.status} ${saved.text}`);
  const metadata = await fetchVerifiedMetadata(tenant.organizationId);
  ctx = { ...sampleContext(base, []), saml: { idp, acsUrl: metadata.acsUrl, spEntityId: metadata.entityId } };
});

// ---------------------------------------------------------------------------------------------
// Sending a probe

interface Probe {
  name: string;
  request: ProbeRequest;
  /** Raw body text instead of the request's body (over-deep documents). */
  rawBody?: string;
  /** Status the probe must get, when the rule is that precise (over-deep JSON: 400). */
  expectStatus?: number;
  expectScimType?: string;
}

interface ProbeResult {
  status: number;
  contentType: string;
  text: string;
}

let sourceAddress = 0;

function pathOf(route: RouteDefinition, params: Record<string, string>): string {
  return route.path.replace(/\{(\w+)\+?\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`${route.id}: the sample has no value for the path parameter {${name}}`);
    return name === 'proxy' ? value.split('/').map(encodeURIComponent).join('/') : encodeURIComponent(value);
  });
}

function send(route: RouteDefinition, probe: Probe): Promise<ProbeResult & { path: string }> {
  const { request } = probe;
  const path = pathOf(route, request.params);
  const query = new URLSearchParams(request.query ?? {}).toString();
  const headers: Record<string, string> = { ...request.headers };
  if (route.permission === 'operator') headers['X-Operator-Key'] = ctx.operatorKey;
  else if (route.permission !== 'public') headers.Authorization = `Bearer ${route.family === 'scim' ? ctx.machine.token : ctx.tenant.ownerToken}`;
  let body: string | undefined;
  if (route.body === 'form') {
    headers['Content-Type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(request.body as Record<string, string>).toString();
  } else if (route.body === 'json' || route.body === 'scim') {
    headers['Content-Type'] = route.body === 'scim' ? 'application/scim+json' : 'application/json';
    body = probe.rawBody ?? JSON.stringify(request.body);
  }
  const url = new URL(`${baseUrl()}${path}${query ? `?${query}` : ''}`);
  // Failed sign-ins are throttled per source address: each login probe comes from its own.
  const localAddress = route.id === 'identity-login' ? `127.0.42.${(sourceAddress++ % 250) + 1}` : undefined;
  const payload = body === undefined ? undefined : Buffer.from(body, 'utf8');
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: route.method === 'ANY' ? 'GET' : route.method,
        headers: { ...headers, ...(payload ? { 'Content-Length': String(payload.length) } : {}) },
        ...(localAddress ? { localAddress } : {}),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8'), path }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(payload);
  });
}

// ---------------------------------------------------------------------------------------------
// What a correct answer looks like

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Why an error answer is not in the route family's format, or undefined when it is. */
function errorFormatProblem(route: RouteDefinition, path: string, result: ProbeResult): string | undefined {
  const body = parseJson(result.text);
  if (!body) return 'the error body is not a JSON object';
  if (route.errorFormat === 'oauth') {
    if (!result.contentType.startsWith('application/json')) return `content type ${result.contentType}`;
    if (typeof body.error !== 'string' || !/^[a-z_]+$/.test(body.error)) return 'no RFC 6749 error code';
    if (body.error_description !== undefined && typeof body.error_description !== 'string') return 'error_description is not a string';
    return undefined;
  }
  const family = route.family === 'platform' ? familyForPath(path) : route.family;
  if (family === 'scim') {
    if (!result.contentType.startsWith('application/scim+json')) return `content type ${result.contentType}`;
    if (JSON.stringify(body.schemas) !== JSON.stringify([SCIM_ERROR])) return 'schemas is not the SCIM Error schema';
    if (body.status !== String(result.status)) return `status ${JSON.stringify(body.status)} does not match ${result.status}`;
    if (typeof body.detail !== 'string') return 'no detail';
    if (body.scimType !== undefined && typeof body.scimType !== 'string') return 'scimType is not a string';
    return undefined;
  }
  if (!result.contentType.startsWith('application/json')) return `content type ${result.contentType}`;
  if (typeof body.error !== 'string' || typeof body.message !== 'string') return 'no error and message';
  if (body.statusCode !== result.status) return `statusCode ${JSON.stringify(body.statusCode)} does not match ${result.status}`;
  return undefined;
}

/** Why a probe's answer is wrong, or undefined. */
function problemWith(route: RouteDefinition, probe: Probe, result: ProbeResult & { path: string }): string | undefined {
  const snippet = () => result.text.slice(0, 300).replace(/\s+/g, ' ');
  if (result.status >= 500 || result.status < 100) return `${result.status}: ${snippet()}`;
  if (probe.expectStatus !== undefined && result.status !== probe.expectStatus) return `expected ${probe.expectStatus}, got ${result.status}: ${snippet()}`;
  if (result.status >= 400) {
    const format = errorFormatProblem(route, result.path, result);
    if (format) return `${result.status} not in the ${route.errorFormat ?? route.family} error format (${format}): ${snippet()}`;
    if (probe.expectScimType && parseJson(result.text)?.scimType !== probe.expectScimType) return `expected scimType ${probe.expectScimType}: ${snippet()}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Taking a sample apart

type Path = readonly (string | number)[];

/** Every leaf of a JSON value with its path (samples are a few levels deep). */
function leaves(value: unknown, path: Path = []): { path: Path; value: unknown }[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => leaves(item, [...path, index]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => leaves(item, [...path, key]));
  return [{ path, value }];
}

function setAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let cursor = copy;
  for (const key of path.slice(0, -1)) cursor = cursor[key] as Record<string | number, unknown>;
  cursor[path.at(-1) as string | number] = replacement;
  return copy;
}

const label = (path: Path) => path.map(String).join('.');

/** The query parameters a route reads: its contract's, and the sample's. */
function queryNames(route: RouteDefinition, request: ProbeRequest): string[] {
  const contract = operationDocs[route.id]?.request;
  const names = new Set([...Object.keys(contract?.query?.shape ?? {}), ...Object.keys(request.query ?? {})]);
  // A route that reads no query still gets one: API Gateway passes any query string through.
  if (names.size === 0) names.add('unexpected');
  return [...names];
}

function headerNames(route: RouteDefinition): string[] {
  return Object.keys(operationDocs[route.id]?.request?.headers?.shape ?? {});
}

function probesFor(route: RouteDefinition): Probe[] {
  const sample = routeLimitSamples[route.id];
  if (!sample) throw new Error(`Route ${route.id} (${route.method} ${route.path}) has no sample: add one to ${SAMPLES_FILE}.`);
  const fresh = () => sample.request(ctx);
  const probes: Probe[] = [];

  for (const name of Object.keys(fresh().params)) {
    for (const [what, value] of Object.entries(LONG_STRINGS)) {
      const request = fresh();
      probes.push({ name: `path {${name}}: ${what}`, request: { ...request, params: { ...request.params, [name]: value } } });
    }
  }
  for (const name of queryNames(route, fresh())) {
    for (const [what, value] of Object.entries(LONG_STRINGS)) {
      const request = fresh();
      probes.push({ name: `query ${name}: ${what}`, request: { ...request, query: { ...request.query, [name]: value } } });
    }
  }
  for (const name of headerNames(route)) {
    for (const [what, value] of Object.entries(LONG_HEADER_VALUES)) {
      const request = fresh();
      probes.push({ name: `header ${name}: ${what}`, request: { ...request, headers: { ...request.headers, [name]: value } } });
    }
  }
  for (const [place, embed] of Object.entries(sample.embedded ?? {})) {
    for (const [what, value] of Object.entries(LONG_STRINGS)) probes.push({ name: `${place}: ${what}`, request: embed(fresh(), value) });
  }

  if (route.body === 'json' || route.body === 'scim' || route.body === 'form') {
    const bodyLeaves = leaves(fresh().body);
    for (const { path } of bodyLeaves.filter((leaf) => typeof leaf.value === "string")) {
      const at = label(path);
      for (const [what, value] of Object.entries(LONG_STRINGS)) {
        const request = fresh();
        probes.push({ name: `body ${at}: ${what}`, request: { ...request, body: setAt(request.body, path, value) } });
      }
      const request = fresh();
      probes.push({ name: `body ${at}: 420,000 characters (over the 400 KB item limit)`, request: { ...request, body: setAt(request.body, path, ITEM_SIZE_STRING) } });
      const filled = fresh();
      const others = Buffer.byteLength(route.body === 'form' ? new URLSearchParams(setAt(filled.body, path, '') as Record<string, string>).toString() : JSON.stringify(setAt(filled.body, path, '')));
      probes.push({
        name: `body ${at}: filling the body to just under 1 MiB`,
        request: { ...filled, body: setAt(filled.body, path, 'f'.repeat(DEFAULT_MAX_BODY_BYTES - others - 16)) },
      });
    }
  }

  if (route.body === 'json' || route.body === 'scim') {
    const deep = { expectStatus: 400, ...(route.family === 'scim' ? { expectScimType: 'invalidSyntax' } : {}) };
    probes.push({ name: `body: arrays nested ${NESTING_DEPTH} deep`, request: fresh(), rawBody: deepArrays(NESTING_DEPTH), ...deep });
    probes.push({ name: `body: objects nested ${NESTING_DEPTH} deep`, request: fresh(), rawBody: deepObjects(NESTING_DEPTH), ...deep });
    for (const { path } of leaves(fresh().body)) {
      const request = fresh();
      const text = JSON.stringify(setAt(request.body, path, DEEP_PLACEHOLDER)).replace(`"${DEEP_PLACEHOLDER}"`, deepObjects(NESTING_DEPTH));
      probes.push({ name: `body ${label(path)}: a value nested ${NESTING_DEPTH} deep`, request, rawBody: text, ...deep });
    }
  }
  return probes;
}

/** Runs probes a few at a time and returns the wrong answers, one line each. */
async function runProbes(route: RouteDefinition, probes: Probe[]): Promise<string[]> {
  const problems: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < probes.length) {
      const probe = probes[next++] as Probe;
      const problem = problemWith(route, probe, await send(route, probe));
      if (problem) problems.push(`${probe.name} → ${problem}`);
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  return problems.sort();
}

// ---------------------------------------------------------------------------------------------

describe('route limits: the route table', () => {
  it('has a sample for every route', () => {
    const missing = routes.filter((route) => !routeLimitSamples[route.id]).map((route) => `${route.id} (${route.method} ${route.path})`);
    expect(missing, `Routes without a limits sample — add one to ${SAMPLES_FILE} for each`).toEqual([]);
  });

  it('has no samples for routes that are gone', () => {
    expect(Object.keys(routeLimitSamples).filter((id) => !routes.some((route) => route.id === id))).toEqual([]);
  });
});

describe('route limits: over-long strings, over-deep JSON and oversize-but-allowed bodies answer 4xx in the family format, never 5xx', () => {
  it.each(routes.map((route) => [`${route.id} (${route.method} ${route.path})`, route] as const))('%s', async (_name, route) => {
    const problems = await runProbes(route, probesFor(route));
    expect(problems, `${route.id}: wrong answers`).toEqual([]);
  }, 240_000);
});

// ---------------------------------------------------------------------------------------------
// Over-deep documents in other languages than JSON: SCIM filters and SAML XML.

const acsRoute = routes.find((route) => route.id === 'identity-saml-acs') as RouteDefinition;
const settingsRoute = routes.find((route) => route.id === 'identity-saml-settings-update') as RouteDefinition;
const byId = (id: string) => routes.find((route) => route.id === id) as RouteDefinition;

function deepXml(depth: number, inside: 'response' | 'assertion'): string {
  const nest = '<x>'.repeat(depth) + '</x>'.repeat(depth);
  const assertion = `<saml:Assertion ID="_a1" Version="2.0" IssueInstant="${new Date().toISOString()}">${inside === 'assertion' ? nest : ''}</saml:Assertion>`;
  return `<samlp:Response xmlns:samlp="${NS_PROTOCOL}" xmlns:saml="${NS_ASSERTION}" ID="_r1" Version="2.0" IssueInstant="${new Date().toISOString()}">${inside === 'response' ? nest : ''}${assertion}</samlp:Response>`;
}

describe('route limits: deeply nested XML and filters', () => {
  it.each([
    ['nested 5,000 deep in the Response', deepXml(NESTING_DEPTH, 'response')],
    ['nested 5,000 deep in the Assertion', deepXml(NESTING_DEPTH, 'assertion')],
    ['nested 20,000 deep', deepXml(20_000, 'response')],
  ])('the SAML ACS answers 400 with a reason code for XML %s', async (_what, xml) => {
    const request: ProbeRequest = { params: { organizationId: ctx.tenant.organizationId }, headers: { Accept: 'application/json' }, body: { SAMLResponse: encode(xml) } };
    const result = await send(acsRoute, { name: 'deep XML', request });
    expect(problemWith(acsRoute, { name: 'deep XML', request, expectStatus: 400 }, result)).toBeUndefined();
    expect(parseJson(result.text)?.reason).toEqual(expect.any(String));
  });

  it('SAML settings refuse IdP metadata nested 5,000 deep with 400', async () => {
    const xml = `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com">${'<x>'.repeat(NESTING_DEPTH)}${'</x>'.repeat(NESTING_DEPTH)}</md:EntityDescriptor>`;
    const request: ProbeRequest = { params: {}, body: { idpMetadataXml: xml } };
    const result = await send(settingsRoute, { name: 'deep metadata', request });
    expect(problemWith(settingsRoute, { name: 'deep metadata', request, expectStatus: 400 }, result)).toBeUndefined();
  });

  const nestedFilter = (depth: number, open: string) => `${open.repeat(depth)}userName eq "x"${')'.repeat(depth)}`;

  it.each([
    ['scim-users-list', 1000, '('],
    ['scim-groups-list', 1000, 'not ('],
  ])('%s answers 400 invalidFilter for a filter nested %i deep in the query', async (routeId, depth, open) => {
    const route = byId(routeId);
    const request: ProbeRequest = { params: {}, query: { filter: nestedFilter(depth, open) } };
    const probe: Probe = { name: 'deep filter', request, expectStatus: 400, expectScimType: 'invalidFilter' };
    expect(problemWith(route, probe, await send(route, probe))).toBeUndefined();
  });

  it.each([
    ['scim-users-search', '('],
    ['scim-groups-search', 'not ('],
    ['scim-search-all', '('],
  ])('%s answers 400 invalidFilter for a filter nested 5,000 deep in a SearchRequest', async (routeId, open) => {
    const route = byId(routeId);
    const request: ProbeRequest = { params: {}, body: { schemas: [SEARCH_REQUEST], filter: nestedFilter(NESTING_DEPTH, open) } };
    const probe: Probe = { name: 'deep filter', request, expectStatus: 400, expectScimType: 'invalidFilter' };
    expect(problemWith(route, probe, await send(route, probe))).toBeUndefined();
  });
});
