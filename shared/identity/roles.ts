import { randomUUID } from 'node:crypto';
import { retryOnConflict } from '../concurrency/optimistic-retry.ts';
import { auditStep, type AuditEvent, type RequestOrigin } from '../audit/audit-entry.ts';
import { ConcurrentChangeError, ConflictError, NotFoundError, PermissionError, ValidationError } from '../errors/domain-errors.ts';
import * as groups from '../storage/groups.ts';
import * as roles from '../storage/roles.ts';
import type { RoleRecord } from '../storage/roles.ts';
import { transact, type TransactionStep } from '../storage/transactions.ts';
import * as users from '../storage/users.ts';
import { isUuid } from '../uuid.ts';
import type { Principal } from '../auth/principal.ts';
import { builtInRole, builtInRoles } from './built-in-roles.ts';
import type { PlatformScope } from './scopes.ts';

export interface Role {
  id: string;
  name: string;
  description: string;
  scopes: string[];
  builtIn: boolean;
  createdOn: string | null;
  updatedOn: string | null;
}

export interface RoleInput {
  name: string;
  description: string;
  scopes: PlatformScope[];
}

function toRole(record: RoleRecord): Role {
  return {
    id: record.id,
    name: record.name,
    description: record.description ?? '',
    scopes: [...(record.scopes ?? [])].sort(),
    builtIn: false,
    createdOn: record.createdAt,
    updatedOn: record.updatedAt,
  };
}

function builtIns(): Role[] {
  return builtInRoles.map((role) => ({ ...role, scopes: [...role.scopes], builtIn: true, createdOn: null, updatedOn: null }));
}

function notFound(roleId: string): NotFoundError {
  return new NotFoundError(`Role ${roleId} was not found.`);
}

export async function listRoles(organizationId: string): Promise<Role[]> {
  const custom = (await roles.list(organizationId)).map(toRole).sort((a, b) => a.name.localeCompare(b.name));
  return [...builtIns(), ...custom];
}

export async function getRole(organizationId: string, roleId: string): Promise<Role> {
  const builtIn = builtIns().find((role) => role.id === roleId);
  if (builtIn) return builtIn;
  const record = await roles.byId(organizationId, roleId);
  if (!record) throw notFound(roleId);
  return toRole(record);
}

/**
 * Nobody can hand out more than they hold: creating, changing or assigning a role requires the
 * actor to have every scope of that role (an Administrator cannot mint an Owner-equivalent role).
 */
export function assertMayGrant(principal: Principal, scopes: readonly string[]): void {
  if (principal.kind === 'operator') return;
  const missing = scopes.filter((scope) => !principal.scopes.has(scope));
  if (missing.length > 0) {
    throw new PermissionError(`You cannot grant scopes you do not hold yourself: ${missing.join(', ')}.`);
  }
}

function assertNotBuiltInName(name: string): void {
  if (builtInRoles.some((role) => role.name.toLowerCase() === name.trim().toLowerCase())) {
    throw new ConflictError(`'${name}' is the name of a built-in role.`, { field: 'name' });
  }
}

export async function createRole(organizationId: string, input: RoleInput, principal: Principal, origin: RequestOrigin, actor: AuditEvent['actor']): Promise<Role> {
  assertMayGrant(principal, input.scopes);
  assertNotBuiltInName(input.name);
  const id = randomUUID();
  const now = new Date().toISOString();
  const record: RoleRecord = { id, organizationId, name: input.name.trim(), description: input.description, scopes: [...new Set(input.scopes)], createdAt: now, updatedAt: now };
  const taken = () => new ConflictError(`A role named '${input.name}' already exists.`, { field: 'name' });
  await transact([
    roles.putStep(record, { expectedUpdatedAt: undefined, onConflict: taken }),
    roles.claimNameStep(organizationId, input.name, id, taken),
    auditStep({ organizationId, action: 'role.created', actor, origin, target: { type: 'role', id }, details: { name: record.name, scopes: record.scopes } }),
  ]);
  return toRole(record);
}

export async function updateRole(
  organizationId: string,
  roleId: string,
  changes: Partial<RoleInput>,
  principal: Principal,
  origin: RequestOrigin,
  actor: AuditEvent['actor'],
): Promise<Role> {
  return retryOnConflict(async () => {
    if (builtInRole(roleId)) throw new ValidationError('Built-in roles cannot be changed.', { field: 'roleId' });
    const current = await getRole(organizationId, roleId);
    if (changes.scopes) assertMayGrant(principal, changes.scopes);
    const renamed = changes.name !== undefined && changes.name.trim() !== current.name;
    if (renamed) assertNotBuiltInName(changes.name as string);
    const next = { ...current, ...Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined)) } as Role;
    const changed = (['name', 'description', 'scopes'] as const).filter((name) => JSON.stringify(current[name]) !== JSON.stringify(next[name]));
    if (changed.length === 0) return current;
    const now = new Date().toISOString();
    const taken = () => new ConflictError(`A role named '${changes.name}' already exists.`, { field: 'name' });
    await transact([
      roles.putStep(
        { id: roleId, organizationId, name: next.name.trim(), description: next.description, scopes: [...new Set(next.scopes)], createdAt: current.createdOn as string, updatedAt: now },
        { expectedUpdatedAt: current.updatedOn as string, onConflict: () => new ConcurrentChangeError(`Role ${roleId} was changed or deleted concurrently; retry.`) },
      ),
      ...(renamed ? [roles.claimNameStep(organizationId, next.name, roleId, taken), roles.releaseNameStep(organizationId, current.name)] : []),
      auditStep({ organizationId, action: 'role.updated', actor, origin, target: { type: 'role', id: roleId }, details: { changedAttributes: changed } }),
    ]);
    return { ...next, updatedOn: now };
  });
}

/** Deletes a custom role. Assignments that still name it grant nothing from then on. */
export async function deleteRole(organizationId: string, roleId: string, origin: RequestOrigin, actor: AuditEvent['actor']): Promise<void> {
  if (builtInRole(roleId)) throw new ValidationError('Built-in roles cannot be deleted.', { field: 'roleId' });
  const current = await getRole(organizationId, roleId);
  await transact([
    roles.deleteStep(organizationId, roleId, () => notFound(roleId)),
    roles.releaseNameStep(organizationId, current.name),
    auditStep({ organizationId, action: 'role.deleted', actor, origin, target: { type: 'role', id: roleId }, details: { name: current.name } }),
  ]);
}

export type RoleHolder = { kind: 'user' | 'group'; id: string };

function holderMissing(holder: RoleHolder): NotFoundError {
  return new NotFoundError(`${holder.kind === 'user' ? 'User' : 'Group'} ${holder.id} was not found.`);
}

/**
 * An atomic change to a holder's role set, so concurrent assignments never lose each other (the
 * holder's repository bumps its version too, so a concurrent whole-record write re-reads).
 */
function roleSetChange(organizationId: string, holder: RoleHolder, operation: 'ADD' | 'DELETE', roleIds: string[]): TransactionStep {
  return roles.assignmentStep(organizationId, holder, operation, roleIds, () => holderMissing(holder));
}

async function holderRoleIds(organizationId: string, holder: RoleHolder): Promise<string[]> {
  if (!isUuid(holder.id)) throw holderMissing(holder);
  const record = holder.kind === 'user' ? await users.byId(organizationId, holder.id) : await groups.byId(organizationId, holder.id);
  if (!record) throw holderMissing(holder);
  return [...(record.roleIds ?? [])];
}

async function existingRoles(organizationId: string, roleIds: readonly string[]): Promise<Role[]> {
  const custom = roleIds.filter((id) => !builtInRole(id));
  const records = await roles.byIds(organizationId, custom);
  const found = new Map(records.map((record) => [record.id, toRole(record)]));
  return roleIds.flatMap((id) => {
    const role = builtIns().find((candidate) => candidate.id === id) ?? found.get(id);
    return role ? [role] : [];
  });
}

/** Roles assigned directly to a user or group (roles deleted since are left out). */
export async function assignedRoles(organizationId: string, holder: RoleHolder): Promise<Role[]> {
  return existingRoles(organizationId, await holderRoleIds(organizationId, holder));
}

/**
 * Assigns roles to a user or group (teams: every member inherits them) — an atomic ADD to the
 * holder's role set, with one audit entry, so concurrent assignments never lose each other.
 */
export async function assignRoles(
  organizationId: string,
  holder: RoleHolder,
  roleIds: string[],
  principal: Principal,
  origin: RequestOrigin,
  actor: AuditEvent['actor'],
): Promise<Role[]> {
  const roles = await existingRoles(organizationId, roleIds);
  const missing = roleIds.filter((id) => !roles.some((role) => role.id === id));
  if (missing.length > 0) throw new NotFoundError(`Role ${missing.join(', ')} was not found.`);
  assertMayGrant(principal, roles.flatMap((role) => role.scopes));
  const current = await holderRoleIds(organizationId, holder);
  if (roleIds.every((id) => current.includes(id))) return assignedRoles(organizationId, holder);
  await transact([
    roleSetChange(organizationId, holder, 'ADD', roleIds),
    auditStep({ organizationId, action: `${holder.kind}.roles.assigned`, actor, origin, target: { type: holder.kind, id: holder.id }, details: { roleIds } }),
  ]);
  return assignedRoles(organizationId, holder);
}

export async function unassignRole(
  organizationId: string,
  holder: RoleHolder,
  roleId: string,
  principal: Principal,
  origin: RequestOrigin,
  actor: AuditEvent['actor'],
): Promise<void> {
  const current = await holderRoleIds(organizationId, holder);
  if (!current.includes(roleId)) throw new NotFoundError(`Role ${roleId} is not assigned to ${holder.kind} ${holder.id}.`);
  if (holder.kind === 'user' && roleId === 'owner' && principal.kind === 'user' && principal.userId === holder.id) {
    throw new ValidationError('You cannot remove your own Owner role; ask another Owner.');
  }
  const roles = await existingRoles(organizationId, [roleId]);
  assertMayGrant(principal, roles.flatMap((role) => role.scopes));
  await transact(roleRemovalSteps(organizationId, holder, roleId, actor, origin));
}

/**
 * The writes that unassign one role from a user or group, with its `<kind>.roles.removed` audit
 * entry (details `roleIds`, plus `details`). The one write path for role removal: the Identity
 * Management API and access review revokes both use it. Permission checks are the caller's.
 */
export function roleRemovalSteps(
  organizationId: string,
  holder: RoleHolder,
  roleId: string,
  actor: AuditEvent['actor'],
  origin: RequestOrigin,
  details: Record<string, unknown> = {},
): TransactionStep[] {
  return [
    roleSetChange(organizationId, holder, 'DELETE', [roleId]),
    auditStep({ organizationId, action: `${holder.kind}.roles.removed`, actor, origin, target: { type: holder.kind, id: holder.id }, details: { roleIds: [roleId], ...details } }),
  ];
}

/** A user's effective scopes: its own roles plus the roles of every group it belongs to. */
export async function effectiveScopes(organizationId: string, userId: string, directRoleIds: Iterable<string>): Promise<string[]> {
  const memberships = await groups.ofUser(organizationId, userId);
  const teams = await groups.byIds(organizationId, memberships.map((membership) => membership.groupId));
  const roleIds = new Set<string>(directRoleIds);
  for (const team of teams) for (const roleId of team.roleIds ?? []) roleIds.add(roleId);
  const roles = await existingRoles(organizationId, [...roleIds]);
  return [...new Set(roles.flatMap((role) => role.scopes))].sort();
}
