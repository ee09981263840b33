/**
 * The rate counters repository: fixed-window counters shared by every Lambda instance, one item
 * per subject and window, expiring with TTL. Two kinds use it: request limits per caller and API
 * family (shared/rate-limits/rate-limiter.ts) and sign-in failure counts per account and source
 * address (shared/identity/login.ts). Subjects are opaque strings chosen by the caller.
 *
 * Access patterns (README, "Storage"):
 * - rateCounters.addRequest — one UpdateItem on the subject's hour item;
 * - rateCounters.leaseRequests — one conditional UpdateItem on the same item, taking a slice of
 *   the minute's and the hour's allowance (leased families, shared/rate-limits/leased-rate-limiter.ts);
 * - rateCounters.failures — BatchGetItem over the subjects' window items;
 * - rateCounters.failureStep — a transaction step adding one failure.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from './clients.ts';
import { EntityType } from './keys.ts';
import * as keys from './keys.ts';
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

/** A lease write: `units` for `minute` of the hour at `hourStart`, under conditions, with give-backs. */
export interface LeaseWrite {
  subject: string;
  /** Epoch milliseconds, a whole hour. */
  hourStart: number;
  /** 0–59. */
  minute: number;
  /** Units to add to the minute and (less the give-backs) to the hour; at least 1. */
  units: number;
  /** The write happens only if the minute's count is at most this (absent counts as 0). */
  maxMinuteBefore: number;
  /** The write happens only if the hour's count is at most this (absent counts as 0). */
  maxHourBefore: number;
  /** Unspent units of earlier minutes of the same hour, subtracted from those minutes and the hour. */
  giveBack: readonly { minute: number; units: number }[];
}

function numberAttribute(value: unknown): number {
  if (typeof value === 'number') return value;
  // A failed condition's item comes back in the low-level format ({ N: "12" }).
  const low = (value as { N?: string } | undefined)?.N;
  return low === undefined ? 0 : Number(low);
}

/**
 * rateCounters.leaseRequests — one conditional UpdateItem on the subject's hour item (the item
 * {@link addRequest} counts in): adds `units` to the minute and `units − given back` to the hour
 * only while the minute's count is ≤ `maxMinuteBefore` and the hour's ≤ `maxHourBefore` (a
 * DynamoDB condition cannot add, so the caller passes `limit − units`). Returns whether it was
 * granted and the counts after the write, or — refused — the counts that made it fail (read from
 * the failed condition, no second request).
 */
export async function leaseRequests(write: LeaseWrite): Promise<{ granted: boolean; minuteCount: number; hourCount: number }> {
  const minuteAttribute = `m${write.minute}`;
  const returned = write.giveBack.filter((entry) => entry.minute !== write.minute && entry.units > 0);
  const names: Record<string, string> = { '#minute': minuteAttribute, '#type': 'type' };
  const values: Record<string, unknown> = {
    ':units': write.units,
    ':hourUnits': write.units - returned.reduce((sum, entry) => sum + entry.units, 0),
    ':maxMinute': write.maxMinuteBefore,
    ':maxHour': write.maxHourBefore,
    ':type': EntityType.RateCounter,
    ':ttl': Math.floor(write.hourStart / 1000) + REQUEST_COUNTER_TTL_SECONDS,
  };
  const additions = ['hourCount :hourUnits', '#minute :units'];
  returned.forEach((entry, index) => {
    names[`#back${index}`] = `m${entry.minute}`;
    values[`:back${index}`] = -entry.units;
    additions.push(`#back${index} :back${index}`);
  });
  try {
    const result = await dynamo().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.rateCounter(write.subject, new Date(write.hourStart).toISOString().slice(0, 13)),
        UpdateExpression: `ADD ${additions.join(', ')} SET #type = :type, expiresAt = :ttl`,
        ConditionExpression: '(attribute_not_exists(#minute) OR #minute <= :maxMinute) AND (attribute_not_exists(hourCount) OR hourCount <= :maxHour)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        ReturnValues: 'UPDATED_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { granted: true, minuteCount: numberAttribute(result.Attributes?.[minuteAttribute]), hourCount: numberAttribute(result.Attributes?.hourCount) };
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    const item = (error as { Item?: Record<string, unknown> }).Item ?? {};
    return { granted: false, minuteCount: numberAttribute(item[minuteAttribute]), hourCount: numberAttribute(item.hourCount) };
  }
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
