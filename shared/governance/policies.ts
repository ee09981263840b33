/**
 * Policies and violations (Directory API seed, "Policies & Violations"; issue 14): policy CRUD,
 * enable/disable, violation listing (the seed's SIEM query `GET /api/violations?severity=critical&status=open`),
 * acknowledgement and exceptions. Every change is audited in its own transaction; each policy
 * change starts the `policy-sweep` worker, which evaluates the policy over the organization (or
 * resolves its violations when it was disabled or deleted).
 */
import { randomUUID } from 'node:crypto';
import { auditStep } from '../audit/audit-entry.ts';
import { ConcurrentChangeError, ConflictError, NotFoundError, ValidationError } from '../errors/domain-errors.ts';
import { pageOf, type DirectoryPage } from '../directory/pages.ts';
import { scimConnectionId } from '../directory/scim-connection.ts';
import { builtInRole } from '../identity/built-in-roles.ts';
import * as connections from '../storage/connections.ts';
import * as groups from '../storage/groups.ts';
import * as store from '../storage/policies.ts';
import type { PolicyDefinition, PolicyRecord, Severity, ViolationDecision, ViolationRecord, ViolationStatus } from '../storage/policies.ts';
import * as roles from '../storage/roles.ts';
import { transact } from '../storage/transactions.ts';
import * as users from '../storage/users.ts';
import { isUuid } from '../uuid.ts';
import { startWorker } from '../workers/start-worker.ts';
import { policySweepWorker } from '../workers/payloads.ts';
import type { Caller } from './access-reviews.ts';
import { DEFAULT_SEVERITY, referencedIds } from './policy-rules.ts';
import { parameterSchemas, type PolicyCreateInput, type PolicyUpdateInput } from './policy-schemas.ts';

export interface PolicyView {
  id: string;
  name: string;
  description: string | null;
  type: PolicyDefinition['type'];
  parameters: PolicyDefinition['parameters'];
  severity: Severity;
  enabled: boolean;
  /** Open, acknowledged and ignored violations of the policy now. */
  unresolvedViolations: number;
  createdAt: string;
  updatedAt: string;
}

export interface ViolationView {
  id: string;
  policyId: string;
  policyName: string;
  policyType: PolicyDefinition['type'];
  severity: Severity;
  userId: string;
  userName: string;
  displayName: string;
  status: ViolationStatus;
  summary: string;
  evidence: Record<string, unknown>;
  openedAt: string;
  acknowledgement: { by: { type: string; id: string }; at: string; reason: string } | null;
  exception: { by: { type: string; id: string }; at: string; reason: string; expiresAt: string | null } | null;
  reopenedAt: string | null;
  resolvedAt: string | null;
  resolution: string | null;
  updatedAt: string;
}

function policyView(record: PolicyRecord, unresolved: number): PolicyView {
  return {
    id: record.id,
    name: record.name,
    description: record.description ?? null,
    type: record.type,
    parameters: record.parameters,
    severity: record.severity,
    enabled: record.enabled,
    unresolvedViolations: unresolved,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}

const decisionView = (decision: ViolationDecision) => ({ by: { type: decision.by.actorType, id: decision.by.actorId }, at: decision.at, reason: decision.reason });

/** The Directory API view of one violation. */
export function violationView(record: ViolationRecord): ViolationView {
  return {
    id: record.id,
    policyId: record.policyId,
    policyName: record.policyName,
    policyType: record.policyType,
    severity: record.severity,
    userId: record.userId,
    userName: record.userName,
    displayName: record.displayName,
    status: record.status,
    summary: record.summary,
    evidence: record.evidence,
    openedAt: record.openedAt,
    acknowledgement: record.acknowledgement ? decisionView(record.acknowledgement) : null,
    exception: record.exception ? { ...decisionView(record.exception), expiresAt: record.exception.expiresAt ?? null } : null,
    reopenedAt: record.reopenedAt ?? null,
    resolvedAt: record.resolvedAt ?? null,
    resolution: record.resolution ?? null,
    updatedAt: record.updatedAt,
  };
}

const policyNotFound = (id: string) => new NotFoundError(`Policy with ID '${id}' was not found`);
const violationNotFound = (id: string) => new NotFoundError(`Violation with ID '${id}' was not found`);
const policyChanged = (id: string) => new ConcurrentChangeError(`Policy ${id} was changed concurrently; retry.`);
const violationChanged = (id: string) => new ConcurrentChangeError(`Violation ${id} was changed concurrently; retry.`);

/**
 * Checks that what a policy's parameters name exists in the organization.
 *
 * @throws ValidationError naming the first unknown group, role, user or connection.
 */
async function assertReferences(organizationId: string, definition: PolicyDefinition): Promise<void> {
  const wanted = referencedIds(definition);
  const foundGroups = new Set((await groups.byIds(organizationId, wanted.groupIds)).map((group) => group.id));
  const missingGroup = wanted.groupIds.find((id) => !foundGroups.has(id));
  if (missingGroup) throw new ValidationError(`Group with ID '${missingGroup}' was not found.`, { field: 'parameters' });
  const custom = wanted.roleIds.filter((id) => !builtInRole(id));
  const badRole = custom.find((id) => !isUuid(id));
  if (badRole) throw new ValidationError(`Role with ID '${badRole}' was not found.`, { field: 'parameters' });
  const foundRoles = new Set((await roles.byIds(organizationId, custom)).map((role) => role.id));
  const missingRole = custom.find((id) => !foundRoles.has(id));
  if (missingRole) throw new ValidationError(`Role with ID '${missingRole}' was not found.`, { field: 'parameters' });
  const foundUsers = new Set((await users.byIds(organizationId, wanted.userIds)).map((user) => user.id));
  const missingUser = wanted.userIds.find((id) => !foundUsers.has(id));
  if (missingUser) throw new ValidationError(`User with ID '${missingUser}' was not found.`, { field: 'parameters' });
  for (const connectionId of wanted.connectionIds) {
    const known = connectionId === scimConnectionId(organizationId) || (await connections.byId(organizationId, connectionId)) !== undefined;
    if (!known) throw new ValidationError(`Connection with ID '${connectionId}' was not found.`, { field: 'parameters' });
  }
}

/** The policy's parameters validated against its type (PATCH sends them untyped). @throws ValidationError. */
function typedParameters(type: PolicyDefinition['type'], parameters: unknown): PolicyDefinition['parameters'] {
  const parsed = parameterSchemas[type]().safeParse(parameters);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(`parameters${issue?.path.length ? `.${issue.path.join('.')}` : ''}: ${issue?.message ?? 'invalid'} (for a ${type} policy)`, { field: 'parameters' });
  }
  return parsed.data as PolicyDefinition['parameters'];
}

async function unresolvedCounts(organizationId: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const claim of await store.claims(organizationId)) counts.set(claim.policyId, (counts.get(claim.policyId) ?? 0) + 1);
  return counts;
}

async function sweepLater(organizationId: string, policyId: string): Promise<void> {
  await startWorker(policySweepWorker, { organizationId, policyId });
}

/** GET /api/policies — by name, filtered by type and enabled. */
export async function listPolicies(caller: Caller, query: { page: number; pageSize: number; type?: PolicyDefinition['type'] | undefined; enabled?: 'true' | 'false' | undefined }): Promise<DirectoryPage<PolicyView>> {
  const [all, counts] = await Promise.all([store.policies(caller.organizationId), unresolvedCounts(caller.organizationId)]);
  const matching = all
    .filter((policy) => (query.type === undefined || policy.type === query.type) && (query.enabled === undefined || String(policy.enabled) === query.enabled))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  const page = pageOf(matching, query.page, query.pageSize);
  return { ...page, data: page.data.map((policy) => policyView(policy, counts.get(policy.id) ?? 0)) };
}

async function loadPolicy(organizationId: string, policyId: string): Promise<PolicyRecord> {
  const policy = await store.policyById(organizationId, policyId);
  if (!policy) throw policyNotFound(policyId);
  return policy;
}

/** GET /api/policies/{id}. @throws NotFoundError. */
export async function getPolicy(caller: Caller, policyId: string): Promise<PolicyView> {
  const policy = await loadPolicy(caller.organizationId, policyId);
  return policyView(policy, (await store.claims(caller.organizationId, policyId)).length);
}

/**
 * POST /api/policies — a policy of a built-in type; enabled ones are evaluated over the
 * organization right away (policy-sweep worker), then on every relevant change.
 *
 * @throws ValidationError when a group, role, user or connection the parameters name does not exist.
 */
export async function createPolicy(caller: Caller, input: PolicyCreateInput): Promise<PolicyView> {
  const { organizationId } = caller;
  const definition = { type: input.type, parameters: input.parameters } as PolicyDefinition;
  await assertReferences(organizationId, definition);
  const now = new Date().toISOString();
  const record = {
    ...definition,
    id: randomUUID(),
    organizationId,
    name: input.name,
    ...(input.description !== undefined ? { description: input.description } : {}),
    severity: input.severity ?? DEFAULT_SEVERITY[input.type],
    enabled: input.enabled,
    createdBy: caller.actor,
    version: 1,
    createdAt: now,
    updatedAt: now,
  } as PolicyRecord;
  await transact([
    store.policyPutStep(record, { expectedVersion: undefined, onConflict: () => new ConflictError('Policy id collision; retry.') }),
    auditStep({ organizationId, action: 'policy.created', actor: caller.actor, origin: caller.origin, target: { type: 'policy', id: record.id }, details: { name: record.name, type: record.type, parameters: record.parameters, severity: record.severity, enabled: record.enabled } }),
  ]);
  if (record.enabled) await sweepLater(organizationId, record.id);
  return policyView(record, 0);
}

/**
 * PATCH /api/policies/{id} — name, description, severity, parameters (validated against the
 * policy's type). Changed parameters re-evaluate the policy over the organization; violations
 * opened before keep the severity they were opened with.
 *
 * @throws NotFoundError, ValidationError, ConcurrentChangeError.
 */
export async function updatePolicy(caller: Caller, policyId: string, input: PolicyUpdateInput): Promise<PolicyView> {
  const { organizationId } = caller;
  const current = await loadPolicy(organizationId, policyId);
  const parameters = input.parameters !== undefined ? typedParameters(current.type, input.parameters) : current.parameters;
  const definition = { type: current.type, parameters } as PolicyDefinition;
  if (input.parameters !== undefined) await assertReferences(organizationId, definition);
  const { description: _description, ...rest } = current;
  const description = input.description === undefined ? current.description : (input.description ?? undefined);
  const next = {
    ...rest,
    ...definition,
    name: input.name ?? current.name,
    ...(description !== undefined ? { description } : {}),
    severity: input.severity ?? current.severity,
    version: current.version + 1,
    updatedAt: new Date().toISOString(),
  } as PolicyRecord;
  const changedFields = (['name', 'description', 'severity', 'parameters'] as const).filter((field) => JSON.stringify(current[field]) !== JSON.stringify(next[field]));
  if (changedFields.length === 0) return getPolicy(caller, policyId);
  await transact([
    store.policyPutStep(next, { expectedVersion: current.version, onConflict: () => policyChanged(policyId) }),
    auditStep({ organizationId, action: 'policy.updated', actor: caller.actor, origin: caller.origin, target: { type: 'policy', id: policyId }, details: { changedAttributes: changedFields, ...(changedFields.includes('parameters') ? { parameters } : {}) } }),
  ]);
  if (next.enabled && changedFields.includes('parameters')) await sweepLater(organizationId, policyId);
  return getPolicy(caller, policyId);
}

/** POST /api/policies/{id}/enable and /disable — disabling resolves its violations (`policy disabled`). @throws NotFoundError. */
export async function setPolicyEnabled(caller: Caller, policyId: string, enabled: boolean): Promise<PolicyView> {
  const { organizationId } = caller;
  const current = await loadPolicy(organizationId, policyId);
  if (current.enabled === enabled) return getPolicy(caller, policyId);
  const next = { ...current, enabled, version: current.version + 1, updatedAt: new Date().toISOString() } as PolicyRecord;
  await transact([
    store.policyPutStep(next, { expectedVersion: current.version, onConflict: () => policyChanged(policyId) }),
    auditStep({ organizationId, action: enabled ? 'policy.enabled' : 'policy.disabled', actor: caller.actor, origin: caller.origin, target: { type: 'policy', id: policyId }, details: { name: current.name, type: current.type } }),
  ]);
  await sweepLater(organizationId, policyId);
  return getPolicy(caller, policyId);
}

/** DELETE /api/policies/{id} — its violations resolve (`policy deleted`) and stay listed. @throws NotFoundError. */
export async function deletePolicy(caller: Caller, policyId: string): Promise<void> {
  const { organizationId } = caller;
  const current = await loadPolicy(organizationId, policyId);
  await transact([
    store.policyDeleteStep(organizationId, policyId, { expectedVersion: current.version, onConflict: () => policyChanged(policyId) }),
    auditStep({ organizationId, action: 'policy.deleted', actor: caller.actor, origin: caller.origin, target: { type: 'policy', id: policyId }, details: { name: current.name, type: current.type } }),
  ]);
  await sweepLater(organizationId, policyId);
}

export interface ViolationQuery {
  page: number;
  pageSize: number;
  status: ViolationStatus | 'all';
  severity?: Severity | undefined;
  policyId?: string | undefined;
  userId?: string | undefined;
  /** Epoch ms. */
  since?: number | undefined;
}

/**
 * GET /api/violations (and a policy's violations) — newest first. Unresolved statuses read the
 * sparse unresolved index, a policy's violations its own index, and `since` is a key condition.
 */
export async function listViolations(caller: Caller, query: ViolationQuery): Promise<DirectoryPage<ViolationView>> {
  const unresolvedOnly = query.status === 'open' || query.status === 'acknowledged' || query.status === 'ignored';
  const records = await store.violations(caller.organizationId, { since: query.since, unresolvedOnly, policyId: query.policyId });
  const matching = records.filter(
    (record) =>
      (query.status === 'all' || record.status === query.status) &&
      (query.severity === undefined || record.severity === query.severity) &&
      (query.userId === undefined || record.userId === query.userId) &&
      (query.policyId === undefined || record.policyId === query.policyId),
  );
  const page = pageOf(matching, query.page, query.pageSize);
  return { ...page, data: page.data.map(violationView) };
}

/** GET /api/policies/{id}/violations. @throws NotFoundError for an unknown policy (its violations outlive it only in /api/violations). */
export async function listPolicyViolations(caller: Caller, policyId: string, query: Omit<ViolationQuery, 'policyId'>): Promise<DirectoryPage<ViolationView>> {
  await loadPolicy(caller.organizationId, policyId);
  return listViolations(caller, { ...query, policyId });
}

async function loadViolation(organizationId: string, violationId: string): Promise<ViolationRecord> {
  const violation = await store.violationById(organizationId, violationId);
  if (!violation) throw violationNotFound(violationId);
  return violation;
}

/** GET /api/violations/{id}. @throws NotFoundError. */
export async function getViolation(caller: Caller, violationId: string): Promise<ViolationView> {
  return violationView(await loadViolation(caller.organizationId, violationId));
}

/** Records a person's decision on an unresolved violation: the violation, its claim and the audit entry in one transaction. */
async function decide(caller: Caller, violationId: string, decision: { status: 'acknowledged' | 'ignored'; reason: string; expiresAt?: string | undefined }): Promise<ViolationView> {
  const { organizationId } = caller;
  const violation = await loadViolation(organizationId, violationId);
  if (violation.status === 'resolved') throw new ConflictError(`Violation ${violationId} is resolved (${violation.resolution ?? 'resolved'}); there is nothing to ${decision.status === 'ignored' ? 'ignore' : 'acknowledge'}.`);
  if (decision.status === 'acknowledged' && violation.status !== 'open') throw new ConflictError(`Violation ${violationId} is ${violation.status}; only an open violation can be acknowledged.`);
  const at = new Date().toISOString();
  const record: ViolationDecision = { by: caller.actor, at, reason: decision.reason, ...(decision.expiresAt ? { expiresAt: decision.expiresAt } : {}) };
  const next: ViolationRecord = {
    ...violation,
    status: decision.status,
    ...(decision.status === 'acknowledged' ? { acknowledgement: record } : { exception: record }),
    version: violation.version + 1,
    updatedAt: at,
  };
  const claims = await store.claimsOf(organizationId, [{ policyId: violation.policyId, userId: violation.userId }]);
  const claim = claims[0];
  await transact([
    store.violationPutStep(next, { expectedVersion: violation.version, onConflict: () => violationChanged(violationId) }),
    store.claimUpdateStep(
      { organizationId, policyId: violation.policyId, userId: violation.userId, violationId, status: decision.status, version: next.version, refs: claim?.refs ?? [], ...(decision.expiresAt ? { expiresAt: decision.expiresAt } : {}) },
      () => violationChanged(violationId),
    ),
    auditStep({
      organizationId,
      action: decision.status === 'acknowledged' ? 'violation.acknowledged' : 'violation.ignored',
      actor: caller.actor,
      origin: caller.origin,
      target: { type: 'violation', id: violationId },
      details: { policyId: violation.policyId, policyType: violation.policyType, userId: violation.userId, severity: violation.severity, reason: decision.reason, ...(decision.expiresAt ? { expiresAt: decision.expiresAt } : {}) },
    }),
  ]);
  return violationView(next);
}

/** POST /api/violations/{id}/acknowledge — seen and being handled; still resolves by itself. @throws NotFoundError, ConflictError (not open). */
export async function acknowledgeViolation(caller: Caller, violationId: string, input: { reason: string }): Promise<ViolationView> {
  return decide(caller, violationId, { status: 'acknowledged', reason: input.reason });
}

/**
 * POST /api/violations/{id}/ignore — an accepted exception, optionally until `expiresAt`: then it
 * opens again if the condition still holds (the hourly sweep). Still resolves by itself.
 *
 * @throws NotFoundError, ConflictError (resolved), ValidationError (expiresAt not in the future).
 */
export async function ignoreViolation(caller: Caller, violationId: string, input: { reason: string; expiresAt?: string | undefined }): Promise<ViolationView> {
  if (input.expiresAt !== undefined && Date.parse(input.expiresAt) <= Date.now()) throw new ValidationError('expiresAt must be in the future.', { field: 'expiresAt' });
  return decide(caller, violationId, { status: 'ignored', reason: input.reason, expiresAt: input.expiresAt });
}
