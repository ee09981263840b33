import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { keys } from '../../../../shared/storage/keys.ts';

/**
 * Direct access to an organization's stored SAML settings item, for states the API cannot produce:
 * items in the shape written before IdP key rollover support, and certificates that have expired
 * since they were saved.
 */
let client: DynamoDBDocumentClient | undefined;

function documentClient(): DynamoDBDocumentClient {
  client ??= DynamoDBDocumentClient.from(
    new DynamoDBClient({ endpoint: inject('dynamodbEndpoint'), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  return client;
}

export async function readStoredSamlSettings(organizationId: string): Promise<Record<string, unknown> | undefined> {
  const result = await documentClient().send(new GetCommand({ TableName: 'identity-platform', Key: keys.samlSettings(organizationId), ConsistentRead: true }));
  return result.Item;
}

export async function writeStoredSamlSettings(organizationId: string, attributes: Record<string, unknown>): Promise<void> {
  await documentClient().send(new PutCommand({ TableName: 'identity-platform', Item: { ...keys.samlSettings(organizationId), type: 'SamlSettings', organizationId, ...attributes } }));
}
