/**
 * Platform-level storage that belongs to no organization: the local runtime's bootstrap marker and
 * the reachability probes the health check uses.
 *
 * Access patterns (README, "Storage"):
 * - platform.bootstrap — GetItem of the marker (which organization the local runtime bootstrapped);
 * - platform.ping — the same GetItem, eventually consistent, as the table's liveness probe;
 * - platform.pingBucket — HeadBucket on the export bucket.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { dynamo, s3, tableName } from './clients.ts';
import { EntityType } from './keys.ts';
import * as keys from './keys.ts';

/** What the local runtime remembers about its first start. `createdAt` is ISO 8601. */
export interface BootstrapMarker {
  organizationId: string;
  ownerEmail: string;
  createdAt: string;
}

/** platform.bootstrap — the bootstrap marker, or undefined before the first bootstrap (strongly consistent). */
export async function bootstrap(): Promise<BootstrapMarker | undefined> {
  const result = await dynamo().send(new GetCommand({ TableName: tableName(), Key: keys.bootstrapMarker(), ConsistentRead: true }));
  if (!result.Item) return undefined;
  return { organizationId: result.Item.organizationId as string, ownerEmail: result.Item.ownerEmail as string, createdAt: result.Item.createdAt as string };
}

/** platform.recordBootstrap — remembers which organization the bootstrap created (overwrites). */
export async function recordBootstrap(marker: BootstrapMarker): Promise<void> {
  await dynamo().send(new PutCommand({ TableName: tableName(), Item: { ...keys.bootstrapMarker(), type: EntityType.PlatformMarker, ...marker } }));
}

/**
 * platform.ping — proves the table answers: one eventually consistent GetItem of a tiny item
 * (0.5 read units). Resolves whether or not the item exists.
 *
 * @throws whatever the SDK throws when the table is unreachable or missing.
 */
export async function ping(): Promise<void> {
  await dynamo().send(new GetCommand({ TableName: tableName(), Key: keys.bootstrapMarker() }));
}

/**
 * platform.pingBucket — proves a bucket exists and is reachable with this function's credentials
 * (HeadBucket).
 *
 * @throws whatever the SDK throws when it is not.
 */
export async function pingBucket(bucket: string): Promise<void> {
  await s3().send(new HeadBucketCommand({ Bucket: bucket }));
}
