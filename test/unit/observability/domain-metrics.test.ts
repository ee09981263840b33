import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startDynamoDbLocal, startS3Server, type RunningEngine } from '../../../lib/local/engines.ts';
import { captureStdout, onlyPoint, parseEmf, type EmfPoint } from './emf.ts';

/*
 * The domain metrics, read back from the EMF lines the domain code prints when it runs against the
 * local engines (DynamoDB Local in memory; a local S3 server for audit exports): sign-in failures
 * by kind, SCIM provisioning operations, policy violations opened and resolved, audit export jobs.
 * Each call runs inside `withMetrics`, as a route or worker invocation does.
 */

const TABLE = 'identity-platform';
const BUCKET = 'identity-platform-audit-exports';
const origin = { ipAddress: '192.0.2.7', userAgent: 'domain-metrics-test' };
const engines: RunningEngine[] = [];
let scratch: string;
let s3Port: number;
let organizationId: string;
const handedOver: { worker: string; body: string }[] = [];
let refuseWork = false;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'domain-metrics-'));
  s3Port = await freePort();
  const dynamo = await startDynamoDbLocal({ fastStart: true });
  engines.push(dynamo);
  Object.assign(process.env, {
    TABLE_NAME: TABLE,
    EXPORT_BUCKET_NAME: BUCKET,
    PUBLIC_BASE_URL: 'http://127.0.0.1:9',
    AWS_REGION: 'local',
    DYNAMODB_ENDPOINT: dynamo.endpoint,
    // Nothing listens here until the export test that needs S3 starts the server.
    S3_ENDPOINT: `http://127.0.0.1:${s3Port}`,
    LOCAL_KEY_DIR: join(scratch, 'keys'),
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  delete process.env.POWERTOOLS_METRICS_DISABLED;
  delete process.env.POWERTOOLS_DEV;
  const { ensureTable } = await import('../../../lib/local/provision.ts');
  await ensureTable(dynamo.endpoint, TABLE);
  // Work handed to workers is kept (a queued sync run is then run by the test) or refused, as a test asks.
  const { setWorkerTransport } = await import('../../../shared/workers/start-worker.ts');
  setWorkerTransport({
    enqueue: async (worker, body) => {
      if (refuseWork) throw new Error('queue unavailable');
      handedOver.push({ worker: worker.id, body });
    },
    invoke: async () => undefined,
  });
  const { ensureLocalSecretsKey } = await import('../../../shared/crypto/envelope.ts');
  ensureLocalSecretsKey(join(scratch, 'keys'));
  const { createOrganization } = await import('../../../shared/identity/organizations.ts');
  ({ organizationId } = await createOrganization({ name: 'Metrics', ownerEmail: 'owner@metrics.example', ownerPassword: 'metrics-owner-password-1' }, { actorType: 'system', actorId: 'test' }, origin));
}, 120_000);

afterAll(async () => {
  const { setWorkerTransport } = await import('../../../shared/workers/start-worker.ts');
  setWorkerTransport(undefined);
  await Promise.allSettled(engines.map((engine) => engine.stop()));
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** Runs `work` as one invocation (its own metrics buffer) and returns what it returned and the points it published. */
async function invocation<T>(work: () => Promise<T>): Promise<{ result: T | undefined; error: unknown; points: EmfPoint[] }> {
  const { withMetrics } = await import('../../../shared/observability/metrics.ts');
  let result: T | undefined;
  let error: unknown;
  const output = await captureStdout(async () => {
    try {
      result = await withMetrics(work);
    } catch (thrown) {
      error = thrown;
    }
  });
  return { result, error, points: parseEmf(output) };
}

/** Runs set-up work whose own metrics are not under test, keeping its EMF lines out of the output. */
async function quietly<T>(work: () => Promise<T>): Promise<T> {
  let result: T | undefined;
  await captureStdout(async () => {
    result = await work();
  });
  return result as T;
}

const named = (points: EmfPoint[], name: string) => points.filter((point) => point.name === name);

describe('sign-in failures', () => {
  it('counts a refused password sign-in once, with kind password', async () => {
    const { login } = await import('../../../shared/identity/login.ts');
    const { error, points } = await invocation(() => login('nobody@metrics.example', 'wrong-password-1', origin));
    expect((error as Error).name).toBe('AuthenticationError');
    expect(onlyPoint(points, 'SignInFailures')).toMatchObject({ namespace: 'IdentityPlatform', unit: 'Count', value: 1, dimensions: { kind: 'password' }, dimensionSets: [['kind']] });
  });

  it('counts a throttled password sign-in (refused before any password check) with kind password', async () => {
    const { createHash } = await import('node:crypto');
    const { failureStep } = await import('../../../shared/storage/rate-counters.ts');
    const { transact } = await import('../../../shared/storage/transactions.ts');
    const { LOGIN_WINDOW_SECONDS, MAX_FAILURES_PER_ACCOUNT, login } = await import('../../../shared/identity/login.ts');
    // The account's failure counter at its limit, as MAX_FAILURES_PER_ACCOUNT refused sign-ins leave it.
    const email = 'throttled@metrics.example';
    const subject = `login-account#${createHash('sha256').update(email).digest('base64url').slice(0, 32)}`;
    const window = Math.floor(Date.now() / 1000 / LOGIN_WINDOW_SECONDS) * LOGIN_WINDOW_SECONDS;
    for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT; i++) await transact([failureStep(subject, window, window + 3 * LOGIN_WINDOW_SECONDS)]);
    const { error, points } = await invocation(() => login(email, 'any-password-1', origin));
    expect((error as Error).name).toBe('RateLimitError');
    expect(onlyPoint(points, 'SignInFailures')).toMatchObject({ value: 1, dimensions: { kind: 'password' } });
  });

  it('counts a refused SAML response once, with kind saml', async () => {
    const { consumeSamlResponse } = await import('../../../shared/saml/acs.ts');
    // The organization has no SAML settings: the ACS refuses before reading the message.
    const { result, points } = await invocation(() => consumeSamlResponse(organizationId, Buffer.from('<samlp:Response/>').toString('base64'), undefined, origin));
    expect(result).toMatchObject({ ok: false, reason: 'saml_not_configured' });
    expect(onlyPoint(points, 'SignInFailures')).toMatchObject({ value: 1, dimensions: { kind: 'saml' }, dimensionSets: [['kind']] });
  });

  it('counts a refused client-credentials token request once, with kind clientCredentials', async () => {
    const { clientCredentialsGrant } = await import('../../../shared/identity/client-credentials-grant.ts');
    const request = { grantType: 'client_credentials', clientId: 'A'.repeat(32), clientSecret: 'not-the-secret', audience: undefined, scope: undefined };
    const { error, points } = await invocation(() => clientCredentialsGrant(request, origin));
    expect((error as { oauthCode?: string }).oauthCode).toBe('invalid_client');
    expect(onlyPoint(points, 'SignInFailures')).toMatchObject({ value: 1, dimensions: { kind: 'clientCredentials' } });
  });
});

describe('SCIM provisioning operations', () => {
  const context = () => ({ organizationId, actor: { actorType: 'client' as const, actorId: '11111111-1111-4111-8111-111111111111' }, origin });
  const patchTitle = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'title', value: 'Engineer' }] };

  it('counts create, replace, patch and delete of a User, each once with resourceType User', async () => {
    const users = await import('../../../shared/scim/users.ts');
    const created = await invocation(() => users.createUser(context(), { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@metrics.example' }));
    expect(onlyPoint(created.points, 'ScimOperations')).toMatchObject({ unit: 'Count', value: 1, dimensions: { resourceType: 'User', kind: 'create' }, dimensionSets: [['resourceType', 'kind']] });
    const id = String(created.result?.id);
    const replaced = await invocation(() => users.replaceUser(context(), id, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@metrics.example', displayName: 'Ada' }, undefined));
    expect(onlyPoint(replaced.points, 'ScimOperations').dimensions).toEqual({ resourceType: 'User', kind: 'replace' });
    const patched = await invocation(() => users.patchUser(context(), id, patchTitle, undefined));
    expect(onlyPoint(patched.points, 'ScimOperations').dimensions).toEqual({ resourceType: 'User', kind: 'patch' });
    const deleted = await invocation(() => users.deleteUser(context(), id, undefined));
    expect(deleted.error).toBeUndefined();
    expect(onlyPoint(deleted.points, 'ScimOperations').dimensions).toEqual({ resourceType: 'User', kind: 'delete' });
  });

  it('counts create, replace, patch and delete of a Group, each once with resourceType Group, and nothing for a refused change', async () => {
    const groups = await import('../../../shared/scim/groups.ts');
    const users = await import('../../../shared/scim/users.ts');
    const member = await quietly(() => users.createUser(context(), { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'grace@metrics.example' }));
    const created = await invocation(() => groups.createGroup(context(), { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineers' }));
    expect(onlyPoint(created.points, 'ScimOperations').dimensions).toEqual({ resourceType: 'Group', kind: 'create' });
    const id = String(created.result?.id);
    const replaced = await invocation(() => groups.replaceGroup(context(), id, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Engineering' }, undefined));
    expect(onlyPoint(replaced.points, 'ScimOperations').dimensions).toEqual({ resourceType: 'Group', kind: 'replace' });
    const addMember = { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'members', value: [{ value: member.id }] }] };
    const patched = await invocation(() => groups.patchGroup(context(), id, addMember, undefined));
    expect(onlyPoint(patched.points, 'ScimOperations').dimensions).toEqual({ resourceType: 'Group', kind: 'patch' });
    const refused = await invocation(() => groups.patchGroup(context(), id, addMember, 'W/"999"'));
    expect((refused.error as Error).name).toBe('PreconditionFailedError');
    expect(named(refused.points, 'ScimOperations')).toEqual([]);
    const deleted = await invocation(() => groups.deleteGroup(context(), id, undefined));
    expect(deleted.error).toBeUndefined();
    expect(onlyPoint(deleted.points, 'ScimOperations').dimensions).toEqual({ resourceType: 'Group', kind: 'delete' });
  });
});

describe('policy violations', () => {
  it('counts a violation opened and then resolved by the policy evaluation, by the policy severity', async () => {
    const { evaluateUsers, systemActor } = await import('../../../shared/governance/policy-evaluation.ts');
    const users = await import('../../../shared/scim/users.ts');
    const context = { organizationId, actor: { actorType: 'client' as const, actorId: '11111111-1111-4111-8111-111111111111' }, origin };
    const user = await quietly(() => users.createUser(context, { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'linus@metrics.example' }));
    const at = new Date().toISOString();
    const policy = {
      id: '33333333-3333-4333-8333-333333333333',
      organizationId,
      name: 'Everyone has a manager',
      severity: 'medium' as const,
      enabled: true,
      type: 'missingManager' as const,
      parameters: {},
      createdBy: { actorType: 'system', actorId: 'test' },
      version: 1,
      createdAt: at,
      updatedAt: at,
    };
    const who = systemActor('policy-evaluation');
    const opened = await invocation(() => evaluateUsers(organizationId, [String(user.id)], Date.now(), who, [policy]));
    expect(opened.result).toMatchObject({ opened: 1, resolved: 0 });
    expect(onlyPoint(opened.points, 'ViolationsOpened')).toMatchObject({ unit: 'Count', value: 1, dimensions: { severity: 'medium' }, dimensionSets: [['severity']] });
    expect(named(opened.points, 'ViolationsResolved')).toEqual([]);
    // Evaluating again changes nothing and publishes nothing.
    const again = await invocation(() => evaluateUsers(organizationId, [String(user.id)], Date.now(), who, [policy]));
    expect(again.result).toMatchObject({ opened: 0, resolved: 0 });
    expect(again.points).toEqual([]);
    // A deactivated account is out of the policy's scope: its violation resolves.
    await quietly(() => users.patchUser(context, String(user.id), { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] }, undefined));
    const resolved = await invocation(() => evaluateUsers(organizationId, [String(user.id)], Date.now(), who, [policy]));
    expect(resolved.result).toMatchObject({ opened: 0, resolved: 1 });
    expect(onlyPoint(resolved.points, 'ViolationsResolved')).toMatchObject({ value: 1, dimensions: { severity: 'medium' }, dimensionSets: [['severity']] });
    expect(named(resolved.points, 'ViolationsOpened')).toEqual([]);
  });
});

describe('audit export jobs', () => {
  async function queuedJob(attempts: number): Promise<string> {
    const { ulid } = await import('../../../shared/audit/ulid.ts');
    const jobs = await import('../../../shared/storage/audit-export-jobs.ts');
    const { transact } = await import('../../../shared/storage/transactions.ts');
    const now = new Date();
    const jobId = ulid(now.getTime());
    await transact([
      jobs.putStep({
        organizationId,
        jobId,
        status: 'queued',
        exportType: 'json',
        fromDate: null,
        toDate: null,
        query: null,
        maxEntries: 10,
        requestedBy: { actorType: 'system', actorId: 'test' },
        origin,
        createdAt: now.toISOString(),
        updatedAt: now.toISOString(),
        completedAt: null,
        attempts,
        objectKey: null,
        fileName: null,
        entries: null,
        bytes: null,
        error: null,
        expiresAt: Math.floor(now.getTime() / 1000) + 86_400,
      }),
    ]);
    return jobId;
  }

  it('counts the last attempt of a job whose file cannot be written as started and failed; an earlier attempt only as started', async () => {
    const { EXPORT_JOB_MAX_ATTEMPTS, runAuditExportJob } = await import('../../../shared/audit/audit-export-jobs.ts');
    // S3 is not running yet: writing the file fails.
    const first = await queuedJob(0);
    const retried = await invocation(() => runAuditExportJob({ organizationId, jobId: first }));
    expect(retried.error).toBeDefined();
    expect(onlyPoint(retried.points, 'ExportJobs')).toMatchObject({ value: 1, dimensions: { outcome: 'started' } });
    const lastAttempt = await queuedJob(EXPORT_JOB_MAX_ATTEMPTS - 1);
    const last = await invocation(() => runAuditExportJob({ organizationId, jobId: lastAttempt }));
    expect(last.result).toMatchObject({ outcome: 'failed' });
    expect(onlyPoint(last.points, 'ExportJobs', { outcome: 'started' }).value).toBe(1);
    expect(onlyPoint(last.points, 'ExportJobs', { outcome: 'failed' })).toMatchObject({ unit: 'Count', value: 1, dimensionSets: [['outcome']] });
  });

  it('counts a job that wrote its file as started and succeeded, and a finished job run again as nothing', async () => {
    const s3 = await startS3Server({ directory: join(scratch, 's3'), buckets: [BUCKET], port: s3Port });
    engines.push(s3);
    const { runAuditExportJob } = await import('../../../shared/audit/audit-export-jobs.ts');
    const jobId = await queuedJob(0);
    const done = await invocation(() => runAuditExportJob({ organizationId, jobId }));
    expect(done.result).toMatchObject({ outcome: 'succeeded' });
    expect(onlyPoint(done.points, 'ExportJobs', { outcome: 'started' }).value).toBe(1);
    expect(onlyPoint(done.points, 'ExportJobs', { outcome: 'succeeded' }).value).toBe(1);
    expect(named(done.points, 'ExportJobs')).toHaveLength(2);
    const redelivered = await invocation(() => runAuditExportJob({ organizationId, jobId }));
    expect(redelivered.result).toMatchObject({ outcome: 'skipped' });
    expect(redelivered.points).toEqual([]);
  });
});

describe('directory sync runs', () => {
  const actor = { actorType: 'user' as const, actorId: '44444444-4444-4444-8444-444444444444' };

  /** A sync project over an LDAP connection to a loopback port nothing listens on. */
  async function unreachableProject(): Promise<string> {
    const { connectionCreateBody } = await import('../../../shared/directory/connection-schemas.ts');
    const { syncProjectCreateBody } = await import('../../../shared/directory/sync-schemas.ts');
    const { createConnection } = await import('../../../shared/directory/connections.ts');
    const { createSyncProject } = await import('../../../shared/directory/sync-projects.ts');
    const z = await import('../../../shared/zod-mini.ts');
    const port = await freePort();
    const connection = await createConnection(
      organizationId,
      z.parse(connectionCreateBody(), { name: `Unreachable ${port}`, type: 'ldap', host: '127.0.0.1', port, tlsMode: 'none', allowInsecure: true, baseDn: 'dc=example,dc=test', bindDn: 'cn=sync,dc=example,dc=test', password: 'sync-password' }),
      actor,
      origin,
    );
    const project = await createSyncProject(organizationId, z.parse(syncProjectCreateBody(), { name: `People ${port}`, connectionId: connection.id }), actor, origin);
    return project.id;
  }

  it('publishes a run that cannot reach its directory as one failed run, with no objects processed', async () => {
    const { queueSyncRun } = await import('../../../shared/directory/sync-projects.ts');
    const { runSync } = await import('../../../shared/directory/sync-run.ts');
    const projectId = await unreachableProject();
    handedOver.length = 0;
    const queued = await invocation(() => queueSyncRun(organizationId, projectId, {}, actor, origin));
    // Queuing is not an outcome.
    expect(named(queued.points, 'SyncRuns')).toEqual([]);
    const message = handedOver.find((sent) => sent.worker === 'sync-run');
    expect(message).toBeDefined();
    const ran = await invocation(() => runSync(JSON.parse(String(message?.body)) as Parameters<typeof runSync>[0]));
    expect(ran.result).toMatchObject({ status: 'failed' });
    expect(onlyPoint(ran.points, 'SyncRuns')).toMatchObject({ unit: 'Count', value: 1, dimensions: { outcome: 'failed' }, dimensionSets: [['outcome']] });
    expect(named(ran.points, 'SyncObjectsProcessed')).toEqual([]);
  });

  it('publishes a run that could not be handed to the sync worker as one failed run', async () => {
    const { queueSyncRun } = await import('../../../shared/directory/sync-projects.ts');
    const projectId = await unreachableProject();
    refuseWork = true;
    try {
      const refused = await invocation(() => queueSyncRun(organizationId, projectId, {}, actor, origin));
      expect((refused.error as Error).message).toBe('queue unavailable');
      expect(onlyPoint(refused.points, 'SyncRuns')).toMatchObject({ value: 1, dimensions: { outcome: 'failed' } });
    } finally {
      refuseWork = false;
    }
  });
});
