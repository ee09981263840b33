import { randomUUID } from 'node:crypto';
import { auditStep, type AuditEvent, type RequestOrigin } from '../audit/audit-entry.ts';
import { ConcurrentChangeError, ConflictError, NotFoundError, ValidationError } from '../errors/domain-errors.ts';
import { counterStep } from '../storage/counters.ts';
import * as groups from '../storage/groups.ts';
import { transact, transactWithCleanup, type TransactionStep } from '../storage/transactions.ts';
import { organizationCorrelation, personChange, type PersonChange } from '../directory/person-correlation.ts';
import * as users from '../storage/users.ts';
import * as userGroupSummaries from '../storage/user-group-summaries.ts';
import type { UserRecord } from '../storage/users.ts';
import { assertPasswordPolicy, hashPassword } from '../identity/passwords.ts';
import { getMember, isObject, type ScimObject } from './json.ts';
import { applyAttributes, applyPatch, parsePatchRequest } from './patch.ts';
import { ENTERPRISE_USER_SCHEMA, USER_SCHEMA, resolveAttributePath } from './schema.ts';
import { assertIfMatch, metaOf } from './resource-store.ts';
import { retryOnConflict } from '../concurrency/optimistic-retry.ts';
import { assertScimWritable, scimVisible } from './visibility.ts';
import { assertKeyedAttributesFit } from './keyed-attributes.ts';
import { mapLimited } from '../concurrency/map-limited.ts';
import { addMetric } from '../observability/metrics.ts';
import * as metric from '../observability/metrics-catalog.ts';

export interface ScimContext {
  organizationId: string;
  actor: AuditEvent['actor'];
  origin: RequestOrigin;
}

/** Attributes a client may send back but never sets (RFC 7643 §2.2 readOnly): ignored on input. */
const IGNORED_ON_INPUT = new Set(['id', 'meta', 'groups', 'schemas']);
const USER_COUNTER = 'users';

function notFound(id: string): NotFoundError {
  return new NotFoundError(`User ${id} was not found.`);
}

/**
 * Turns a POST/PUT body into the stored representation: read-only attributes are dropped,
 * attributes the schema does not define are ignored (IdPs send extra ones), and the rest goes
 * through the PATCH applier (applyAttributes, a path-less add over plain attribute paths) so
 * values are coerced exactly as in PATCH ("True" → true, manager as a bare id, JSON-encoded
 * roles…). The password is split off: it is write-only and never stored in the representation.
 */
export function normalizeUserInput(body: unknown): { resource: ScimObject; password: string | undefined } {
  if (!isObject(body)) throw new ValidationError('The request body must be a SCIM User object.', { scimType: 'invalidSyntax' });
  const value: ScimObject = {};
  for (const [name, attribute] of Object.entries(body)) {
    if (IGNORED_ON_INPUT.has(name.toLowerCase())) continue;
    if (name.toLowerCase() === ENTERPRISE_USER_SCHEMA.toLowerCase() || resolveAttributePath(name, 'User')) value[name] = attribute;
  }
  const { resource } = applyAttributes({ schemas: [USER_SCHEMA] }, value, 'User');
  const password = getMember(resource, 'password');
  for (const key of Object.keys(resource)) if (key.toLowerCase() === 'password') delete resource[key];
  if (password !== undefined && typeof password !== 'string') {
    throw new ValidationError('password must be a string.', { scimType: 'invalidValue', field: 'password' });
  }
  const userName = getMember(resource, 'userName');
  if (typeof userName !== 'string' || userName.trim() === '') {
    throw new ValidationError('userName is required and must be a non-empty string.', { scimType: 'invalidValue', field: 'userName' });
  }
  resource.userName = userName.trim();
  if (getMember(resource, 'active') === undefined) resource.active = true;
  assertKeyedAttributesFit(resource, 'User');
  return { resource, password };
}

/** The user record for a SCIM write: attributes from the SCIM representation, everything else kept from `previous`. */
export function userRecord(organizationId: string, id: string, resource: ScimObject, previous: UserRecord | undefined, hasPassword: boolean, now: string): UserRecord {
  return {
    ...(previous ?? {}),
    id,
    organizationId,
    userName: resource.userName as string,
    active: getMember(resource, 'active') !== false,
    resource,
    hasPassword,
    source: previous?.source ?? 'scim',
    version: (previous?.version ?? 0) + 1,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
  };
}

/** The stored representation (users created before SCIM, e.g. a bootstrap Owner, get a minimal one). */
export function resourceOf(record: UserRecord): ScimObject {
  return { schemas: [USER_SCHEMA], ...record.resource };
}

/** The SCIM representation of a stored user, with its groups (RFC 7643 §4.1.2: readOnly). */
export function toScimUser(record: UserRecord, memberOf: ScimObject[] = []): ScimObject {
  const base: ScimObject = { ...resourceOf(record) };
  const schemas = Array.isArray(base.schemas) ? (base.schemas as string[]) : [USER_SCHEMA];
  delete base.schemas;
  return { schemas, id: record.id, ...base, groups: memberOf, meta: metaOf(record, 'User') };
}

/**
 * The groups a user belongs to, each with its current display name: its memberships from gsi1 (one
 * query, as cheap as reading its summary), then its groups (one BatchGetItem).
 */
export async function userGroups(organizationId: string, userId: string): Promise<ScimObject[]> {
  const memberships = new Map([[userId, (await groups.ofUser(organizationId, userId)).map((membership) => membership.groupId)]]);
  return (await groupReferences(organizationId, memberships)).get(userId) ?? [];
}

/** Membership queries of one list page in flight at once (a page of 100 must not open 100 sockets). */
const GROUPS_QUERY_PARALLELISM = 16;

/**
 * The groups of several users (a list page's `groups`), by user id: their group summaries in one
 * BatchGetItem per 100 users (shared/storage/user-group-summaries.ts), then the display names of
 * every group they name read once for the whole page (BatchGetItem, 100 groups per request).
 * Users without a complete summary (written before summaries existed) have their memberships read
 * with one gsi1 query each (at most GROUPS_QUERY_PARALLELISM at a time), and their organization is
 * noted for the backfill worker. Memberships of groups that no longer exist (awaiting the sweep)
 * are left out. Eventually consistent, as list pages are.
 */
export async function usersGroups(organizationId: string, userIds: readonly string[]): Promise<Map<string, ScimObject[]>> {
  const memberships = await userGroupSummaries.ofUsers(organizationId, userIds);
  const legacy = [...new Set(userIds)].filter((userId) => !memberships.has(userId));
  if (legacy.length > 0) {
    const queried = await mapLimited(legacy, GROUPS_QUERY_PARALLELISM, async (userId) => [userId, (await groups.ofUser(organizationId, userId)).map((membership) => membership.groupId)] as const);
    for (const [userId, groupIds] of queried) memberships.set(userId, groupIds);
    await userGroupSummaries.notePending(organizationId);
  }
  return groupReferences(organizationId, memberships);
}

/** Group references (RFC 7643 §4.1.2 `groups`) by user, from group ids by user: the groups are read once (BatchGetItem); ids of deleted groups are left out. */
async function groupReferences(organizationId: string, memberships: Map<string, string[]>): Promise<Map<string, ScimObject[]>> {
  const groupIds = [...new Set([...memberships.values()].flat())];
  const found = new Map((groupIds.length === 0 ? [] : await groups.byIds(organizationId, groupIds)).map((group) => [group.id, group] as const));
  const result = new Map<string, ScimObject[]>();
  for (const userId of memberships.keys()) {
    const references = (memberships.get(userId) ?? [])
      .flatMap((groupId) => {
        const group = found.get(groupId);
        return group ? [{ value: group.id, display: group.displayName, type: 'direct', $ref: `../Groups/${group.id}` }] : [];
      })
      .sort((a, b) => String(a.display).localeCompare(String(b.display)));
    result.set(userId, references);
  }
  return result;
}

/**
 * A SCIM-provisioned user. Local accounts (an organization's first Owner) are not SCIM resources:
 * an IdP can neither see nor deactivate them, and their userNames stay reserved (409).
 */
export async function loadUser(organizationId: string, id: string): Promise<UserRecord> {
  const record = await users.byId(organizationId, id);
  if (!record || !scimVisible(record)) throw notFound(id);
  return record;
}

function uniquenessError(userName: string): ConflictError {
  return new ConflictError(`A user with userName '${userName}' already exists.`, { scimType: 'uniqueness', field: 'userName' });
}

function loginTakenError(userName: string): ConflictError {
  return new ConflictError(`'${userName}' already signs in with a password in another organization; provision this user without a password.`, {
    scimType: 'uniqueness',
    field: 'password',
  });
}

/** The steps that keep the userName claim and the password sign-in identity in line with a change. */
async function identitySteps(organizationId: string, id: string, before: UserRecord | undefined, userName: string, password: string | undefined): Promise<TransactionStep[]> {
  const steps: TransactionStep[] = [];
  const previousName = before?.userName;
  const renamed = previousName === undefined || previousName.toLowerCase() !== userName.toLowerCase();
  if (renamed) {
    steps.push(users.claimUserNameStep(organizationId, userName, id, () => uniquenessError(userName)));
    if (previousName !== undefined) steps.push(users.releaseUserNameStep(organizationId, previousName));
  }
  const hadPassword = before?.hasPassword === true;
  if (password !== undefined) {
    assertPasswordPolicy(password);
    // The sign-in identity may be replaced only if it is this user's own.
    steps.push(users.putLoginIdentityStep({ email: userName, organizationId, userId: id, passwordHash: await hashPassword(password) }, () => loginTakenError(userName)));
    if (hadPassword && renamed && previousName) steps.push(users.deleteLoginIdentityStep(previousName, id));
  } else if (hadPassword && renamed && previousName) {
    // IdPs rename people (a new email) without sending a password: the sign-in identity moves to
    // the new name with the same password hash. The user's version condition on the same
    // transaction makes a concurrent password change retry this rename rather than lose it.
    const identity = await users.loginIdentityByEmail(previousName, { consistent: true });
    if (identity && identity.userId === id && identity.organizationId === organizationId) {
      steps.push(users.putLoginIdentityStep({ ...identity, email: userName }, () => loginTakenError(userName)));
      steps.push(users.deleteLoginIdentityStep(previousName, id));
    }
  }
  return steps;
}

function guardedPut(record: UserRecord, before: UserRecord | undefined): TransactionStep {
  return users.putStep(record, {
    expectedVersion: before?.version,
    onConflict: before ? () => new ConcurrentChangeError(`User ${record.id} was changed concurrently.`) : () => new ConflictError('User id collision; retry.'),
  });
}

/**
 * The writes that disable an account (`active: false`, roles and memberships kept), with its
 * `user.deactivated` audit entry, guarded by the user's version — the state a SCIM deactivation
 * leaves. Used by access review revokes of an account, whatever the user's source.
 */
export function deactivationSteps(context: ScimContext, before: UserRecord, details: Record<string, unknown> = {}): TransactionStep[] {
  const after: UserRecord = { ...before, active: false, resource: { ...before.resource, active: false }, version: before.version + 1, updatedAt: new Date().toISOString() };
  return [guardedPut(after, before), auditStep({ ...context, action: 'user.deactivated', target: { type: 'user', id: before.id }, details: { changedAttributes: ['active'], ...details } })];
}

/**
 * The person steps of a SCIM user write (shared/directory/person-correlation.ts), by the
 * organization's rule, in the write's own transaction: a create links or founds a person, a
 * change moves the user's correlation keys (nothing when they and its name are unchanged), a
 * delete unlinks it (and removes a person left with no objects). What happened goes into the
 * write's own audit entry (`person`), so the request still writes one entry.
 */
async function correlation(context: ScimContext, before: UserRecord | undefined, after: UserRecord | undefined): Promise<PersonChange> {
  return personChange(context.organizationId, { before, after, rule: await organizationCorrelation(context.organizationId) });
}

function personDetails(change: PersonChange): Record<string, unknown> {
  return change.details ? { person: change.details } : {};
}

function changeAction(before: UserRecord, after: UserRecord): string {
  if (before.active !== false && after.active === false) return 'user.deactivated';
  if (before.active === false && after.active !== false) return 'user.reactivated';
  return 'user.updated';
}

export async function createUser(context: ScimContext, body: unknown): Promise<ScimObject> {
  const { resource, password } = normalizeUserInput(body);
  const id = randomUUID();
  const now = new Date().toISOString();
  const item = userRecord(context.organizationId, id, resource, undefined, password !== undefined, now);
  const identity = await identitySteps(context.organizationId, id, undefined, item.userName, password);
  // A person or correlation key that changed between its read and this write is read again (the user itself is new).
  await retryOnConflict(async () => {
    const person = await correlation(context, undefined, item);
    await transact([
      guardedPut(item, undefined),
      ...identity,
      counterStep(context.organizationId, USER_COUNTER, 1),
      auditStep({ ...context, action: 'user.created', target: { type: 'user', id }, details: { userName: item.userName, externalId: getMember(resource, 'externalId'), source: 'scim', ...personDetails(person) } }),
      ...person.steps,
    ]);
  });
  addMetric(metric.scimOperations, 1, { resourceType: 'User', kind: 'create' });
  return toScimUser(item);
}

export async function getUser(organizationId: string, id: string): Promise<{ resource: ScimObject; item: UserRecord }> {
  const item = await loadUser(organizationId, id);
  return { resource: toScimUser(item, await userGroups(organizationId, id)), item };
}

/** Writes a changed user with optimistic concurrency; returns undefined when nothing changed. */
async function writeChange(context: ScimContext, before: UserRecord, resource: ScimObject, password: string | undefined, changed: string[]): Promise<UserRecord | undefined> {
  if (changed.length === 0 && password === undefined) return undefined;
  assertKeyedAttributesFit(resource, 'User');
  const item = userRecord(context.organizationId, before.id, resource, before, password !== undefined || before.hasPassword === true, new Date().toISOString());
  const person = await correlation(context, before, item);
  await transact([
    guardedPut(item, before),
    ...(await identitySteps(context.organizationId, before.id, before, item.userName, password)),
    auditStep({
      ...context,
      action: changeAction(before, item),
      target: { type: 'user', id: before.id },
      details: { changedAttributes: password !== undefined ? [...changed, 'password'] : changed, ...personDetails(person) },
    }),
    ...person.steps,
  ]);
  return item;
}

/**
 * Runs a read-modify-write until it lands: two concurrent changes to one user never lose an
 * update (the version condition fails for the later one, which re-reads and re-applies, with
 * backoff — shared/concurrency/optimistic-retry.ts). With If-Match the client asked for its own
 * version, so a conflict is its 412 instead.
 */
async function withRetries(organizationId: string, id: string, ifMatch: string | undefined, change: (before: UserRecord) => Promise<UserRecord | undefined>): Promise<UserRecord> {
  return retryOnConflict(async () => {
    const before = await loadUser(organizationId, id);
    assertScimWritable(before, 'User');
    assertIfMatch(ifMatch, before);
    return (await change(before)) ?? before;
  });
}

/** PUT: replaces every attribute the client may set (Okta's update path). */
export async function replaceUser(context: ScimContext, id: string, body: unknown, ifMatch: string | undefined): Promise<ScimObject> {
  const { resource, password } = normalizeUserInput(body);
  if (isObject(body) && typeof body.id === 'string' && body.id !== id) {
    throw new ValidationError(`The id in the body (${body.id}) does not match the URL.`, { scimType: 'mutability', field: 'id' });
  }
  const item = await withRetries(context.organizationId, id, ifMatch, async (before) => {
    const previous = resourceOf(before);
    const changed = Object.keys({ ...previous, ...resource }).filter(
      (name) => name !== 'schemas' && JSON.stringify(previous[name]) !== JSON.stringify(resource[name]),
    );
    return writeChange(context, before, resource, password, changed);
  });
  addMetric(metric.scimOperations, 1, { resourceType: 'User', kind: 'replace' });
  return toScimUser(item, await userGroups(context.organizationId, id));
}

/** PATCH: RFC 7644 §3.5.2 operations, with the IdP dialects the applier understands. */
export async function patchUser(context: ScimContext, id: string, body: unknown, ifMatch: string | undefined): Promise<ScimObject> {
  const operations = parsePatchRequest(body);
  const item = await withRetries(context.organizationId, id, ifMatch, async (before) => {
    // The id rides along so a client repeating it unchanged is not a mutability error.
    const patched = applyPatch({ ...resourceOf(before), id }, operations, 'User', { createOnReplaceNoMatch: true });
    const resource = patched.resource;
    delete resource.id;
    const password = getMember(resource, 'password');
    for (const key of Object.keys(resource)) if (key.toLowerCase() === 'password') delete resource[key];
    if (password !== undefined && typeof password !== 'string') throw new ValidationError('password must be a string.', { scimType: 'invalidValue', field: 'password' });
    const userName = getMember(resource, 'userName');
    if (typeof userName !== 'string' || userName.trim() === '') {
      throw new ValidationError('userName cannot be removed or emptied.', { scimType: 'mutability', field: 'userName' });
    }
    return writeChange(context, before, resource, password, patched.changed.filter((name) => name.toLowerCase() !== 'password'));
  });
  addMetric(metric.scimOperations, 1, { resourceType: 'User', kind: 'patch' });
  return toScimUser(item, await userGroups(context.organizationId, id));
}

/**
 * Deletes a user for good: the user, its userName claim, its sign-in identity and every group
 * membership, with one `user.deleted` entry naming the groups it left. A user in more groups than
 * one transaction holds leaves them first, in chunks audited as `user.memberships.removed`.
 */
export async function deleteUser(context: ScimContext, id: string, ifMatch: string | undefined): Promise<void> {
  await retryOnConflict(async () => {
    const before = await loadUser(context.organizationId, id);
    assertScimWritable(before, 'User');
    assertIfMatch(ifMatch, before);
    await deleteUserVersion(context, before);
  });
  addMetric(metric.scimOperations, 1, { resourceType: 'User', kind: 'delete' });
}

async function deleteUserVersion(context: ScimContext, before: UserRecord): Promise<void> {
  const id = before.id;
  const memberships = await groups.ofUser(context.organizationId, id);
  const removals = memberships.map((membership) => groups.membershipRemoveStep(context.organizationId, membership.groupId, id));
  const unlink = await correlation(context, before, undefined);
  await transactWithCleanup(
    removals,
    (removalsIncluded) => [
      users.deleteStep(context.organizationId, id, { expectedVersion: before.version, onConflict: () => new ConcurrentChangeError(`User ${id} was changed concurrently; retry the delete.`) }),
      users.releaseUserNameStep(context.organizationId, before.userName),
      ...(before.hasPassword ? [users.deleteLoginIdentityStep(before.userName, id)] : []),
      counterStep(context.organizationId, USER_COUNTER, -1),
      auditStep({
        ...context,
        action: 'user.deleted',
        target: { type: 'user', id },
        details: { userName: before.userName, removedFromGroups: removalsIncluded ? memberships.map((membership) => membership.groupId) : [], ...personDetails(unlink) },
      }),
      ...unlink.steps,
    ],
    (chunk) => [auditStep({ ...context, action: 'user.memberships.removed', target: { type: 'user', id }, details: { groupIds: chunk.map((step) => memberships[removals.indexOf(step)]?.groupId), reason: 'user.deleted' } })],
  );
}

export { USER_COUNTER };
