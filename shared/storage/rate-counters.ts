/**
 * The rate counters repository: fixed-window counters shared by every Lambda instance, one item
 * per subject and window, expiring with TTL. Two kinds use it: request limits per caller and API
 * family (shared/rate-limits/rate-limiter.ts) and sign-in failure counts per account and source
 * address (shared/identity/login.ts). Subjects are opaque strings chosen by the caller.
 *
 * Access patterns (README, "Storage"):
 * - rateCounters.addRequest — one UpdateItem on the subject's hour item;
 * - rateCounters.failures — BatchGetItem over the subjects' window items;
 * - rateCounters.failureStep — a transaction step adding one failure.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from './clients.ts';
import { EntityType, keys } from './keys.ts';
import { batchGet } from './queries.ts';
import type { TransactionStep } from './transactions.ts';

/** How long an hour's request counter outlives the hour's start, in seconds. */
const REQUEST_COUNTER_TTL_SECONDS = 7200;

/**
 * rateCounters.addRequest — counts one request of `subject` in the hour starting at `hourStart`
 * (epoch milliseconds, a whole hour) and its `minute` (0–59), with a single UpdateItem, and
 * returns the counts after this request.
 */
export async function addRequest(subject: string, hourStart: number, minute: number): Promise<{ hourCount: number; minuteCount: number }> {
  const minuteAttribute = `m${minute}`;
  const result = await dynamo().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.rateCounter(subject, new Date(hourStart).toISOString().slice(0, 13)),
      UpdateExpression: 'ADD hourCount :one, #minute :one SET #type = :type, expiresAt = :ttl',
      ExpressionAttributeNames: { '#minute': minuteAttribute, '#type': 'type' },
      ExpressionAttributeValues: { ':one': 1, ':type': EntityType.RateCounter, ':ttl': Math.floor(hourStart / 1000) + REQUEST_COUNTER_TTL_SECONDS },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return {
    hourCount: (result.Attributes?.hourCount as number | undefined) ?? 0,
    minuteCount: (result.Attributes?.[minuteAttribute] as number | undefined) ?? 0,
  };
}

/**
 * rateCounters.failures — for each of `subjects`, the failures recorded in all the windows
 * starting at `windowStarts` (epoch seconds) added together, in the order of `subjects` (0 where
 * none was recorded). One eventually consistent BatchGetItem, whatever the number of windows.
 */
export async function failures(subjects: readonly string[], windowStarts: readonly number[]): Promise<number[]> {
  const perSubject = subjects.map((subject) => windowStarts.map((start) => keys.rateCounter(subject, String(start))));
  const items = await batchGet(perSubject.flat());
  const count = (key: { pk: string; sk: string }) => (items.find((item) => item.pk === key.pk && item.sk === key.sk)?.failures as number | undefined) ?? 0;
  return perSubject.map((counterKeys) => counterKeys.reduce((sum, key) => sum + count(key), 0));
}

/**
 * rateCounters.failureStep — adds one failure for `subject` in the window starting at
 * `windowStart` (epoch seconds); the item expires at `expiresAt` (epoch seconds).
 */
export function failureStep(subject: string, windowStart: number, expiresAt: number): TransactionStep {
  return {
    item: {
      Update: {
        TableName: tableName(),
        Key: keys.rateCounter(subject, String(windowStart)),
        UpdateExpression: 'ADD failures :one SET #type = :type, expiresAt = :ttl',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':one': 1, ':type': EntityType.RateCounter, ':ttl': expiresAt },
      },
    },
  };
}
