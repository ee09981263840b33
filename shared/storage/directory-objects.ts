/**
 * The directory-objects repository: synchronised directory entries that are neither users nor
 * groups (Active Directory `computer`, OpenLDAP `device`, …) and the raw source attributes of every
 * synchronised entry (users and groups included), as the Directory API's /api/objects shows them
 * (seed "REST API Reference", Objects).
 *
 * Access patterns (README, "Storage"):
 * - directoryObjects.byId — GetItem on the organization partition (`DIROBJECT#<id>`);
 * - directoryObjects.all — the organization's other objects (begins_with(sk, 'DIROBJECT#')): lean
 *   records without their attributes, so a listing reads little;
 * - directoryObjects.byConnection — gsi2 `ORG#<org>#CONNECTION#<conn>#OBJECTS` / stable id (sync);
 * - directoryObjects.attributesOf — `ORG#<org>#DIRATTRS` / object id: one item per synchronised
 *   object (user, group or other) holding what the source holds, written by sync in the same
 *   transaction as the object's change.
 */
import type { DomainError } from '../errors/domain-errors.ts';
import { EntityType, isUuid } from './keys.ts';
import * as keys from './keys.ts';
import { getItem, queryAll } from './queries.ts';
import { put, putNew, remove, type TransactionStep } from './transactions.ts';
import { mapLimited } from '../concurrency/map-limited.ts';

type Item = Record<string, unknown>;

/** One synchronised entry that is neither a user nor a group. Timestamps are ISO 8601. */
export interface DirectoryObjectRecord {
  id: string;
  organizationId: string;
  /** The platform's class: `computer` (AD computer, OpenLDAP device). */
  objectClass: string;
  /** cn (or name) in the source directory. */
  name: string;
  source: 'ldap' | 'activeDirectory';
  connectionId: string;
  /** Stable id in the source: entryUUID, or objectGUID as a lower-case UUID. */
  directoryId: string;
  directoryDn: string;
  active: boolean;
  /** Digest of the attribute snapshot (directoryObjects.attributesOf), to notice changes without reading it. */
  directoryDigest?: string | undefined;
  /** The sync project that last wrote this object (its runs alone decide that it disappeared). */
  syncProjectId?: string | undefined;
  /** When a sync run found the object gone from its directory (ISO 8601); cleared when it reappears. */
  disappearedAt?: string | undefined;
  version: number;
  createdAt: string;
  updatedAt: string;
}

/** The raw attributes of one synchronised object, as its source holds them (secrets never stored). */
export interface DirectoryAttributesRecord {
  objectId: string;
  organizationId: string;
  /** `user`, `group`, `computer`. */
  objectClass: string;
  connectionId: string;
  dn: string;
  /** Attribute name (as the server sent it) → one value or several; binary values as base64 or GUID/SID text. */
  attributes: Record<string, string | string[]>;
  /** Attributes left out because they are too large to store (name → size in bytes). */
  omitted?: Record<string, number> | undefined;
  digest: string;
  /** ISO 8601. */
  readAt: string;
}

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'type'] as const;

function strip<T>(item: Item): T {
  const record: Item = { ...item };
  for (const name of KEY_ATTRIBUTES) delete record[name];
  return record as T;
}

/** directoryObjects.byId — undefined when absent or when `id` is not a UUID (strongly consistent by default). */
export async function byId(organizationId: string, id: string, options: { consistent?: boolean } = {}): Promise<DirectoryObjectRecord | undefined> {
  if (!isUuid(id)) return undefined;
  const item = await getItem(keys.directoryObject(organizationId, id), options.consistent ?? true);
  return item ? strip<DirectoryObjectRecord>(item) : undefined;
}

/** directoryObjects.all — every other object of an organization (eventually consistent), up to `maxItems`. */
export async function all(organizationId: string, maxItems = 1_000_000): Promise<DirectoryObjectRecord[]> {
  const prefix = keys.directoryObjectPrefix(organizationId);
  return (
    await queryAll({ KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)', ExpressionAttributeValues: { ':pk': prefix.pk, ':prefix': prefix.skPrefix } }, maxItems)
  ).map((item) => strip<DirectoryObjectRecord>(item));
}

/** directoryObjects.byConnection — the other objects synchronised from one connection (gsi2; eventually consistent). */
export async function byConnection(organizationId: string, connectionId: string, maxItems = 1_000_000): Promise<DirectoryObjectRecord[]> {
  const partition = keys.directoryObjectIndex(organizationId, connectionId, '').gsi2pk;
  return (await queryAll({ IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk', ExpressionAttributeValues: { ':pk': partition } }, maxItems)).map((item) =>
    strip<DirectoryObjectRecord>(item),
  );
}

/** directoryObjects.byIds — the records with these ids that exist (strongly consistent GetItems, 16 at a time). */
export async function byIds(organizationId: string, ids: readonly string[]): Promise<DirectoryObjectRecord[]> {
  const found = await eachLimited([...new Set(ids)], (id) => byId(organizationId, id));
  return found.filter((record): record is DirectoryObjectRecord => record !== undefined);
}

/**
 * directoryObjects.byDirectoryIds — the other objects of one connection with these stable
 * directory ids (gsi2, one equality Query per id, 16 at a time; eventually consistent). Cost
 * scales with the ids asked for, not with the connection's objects.
 */
export async function byDirectoryIds(organizationId: string, connectionId: string, directoryIds: readonly string[]): Promise<DirectoryObjectRecord[]> {
  const partition = keys.directoryObjectIndex(organizationId, connectionId, '').gsi2pk;
  const pages = await eachLimited([...new Set(directoryIds)].filter((id) => id.length > 0 && id.length <= 512), (directoryId) =>
    queryAll({ IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk = :value', ExpressionAttributeValues: { ':pk': partition, ':value': directoryId } }),
  );
  return pages.flat().map((item) => strip<DirectoryObjectRecord>(item));
}

/**
 * directoryObjects.attributesByIds — the attribute snapshots of these objects that exist
 * (strongly consistent GetItems, 16 at a time), by object id.
 */
export async function attributesByIds(organizationId: string, objectIds: readonly string[]): Promise<Map<string, DirectoryAttributesRecord>> {
  const found = await eachLimited([...new Set(objectIds)], (objectId) => attributesOf(organizationId, objectId, { consistent: true }));
  return new Map(found.filter((record): record is DirectoryAttributesRecord => record !== undefined).map((record) => [record.objectId, record]));
}

const PARALLELISM = 16;

/** Maps `values` through `work`, at most PARALLELISM at a time, keeping their order. */
function eachLimited<T, R>(values: readonly T[], work: (value: T) => Promise<R>): Promise<R[]> {
  return mapLimited(values, PARALLELISM, (value) => work(value));
}

/**
 * directoryObjects.putStep — writes a whole record. Without `expectedVersion` it must not exist
 * yet; with it, the stored version must still be that one.
 */
export function putStep(record: DirectoryObjectRecord, options: { expectedVersion: number | undefined; onConflict: () => DomainError }): TransactionStep {
  const item = {
    ...keys.directoryObject(record.organizationId, record.id),
    ...keys.directoryObjectIndex(record.organizationId, record.connectionId, record.directoryId),
    type: EntityType.DirectoryObject,
    ...record,
  };
  if (options.expectedVersion === undefined) return putNew(item, options.onConflict);
  return put(item, { expression: 'version = :seen', values: { ':seen': options.expectedVersion } }, options.onConflict);
}

/** directoryObjects.deleteStep — deletes a record if its stored version is still `expectedVersion`. */
export function deleteStep(organizationId: string, id: string, options: { expectedVersion: number; onConflict: () => DomainError }): TransactionStep {
  return remove(keys.directoryObject(organizationId, id), { expression: 'version = :seen', values: { ':seen': options.expectedVersion } }, options.onConflict);
}

/** directoryObjects.attributesOf — the attribute snapshot of a synchronised object; undefined when it has none. */
export async function attributesOf(organizationId: string, objectId: string, options: { consistent?: boolean } = {}): Promise<DirectoryAttributesRecord | undefined> {
  if (!isUuid(objectId)) return undefined;
  const item = await getItem(keys.directoryAttributes(organizationId, objectId), options.consistent ?? false);
  return item ? strip<DirectoryAttributesRecord>(item) : undefined;
}

/** directoryObjects.attributesPutStep — replaces an object's attribute snapshot. */
export function attributesPutStep(record: DirectoryAttributesRecord): TransactionStep {
  return put({ ...keys.directoryAttributes(record.organizationId, record.objectId), type: EntityType.DirectoryAttributes, ...record });
}

/** directoryObjects.attributesDeleteStep — removes an object's attribute snapshot (with the object). */
export function attributesDeleteStep(organizationId: string, objectId: string): TransactionStep {
  return remove(keys.directoryAttributes(organizationId, objectId));
}
