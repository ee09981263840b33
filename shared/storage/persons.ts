/**
 * The persons repository: persons (one human), the links that tie a person to its accounts (user
 * records of any source) and the correlation keys that find a person without a scan (Directory
 * API seed, "Persons (Identities)"; the rule lives in shared/directory/person-correlation.ts).
 *
 * Access patterns (README, "Storage"):
 * - persons.byId — GetItem on the organization partition (`PERSON#<id>`);
 * - persons.all — the organization's persons (begins_with(sk, 'PERSON#')), filtered and paged in memory;
 * - persons.linkOf — `ORG#<org>` / `PERSONOF#<userId>`: the person a user belongs to and the keys it holds;
 * - persons.allLinks — `ORG#<org>` / begins_with `PERSONOF#`: every link (the policy sweep);
 * - persons.objectsOf — gsi1 `ORG#<org>#PERSON#<id>#OBJECTS` / user id: the users of one person;
 * - persons.keyOwners — `ORG#<org>#PERSONKEY#<attribute>#<value>` / `PERSONKEY`: which person holds a
 *   correlation key, and which of its users carry it (a string set), one partition per key.
 *
 * Every write is a step for the transaction of the user write that causes it.
 */
import type { DomainError } from '../errors/domain-errors.ts';
import { tableName } from './clients.ts';
import { EntityType, isUuid } from './keys.ts';
import * as keys from './keys.ts';
import { batchGet, getItem, queryAll, queryPrefix } from './queries.ts';
import { putNew, remove, type TransactionStep } from './transactions.ts';

type Item = Record<string, unknown>;

/** One person. Its summary is copied from one of its users (`summaryUserId`). Timestamps are ISO 8601. */
export interface PersonRecord {
  id: string;
  organizationId: string;
  displayName: string;
  email?: string | undefined;
  employeeNumber?: string | undefined;
  /** The user whose name, email and employee number the person shows; absent once that user left. */
  summaryUserId?: string | undefined;
  /** How many users (objects) are linked; the person is removed with its last one. */
  objectCount: number;
  createdAt: string;
  updatedAt: string;
}

/** The summary fields a user write copies onto its person. */
export interface PersonSummary {
  displayName: string;
  email?: string | undefined;
  employeeNumber?: string | undefined;
  summaryUserId?: string | undefined;
}

/** A user's link to its person, with the correlation keys (`<attribute>#<value>`) it holds. */
export interface PersonLinkRecord {
  organizationId: string;
  userId: string;
  personId: string;
  keys: string[];
  /** The key that made the link (`<attribute>#<value>`), absent when the user founded the person. */
  matchedOn?: string | undefined;
  linkedAt: string;
}

/** Who holds one correlation key. */
export interface PersonKeyRecord {
  attribute: string;
  value: string;
  personId: string;
  userIds: string[];
}

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'type'] as const;

function strip<T>(item: Item): T {
  const record: Item = { ...item };
  for (const name of KEY_ATTRIBUTES) delete record[name];
  return record as T;
}

/** persons.byId — undefined when absent or when `id` is not a UUID (strongly consistent by default). */
export async function byId(organizationId: string, id: string, options: { consistent?: boolean } = {}): Promise<PersonRecord | undefined> {
  if (!isUuid(id)) return undefined;
  const item = await getItem(keys.person(organizationId, id), options.consistent ?? true);
  return item ? strip<PersonRecord>(item) : undefined;
}

/** persons.all — every person of an organization (eventually consistent), up to `maxItems`. */
export async function all(organizationId: string, maxItems = 1_000_000): Promise<PersonRecord[]> {
  const prefix = keys.personPrefix(organizationId);
  return (await queryPrefix(prefix.pk, prefix.skPrefix, maxItems)).map((item) => strip<PersonRecord>(item));
}

/** persons.linkOf — the link of one user, strongly consistent (write paths decide on it). */
export async function linkOf(organizationId: string, userId: string): Promise<PersonLinkRecord | undefined> {
  if (!isUuid(userId)) return undefined;
  const item = await getItem(keys.personLink(organizationId, userId), true);
  return item ? strip<PersonLinkRecord>(item) : undefined;
}

/** persons.allLinks — every user's person link in an organization (eventually consistent): the policy sweep's read. */
export async function allLinks(organizationId: string, maxItems = 1_000_000): Promise<PersonLinkRecord[]> {
  const prefix = keys.personLinkPrefix(organizationId);
  return (await queryPrefix(prefix.pk, prefix.skPrefix, maxItems)).map((item) => strip<PersonLinkRecord>(item));
}

/** persons.objectsOf — the links of one person (gsi1; eventually consistent), in user-id order. */
export async function objectsOf(organizationId: string, personId: string): Promise<PersonLinkRecord[]> {
  if (!isUuid(personId)) return [];
  const partition = keys.personObjectsPartition(organizationId, personId);
  return (await queryAll({ IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk', ExpressionAttributeValues: { ':pk': partition } }, 100_000)).map((item) =>
    strip<PersonLinkRecord>(item),
  );
}

/**
 * persons.keyOwners — the holders of the given correlation keys (`{attribute, value}`), strongly
 * consistent, one BatchGetItem per 100 keys. Keys nobody holds are absent from the result.
 */
export async function keyOwners(organizationId: string, wanted: readonly { attribute: string; value: string }[]): Promise<PersonKeyRecord[]> {
  if (wanted.length === 0) return [];
  const items = await batchGet(wanted.map((key) => keys.personKey(organizationId, key.attribute, key.value)), true);
  return items.flatMap((item) => {
    const userIds = item.userIds instanceof Set ? [...(item.userIds as Set<string>)] : [];
    return userIds.length === 0 ? [] : [{ attribute: String(item.attribute), value: String(item.value), personId: String(item.personId), userIds }];
  });
}

/** persons.createStep — a new person (it must not exist). */
export function createStep(record: PersonRecord, onConflict: () => DomainError): TransactionStep {
  return putNew({ ...keys.person(record.organizationId, record.id), type: EntityType.Person, ...record }, onConflict);
}

/**
 * persons.updateStep — copies a summary onto an existing person and moves its object count by
 * `delta` (+1 when a user joins, 0 otherwise, -1 when one of several leaves). Fails with
 * `onConflict` when the person is gone (or, for -1, when it has one object left: delete it instead).
 */
export function updateStep(
  organizationId: string,
  personId: string,
  change: { summary?: PersonSummary | undefined; delta: -1 | 0 | 1; now: string; dropSummaryUser?: boolean },
  onConflict: () => DomainError,
): TransactionStep {
  const sets = ['updatedAt = :now'];
  const removes: string[] = [];
  const values: Record<string, unknown> = { ':now': change.now, ':delta': change.delta };
  if (change.summary) {
    sets.push('displayName = :displayName');
    values[':displayName'] = change.summary.displayName;
    for (const field of ['email', 'employeeNumber', 'summaryUserId'] as const) {
      const value = change.summary[field];
      if (value === undefined) removes.push(field);
      else {
        sets.push(`${field} = :${field}`);
        values[`:${field}`] = value;
      }
    }
  }
  if (change.dropSummaryUser) removes.push('summaryUserId');
  if (change.delta === -1) values[':one'] = 1;
  return {
    item: {
      Update: {
        TableName: tableName(),
        Key: keys.person(organizationId, personId),
        UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''} ADD objectCount :delta`,
        ConditionExpression: change.delta === -1 ? 'attribute_exists(pk) AND objectCount > :one' : 'attribute_exists(pk)',
        ExpressionAttributeValues: values,
      },
    },
    onConditionFailed: onConflict,
  };
}

/** persons.deleteStep — removes a person whose last object leaves (its count must still be 1). */
export function deleteStep(organizationId: string, personId: string, onConflict: () => DomainError): TransactionStep {
  return remove(keys.person(organizationId, personId), { expression: 'objectCount = :one', values: { ':one': 1 } }, onConflict);
}

/**
 * persons.linkPutStep — writes a user's link. `expectedPersonId` undefined: the user must have no
 * link yet; otherwise the stored link must still name that person.
 */
export function linkPutStep(link: PersonLinkRecord, expectedPersonId: string | undefined, onConflict: () => DomainError): TransactionStep {
  const item = { ...keys.personLink(link.organizationId, link.userId), ...keys.personLinkIndex(link.organizationId, link.personId, link.userId), type: EntityType.PersonLink, ...link };
  return {
    item: {
      Put: {
        TableName: tableName(),
        Item: item,
        ConditionExpression: expectedPersonId === undefined ? 'attribute_not_exists(pk)' : 'personId = :person',
        ...(expectedPersonId === undefined ? {} : { ExpressionAttributeValues: { ':person': expectedPersonId } }),
      },
    },
    onConditionFailed: onConflict,
  };
}

/** persons.linkDeleteStep — removes a user's link if it still names `personId`. */
export function linkDeleteStep(organizationId: string, userId: string, personId: string, onConflict: () => DomainError): TransactionStep {
  return remove(keys.personLink(organizationId, userId), { expression: 'personId = :person', values: { ':person': personId } }, onConflict);
}

/**
 * persons.keyClaimStep — adds `userId` to the holders of a key for `personId`. The key must be free
 * (absent, or left without holders) or already that person's; otherwise `onTaken`.
 */
export function keyClaimStep(organizationId: string, key: { attribute: string; value: string }, personId: string, userId: string, onTaken: () => DomainError): TransactionStep {
  return {
    item: {
      Update: {
        TableName: tableName(),
        Key: keys.personKey(organizationId, key.attribute, key.value),
        UpdateExpression: 'ADD userIds :user SET personId = :person, #type = :type, #attribute = :attribute, #value = :value',
        ConditionExpression: 'attribute_not_exists(pk) OR personId = :person OR attribute_not_exists(userIds)',
        ExpressionAttributeNames: { '#type': 'type', '#attribute': 'attribute', '#value': 'value' },
        ExpressionAttributeValues: { ':user': new Set([userId]), ':person': personId, ':type': EntityType.PersonKey, ':attribute': key.attribute, ':value': key.value },
      },
    },
    onConditionFailed: onTaken,
  };
}

/**
 * persons.keyReleaseStep — takes `userId` off a key's holders: the key item is deleted when it was
 * the last holder (`holders` as read), otherwise the user is removed from the set. Either way the
 * item must still be as read (`onConflict` otherwise).
 */
export function keyReleaseStep(organizationId: string, key: { attribute: string; value: string }, userId: string, holders: number, onConflict: () => DomainError): TransactionStep {
  const itemKey = keys.personKey(organizationId, key.attribute, key.value);
  if (holders <= 1) return remove(itemKey, { expression: 'contains(userIds, :user) AND size(userIds) = :one', values: { ':user': userId, ':one': 1 } }, onConflict);
  return {
    item: {
      Update: {
        TableName: tableName(),
        Key: itemKey,
        UpdateExpression: 'DELETE userIds :users',
        ConditionExpression: 'contains(userIds, :user)',
        ExpressionAttributeValues: { ':users': new Set([userId]), ':user': userId },
      },
    },
    onConditionFailed: onConflict,
  };
}
