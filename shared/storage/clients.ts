import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { platformConfig } from '../config.ts';

/** Static credentials for the local engines, which accept any. Never used against AWS endpoints. */
const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };
/** The local S3 server checks signatures against its own fixed key pair. */
const localS3Credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

let documentClient: DynamoDBDocumentClient | undefined;
let s3Client: S3Client | undefined;

/** One DynamoDB document client per process, reused across invocations (keep-alive connections). */
export function dynamo(): DynamoDBDocumentClient {
  if (!documentClient) {
    const config = platformConfig();
    const base = new DynamoDBClient({
      region: config.local ? 'us-east-1' : config.region,
      ...(config.dynamodbEndpoint ? { endpoint: config.dynamodbEndpoint, credentials: localCredentials } : {}),
      maxAttempts: 3,
    });
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
    s3Client = new S3Client({
      region: config.local ? 'us-east-1' : config.region,
      ...(config.s3Endpoint ? { endpoint: config.s3Endpoint, forcePathStyle: true, credentials: localS3Credentials } : {}),
    });
  }
  return s3Client;
}

export function tableName(): string {
  return platformConfig().tableName;
}
