import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from './clients.ts';
import { EntityType } from './keys.ts';
import * as keys from './keys.ts';

/**
 * A position in an ordered listing: the sort values of the last item read, opaque to callers
 * (each repository rebuilds its own start key from them, so a client-supplied cursor can never
 * name another partition).
 */
export type ListPosition = readonly string[];

/** How long a recorded page boundary lives, in seconds. */
const BOUNDARY_TTL_SECONDS = 3600;

/**
 * pageBoundaries.nearest — where the last recorded page at or before `startIndex` of a listing
 * begins. Listings addressed by a 1-based startIndex (SCIM, the audit list) record where each served
 * page ends, so a client walking pages in order never re-reads from the top.
 *
 * @returns `{ startIndex: 1, position: undefined }` when no boundary is known.
 */
export async function nearest(organizationId: string, listing: string, startIndex: number): Promise<{ startIndex: number; position: ListPosition | undefined }> {
  if (startIndex <= 1) return { startIndex: 1, position: undefined };
  const low = keys.pageBoundary(organizationId, listing, 0);
  const result = await dynamo().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :low AND :high',
      ExpressionAttributeValues: { ':pk': low.pk, ':low': low.sk, ':high': keys.pageBoundary(organizationId, listing, startIndex).sk },
      ScanIndexForward: false,
      Limit: 1,
    }),
  );
  const boundary = result.Items?.[0];
  if (!boundary || !Array.isArray(boundary.position)) return { startIndex: 1, position: undefined };
  return { startIndex: boundary.startIndex as number, position: boundary.position as string[] };
}

/** pageBoundaries.record — remembers that page `startIndex` of a listing begins after `position` (expires after an hour). */
export async function record(organizationId: string, listing: string, startIndex: number, position: ListPosition): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...keys.pageBoundary(organizationId, listing, startIndex),
        type: EntityType.PageBoundary,
        startIndex,
        position: [...position],
        expiresAt: Math.floor(Date.now() / 1000) + BOUNDARY_TTL_SECONDS,
      },
    }),
  );
}

/**
 * What a listing remembers besides its page boundaries: its counted total and, for a bounded
 * search, where the searched window ends. Stored with the boundaries (at startIndex 0, which no
 * page begins at) and expiring with them.
 */
export interface ListingSummary {
  totalCount: number;
  /** False when counting stopped at a cap: totalCount is then a lower bound. */
  exact: boolean;
  /** The last position a bounded search covers (in the listing's order); absent: the whole range. */
  windowEnd?: ListPosition | undefined;
  /** When the summary was counted (ISO 8601). */
  countedAt: string;
}

/** pageBoundaries.summary — a listing's remembered count and search window, if recorded within the last hour. */
export async function summary(organizationId: string, listing: string): Promise<ListingSummary | undefined> {
  const result = await dynamo().send(new GetCommand({ TableName: tableName(), Key: keys.pageBoundary(organizationId, listing, 0) }));
  const item = result.Item;
  if (!item || typeof item.totalCount !== 'number' || (item.expiresAt as number) * 1000 < Date.now()) return undefined;
  return {
    totalCount: item.totalCount,
    exact: item.exact === true,
    ...(Array.isArray(item.windowEnd) ? { windowEnd: item.windowEnd as string[] } : {}),
    countedAt: String(item.countedAt),
  };
}

/** pageBoundaries.recordSummary — remembers a listing's count and search window for as long as its boundaries (an hour). */
export async function recordSummary(organizationId: string, listing: string, value: ListingSummary): Promise<void> {
  await dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: {
        ...keys.pageBoundary(organizationId, listing, 0),
        type: EntityType.PageBoundary,
        totalCount: value.totalCount,
        exact: value.exact,
        ...(value.windowEnd ? { windowEnd: [...value.windowEnd] } : {}),
        countedAt: value.countedAt,
        expiresAt: Math.floor(Date.now() / 1000) + BOUNDARY_TTL_SECONDS,
      },
    }),
  );
}
