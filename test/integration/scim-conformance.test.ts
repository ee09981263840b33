import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { baseUrl, call, createTenant, machineToken } from './support/platform-client.ts';
import { deviations, type ConformanceDeviation } from './support/conformance/deviations.ts';
import {
  collectionAvailability,
  COLLECTION_HINT,
  declaredCounts,
  isLoopbackHost,
  loadCollection,
  prepareCollection,
  rawUrl,
  requestsOf,
  runCollection,
  TOKEN_FOLDER,
  URL_PREFIX,
  type AssertionResult,
  type CollectionRun,
  type PostmanCollection,
  type RequestRecord,
} from './support/conformance/run-collection.ts';

/**
 * Microsoft's SCIM reference "SCIM Tests" Postman collection, run with newman against a fresh
 * organization of the local runtime. Every assertion must pass except the documented RFC
 * deviations in support/conformance/deviations.ts, and each of those must still fail.
 *
 * The collection is not in the repository (see support/conformance/run-collection.ts): a clone
 * without it skips this file with a message naming where to put it; with
 * `SCIM_CONFORMANCE_REQUIRED=true` a missing collection fails the run instead.
 */
const { present, required } = collectionAvailability();
if (!present && !required) console.warn(`scim-conformance: skipped: the collection is missing; ${COLLECTION_HINT}`);

const REPORT_PATH = fileURLToPath(new URL('../../test-artifacts/scim-conformance.json', import.meta.url));
const RUN_TIMEOUT_MS = 180_000;

const matches = (deviation: ConformanceDeviation, result: AssertionResult): boolean =>
  deviation.folder === result.folder &&
  deviation.request === result.request &&
  deviation.assertion === result.assertion &&
  (deviation.occurrence === undefined || deviation.occurrence === result.occurrence);

const label = (r: { folder: string; request: string; occurrence: number; assertion?: string }): string =>
  `${r.folder} › ${r.request}${r.occurrence > 1 ? ` (#${r.occurrence})` : ''}${r.assertion ? ` › ${r.assertion}` : ''}`;

function describeFailure(result: AssertionResult, record: RequestRecord | undefined): string {
  const exchange = record
    ? `${record.method ?? '?'} ${record.url ?? '?'} → ${record.status ?? record.transportError ?? 'no response'} ${(record.responseBody ?? '').slice(0, 300)}`
    : '(request not recorded)';
  return `${label(result)}: ${result.error ?? 'failed'}\n    ${exchange}`;
}

describe.runIf(!present && required)('SCIM conformance when required', () => {
  it('has the collection to run (SCIM_CONFORMANCE_REQUIRED=true does not allow skipping it)', () => {
    expect.fail(`the SCIM conformance collection is missing: ${COLLECTION_HINT}`);
  });
});

describe.runIf(present)('SCIM conformance: Microsoft SCIM reference collection (newman)', () => {
  let original: PostmanCollection;
  let run: CollectionRun;
  let expected: ReturnType<typeof declaredCounts>;
  let token: string;
  const recordOf = (r: AssertionResult): RequestRecord | undefined =>
    run.requests.find((q) => q.folder === r.folder && q.request === r.request && q.occurrence === r.occurrence);

  beforeAll(async () => {
    original = loadCollection();
    expected = declaredCounts(original);

    const target = new URL(baseUrl());
    if (!isLoopbackHost(target.hostname)) throw new Error(`the local runtime must listen on loopback, not ${target.hostname}`);

    const tenant = await createTenant('SCIM conformance');
    ({ token } = await machineToken(tenant.ownerToken));
    const { collection, keys } = prepareCollection(original);

    run = await runCollection({
      collection,
      keys,
      variables: { Protocol: 'http', Server: target.hostname, Port: `:${target.port}`, Api: 'api/scim/v2', token },
      timeoutRequest: 10_000,
      timeout: RUN_TIMEOUT_MS,
      timeoutScript: 5_000,
    });

    const failing = run.assertions.filter((a) => !a.passed);
    mkdirSync(dirname(REPORT_PATH), { recursive: true });
    writeFileSync(
      REPORT_PATH,
      `${JSON.stringify(
        {
          collection: original.info.name,
          target: `${target.origin}/api/scim/v2`,
          requests: run.requests.length,
          assertions: { executed: run.assertions.length, expected: expected.assertions - expected.tokenFolderAssertions },
          passed: run.assertions.filter((a) => a.passed).length,
          failed: failing.length,
          documentedDeviations: failing.filter((a) => deviations.some((d) => matches(d, a))).length,
          unexpectedFailures: failing.filter((a) => !deviations.some((d) => matches(d, a))).length,
          failures: failing.map((a) => {
            const record = recordOf(a);
            const deviation = deviations.find((d) => matches(d, a));
            return {
              folder: a.folder,
              request: a.request,
              occurrence: a.occurrence,
              assertion: a.assertion,
              error: a.error,
              deviation: deviation ? { rfc: deviation.rfc, explanation: deviation.explanation } : null,
              method: record?.method,
              url: record?.url,
              requestBody: record?.requestBody,
              status: record?.status,
              responseBody: record?.responseBody,
              transportError: record?.transportError,
            };
          }),
          scriptErrors: run.requests.filter((r) => r.scriptErrors.length > 0).map((r) => ({ request: label(r), errors: r.scriptErrors })),
          newmanStats: run.stats,
        },
        null,
        2,
      )}\n`,
    );
  }, RUN_TIMEOUT_MS + 30_000);

  it('targets only the local runtime over loopback', () => {
    for (const { item, ...key } of requestsOf(original)) {
      if (key.folder === TOKEN_FOLDER) continue;
      expect(rawUrl(item), label(key)).toMatch(new RegExp(`^${URL_PREFIX.replace(/[{}./]/g, '\\$&')}`));
    }
    expect(run.refusedHosts).toEqual([]);
    expect(run.hosts.length).toBeGreaterThan(0);
    expect(run.hosts.every(isLoopbackHost)).toBe(true);
    for (const request of run.requests) expect(new URL(request.url ?? 'invalid:').hostname, label(request)).toBe(new URL(baseUrl()).hostname);
  });

  it('executes every request and every assertion of the collection except the Get Token folder', () => {
    expect(expected.tokenFolderRequests).toBeGreaterThan(0);
    expect(run.requests).toHaveLength(expected.requests - expected.tokenFolderRequests);
    expect(run.requests.filter((r) => r.transportError).map((r) => `${label(r)}: ${r.transportError}`)).toEqual([]);
    // A script that throws outside pm.test would silently drop the assertions after it.
    expect(run.requests.filter((r) => r.scriptErrors.length > 0).map((r) => `${label(r)}: ${r.scriptErrors.join('; ')}`)).toEqual([]);
    expect(run.assertions).toHaveLength(expected.assertions - expected.tokenFolderAssertions);
    expect(run.stats.assertions.total).toBe(run.assertions.length);
    expect(run.stats.assertions.failed).toBe(run.assertions.filter((a) => !a.passed).length);
    expect(run.assertions.filter((a) => a.skipped).map((a) => label(a))).toEqual([]);
  });

  it('passes every assertion that is not a documented RFC 7643/7644 deviation', () => {
    const unexpected = run.assertions.filter((a) => !a.passed && !deviations.some((d) => matches(d, a)));
    expect(unexpected.map((a) => describeFailure(a, recordOf(a)))).toEqual([]);
  });

  it('still fails every documented deviation (the list cannot go stale)', () => {
    for (const deviation of deviations) {
      const hits = run.assertions.filter((a) => matches(deviation, a));
      const where = label({ ...deviation, occurrence: deviation.occurrence ?? 1 });
      expect(hits.length, `deviation matches no executed assertion: ${where}`).toBeGreaterThan(0);
      expect(
        hits.filter((a) => a.passed).map((a) => label(a)),
        `deviation now passes; remove it from deviations.ts: ${where}`,
      ).toEqual([]);
      expect(deviation.rfc, where).toMatch(/^RFC 764[34] §\d+(\.\d+)*$/);
      expect(deviation.explanation.trim().length, where).toBeGreaterThan(0);
      // It fails for the documented reason: the platform gave the conforming response, not some other error.
      for (const hit of hits) {
        const record = recordOf(hit);
        expect(record?.status, `${label(hit)}: ${record?.responseBody ?? ''}`).toBe(deviation.conformingResponse.status);
        for (const fragment of deviation.conformingResponse.bodyIncludes ?? []) expect(record?.responseBody ?? '', label(hit)).toContain(fragment);
      }
    }
  });

  it('answers at the standard endpoints what the deviating discovery requests asked for', async () => {
    const config = await call('GET', '/api/scim/v2/ServiceProviderConfig', { token });
    expect(config.status).toBe(200);
    expect(config.body.patch?.supported).toBe(true);
    const users = await call('GET', '/api/scim/v2/Users', { token });
    expect(users.status).toBe(200);
    expect(users.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
  });
});
