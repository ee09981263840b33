import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { useLocalEngines } from './support/in-process.ts';

describe('signing key rotation', () => {
  it('keeps tokens signed by the previous key valid while new tokens use the new key', async () => {
    useLocalEngines();
    // A table and key directory of this test's own, so the running server's keys are untouched.
    const table = `rotation-${Date.now()}`;
    const keyDir = mkdtempSync(join(tmpdir(), 'rotation-keys-'));
    Object.assign(process.env, { TABLE_NAME: table, LOCAL_KEY_DIR: keyDir });
    const { ensureTable } = await import('../../lib/local/provision.ts');
    await ensureTable(inject('dynamodbEndpoint'), table);
    const { issueAccessToken, verifyAccessToken, platformAudience } = await import('../../shared/auth/access-tokens.ts');
    const { rotateLocalSigningKey, resetSigner, publishedKeys } = await import('../../shared/auth/signing-keys.ts');
    const issue = () =>
      issueAccessToken({ subject: '11111111-1111-4111-8111-111111111111', subjectType: 'user', organizationId: '22222222-2222-4222-8222-222222222222', audience: platformAudience(), scopes: ['identity:read'] });

    const before = await issue();
    await new Promise((resolve) => setTimeout(resolve, 5));
    rotateLocalSigningKey(keyDir);
    resetSigner();
    const after = await issue();

    const kid = (token: string) => JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).kid as string;
    expect(kid(after.token)).not.toBe(kid(before.token));
    await expect(verifyAccessToken(before.token, platformAudience())).resolves.toMatchObject({ scope: 'identity:read' });
    await expect(verifyAccessToken(after.token, platformAudience())).resolves.toMatchObject({ scope: 'identity:read' });
    const keys = await publishedKeys();
    expect(keys.map((key) => key.kid).sort()).toEqual([kid(before.token), kid(after.token)].sort());
    // The old key leaves the JWKS (DynamoDB TTL) once every token it signed has expired.
    const { dynamo } = await import('../../shared/storage/clients.ts');
    const { QueryCommand } = await import('@aws-sdk/lib-dynamodb');
    const items = (await dynamo().send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'PLATFORM#SIGNING_KEYS' } }))).Items ?? [];
    const retired = items.find((item) => item.kid === kid(before.token));
    const nowSeconds = Date.now() / 1000;
    expect(retired?.expiresAt).toBeGreaterThan(nowSeconds + 3600);
    expect(retired?.expiresAt).toBeLessThan(nowSeconds + 3600 + 600);
    expect(items.find((item) => item.kid === kid(after.token))?.expiresAt).toBeUndefined();
  });
});
