import { beforeAll, describe, expect, it } from 'vitest';
import type * as Summaries from '../../shared/storage/user-group-summaries.ts';
import type { TransactionStep } from '../../shared/storage/transactions.ts';

/**
 * How `transact` turns the group-summary effects of a transaction's steps into summary writes
 * (shared/storage/user-group-summaries.ts summaryStepsFor): pure, no DynamoDB.
 */
let summaries: typeof Summaries;
const ORG = '0b0e4a52-58c4-4c3f-9a51-0d3a1d2c6f10';
const U1 = '1b0e4a52-58c4-4c3f-9a51-0d3a1d2c6f11';
const U2 = '2b0e4a52-58c4-4c3f-9a51-0d3a1d2c6f12';
const G1 = '3b0e4a52-58c4-4c3f-9a51-0d3a1d2c6f13';
const G2 = '4b0e4a52-58c4-4c3f-9a51-0d3a1d2c6f14';

beforeAll(async () => {
  // The steps name the table; the configuration needs a table name and a base URL.
  process.env.TABLE_NAME ??= 'identity-platform';
  process.env.PUBLIC_BASE_URL ??= 'http://127.0.0.1:1';
  summaries = await import('../../shared/storage/user-group-summaries.ts');
});

const step = (userGroups: TransactionStep['userGroups']): TransactionStep => ({ item: { ConditionCheck: { TableName: 't', Key: { pk: 'x', sk: 'y' }, ConditionExpression: 'attribute_exists(pk)' } }, userGroups });
const update = (result: TransactionStep[], userId: string) => result.find((entry) => entry.item.Update?.Key?.sk === `USERGROUPS#${userId}`)?.item.Update;

describe('group summary writes derived from a transaction', () => {
  it('are one update per user, however many of its memberships the transaction changes', () => {
    const result = summaries.summaryStepsFor([
      step({ organizationId: ORG, userId: U1, change: 'add', groupId: G1 }),
      step({ organizationId: ORG, userId: U1, change: 'add', groupId: G2 }),
      step({ organizationId: ORG, userId: U2, change: 'remove', groupId: G1 }),
      step(undefined),
    ]);
    expect(result).toHaveLength(2);
    expect(update(result, U1)).toMatchObject({ UpdateExpression: 'SET #type = :type, userId = :user ADD groupIds :groups', ExpressionAttributeValues: { ':groups': new Set([G1, G2]) } });
    expect(update(result, U2)).toMatchObject({ UpdateExpression: 'SET #type = :type, userId = :user DELETE groupIds :groups', ExpressionAttributeValues: { ':groups': new Set([G1]) } });
  });

  it('mark a created user\'s summary complete, with the groups it joins in the same transaction', () => {
    const result = summaries.summaryStepsFor([step({ organizationId: ORG, userId: U1, change: 'created' }), step({ organizationId: ORG, userId: U1, change: 'add', groupId: G1 })]);
    expect(result).toHaveLength(1);
    expect(update(result, U1)).toMatchObject({ UpdateExpression: 'SET #type = :type, userId = :user, complete = :true ADD groupIds :groups', ExpressionAttributeValues: { ':true': true, ':groups': new Set([G1]) } });
  });

  it('delete a deleted user\'s summary instead of updating it', () => {
    const result = summaries.summaryStepsFor([step({ organizationId: ORG, userId: U1, change: 'remove', groupId: G1 }), step({ organizationId: ORG, userId: U1, change: 'deleted' })]);
    expect(result).toEqual([{ item: { Delete: { TableName: 'identity-platform', Key: { pk: `ORG#${ORG}`, sk: `USERGROUPS#${U1}` } } } }]);
  });

  it('refuse a transaction that adds and removes memberships of one user (DynamoDB refuses ADD and DELETE of one attribute)', () => {
    expect(() => summaries.summaryStepsFor([step({ organizationId: ORG, userId: U1, change: 'add', groupId: G1 }), step({ organizationId: ORG, userId: U1, change: 'remove', groupId: G2 })])).toThrow(/adds and removes/);
  });

  it('add nothing to a transaction without membership or user changes', () => {
    expect(summaries.summaryStepsFor([step(undefined)])).toEqual([]);
  });
});
