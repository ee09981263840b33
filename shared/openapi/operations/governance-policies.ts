import * as z from '../../zod-mini.ts';
import * as contracts from '../../governance/policy-schemas.ts';
import type { ExampleDoc, OperationDocs, ResponseDoc } from '../operation-docs.ts';

const uuid = z.uuid();
const timestamp = z.string().check(z.meta({ description: 'ISO 8601 UTC' }));
const actorRef = z.object({ type: z.string().check(z.meta({ description: 'user, client or system' })), id: z.string() });

export const policyView = z.object({
    id: uuid,
    name: z.string(),
    description: z.nullable(z.string()),
    type: z.enum(contracts.policyTypes),
    parameters: z.record(z.string(), z.unknown()).check(z.meta({ description: 'Typed per policy type (see the create request)' })),
    severity: z.enum(contracts.severities),
    enabled: z.boolean(),
    unresolvedViolations: z.int().check(z.meta({ description: 'Open, acknowledged and ignored violations now' })),
    createdAt: timestamp,
    updatedAt: timestamp,
  }).check(z.meta({ description: 'A policy' }));
export const policyList = z.object({ data: z.array(policyView), totalCount: z.int(), page: z.int(), pageSize: z.int() });

export const violationView = z.object({
    id: z.string().check(z.meta({ description: 'A ULID (time-ordered by when the violation opened)' })),
    policyId: uuid,
    policyName: z.string(),
    policyType: z.enum(contracts.policyTypes),
    severity: z.enum(contracts.severities).check(z.meta({ description: "The policy's severity when the violation opened" })),
    userId: uuid,
    userName: z.string().check(z.meta({ description: 'As when the violation opened' })),
    displayName: z.string(),
    status: z.enum(contracts.violationStatuses),
    summary: z.string().check(z.meta({ description: 'What holds, in one sentence' })),
    evidence: z.record(z.string(), z.unknown()).check(z.meta({ description: 'What grants the access or makes the condition hold: groups and roles (with the group granting each), last sign-in, person, manager…' })),
    openedAt: timestamp,
    acknowledgement: z.nullable(z.object({ by: actorRef, at: timestamp, reason: z.string() })),
    exception: z.nullable(z.object({ by: actorRef, at: timestamp, reason: z.string(), expiresAt: z.nullable(timestamp) })).check(z.meta({ description: 'The last ignore' })),
    reopenedAt: z.nullable(timestamp).check(z.meta({ description: 'When an exception lapsed and the violation opened again' })),
    resolvedAt: z.nullable(timestamp),
    resolution: z.nullable(z.string()).check(z.meta({ description: '`condition cleared: …`, `policy disabled`, `policy deleted` or `user deleted`' })),
    updatedAt: timestamp,
  }).check(z.meta({ description: 'A violation: one (policy, user) condition, from when it opened until it resolved' }));
export const violationList = z.object({ data: z.array(violationView), totalCount: z.int(), page: z.int(), pageSize: z.int() });

const example = (summary: string, value: unknown): Record<string, ExampleDoc> => ({ example: { summary, value } });
const ok = (description: string, schema: z.ZodMiniType, examples: Record<string, ExampleDoc>): ResponseDoc => ({ description, schema, examples });
const at = '2026-11-30T09:00:00.000Z';
const policy = {
  id: '3d5f7a9b-1c2e-4f6a-8b0d-2e4f6a8c0b1d',
  name: 'Payments vs. approvals',
  description: null,
  type: 'separationOfDuties',
  parameters: { a: { kind: 'group', groupId: '2c4e6a8b-0d1f-4a3c-8e5b-7d9f1a3c5e7b' }, b: { kind: 'role', roleId: '5e7a9c1d-3f5b-4d7e-9a1c-3e5f7a9b1c3d' } },
  severity: 'critical',
  enabled: true,
  unresolvedViolations: 1,
  createdAt: at,
  updatedAt: at,
};
const violation = {
  id: '01JDZ8Q4WJ6Y0M3V5N7R9T1X3Z',
  policyId: policy.id,
  policyName: policy.name,
  policyType: 'separationOfDuties',
  severity: 'critical',
  userId: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  userName: 'ada@example.com',
  displayName: 'Ada Lovelace',
  status: 'open',
  summary: 'Holds group 2c4e6a8b-0d1f-4a3c-8e5b-7d9f1a3c5e7b (through group Payments) and role 5e7a9c1d-3f5b-4d7e-9a1c-3e5f7a9b1c3d (through group Approvers).',
  evidence: {
    a: { kind: 'group', groupId: '2c4e6a8b-0d1f-4a3c-8e5b-7d9f1a3c5e7b', grantedBy: [{ via: 'group', groupId: '2c4e6a8b-0d1f-4a3c-8e5b-7d9f1a3c5e7b', groupName: 'Payments' }] },
    b: { kind: 'role', roleId: '5e7a9c1d-3f5b-4d7e-9a1c-3e5f7a9b1c3d', grantedBy: [{ via: 'group', groupId: '9f1b3d5e-7a9c-4e1f-8b3d-5f7a9c1e3b5d', groupName: 'Approvers' }] },
  },
  openedAt: at,
  acknowledgement: null,
  exception: null,
  reopenedAt: null,
  resolvedAt: null,
  resolution: null,
  updatedAt: at,
};
const resolved = { ...violation, status: 'resolved', resolvedAt: '2026-11-30T09:05:00.000Z', resolution: 'condition cleared: no longer holds role 5e7a9c1d-3f5b-4d7e-9a1c-3e5f7a9b1c3d', updatedAt: '2026-11-30T09:05:00.000Z' };
const conflict = { 409: { description: 'The violation is resolved (or, to acknowledge, not open)' } };

/** Governance routes: policies and violations (seed "Policies & Violations", plus the writes of issue 14). */
export const policyOperations: OperationDocs = {
  'governance-policies-list': {
    tag: 'Policies & Violations',
    description: 'Lists policies by name, with the number of unresolved violations of each.',
    request: contracts.listPoliciesRequest,
    responses: { 200: ok('A page of policies', policyList, example('One policy', { data: [policy], totalCount: 1, page: 1, pageSize: 50 })) },
  },
  'governance-policies-create': {
    tag: 'Policies & Violations',
    description:
      'Creates a policy of a built-in type with typed parameters and a severity (default per type). An enabled policy is evaluated over the organization at once ' +
      '(the policy-sweep worker) and then incrementally on every change that can create or clear a violation. 400 for an unknown type, invalid parameters, or a ' +
      'group, role, user or connection the parameters name that does not exist.',
    request: contracts.createPolicyRequest,
    requestExamples: {
      separationOfDuties: { summary: 'Separation of duties', value: { name: 'Payments vs. approvals', type: 'separationOfDuties', severity: 'critical', parameters: policy.parameters } },
      dormantAccount: { summary: 'Dormant accounts', value: { name: 'No sign-in for 90 days', type: 'dormantAccount', parameters: { days: 90 } } },
      privileged: { summary: 'Privileged group', value: { name: 'Domain admins', type: 'privilegedGroupOutsideApproved', parameters: { groupIds: ['2c4e6a8b-0d1f-4a3c-8e5b-7d9f1a3c5e7b'], approvedUserIds: [violation.userId] } } },
    },
    responses: { 201: ok('The policy (Location: /api/policies/{id})', policyView, example('Created', { ...policy, unresolvedViolations: 0 })) },
  },
  'governance-policies-get': {
    tag: 'Policies & Violations',
    description: 'One policy.',
    pathParameters: { id: 'The policy id' },
    responses: { 200: ok('The policy', policyView, example('A policy', policy)) },
  },
  'governance-policies-update': {
    tag: 'Policies & Violations',
    description: "Changes a policy's name, description, severity or parameters (whole, validated against its type; the type cannot change). Changed parameters re-evaluate the policy over the organization.",
    request: contracts.updatePolicyRequest,
    requestExamples: example('Raise the severity', { severity: 'critical' }),
    pathParameters: { id: 'The policy id' },
    responses: { 200: ok('The changed policy', policyView, example('Changed', policy)) },
  },
  'governance-policies-delete': {
    tag: 'Policies & Violations',
    description: 'Deletes a policy. Its unresolved violations resolve (`policy deleted`) and stay listed under /api/violations.',
    pathParameters: { id: 'The policy id' },
    responses: { 204: { description: 'Deleted' } },
  },
  'governance-policies-enable': {
    tag: 'Policies & Violations',
    description: 'Enables a policy: it is evaluated over the organization at once, then on every relevant change.',
    pathParameters: { id: 'The policy id' },
    responses: { 200: ok('The policy', policyView, example('Enabled', policy)) },
  },
  'governance-policies-disable': {
    tag: 'Policies & Violations',
    description: 'Disables a policy: its unresolved violations resolve (`policy disabled`).',
    pathParameters: { id: 'The policy id' },
    responses: { 200: ok('The policy', policyView, example('Disabled', { ...policy, enabled: false, unresolvedViolations: 0 })) },
  },
  'governance-policy-violations-list': {
    tag: 'Policies & Violations',
    description: "The policy's violations, newest first (default: every status).",
    request: contracts.listPolicyViolationsRequest,
    pathParameters: { id: 'The policy id' },
    responses: { 200: ok('A page of violations', violationList, example('One resolved violation', { data: [resolved], totalCount: 1, page: 1, pageSize: 50 })) },
  },
  'governance-violations-list': {
    tag: 'Policies & Violations',
    description:
      'Violations, newest first — open ones unless `status` says otherwise. The seed\'s SIEM pattern: `GET /api/violations?severity=critical&status=open`. ' +
      'Unknown filter values are a 400.',
    request: contracts.listViolationsRequest,
    responses: { 200: ok('A page of violations', violationList, example('One open critical violation', { data: [violation], totalCount: 1, page: 1, pageSize: 50 })) },
  },
  'governance-violations-get': {
    tag: 'Policies & Violations',
    description: 'One violation with its evidence and history (acknowledgement, exception, resolution).',
    pathParameters: { id: 'The violation id (a ULID)' },
    responses: { 200: ok('The violation', violationView, example('Open', violation)) },
  },
  'governance-violations-acknowledge': {
    tag: 'Policies & Violations',
    description: 'Acknowledges an open violation (seen, being handled), with a reason; audited. It still resolves by itself when the condition clears.',
    request: contracts.acknowledgeViolationRequest,
    requestExamples: example('Acknowledge', { reason: 'Ticket SEC-123: access being removed' }),
    pathParameters: { id: 'The violation id' },
    responses: { 200: ok('The acknowledged violation', violationView, example('Acknowledged', { ...violation, status: 'acknowledged', acknowledgement: { by: { type: 'user', id: violation.userId }, at, reason: 'Ticket SEC-123' } })), ...conflict },
  },
  'governance-violations-ignore': {
    tag: 'Policies & Violations',
    description:
      'Ignores a violation as an accepted exception, with a reason and an optional `expiresAt`: after it the hourly sweep opens the violation again when the condition still holds ' +
      '(audited `violation.reopened`). An ignored violation still resolves by itself when the condition clears.',
    request: contracts.ignoreViolationRequest,
    requestExamples: example('Ignore until a date', { reason: 'Approved exception until the migration ends', expiresAt: '2027-01-31T00:00:00Z' }),
    pathParameters: { id: 'The violation id' },
    responses: {
      200: ok('The ignored violation', violationView, example('Ignored', { ...violation, status: 'ignored', exception: { by: { type: 'user', id: violation.userId }, at, reason: 'Approved exception', expiresAt: '2027-01-31T00:00:00.000Z' } })),
      ...conflict,
    },
  },
};
