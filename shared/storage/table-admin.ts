/**
 * Table administration for the local runtime: waiting for DynamoDB Local to answer and creating
 * the platform table in it from the same schema the CDK stack uses (shared/storage/table-schema.ts).
 * Never used against AWS, where the data stack owns the table.
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type GlobalSecondaryIndex,
} from '@aws-sdk/client-dynamodb';
import { tableSchema } from './table-schema.ts';

/** A client for a local engine, which accepts any credentials. */
function localClient(endpoint: string, maxAttempts?: number): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
  });
}

/**
 * Polls a local DynamoDB endpoint (ListTables, every 100 ms) until it answers. `assertAlive` is
 * called before every attempt and should throw when the engine's process has died.
 *
 * @throws Error when the engine does not answer within `timeoutMs` milliseconds, or what `assertAlive` throws.
 */
export async function waitUntilEngineAnswers(endpoint: string, timeoutMs: number, assertAlive: () => void): Promise<void> {
  const client = localClient(endpoint, 1);
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      assertAlive();
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new Error(`DynamoDB Local did not become ready within ${timeoutMs} ms`);
  } finally {
    client.destroy();
  }
}

/**
 * Creates the platform table (on-demand billing, the schema's keys and global secondary indexes
 * projecting all attributes, TTL on the schema's attribute, the schema's stream) at a local
 * endpoint, unless a table of that name exists already (then only its stream is turned on if off).
 */
export async function ensureTable(endpoint: string, tableName: string): Promise<void> {
  const client = localClient(endpoint);
  try {
    try {
      const { Table: table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
      // A data directory from before the stream existed: turn it on, as a deployment's update does.
      if (!table?.StreamSpecification?.StreamEnabled) {
        await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: true, StreamViewType: tableSchema.streamViewType } }));
      }
      return;
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    }
    const attributes = new Set<string>([tableSchema.partitionKey, tableSchema.sortKey]);
    const indexes: GlobalSecondaryIndex[] = tableSchema.globalSecondaryIndexes.map((index) => {
      attributes.add(index.partitionKey);
      attributes.add(index.sortKey);
      return {
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      };
    });
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [
          { AttributeName: tableSchema.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableSchema.sortKey, KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [...attributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        GlobalSecondaryIndexes: indexes,
        StreamSpecification: { StreamEnabled: true, StreamViewType: tableSchema.streamViewType },
      }),
    );
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: tableSchema.ttlAttribute, Enabled: true },
      }),
    );
  } finally {
    client.destroy();
  }
}
