/**
 * The roles repository: an organization's custom roles (named sets of platform scopes) and the
 * uniqueness claims on their names. Built-in roles are not stored (shared/identity/built-in-roles.ts);
 * role assignments live on the holder — users.roleSetStep and groups.roleSetStep.
 *
 * Access patterns (README, "Storage"):
 * - roles.byId / roles.byIds — GetItem / BatchGetItem on the organization partition;
 * - roles.list — begins_with(sk, 'ROLE#').
 */
import type { DomainError } from '../errors/domain-errors.ts';
import * as groups from './groups.ts';
import { EntityType, isUuid } from './keys.ts';
import * as keys from './keys.ts';
import { batchGet, getItem, queryPrefix } from './queries.ts';
import { put, putNew, remove, type TransactionStep } from './transactions.ts';
import * as users from './users.ts';

type Item = Record<string, unknown>;

/** One custom role. Timestamps are ISO 8601. */
export interface RoleRecord {
  id: string;
  organizationId: string;
  /** Trimmed; unique within the organization, case-insensitive. */
  name: string;
  description?: string | undefined;
  scopes?: string[] | undefined;
  createdAt: string;
  updatedAt: string;
}

function toRecord(item: Item): RoleRecord {
  const { pk: _pk, sk: _sk, type: _type, ...record } = item;
  return record as unknown as RoleRecord;
}

/** roles.byId — undefined when absent or when `roleId` is not a UUID; strongly consistent. */
export async function byId(organizationId: string, roleId: string): Promise<RoleRecord | undefined> {
  if (!isUuid(roleId)) return undefined;
  const item = await getItem(keys.role(organizationId, roleId));
  return item ? toRecord(item) : undefined;
}

/** roles.byIds — the custom roles that exist among `roleIds` (others are skipped), eventually consistent, in no particular order. */
export async function byIds(organizationId: string, roleIds: readonly string[]): Promise<RoleRecord[]> {
  const valid = [...new Set(roleIds.filter(isUuid))];
  return valid.length === 0 ? [] : (await batchGet(valid.map((id) => keys.role(organizationId, id)))).map(toRecord);
}

/** roles.list — every custom role of an organization, in no particular order. */
export async function list(organizationId: string): Promise<RoleRecord[]> {
  const prefix = keys.rolePrefix(organizationId);
  return (await queryPrefix(prefix.pk, prefix.skPrefix)).map(toRecord);
}

/**
 * roles.putStep — writes a whole role. Without `expectedUpdatedAt` it must not exist yet; with
 * it, its stored `updatedAt` must still be that value (optimistic concurrency).
 */
export function putStep(record: RoleRecord, options: { expectedUpdatedAt: string | undefined; onConflict: () => DomainError }): TransactionStep {
  const item = { ...keys.role(record.organizationId, record.id), type: EntityType.Role, ...record };
  if (options.expectedUpdatedAt === undefined) return putNew(item, options.onConflict);
  return put(item, { expression: 'updatedAt = :seen', values: { ':seen': options.expectedUpdatedAt } }, options.onConflict);
}

/** roles.deleteStep — deletes a role that must exist (`onMissing` otherwise); its name claim is a separate step. */
export function deleteStep(organizationId: string, roleId: string, onMissing: () => DomainError): TransactionStep {
  return remove(keys.role(organizationId, roleId), { expression: 'attribute_exists(pk)' }, onMissing);
}

/** roles.claimNameStep — reserves a role name (trimmed, case-insensitive) for `roleId`; `onTaken` when another role holds it. */
export function claimNameStep(organizationId: string, name: string, roleId: string, onTaken: () => DomainError): TransactionStep {
  return putNew({ ...keys.roleNameClaim(organizationId, name), type: EntityType.UniqueConstraint, ownerId: roleId }, onTaken);
}

/** roles.releaseNameStep — frees a role-name claim (idempotent). */
export function releaseNameStep(organizationId: string, name: string): TransactionStep {
  return remove(keys.roleNameClaim(organizationId, name));
}

// --- assignments ---------------------------------------------------------------------------------

/**
 * roles.assignmentStep — adds roles to, or removes them from, a user's or a group's role set
 * through users.roleSetStep / groups.roleSetStep (atomic set ADD/DELETE plus a version bump);
 * `onMissing` when the holder is gone.
 */
export function assignmentStep(
  organizationId: string,
  holder: { kind: 'user' | 'group'; id: string },
  operation: 'ADD' | 'DELETE',
  roleIds: readonly string[],
  onMissing: () => DomainError,
): TransactionStep {
  return holder.kind === 'user'
    ? users.roleSetStep(organizationId, holder.id, operation, roleIds, onMissing)
    : groups.roleSetStep(organizationId, holder.id, operation, roleIds, onMissing);
}
