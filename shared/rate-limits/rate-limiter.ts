import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from '../storage/clients.ts';
import { EntityType, keys } from '../storage/keys.ts';
import { RateLimitError } from '../errors/domain-errors.ts';

export interface RateLimit {
  perMinute: number;
  perHour: number;
}

/**
 * Fixed-window counters shared by every Lambda instance: one item per subject and hour holding
 * the hour's count and one attribute per minute, bumped with a single UpdateItem (ADD), so a
 * request costs one write whichever limit it is checked against. Items expire with TTL.
 */
export async function consumeRateLimit(subject: string, limit: RateLimit, now = Date.now()): Promise<void> {
  const hourStart = Math.floor(now / 3_600_000) * 3_600_000;
  const minute = Math.floor((now - hourStart) / 60_000);
  const minuteAttribute = `m${minute}`;
  const result = await dynamo().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.rateCounter(subject, new Date(hourStart).toISOString().slice(0, 13)),
      UpdateExpression: 'ADD hourCount :one, #minute :one SET #type = :type, expiresAt = :ttl',
      ExpressionAttributeNames: { '#minute': minuteAttribute, '#type': 'type' },
      ExpressionAttributeValues: { ':one': 1, ':type': EntityType.RateCounter, ':ttl': Math.floor(hourStart / 1000) + 7200 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  const minuteCount = (result.Attributes?.[minuteAttribute] as number | undefined) ?? 0;
  const hourCount = (result.Attributes?.hourCount as number | undefined) ?? 0;
  if (minuteCount > limit.perMinute) {
    throw new RateLimitError(`Rate limit of ${limit.perMinute} requests per minute exceeded.`, (60_000 - (now % 60_000)) / 1000);
  }
  if (hourCount > limit.perHour) {
    throw new RateLimitError(`Rate limit of ${limit.perHour} requests per hour exceeded.`, (hourStart + 3_600_000 - now) / 1000);
  }
}
