import { inject } from 'vitest';

/**
 * Points this test process's copy of the platform modules at the same local engines the server
 * uses, for tests that call domain code directly (bulk seeding, memory measurements).
 */
export function useLocalEngines(): void {
  Object.assign(process.env, {
    TABLE_NAME: 'identity-platform',
    EXPORT_BUCKET_NAME: 'identity-platform-audit-exports',
    PUBLIC_BASE_URL: inject('baseUrl'),
    DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
    S3_ENDPOINT: inject('s3Endpoint'),
    LOCAL_KEY_DIR: inject('localKeyDir'),
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });
}

/**
 * Writes `count` audit entries for an organization straight into the table (BatchWriteItem, a few
 * batches in flight), spread evenly over the hour before `end`. Seeding through the API would
 * take far longer and test nothing more.
 */
export async function seedAuditEntries(organizationId: string, count: number, end = Date.now()): Promise<void> {
  useLocalEngines();
  const { auditEntryItem } = await import('../../../shared/audit/audit-entry.ts');
  const { dynamo, tableName } = await import('../../../shared/storage/clients.ts');
  const { BatchWriteCommand } = await import('@aws-sdk/lib-dynamodb');
  const start = end - 3_600_000;
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < count; i += 25) {
    batches.push(
      Array.from({ length: Math.min(25, count - i) }, (_, offset) =>
        auditEntryItem(
          {
            organizationId,
            action: (i + offset) % 3 === 0 ? 'user.updated' : 'group.member.added',
            actor: { actorType: 'client', actorId: '11111111-1111-4111-8111-111111111111' },
            target: { type: 'user', id: '22222222-2222-4222-8222-222222222222' },
            origin: { ipAddress: '192.0.2.10', userAgent: 'Microsoft.Identity.Provisioning' },
            details: { changedAttributes: ['title', 'name'], seq: i + offset },
          },
          new Date(start + Math.floor(((i + offset) * 3_600_000) / count)),
        ),
      ),
    );
  }
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++] as Record<string, unknown>[];
      let pending: Record<string, unknown>[] | undefined = batch.map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; pending && pending.length > 0 && attempt < 8; attempt++) {
        const result = await dynamo().send(new BatchWriteCommand({ RequestItems: { [tableName()]: pending } }));
        pending = result.UnprocessedItems?.[tableName()] as Record<string, unknown>[] | undefined;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}
