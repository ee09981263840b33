import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { startLocalPlatform, type LocalPlatform } from '../../../lib/local/platform.ts';
import { freePort } from '../../../lib/local/engines.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    operatorApiKey: string;
    bootstrapOrganizationId: string;
    bootstrapOwnerEmail: string;
    bootstrapOwnerPassword: string;
    localKeyDir: string;
    dynamodbEndpoint: string;
    s3Endpoint: string;
  }
}

let platform: LocalPlatform | undefined;

/**
 * Starts the real local runtime once per test run (DynamoDB Local in memory, a local S3 server)
 * on a free loopback port; every test file then creates its own organization.
 */
export async function setup(project: TestProject): Promise<void> {
  const port = await freePort();
  const bootstrapOwnerPassword = 'bootstrap-owner-password-1';
  platform = await startLocalPlatform({
    port,
    inMemory: true,
    bootstrapOwnerEmail: 'bootstrap-owner@example.com',
    bootstrapOwnerPassword,
    logLevel: 'ERROR',
    // Deactivation and disabling must show up at once in tests, not after the 30 s cache; sync
    // schedules may fire every minute, so a scheduled run shows within a minute (15 in deployments).
    // Audit exports reading more than 6,000 entries become jobs (50,000 in deployments), so a test can cross the threshold.
    // EMF metric lines (two per request) would flood the test output; unit tests read them (test/unit/observability).
    environment: { POWERTOOLS_METRICS_DISABLED: 'true', PRINCIPAL_STATUS_CACHE_SECONDS: '0', SYNC_SCHEDULE_MIN_INTERVAL_MINUTES: '1', AUDIT_EXPORT_ASYNC_THRESHOLD: '6000' },
  });
  project.provide('baseUrl', platform.baseUrl);
  project.provide('operatorApiKey', platform.operatorApiKey);
  project.provide('bootstrapOrganizationId', platform.bootstrap.organizationId);
  project.provide('bootstrapOwnerEmail', platform.bootstrap.ownerEmail);
  project.provide('bootstrapOwnerPassword', bootstrapOwnerPassword);
  project.provide('localKeyDir', `${platform.dataDir}/keys`);
  project.provide('dynamodbEndpoint', platform.dynamodbEndpoint);
  project.provide('s3Endpoint', platform.s3Endpoint);
}

export async function teardown(): Promise<void> {
  await platform?.stop();
}
