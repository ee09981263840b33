import { randomUUID } from 'node:crypto';
import { auditStep } from '../audit/audit-entry.ts';
import { ConcurrentChangeError, ConflictError, NotFoundError, PreconditionFailedError, ValidationError } from '../errors/domain-errors.ts';
import { counterStep } from '../storage/counters.ts';
import * as groups from '../storage/groups.ts';
import type { GroupRecord, MembershipRecord } from '../storage/groups.ts';
import { MAX_TRANSACTION_ITEMS, transact, transactionItemCount, type TransactionStep } from '../storage/transactions.ts';
import * as users from '../storage/users.ts';
import type { UserRecord } from '../storage/users.ts';
import { isUuid } from '../uuid.ts';
import { getMember, isObject, type ScimObject } from './json.ts';
import { applyAttributes, applyPatch, parsePatchRequest, planGroupMemberChanges, replacementMemberIds, type GroupMemberPlan } from './patch.ts';
import { GROUP_SCHEMA, resolveAttributePath } from './schema.ts';
import { assertIfMatch, metaOf, resourceLocation } from './resource-store.ts';
import { scimLimits } from './scim-config.ts';
import { isContention, retryOnConflict } from '../concurrency/optimistic-retry.ts';
import { memberDisplay } from './member-display.ts';
import { assertScimWritable, SCIM_WRITABLE_SOURCES, scimVisible, scimWritable } from './visibility.ts';
import { assertKeyedAttributesFit } from './keyed-attributes.ts';
import type { ScimContext } from './users.ts';
import { logger } from '../observability/logger.ts';
import { startWorker } from '../workers/start-worker.ts';
import { sweepGroupMembershipsWorker } from '../workers/payloads.ts';
import { addMetric } from '../observability/metrics.ts';
import * as metric from '../observability/metrics-catalog.ts';

export const GROUP_COUNTER = 'groups';
const IGNORED_ON_INPUT = new Set(['id', 'meta', 'schemas', 'members']);
/**
 * Membership writes per transaction: each brings its user's group summary update
 * (shared/storage/user-group-summaries.ts), leaving room for the chunk's audit entries and counter.
 */
const MEMBER_CHUNK = 48;
/**
 * Longest member `display` kept on a membership, in characters: a name, not a document — without a
 * bound, 96 members with 350 KB display names would exceed a transaction's 4 MB.
 */
const MAX_MEMBER_DISPLAY_LENGTH = 256;
/** Membership chunks written at once by one large PATCH: each is its own transaction. */
const MEMBER_CHUNK_PARALLELISM = 4;

function notFound(id: string): NotFoundError {
  return new NotFoundError(`Group ${id} was not found.`);
}

export async function loadGroup(organizationId: string, id: string): Promise<GroupRecord> {
  const record = await groups.byId(organizationId, id);
  if (!record) throw notFound(id);
  return record;
}

/** Group attributes other than members, normalised like a PATCH add (members are separate items). */
function normalizeGroupInput(body: unknown): { resource: ScimObject; members: string[] } {
  if (!isObject(body)) throw new ValidationError('The request body must be a SCIM Group object.', { scimType: 'invalidSyntax' });
  const value: ScimObject = {};
  for (const [name, attribute] of Object.entries(body)) {
    if (IGNORED_ON_INPUT.has(name.toLowerCase())) continue;
    if (resolveAttributePath(name, 'Group')) value[name] = attribute;
  }
  const { resource } = applyAttributes({ schemas: [GROUP_SCHEMA] }, value, 'Group');
  const displayName = getMember(resource, 'displayName');
  if (typeof displayName !== 'string' || displayName.trim() === '') {
    throw new ValidationError('displayName is required and must be a non-empty string.', { scimType: 'invalidValue', field: 'displayName' });
  }
  resource.displayName = displayName.trim();
  assertKeyedAttributesFit(resource, 'Group');
  const rawMembers = getMember(body, 'members');
  const members = rawMembers === undefined || rawMembers === null ? [] : replacementMemberIds(rawMembers);
  return { resource, members: [...new Set(members)] };
}

function groupRecord(organizationId: string, id: string, resource: ScimObject, previous: GroupRecord | undefined, now: string): GroupRecord {
  return {
    ...(previous ?? { source: 'scim' as const }),
    id,
    organizationId,
    displayName: resource.displayName as string,
    resource,
    version: (previous?.version ?? 0) + 1,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
  };
}

export async function groupMembers(organizationId: string, groupId: string): Promise<ScimObject[]> {
  const items = await groups.membersOf(organizationId, groupId, scimLimits.maxInlineMembers + 1);
  if (items.length > scimLimits.maxInlineMembers) {
    throw new ValidationError(
      `Group ${groupId} has more than ${scimLimits.maxInlineMembers} members; request it with excludedAttributes=members and page its members through the directory API.`,
      { scimType: 'tooMany' },
    );
  }
  return items.map((item) => ({ value: item.userId, display: item.display, type: 'User', $ref: resourceLocation('Users', item.userId) }));
}

export function toScimGroup(item: GroupRecord, members: ScimObject[] | undefined): ScimObject {
  const resource = { ...(item.resource as ScimObject) };
  const schemas = Array.isArray(resource.schemas) ? resource.schemas : [GROUP_SCHEMA];
  delete resource.schemas;
  return { schemas, id: item.id, ...resource, ...(members ? { members } : {}), meta: metaOf(item, 'Group') };
}

export async function getGroup(organizationId: string, id: string, withMembers: boolean): Promise<{ resource: ScimObject; item: GroupRecord }> {
  const item = await loadGroup(organizationId, id);
  return { resource: toScimGroup(item, withMembers ? await groupMembers(organizationId, id) : undefined), item };
}

/** Each user's `display` as a membership keeps it, by user id. */
function memberDisplays(members: readonly UserRecord[]): Map<string, string> {
  return new Map(members.map((user) => [user.id, memberDisplay(user.resource, user.userName).slice(0, MAX_MEMBER_DISPLAY_LENGTH)] as const));
}

/** Members must be users of the organization; their display names are kept on the membership. */
async function resolveNewMembers(organizationId: string, ids: readonly string[]): Promise<Map<string, string>> {
  // Only users SCIM may see can be members through SCIM: a local account (the Owner) cannot be
  // placed in a group — which would grant it the group's roles and show its email — by an IdP.
  const found = memberDisplays((await users.byIds(organizationId, ids)).filter(scimVisible));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length > 0) {
    throw new ValidationError(`No user with id ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ` (and ${missing.length - 5} more)` : ''} exists; members must be users of this organization.`, {
      scimType: 'invalidValue',
      field: 'members',
    });
  }
  return found;
}

/**
 * The writes that remove `userIds` from a group, with their one `group.member.removed` audit entry
 * (details `memberIds`, plus `details` — e.g. the access review that revoked them). The one write
 * path for membership removal: SCIM PATCH/PUT and access review revokes both use it, so SCIM
 * `GET /Groups/{id}`, the Directory API and the audit log agree. At most 48 users per call (one
 * transaction); the caller adds the group's version bump (`groups.touchStep`) when it needs one.
 */
export function memberRemovalSteps(context: ScimContext, groupId: string, userIds: readonly string[], details: Record<string, unknown> = {}): TransactionStep[] {
  return [
    ...userIds.map((userId) => groups.membershipRemoveStep(context.organizationId, groupId, userId)),
    auditStep({ ...context, action: 'group.member.removed', target: { type: 'group', id: groupId }, details: { memberIds: [...userIds], ...details } }),
  ];
}

interface MemberDelta {
  add: string[];
  remove: string[];
}

/**
 * Writes membership changes. Membership writes are idempotent (a put of a present member, a delete
 * of an absent one change nothing), so a change too large for one transaction is split into
 * chunks of 48 members (each with its user's group summary update), each carrying its own audit entry: every landed change has its entry, and
 * a PATCH interrupted half-way is safely retried. The group's own update (version, attributes) and
 * its audit entry land in the last transaction.
 */
async function writeMembership(context: ScimContext, groupId: string, delta: MemberDelta, displays: Map<string, string>, final: TransactionStep[]): Promise<void> {
  const now = new Date().toISOString();
  const operations = [
    ...delta.add.map((userId) => ({ kind: 'add' as const, userId })),
    ...delta.remove.map((userId) => ({ kind: 'remove' as const, userId })),
  ];
  const chunkSteps = (chunk: typeof operations): TransactionStep[] => {
    const added = chunk.filter((operation) => operation.kind === 'add').map((operation) => operation.userId);
    const removed = chunk.filter((operation) => operation.kind === 'remove').map((operation) => operation.userId);
    return [
      ...added.map((userId) => groups.membershipAddStep(context.organizationId, { groupId, userId, display: displays.get(userId) ?? '', addedAt: now })),
      ...(added.length > 0 ? [auditStep({ ...context, action: 'group.member.added', target: { type: 'group', id: groupId }, details: { memberIds: added } })] : []),
      ...(removed.length > 0 ? memberRemovalSteps(context, groupId, removed) : []),
    ];
  };
  if (operations.length <= MAX_TRANSACTION_ITEMS && transactionItemCount([...chunkSteps(operations), ...final]) <= MAX_TRANSACTION_ITEMS) {
    await transact([...chunkSteps(operations), ...final]);
    return;
  }
  // Chunks are independent and idempotent, so a few run at once; the group's own update goes last.
  const chunks: (typeof operations)[] = [];
  for (let i = 0; i < operations.length; i += MEMBER_CHUNK) chunks.push(operations.slice(i, i + MEMBER_CHUNK));
  let next = 0;
  let failed = false;
  const writer = async () => {
    while (!failed && next < chunks.length) {
      try {
        await transact(chunkSteps(chunks[next++] as typeof operations));
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  // Every writer settles before the first failure is reported, so no write is left running.
  const outcomes = await Promise.allSettled(Array.from({ length: Math.min(MEMBER_CHUNK_PARALLELISM, chunks.length) }, writer));
  const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  if (final.length > 0) await transact(final);
}

export async function createGroup(context: ScimContext, body: unknown): Promise<ScimObject> {
  const { resource, members } = normalizeGroupInput(body);
  const displays = await resolveNewMembers(context.organizationId, members);
  const id = randomUUID();
  const item = groupRecord(context.organizationId, id, resource, undefined, new Date().toISOString());
  const final: TransactionStep[] = [
    groups.putStep(item, { expectedVersion: undefined, onConflict: () => new ConflictError('Group id collision; retry.') }),
    counterStep(context.organizationId, GROUP_COUNTER, 1),
    auditStep({ ...context, action: 'group.created', target: { type: 'group', id }, details: { displayName: item.displayName, externalId: getMember(resource, 'externalId'), memberCount: members.length } }),
  ];
  // Each member is a membership and its user's group summary update, plus the chunk's audit entry and counter.
  if (2 * members.length + final.length + 3 <= MAX_TRANSACTION_ITEMS) {
    await writeMembership(context, id, { add: members, remove: [] }, displays, final);
  } else {
    // Create the group first so its members never point at a group that does not exist.
    await transact(final);
    await writeMembership(context, id, { add: members, remove: [] }, displays, []);
  }
  addMetric(metric.scimOperations, 1, { resourceType: 'Group', kind: 'create' });
  return toScimGroup(item, members.map((userId) => ({ value: userId, display: displays.get(userId), type: 'User', $ref: resourceLocation('Users', userId) })));
}

async function currentMemberIds(organizationId: string, groupId: string, ids?: readonly string[]): Promise<Set<string>> {
  const memberships: MembershipRecord[] = ids ? await groups.membershipsAmong(organizationId, groupId, ids) : await groups.membersOf(organizationId, groupId);
  return new Set(memberships.map((membership) => membership.userId));
}

function groupUpdateStep(before: GroupRecord, after: GroupRecord | undefined): TransactionStep {
  if (after) return groups.putStep(after, { expectedVersion: before.version, onConflict: () => new ConcurrentChangeError(`Group ${before.id} was changed concurrently.`) });
  // Membership-only change: bump the version atomically, so concurrent member changes never conflict.
  return groups.touchStep(before.organizationId, before.id, new Date().toISOString(), () => notFound(before.id));
}

/**
 * Applies a change to a group: attribute changes with optimistic concurrency (retried), member
 * changes as idempotent per-member writes. Adds of present members and removes of absent ones
 * are no-ops.
 */
async function changeGroup(
  context: ScimContext,
  id: string,
  ifMatch: string | undefined,
  plan: (before: GroupRecord) => Promise<{ resource: ScimObject; changed: string[]; members: { add: string[]; remove: string[]; replaceAll?: string[] | undefined; removeAll?: boolean | undefined } }>,
): Promise<GroupRecord> {
  return retryOnConflict(async () => {
    const before = await loadGroup(context.organizationId, id);
    assertScimWritable(before, 'Group');
    assertIfMatch(ifMatch, before);
    const { resource, changed, members } = await plan(before);
    let delta: MemberDelta;
    if (members.replaceAll !== undefined || members.removeAll) {
      const present = await currentMemberIds(context.organizationId, id);
      const target = new Set(members.replaceAll ?? members.add);
      delta = { add: [...target].filter((userId) => !present.has(userId)), remove: [...present].filter((userId) => !target.has(userId)) };
    } else {
      const present = await currentMemberIds(context.organizationId, id, [...members.add, ...members.remove]);
      delta = { add: [...new Set(members.add)].filter((userId) => !present.has(userId)), remove: [...new Set(members.remove)].filter((userId) => present.has(userId)) };
    }
    const displays = await resolveNewMembers(context.organizationId, delta.add);
    if (changed.length === 0 && delta.add.length === 0 && delta.remove.length === 0) return before;
    const after = changed.length > 0 ? groupRecord(context.organizationId, id, resource, before, new Date().toISOString()) : undefined;
    const final: TransactionStep[] = [
      groupUpdateStep(before, after),
      ...(changed.length > 0 ? [auditStep({ ...context, action: 'group.updated', target: { type: 'group', id }, details: { changedAttributes: changed } })] : []),
    ];
    await writeMembership(context, id, delta, displays, final);
    return after ?? { ...before, version: before.version + 1, updatedAt: new Date().toISOString() };
  });
}

/**
 * The most member changes the fast path writes: they, their users' group summary updates, the
 * group's version bump, two audit entries and their day counter stay inside one transaction.
 */
const FAST_PATH_MAX_MEMBERS = 45;

/**
 * The fast path of a PATCH that only adds and removes listed members (what Entra ID and Okta send
 * for every membership change): one strongly consistent BatchGetItem reads the group with the new
 * members (their names go on the memberships; the group's version is the answer's ETag), then one
 * transaction writes the changes with everything the slow path reads first as conditions — each
 * added member absent (put-if-absent), each removed member present, the group still at the version
 * read (so an If-Match checked against it still holds) and still writable by SCIM (not synchronised
 * from a directory). Three round trips with the rate limit's for a single member change.
 *
 * Returns undefined — nothing written — whenever the slow path must decide: the group missing, read-only
 * or not at the If-Match version, a new member unknown or invisible to SCIM, a condition failing
 * (a no-op add of a present member, a remove of a non-member, a concurrent change). The slow path
 * then answers with its exact errors and no-op semantics (404, 403, 412, 400, 204 without an audit entry).
 */
async function tryMemberOnlyPatch(context: ScimContext, id: string, ifMatch: string | undefined, plan: GroupMemberPlan): Promise<GroupRecord | undefined> {
  const { add, remove } = plan;
  const count = add.length + remove.length;
  if (plan.otherOps.length > 0 || plan.replaceAll !== undefined || plan.removeAll || count === 0 || count > FAST_PATH_MAX_MEMBERS) return undefined;
  if (!isUuid(id) || ![...add, ...remove].every(isUuid)) return undefined;
  const { group, users: found } = await groups.byIdWithUsers(context.organizationId, id, add);
  if (!group || typeof group.version !== 'number' || !scimWritable(group) || !ifMatchHolds(ifMatch, group)) return undefined;
  const displays = memberDisplays(found.filter(scimVisible));
  if (add.some((userId) => !displays.has(userId))) return undefined;
  const now = new Date().toISOString();
  const slowPath = () => new ConcurrentChangeError(`Group ${id} changed since it was read; taking the slow path.`);
  const steps: TransactionStep[] = [
    ...add.map((userId) => groups.membershipAddStep(context.organizationId, { groupId: id, userId, display: displays.get(userId) ?? '', addedAt: now }, { onPresent: slowPath })),
    ...(add.length > 0 ? [auditStep({ ...context, action: 'group.member.added', target: { type: 'group', id }, details: { memberIds: add } })] : []),
    ...remove.map((userId) => groups.membershipRemoveStep(context.organizationId, id, userId, { onAbsent: slowPath })),
    ...(remove.length > 0 ? [auditStep({ ...context, action: 'group.member.removed', target: { type: 'group', id }, details: { memberIds: remove } })] : []),
    groups.memberChangeStep(context.organizationId, id, { expectedVersion: group.version, writableSources: SCIM_WRITABLE_SOURCES, now, onFailed: slowPath }),
  ];
  try {
    await transact(steps);
  } catch (error) {
    if (isContention(error)) return undefined;
    throw error;
  }
  return { ...group, version: group.version + 1, updatedAt: now };
}

function ifMatchHolds(ifMatch: string | undefined, group: GroupRecord): boolean {
  try {
    assertIfMatch(ifMatch, group);
    return true;
  } catch (error) {
    if (error instanceof PreconditionFailedError) return false;
    throw error;
  }
}

/** PATCH /Groups/{id}: member operations in any of the dialects the IdPs send, plus attribute operations. */
export async function patchGroup(context: ScimContext, id: string, body: unknown, ifMatch: string | undefined): Promise<GroupRecord> {
  const operations = parsePatchRequest(body);
  const memberPlan = planGroupMemberChanges(operations);
  const changed = await tryMemberOnlyPatch(context, id, ifMatch, memberPlan);
  const result = changed ?? (await changeGroup(context, id, ifMatch, async (before) => {
    // The id rides along so a client repeating it unchanged (Okta's rename) is not a mutability error.
    const patched = memberPlan.otherOps.length > 0
      ? applyPatch({ ...before.resource, id }, memberPlan.otherOps, 'Group')
      : { resource: { ...before.resource }, changed: [] };
    delete patched.resource.id;
    const displayName = getMember(patched.resource, 'displayName');
    if (typeof displayName !== 'string' || displayName.trim() === '') {
      throw new ValidationError('displayName cannot be removed or emptied.', { scimType: 'mutability', field: 'displayName' });
    }
    assertKeyedAttributesFit(patched.resource, 'Group');
    return { resource: patched.resource, changed: patched.changed, members: memberPlan };
  }));
  addMetric(metric.scimOperations, 1, { resourceType: 'Group', kind: 'patch' });
  return result;
}

/** PUT /Groups/{id}: replaces the attributes and the whole membership. */
export async function replaceGroup(context: ScimContext, id: string, body: unknown, ifMatch: string | undefined): Promise<GroupRecord> {
  const { resource, members } = normalizeGroupInput(body);
  if (isObject(body) && typeof body.id === 'string' && body.id !== id) {
    throw new ValidationError(`The id in the body (${body.id}) does not match the URL.`, { scimType: 'mutability', field: 'id' });
  }
  const replaced = await changeGroup(context, id, ifMatch, async (before) => {
    const previous = before.resource;
    const changed = Object.keys({ ...previous, ...resource }).filter((name) => name !== 'schemas' && JSON.stringify(previous[name]) !== JSON.stringify(resource[name]));
    return { resource, changed, members: { add: [], remove: [], replaceAll: members } };
  });
  addMetric(metric.scimOperations, 1, { resourceType: 'Group', kind: 'replace' });
  return replaced;
}

/**
 * Deletes a group: the group, its counter and its audit entry land together; the membership items
 * are then removed by the `sweep-group-memberships` worker (shared/workers/sweep-group-memberships.ts),
 * audited, however many there are. Until it has run, readers ignore memberships of the deleted group.
 */
export async function deleteGroup(context: ScimContext, id: string, ifMatch: string | undefined): Promise<void> {
  await retryOnConflict(async () => {
    const current = await loadGroup(context.organizationId, id);
    assertScimWritable(current, 'Group');
    assertIfMatch(ifMatch, current);
    await deleteGroupVersion(context, current);
  });
  addMetric(metric.scimOperations, 1, { resourceType: 'Group', kind: 'delete' });
  try {
    await startWorker(sweepGroupMembershipsWorker, { organizationId: context.organizationId, groupId: id });
  } catch (error) {
    // The group is gone whatever happens here, and a retried DELETE would only find it missing, so
    // failing the request could not help: leave the leftovers to readers' filtering and say so.
    logger.error('group deleted but its membership sweep could not be started', { organizationId: context.organizationId, groupId: id, error: error instanceof Error ? error.message : String(error) });
  }
}

async function deleteGroupVersion(context: ScimContext, before: GroupRecord): Promise<void> {
  const id = before.id;
  await transact([
    groups.deleteStep(context.organizationId, id, { expectedVersion: before.version, onConflict: () => new ConcurrentChangeError(`Group ${id} was changed concurrently; retry the delete.`) }),
    counterStep(context.organizationId, GROUP_COUNTER, -1),
    auditStep({ ...context, action: 'group.deleted', target: { type: 'group', id }, details: { displayName: before.displayName } }),
  ]);
}
