import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { platformConfig } from '../config.ts';
import { addDynamoUsageMiddleware } from './dynamo-usage.ts';
import { traceAwsClient } from '../observability/tracing.ts';

/** Static credentials for the local engines, which accept any. Never used against AWS endpoints. */
const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };
/** The local S3 server checks signatures against its own fixed key pair. */
const localS3Credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

let documentClient: DynamoDBDocumentClient | undefined;
let s3Client: S3Client | undefined;

/** Called with the base DynamoDB client when this process creates it; see {@link onDynamoClientCreated}. */
export type DynamoClientObserver = (client: DynamoDBClient) => void;
let clientObserver: DynamoClientObserver | undefined;

/**
 * Registers the one observer of this process's DynamoDB client: it is called once, synchronously,
 * with the base `DynamoDBClient` when {@link dynamo} first creates it (before any command is sent),
 * so it may add middleware to `client.middlewareStack`. This is the benchmark's hook
 * (bench/lib/dynamo-usage.ts counts round trips and consumed capacity through it); production code
 * registers nothing here (its own usage counting, shared/storage/dynamo-usage.ts, is added after the observer).
 *
 * @throws Error when the client already exists (the observer would miss it) or an observer is already registered.
 */
export function onDynamoClientCreated(observer: DynamoClientObserver): void {
  if (documentClient) throw new Error('onDynamoClientCreated: the DynamoDB client already exists; register before the first dynamo() call');
  if (clientObserver) throw new Error('onDynamoClientCreated: an observer is already registered');
  clientObserver = observer;
}

/** One DynamoDB document client per process, reused across invocations (keep-alive connections). */
export function dynamo(): DynamoDBDocumentClient {
  if (!documentClient) {
    const config = platformConfig();
    const base = new DynamoDBClient({
      region: config.local ? 'us-east-1' : config.region,
      ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint, credentials: localCredentials } : {}),
      maxAttempts: 3,
    });
    clientObserver?.(base);
    // After the observer: the benchmark's own ReturnConsumedCapacity (INDEXES) then takes precedence.
    addDynamoUsageMiddleware(base);
    traceAwsClient(base);
    documentClient = DynamoDBDocumentClient.from(base, {
      marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
    });
  }
  return documentClient;
}

/** One S3 client per process; the local S3 server needs path-style addressing. */
export function s3(): S3Client {
  if (!s3Client) {
    const config = platformConfig();
    s3Client = traceAwsClient(
      new S3Client({
        region: config.local ? 'us-east-1' : config.region,
        ...(config.s3Endpoint ? { endpoint: config.s3Endpoint, forcePathStyle: true, credentials: localS3Credentials } : {}),
      }),
    );
  }
  return s3Client;
}

/** The platform table's name (TABLE_NAME). */
export function tableName(): string {
  return platformConfig().tableName;
}
