/**
 * Audit log, "Done when": every mutating route in the route table produces exactly one audit
 * entry. This file walks the route table: a mutating route without a sample in
 * support/mutating-route-samples.ts fails here by name, and each sample's request must add exactly
 * one entry, with the expected action, actor and target, to the expected organization's log.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { routes, type RouteDefinition } from '../../shared/routes.ts';
import { createRouteMatcher } from '../../shared/http/route-matcher.ts';
import { createTenant } from './support/platform-client.ts';
import {
  auditLogOf,
  mutatingRouteSamples,
  nonMutatingRouteSamples,
  prepareSampleContext,
  sampleContext,
  type SampleContext,
  type SentRequest,
} from './support/mutating-route-samples.ts';

type AuditItem = Awaited<ReturnType<typeof auditLogOf>>[number];

const SAMPLES_FILE = 'test/integration/support/mutating-route-samples.ts';
const mutatingRoutes = routes.filter((route) => route.mutating);
const matchRoute = createRouteMatcher(routes);
const describeRoute = (route: RouteDefinition) => `${route.id} (${route.method} ${route.path})`;
const describeEntry = (entry: AuditItem) =>
  `${entry.action} by ${entry.actorType}:${entry.actorId}${entry.targetType ? ` on ${entry.targetType}:${entry.targetId}` : ''}`;

/** Every request a sample sends is recorded here; the test clears it right before `run`. */
const sent: SentRequest[] = [];
let ctx: SampleContext;

beforeAll(async () => {
  const tenant = await createTenant('Audit completeness');
  ctx = sampleContext(await prepareSampleContext(tenant), sent);
});

/** The single request `run` sent must reach the route under test (the platform's own matcher decides). */
function expectSingleRequestTo(routeId: string): void {
  expect(sent.map((request) => `${request.method} ${request.path}`), `${routeId}: a sample's run must send exactly one request`).toHaveLength(1);
  const request = sent[0] as SentRequest;
  const matched = matchRoute(request.method, request.path);
  expect(matched.kind === 'matched' ? matched.route.id : `${matched.kind}: ${request.method} ${request.path}`, `${routeId}: the sample's request reached another route`).toBe(routeId);
}

describe('audit completeness: the route table', () => {
  it('has an audit sample for every mutating route', () => {
    const missing = mutatingRoutes.filter((route) => !mutatingRouteSamples[route.id]).map(describeRoute);
    expect(missing, `Mutating routes without an audit sample — add one to ${SAMPLES_FILE} for each:\n  ${missing.join('\n  ')}\n`).toEqual([]);
  });

  it('has no samples for routes that are gone or not mutating', () => {
    const stale = Object.keys(mutatingRouteSamples).filter((id) => !mutatingRoutes.some((route) => route.id === id));
    expect(stale, `Samples in ${SAMPLES_FILE} for routes that are not mutating routes of the table`).toEqual([]);
    const mislabelled = Object.keys(nonMutatingRouteSamples).filter((id) => !routes.some((route) => route.id === id && !route.mutating));
    expect(mislabelled, 'Non-mutating samples for routes that are gone or mutating').toEqual([]);
  });
});

describe('audit completeness: each mutating route writes exactly one audit entry', () => {
  it.each(mutatingRoutes.map((route) => [route.id, route] as const))('%s', async (routeId, route) => {
    const sample = mutatingRouteSamples[routeId];
    if (!sample) throw new Error(`Mutating route ${describeRoute(route)} has no audit sample: add one to ${SAMPLES_FILE}.`);

    const state = await sample.prepare?.(ctx);
    const declared = sample.auditedOrganization?.(ctx, state) ?? ctx.tenant.organizationId;
    const before = declared === 'new' ? [] : await auditLogOf(declared);

    sent.length = 0;
    const outcome = await sample.run(ctx, state);
    expectSingleRequestTo(routeId);
    const { status, text } = outcome.response;
    expect(status >= 200 && status < 400, `${routeId}: the sample's request failed with ${status}: ${text.slice(0, 500)}`).toBe(true);

    if (declared === 'new') {
      expect(typeof outcome.organizationId === 'string' && outcome.organizationId !== ctx.tenant.organizationId, `${routeId}: expected a newly created organization`).toBe(true);
    } else {
      expect(outcome.organizationId, `${routeId}: the sample audits another organization than it declared`).toBe(declared);
    }
    const after = await auditLogOf(outcome.organizationId);
    const seen = new Set(before.map((entry) => entry.sk as string));
    const added = after.filter((entry) => !seen.has(entry.sk as string));
    const log = outcome.organizationId === null ? 'the platform log' : `organization ${outcome.organizationId}'s log`;
    expect(
      added.length,
      `${describeRoute(route)} must add exactly one entry to ${log}; it added ${added.length}${added.length > 0 ? `:\n  ${added.map(describeEntry).join('\n  ')}\n` : ''}`,
    ).toBe(1);

    const entry = added[0] as AuditItem;
    const expected = typeof outcome.action === 'string' ? [outcome.action] : outcome.action;
    expect(expected, `${routeId}: unexpected action of ${describeEntry(entry)}`).toContain(entry.action);
    expect(entry.organizationId ?? null).toBe(outcome.organizationId);
    if (outcome.actor) expect({ actorType: entry.actorType, actorId: entry.actorId }, `${routeId}: actor`).toEqual(outcome.actor);
    if (outcome.target) expect({ type: entry.targetType, id: entry.targetId }, `${routeId}: target`).toEqual(outcome.target);
    expect(entry.details, `${routeId}: origin`).toMatchObject({ ipAddress: expect.any(String), userAgent: expect.any(String) });
  });
});

describe('audit completeness: non-mutating routes write nothing', () => {
  it.each(Object.entries(nonMutatingRouteSamples))('%s adds no audit entry', async (routeId, request) => {
    const before = await auditLogOf(ctx.tenant.organizationId);
    sent.length = 0;
    const response = await request(ctx);
    expectSingleRequestTo(routeId);
    expect(response.status, `${routeId}: ${response.text.slice(0, 500)}`).toBe(200);
    const added = (await auditLogOf(ctx.tenant.organizationId)).slice(before.length);
    expect(added.map(describeEntry), `${routeId} is not mutating but wrote audit entries`).toEqual([]);
  });
});
