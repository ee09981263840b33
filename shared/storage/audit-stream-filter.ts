/**
 * Which stream records reach an `auditStream` worker (shared/workers.ts): the Lambda event filter
 * the CDK event source mapping carries, and the same match for the local runtime. Loads no SDK
 * (the CDK app imports it at synth).
 */
import type { DynamoDBRecord } from 'aws-lambda';
import { EntityType } from './keys.ts';

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
