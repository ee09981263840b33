/**
 * The audit entries of the table's stream (DynamoDB Streams, NEW_IMAGE): the only code that knows
 * how an audit entry looks in a stream record and how the Lambda event filter selects them. Used
 * by the stream workers' adapter (shared/workers/audit-stream.ts), the CDK event source mapping
 * (lib/workers-stack.ts) and the local stream poller (lib/local/audit-stream.ts).
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { EntityType } from './keys.ts';

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

/**
 * The Lambda event filter pattern selecting newly inserted audit entries of an organization whose
 * action starts with one of `actions` (AWS Lambda event filtering, DynamoDB stream records: values
 * are matched in their DynamoDB JSON form, so the string attribute is `{ S: … }`).
 *
 * @param actions action prefixes or whole action names (a whole name is a prefix of itself)
 * @returns the pattern object; CDK serialises it with `FilterCriteria.filter`
 */
export function auditStreamFilterPattern(actions: readonly string[]): Record<string, unknown> {
  return {
    eventName: ['INSERT'],
    dynamodb: {
      NewImage: {
        type: { S: [EntityType.AuditEntry] },
        organizationId: { S: [{ exists: true }] },
        action: { S: actions.map((action) => ({ prefix: action })) },
      },
    },
  };
}

function isAuditImage(image: Record<string, unknown>): boolean {
  return image.type === EntityType.AuditEntry && typeof image.organizationId === 'string' && typeof image.action === 'string';
}

/**
 * Whether a stream record passes a worker's filter (the local poller applies it as Lambda would).
 *
 * @param record a stream record in the Lambda event's shape
 * @param actions the worker's action prefixes
 */
export function matchesAuditStreamFilter(record: DynamoDBRecord, actions: readonly string[]): boolean {
  if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) return false;
  const image = record.dynamodb.NewImage;
  const type = image.type?.S;
  const organizationId = image.organizationId?.S;
  const action = image.action?.S;
  return type === EntityType.AuditEntry && organizationId !== undefined && action !== undefined && actions.some((prefix) => action.startsWith(prefix));
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
