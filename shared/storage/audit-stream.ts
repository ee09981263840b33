/**
 * The audit entries of the table's stream (DynamoDB Streams, NEW_IMAGE): the only code that knows
 * how an audit entry looks in a stream record and how the Lambda event filter selects them. Used
 * by the stream workers' adapter (shared/workers/audit-stream.ts); the filter (CDK's event source
 * mapping, the local runtime's delivery) is in audit-stream-filter.ts, which loads no SDK.
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { EntityType } from './keys.ts';

export { auditStreamFilterPattern, matchesAuditStreamFilter } from './audit-stream-filter.ts';

/** One committed audit entry of an organization, as a stream worker receives it. */
export interface AuditChange {
  organizationId: string;
  /** The entry's ULID (time-ordered). */
  id: string;
  action: string;
  actorType: string;
  actorId: string;
  targetType?: string | undefined;
  targetId?: string | undefined;
  /** ISO 8601 UTC. */
  timestamp: string;
  details: Record<string, unknown>;
}

function isAuditImage(image: Record<string, unknown>): boolean {
  return image.type === EntityType.AuditEntry && typeof image.organizationId === 'string' && typeof image.action === 'string';
}

/**
 * The audit changes carried by stream records, in stream order; records that are not inserted
 * audit entries of an organization are skipped (never thrown on: a stream may carry anything).
 *
 * @param records the `Records` of a DynamoDBStreamEvent
 */
export function auditChangesOf(records: readonly DynamoDBRecord[]): AuditChange[] {
  const changes: AuditChange[] = [];
  for (const record of records) {
    if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) continue;
    const image = unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>);
    if (!isAuditImage(image)) continue;
    changes.push({
      organizationId: image.organizationId as string,
      id: String(image.id),
      action: image.action as string,
      actorType: String(image.actorType ?? ''),
      actorId: String(image.actorId ?? ''),
      ...(typeof image.targetType === 'string' ? { targetType: image.targetType } : {}),
      ...(typeof image.targetId === 'string' ? { targetId: image.targetId } : {}),
      timestamp: String(image.timestamp ?? ''),
      details: image.details && typeof image.details === 'object' ? (image.details as Record<string, unknown>) : {},
    });
  }
  return changes;
}
