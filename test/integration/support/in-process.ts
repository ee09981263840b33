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
 * batches in flight), spread evenly over the hour before `end` (or `spanMs`). Seeding through the
 * API would take far longer and test nothing more. With `counters`, the per-day counters that
 * `transact` keeps for every audited write are added as well (the list's totalCount and page
 * seeks read them); `action` names each entry's action.
 */
export async function seedAuditEntries(
  organizationId: string,
  count: number,
  end = Date.now(),
  options: { spanMs?: number; counters?: boolean; action?: (index: number) => string } = {},
): Promise<void> {
  useLocalEngines();
  const { auditEntryItem } = await import('../../../shared/audit/audit-entry.ts');
  const { dynamo, tableName } = await import('../../../shared/storage/clients.ts');
  const { BatchWriteCommand, UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
  const { keys } = await import('../../../shared/storage/keys.ts');
  const span = options.spanMs ?? 3_600_000;
  const start = end - span;
  const perDay = new Map<string, number>();
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < count; i += 25) {
    batches.push(
      Array.from({ length: Math.min(25, count - i) }, (_, offset) =>
        auditEntryItem(
          {
            organizationId,
            action: options.action?.(i + offset) ?? ((i + offset) % 3 === 0 ? 'user.updated' : 'group.member.added'),
            actor: { actorType: 'client', actorId: '11111111-1111-4111-8111-111111111111' },
            target: { type: 'user', id: '22222222-2222-4222-8222-222222222222' },
            origin: { ipAddress: '192.0.2.10', userAgent: 'Microsoft.Identity.Provisioning' },
            details: { changedAttributes: ['title', 'name'], seq: i + offset },
          },
          new Date(start + Math.floor(((i + offset) * span) / count)),
        ),
      ),
    );
  }
  for (const item of batches.flat()) perDay.set(String(item.timestamp).slice(0, 10), (perDay.get(String(item.timestamp).slice(0, 10)) ?? 0) + 1);
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
  if (!options.counters) return;
  for (const [day, entries] of perDay) {
    await dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.counterShard(organizationId, `audit#${day}`, 0),
        UpdateExpression: 'ADD #count :n SET #type = :type',
        ExpressionAttributeNames: { '#count': 'count', '#type': 'type' },
        ExpressionAttributeValues: { ':n': entries, ':type': 'Counter' },
      }),
    );
  }
}
