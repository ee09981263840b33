/**
 * The signing keys repository: the public keys of the token signers, published for the JWKS
 * (RFC 7517). A retired key carries `expiresAt` and leaves with DynamoDB TTL once every token it
 * signed has expired; DynamoDB deletes expired items lazily, so readers filter on `expiresAt` too.
 *
 * Access patterns (README, "Storage"):
 * - signingKeys.all — the platform's one key partition (a handful of items);
 * - signingKeys.add / signingKeys.retire — single conditional writes.
 */
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { JWK } from 'jose';
import { dynamo, tableName } from './clients.ts';
import { EntityType } from './keys.ts';
import * as keys from './keys.ts';

/** One published public key. Timestamps are ISO 8601; `expiresAt` is epoch seconds. */
export interface SigningKeyRecord {
  /** RFC 7638 thumbprint of the public key. */
  kid: string;
  jwk: JWK;
  createdAt: string;
  retiredAt?: string | undefined;
  expiresAt?: number | undefined;
}

function isConditionFailure(error: unknown): boolean {
  return (error as Error).name === 'ConditionalCheckFailedException';
}

/**
 * signingKeys.add — publishes a key unless one with its kid is already published.
 *
 * @returns true when this call published it, false when it was already there.
 */
export async function add(record: Pick<SigningKeyRecord, 'kid' | 'jwk' | 'createdAt'>): Promise<boolean> {
  try {
    await dynamo().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.signingKey(record.kid), type: EntityType.SigningKey, kid: record.kid, jwk: record.jwk, createdAt: record.createdAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** signingKeys.all — every stored key, current and retired, including retired ones TTL has not yet removed (eventually consistent). */
export async function all(): Promise<SigningKeyRecord[]> {
  const result = await dynamo().send(
    new QueryCommand({ TableName: tableName(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.signingKeyPartition() } }),
  );
  return (result.Items ?? []).map((item) => ({
    kid: item.kid as string,
    jwk: item.jwk as JWK,
    createdAt: item.createdAt as string,
    ...(item.retiredAt !== undefined ? { retiredAt: item.retiredAt as string } : {}),
    ...(item.expiresAt !== undefined ? { expiresAt: item.expiresAt as number } : {}),
  }));
}

/**
 * signingKeys.retire — marks a published key retired at `retiredAt` (ISO 8601), to leave the
 * table at `expiresAt` (epoch seconds). A key already retired, or gone, is left as it is.
 */
export async function retire(kid: string, retiredAt: string, expiresAt: number): Promise<void> {
  await dynamo()
    .send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.signingKey(kid),
        UpdateExpression: 'SET retiredAt = :now, expiresAt = :ttl',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(retiredAt)',
        ExpressionAttributeValues: { ':now': retiredAt, ':ttl': expiresAt },
      }),
    )
    .catch((error: unknown) => {
      if (!isConditionFailure(error)) throw error;
    });
}
