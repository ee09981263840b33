import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { useLocalEngines } from './support/in-process.ts';
import { scimTenant, userBody, type ScimTenant } from './support/scim-client.ts';
import type { LocalWorkers } from '../../lib/local/workers.ts';
import type { WorkerDefinition } from '../../shared/workers.ts';
import { probe } from './support/workers/stream-probe.ts';

/**
 * The auditStream trigger, locally: a second stream follower in this test process reads the same
 * DynamoDB Local table the platform writes, and delivers the audit entries of real SCIM writes to
 * a probe worker — filtered by action prefix, converted by the worker adapter, retried from the
 * failed batch and dead-lettered after retryAttempts, as Lambda's event source mapping does.
 */
const probeWorker = (retryAttempts: number): WorkerDefinition => ({
  id: 'stream-probe',
  handler: 'test/integration/support/workers/stream-probe.ts',
  trigger: { kind: 'auditStream', actions: ['user.created', 'group.'], batchSize: 10, maxBatchingWindowSeconds: 0, retryAttempts },
  memoryMb: 256,
  timeoutSeconds: 30,
  access: { table: 'read' },
  summary: 'test probe',
});

let t: ScimTenant;
let workers: LocalWorkers;

async function until(check: () => boolean, timeoutMs = 20_000): Promise<number> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting for the stream');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return Date.now() - started;
}

function changesOf(organizationId: string) {
  return probe.received.flat().filter((change) => change.organizationId === organizationId);
}

beforeAll(async () => {
  useLocalEngines();
  const { LocalWorkers } = await import('../../lib/local/workers.ts');
  t = await scimTenant();
  workers = new LocalWorkers([probeWorker(2)]);
  await workers.followTableStream(inject('dynamodbEndpoint'), 'identity-platform');
});

afterAll(async () => {
  await workers?.stop();
});

describe('audit stream workers (local runtime)', () => {
  it('delivers the audit entry of a SCIM create within seconds, with its target and details, and skips actions outside the filter', async () => {
    const userName = `stream-${randomUUID().slice(0, 8)}@example.com`;
    const created = await t.scim('POST', '/Users', userBody(userName));
    expect(created.status, created.text).toBe(201);
    const userId = created.body.id as string;
    const elapsed = await until(() => changesOf(t.tenant.organizationId).some((change) => change.action === 'user.created' && change.targetId === userId));
    expect(elapsed).toBeLessThan(20_000);
    const change = changesOf(t.tenant.organizationId).find((candidate) => candidate.targetId === userId);
    expect(change).toMatchObject({ organizationId: t.tenant.organizationId, action: 'user.created', targetType: 'user', actorType: 'client' });
    expect(change?.id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);

    // user.updated is outside ['user.created', 'group.']: a later group write shows the update was filtered, not merely late.
    const updated = await t.scim('PATCH', `/Users/${userId}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: 'Engineer' }] });
    expect(updated.status, updated.text).toBe(200);
    const group = await t.scim('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: `Stream ${randomUUID()}` });
    expect(group.status, group.text).toBe(201);
    await until(() => changesOf(t.tenant.organizationId).some((candidate) => candidate.action === 'group.created' && candidate.targetId === group.body.id));
    expect(changesOf(t.tenant.organizationId).filter((candidate) => candidate.action === 'user.updated')).toEqual([]);
  });

  it('retries a failed batch and dead-letters it after retryAttempts', async () => {
    probe.failuresLeft = 3; // the first delivery and both retries fail
    const attemptsBefore = probe.attempts;
    const created = await t.scim('POST', '/Users', userBody(`stream-dlq-${randomUUID().slice(0, 8)}@example.com`));
    expect(created.status, created.text).toBe(201);
    await until(() => workers.deadLetters.length > 0);
    expect(probe.attempts - attemptsBefore).toBe(3);
    expect(workers.deadLetters[0]).toMatchObject({ workerId: 'stream-probe', receiveCount: 3, error: 'reported as a batch item failure' });
    expect(changesOf(t.tenant.organizationId).some((change) => change.targetId === created.body.id)).toBe(false);

    // The stream moves on: the next entry is delivered.
    const next = await t.scim('POST', '/Users', userBody(`stream-next-${randomUUID().slice(0, 8)}@example.com`));
    expect(next.status, next.text).toBe(201);
    await until(() => changesOf(t.tenant.organizationId).some((change) => change.targetId === next.body.id));
  });
});
