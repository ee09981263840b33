/**
 * Request schemas of the policy and violation routes (seed "REST API Reference", "Policies &
 * Violations", plus the writes issue 14 asks for): they validate requests and document the API
 * (shared/openapi). Parameters are typed per policy type (a discriminated union on `type`).
 */
import * as z from '../zod-mini.ts';
import { requestContract } from '../http/request-contract.ts';
import { lazily } from '../lazy.ts';
import { dateOrDateTimeSchema, dateTimeSchema } from '../http/date-time.ts';
import { directoryPaging } from '../directory/schemas.ts';
import { DEFAULT_DORMANT_DAYS } from './policy-rules.ts';

/** Users one privileged-group policy may approve by name, and privileged groups it may list. */
export const MAX_APPROVED_USERS = 500;
export const MAX_PRIVILEGED_GROUPS = 50;

export const severities = ['critical', 'high', 'medium', 'low'] as const;
export const violationStatuses = ['open', 'acknowledged', 'resolved', 'ignored'] as const;
export const policyTypes = ['separationOfDuties', 'dormantAccount', 'disabledWithAccess', 'orphanedAccount', 'privilegedGroupOutsideApproved', 'missingManager'] as const;

const severity = /* @__PURE__ */ lazily(() => z.enum(severities).check(z.meta({ description: 'How serious a violation of the policy is (default per type: separationOfDuties high, dormantAccount medium, disabledWithAccess high, orphanedAccount medium, privilegedGroupOutsideApproved critical, missingManager low)' })));

const entitlementRef = /* @__PURE__ */ lazily(() => z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('group'), groupId: z.uuid().check(z.meta({ description: 'Members of this group (nested members included: sync flattens nesting)' })) }),
    z.strictObject({ kind: z.literal('role'), roleId: z.string().check(z.minLength(1), z.maxLength(64), z.meta({ description: 'Holders of this role, directly or through a group: a built-in id (`owner`, `administrator`, …) or a custom role UUID' })) }),
  ]).check(z.meta({ description: 'A group membership or a role' })));

const uniqueIds = (max: number, what: string) =>
  z.array(z.uuid()).check(z.maxLength(max), z.refine((ids) => new Set(ids).size === ids.length, { message: `must not repeat a ${what}` }));

const separationOfDuties = /* @__PURE__ */ lazily(() => z.strictObject({ a: entitlementRef(), b: entitlementRef() }).check(z.refine((value) => JSON.stringify(value.a) !== JSON.stringify(value.b), { message: 'a and b must name different entitlements', path: ['b'] }), z.meta({ description: 'Holders of A must not also hold B' })));
const dormantAccount = /* @__PURE__ */ lazily(() => z.strictObject({ days: z._default(z.int().check(z.gte(1), z.lte(3650)), DEFAULT_DORMANT_DAYS).check(z.meta({ description: `No sign-in (password, SAML or directory) for this many days; a never-used account counts from its creation (default ${DEFAULT_DORMANT_DAYS})` })) }).check(z.meta({ description: 'Active accounts nobody has signed in to for N days' })));
const disabledWithAccess = /* @__PURE__ */ lazily(() => z.strictObject({}).check(z.meta({ description: 'Disabled accounts that still hold a group membership or a role' })));
const orphanedAccount = /* @__PURE__ */ lazily(() => z.strictObject({
    connectionIds: z.optional(uniqueIds(50, 'connection')).check(z.meta({ description: 'Only accounts of these directory connections (default: every ldap and activeDirectory connection)' })),
    authoritativeSources: z._default(z.array(z.enum(['scim', 'ldap', 'activeDirectory', 'saml-jit', 'local'])).check(z.minLength(1), z.maxLength(5)), ['scim']).check(z.meta({ description: "A directory account is owned when its person also has an account from one of these sources (default: scim, the HR-driven IdP's provisioning)" })),
  }).check(z.meta({ description: 'Active directory accounts (ldap, activeDirectory) with no person, or whose person has no account from an authoritative source' })));
const privilegedGroupOutsideApproved = /* @__PURE__ */ lazily(() => z.strictObject({
    groupIds: uniqueIds(MAX_PRIVILEGED_GROUPS, 'group').check(z.minLength(1), z.meta({ description: 'The privileged groups' })),
    approvedUserIds: z._default(uniqueIds(MAX_APPROVED_USERS, 'user'), []).check(z.meta({ description: 'Users approved to be members' })),
    approvedGroupId: z.optional(z.uuid()).check(z.meta({ description: 'Members of this group are approved too (not one of the privileged groups)' })),
  }).check(z.refine((value) => value.approvedGroupId === undefined || !value.groupIds.includes(value.approvedGroupId), {
    message: 'approvedGroupId must not be one of the privileged groups (groupIds): every member of it would be approved, so it could never raise a violation',
    path: ['approvedGroupId'],
  }), z.meta({ description: 'Members of the privileged groups who are neither approved users nor members of the approved group' })));
const missingManager = /* @__PURE__ */ lazily(() => z.strictObject({
    connectionId: z.optional(z.uuid()).check(z.meta({ description: 'Only accounts of this connection' })),
    department: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(256))).check(z.meta({ description: 'Only accounts of this department (case-insensitive)' })),
  }).check(z.meta({ description: "Active accounts without a manager (none, themselves, or one who is not an active user) — exactly the users whose access review items go to the campaign's fallback reviewer" })));

/** Each policy type's parameter schema, built on first call (the same schema every time). */
export const parameterSchemas = { separationOfDuties, dormantAccount, disabledWithAccess, orphanedAccount, privilegedGroupOutsideApproved, missingManager } as const;

const common = /* @__PURE__ */ lazily(() => ({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200), z.meta({ examples: ['Payments vs. approvals'] })),
  description: z.optional(z.string().check(z.maxLength(2000))),
  severity: z.optional(severity()),
  enabled: z._default(z.boolean(), true).check(z.meta({ description: 'Enabled policies are evaluated (default true)' })),
}));

export const policyCreateBody = /* @__PURE__ */ lazily(() => z.discriminatedUnion('type', [
    z.strictObject({ ...common(), type: z.literal('separationOfDuties'), parameters: separationOfDuties() }),
    z.strictObject({ ...common(), type: z.literal('dormantAccount'), parameters: z._default(dormantAccount(), { days: DEFAULT_DORMANT_DAYS }) }),
    z.strictObject({ ...common(), type: z.literal('disabledWithAccess'), parameters: z._default(disabledWithAccess(), {}) }),
    z.strictObject({ ...common(), type: z.literal('orphanedAccount'), parameters: z._default(orphanedAccount(), { authoritativeSources: ['scim'] }) }),
    z.strictObject({ ...common(), type: z.literal('privilegedGroupOutsideApproved'), parameters: privilegedGroupOutsideApproved() }),
    z.strictObject({ ...common(), type: z.literal('missingManager'), parameters: z._default(missingManager(), {}) }),
  ]).check(z.meta({ description: 'A policy of one of the built-in types, with its typed parameters' })));
export type PolicyCreateInput = z.output<ReturnType<typeof policyCreateBody>>;

/** PATCH: any of name, description, severity, parameters (validated against the policy's type). The type cannot change. */
export const policyUpdateBody = /* @__PURE__ */ lazily(() => z.strictObject({
    name: z.optional(common().name),
    description: z.optional(z.nullable(z.string().check(z.maxLength(2000)))),
    severity: z.optional(severity()),
    parameters: z.optional(z.record(z.string(), z.unknown())).check(z.meta({ description: "The policy's parameters, whole (validated against its type)" })),
  }).check(z.refine((body) => Object.keys(body).length > 0, { message: 'name a field to change: name, description, severity or parameters' })));
export type PolicyUpdateInput = z.output<ReturnType<typeof policyUpdateBody>>;

export const decisionReason = /* @__PURE__ */ lazily(() => z.string().check(z.trim(), z.minLength(1), z.maxLength(2000), z.meta({ description: 'Why (kept with the violation and in the audit log)', examples: ['Known exception approved by the CISO (ticket SEC-123)'] })));
export const acknowledgeBody = /* @__PURE__ */ lazily(() => z.strictObject({ reason: decisionReason() }));
export const ignoreBody = /* @__PURE__ */ lazily(() => z.strictObject({
  reason: decisionReason(),
  expiresAt: z.optional(dateTimeSchema()).check(z.meta({ description: 'When the exception lapses (RFC 3339, in the future): the violation then opens again if the condition still holds' })),
}));

const since = /* @__PURE__ */ lazily(() => dateOrDateTimeSchema('since must be a date (2025-01-01) or an RFC 3339 date-time (2025-01-01T08:00:00Z) on a day that exists').check(z.meta({
  description: 'Only violations opened at or after this date (midnight UTC) or date-time',
  examples: ['2025-01-01'],
})));

const violationFilters = /* @__PURE__ */ lazily(() => ({
  ...directoryPaging(),
  severity: z.optional(z.enum(severities)).check(z.meta({ description: 'Only violations of this severity' })),
  userId: z.optional(z.uuid()).check(z.meta({ description: 'Only violations of this user' })),
  since: z.optional(since()),
}));

export const listPoliciesRequest = /* @__PURE__ */ requestContract('governance-policies-list', () => ({
  query: z.object({
    ...directoryPaging(),
    type: z.optional(z.enum(policyTypes)).check(z.meta({ description: 'Only policies of this type' })),
    enabled: z.optional(z.enum(['true', 'false'])).check(z.meta({ description: 'Only enabled (true) or disabled (false) policies' })),
  }),
}));
export const createPolicyRequest = /* @__PURE__ */ requestContract('governance-policies-create', () => ({ body: policyCreateBody() }));
export const updatePolicyRequest = /* @__PURE__ */ requestContract('governance-policies-update', () => ({ body: policyUpdateBody() }));
export const listViolationsRequest = /* @__PURE__ */ requestContract('governance-violations-list', () => ({
  query: z.object({
    ...violationFilters(),
    status: z._default(z.enum([...violationStatuses, 'all']), 'open').check(z.meta({ description: 'Only violations with this status (default: open — the seed lists open violations; `all` for every status)' })),
    policyId: z.optional(z.uuid()).check(z.meta({ description: 'Only violations of this policy' })),
  }),
}));
export const listPolicyViolationsRequest = /* @__PURE__ */ requestContract('governance-policy-violations-list', () => ({
  query: z.object({ ...violationFilters(), status: z._default(z.enum([...violationStatuses, 'all']), 'all').check(z.meta({ description: 'Only violations with this status (default: all)' })) }),
}));
export const acknowledgeViolationRequest = /* @__PURE__ */ requestContract('governance-violations-acknowledge', () => ({ body: acknowledgeBody() }));
export const ignoreViolationRequest = /* @__PURE__ */ requestContract('governance-violations-ignore', () => ({ body: ignoreBody() }));
