/**
 * Key schema of the platform's single DynamoDB table, declared once and used by the CDK stack
 * and by the local runtime when it creates the table in DynamoDB Local.
 *
 * Every item carries `pk`/`sk`; items that need a second or third access pattern also carry
 * `gsi1pk`/`gsi1sk` and `gsi2pk`/`gsi2sk`. Items that expire carry `expiresAt` (epoch seconds),
 * which DynamoDB's TTL deletes. Key values are built only in shared/storage/keys.ts.
 */
export const tableSchema = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: 'expiresAt',
  /**
   * The table's change stream (DynamoDB Streams): new images, read by the `auditStream` workers
   * (shared/workers.ts) for the audit entries committed with every change.
   */
  streamViewType: 'NEW_IMAGE',
  globalSecondaryIndexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
} as const;

export type IndexName = (typeof tableSchema.globalSecondaryIndexes)[number]['indexName'];
