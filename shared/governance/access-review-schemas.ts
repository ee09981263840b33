/**
 * Request schemas of the access review routes (seed "REST API Reference", "Access Reviews", plus
 * the writes issue 14 asks for): they validate requests and document the API (shared/openapi).
 */
import * as z from '../zod-mini.ts';
import { requestContract } from '../http/request-contract.ts';
import { lazily } from '../lazy.ts';
import { dateTimeSchema } from '../http/date-time.ts';
import { directoryPaging } from '../directory/schemas.ts';

export const DEFAULT_DORMANT_DAYS = 30;
export const DEFAULT_ESCALATION_DAYS = 7;
export const DEFAULT_EMPTY_GROUP_MIN_MEMBERS = 5;
export const DEFAULT_AUTO_REVOKE_THRESHOLD = 10;
/** Groups one campaign may cover, and named reviewers it may list. */
export const MAX_SCOPE_GROUPS = 50;
export const MAX_NAMED_REVIEWERS = 50;

/** An RFC 3339 date-time with a zone on a day that exists, normalised to ISO 8601 UTC. */
const instant = /* @__PURE__ */ lazily(() => dateTimeSchema());

const scope = /* @__PURE__ */ lazily(() => z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('groups'),
      groupIds: z.array(z.uuid()).check(z.minLength(1), z.maxLength(MAX_SCOPE_GROUPS), z.refine((ids) => new Set(ids).size === ids.length, { message: 'must not repeat a group' }), z.meta({ description: 'Every member of these groups gets one item per group membership' })),
    }),
    z.strictObject({ kind: z.literal('connection'), connectionId: z.uuid().check(z.meta({ description: 'Every user of this directory connection (scim, ldap, activeDirectory): one item for the account' })) }),
    z.strictObject({ kind: z.literal('department'), department: z.string().check(z.trim(), z.minLength(1), z.maxLength(256), z.meta({ description: 'Every user of this department (exact, case-insensitive): one item for the account' })) }),
    z.strictObject({ kind: z.literal('role'), roleId: z.string().check(z.minLength(1), z.maxLength(64), z.meta({ description: 'Everyone holding this role (built-in id such as `owner`, or a custom role UUID), directly or through a group' })) }),
  ]).check(z.meta({ description: 'Who is reviewed' })));

const reviewers = /* @__PURE__ */ lazily(() => z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('manager'),
      fallbackReviewerId: z.uuid().check(z.meta({ description: "Reviews the items of users without a manager (or whose manager is the user), and escalations" })),
    }),
    z.strictObject({
      kind: z.literal('named'),
      reviewerIds: z.array(z.uuid()).check(z.minLength(1), z.maxLength(MAX_NAMED_REVIEWERS), z.refine((ids) => new Set(ids).size === ids.length, { message: 'must not repeat a reviewer' }), z.meta({ description: "Users sharing the review: each reviewed user's items go to one of them, in turn" })),
      fallbackReviewerId: z.optional(z.uuid()).check(z.meta({ description: 'Receives escalations (required with onUndecided: escalate)' })),
    }),
  ]).check(z.meta({
    description:
      "Who decides: each user's manager (the enterprise extension's manager) with a fallback reviewer, or named reviewers. Nobody reviews their own access. " +
      'Group owners are not offered: the platform has no notion of a group owner (SCIM and the directories provision none).',
  })));

export const campaignCreateBody = /* @__PURE__ */ lazily(() => z.strictObject({
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200), z.meta({ examples: ['Q1 finance access review'] })),
    description: z.optional(z.string().check(z.maxLength(2000))),
    scope: scope(),
    reviewers: reviewers(),
    dueAt: instant().check(z.meta({ description: 'When reviewers must have decided (RFC 3339); must be in the future' })),
    recurrence: z.optional(z.enum(['monthly', 'quarterly', 'semiannually', 'annually'])).check(z.meta({ description: 'Repeat: each occurrence is a new campaign, started automatically one period after the previous one started, with the same time to decide' })),
    onUndecided: z._default(z.enum(['keep', 'revoke', 'escalate']), 'keep').check(z.meta({ description: 'What happens to undecided items at the due date: keep the access, revoke it, or escalate to the fallback reviewer (who gets escalationDays more)' })),
    escalationDays: z._default(z.int().check(z.gte(1), z.lte(90)), DEFAULT_ESCALATION_DAYS),
    applyMode: z._default(z.enum(['onClose', 'manual']), 'onClose').check(z.meta({ description: 'onClose: revokes are applied when the campaign closes; manual: only by POST …/apply' })),
    dormantDays: z._default(z.int().check(z.gte(1), z.lte(3650)), DEFAULT_DORMANT_DAYS).check(z.meta({ description: 'Recommend revoking when the user has not signed in for this many days' })),
    safety: z._default(z.strictObject({
        emptyGroupMinMembers: z._default(z.int().check(z.gte(0), z.lte(1_000_000)), DEFAULT_EMPTY_GROUP_MIN_MEMBERS).check(z.meta({ description: 'Revokes that would empty a group of more than this many members wait for confirmation' })),
        autoRevokeThreshold: z._default(z.int().check(z.gte(0), z.lte(1_000_000)), DEFAULT_AUTO_REVOKE_THRESHOLD).check(z.meta({ description: 'More automatic revokes (non-responses) than this wait for confirmation' })),
      }), { emptyGroupMinMembers: DEFAULT_EMPTY_GROUP_MIN_MEMBERS, autoRevokeThreshold: DEFAULT_AUTO_REVOKE_THRESHOLD }),
  }).check(z.refine((body) => body.onUndecided !== 'escalate' || body.reviewers.fallbackReviewerId !== undefined, {
    message: 'onUndecided escalate needs reviewers.fallbackReviewerId',
    path: ['reviewers', 'fallbackReviewerId'],
  })));
export type CampaignCreateInput = z.output<ReturnType<typeof campaignCreateBody>>;

export const decisionBody = /* @__PURE__ */ lazily(() => z.strictObject({
  decision: z.enum(['approve', 'revoke']),
  justification: z.string().check(z.trim(), z.minLength(1), z.maxLength(2000), z.meta({ description: 'Why (kept with the decision and in the audit log)', examples: ['Still on the payroll team'] })),
}));
export type DecisionInput = z.output<ReturnType<typeof decisionBody>>;

export const applyBody = /* @__PURE__ */ lazily(() => z._default(z.strictObject({
    confirm: z._default(z.boolean(), false).check(z.meta({ description: 'Also apply the revokes waiting for confirmation (a group emptied, automatic revokes above the threshold)' })),
  }), { confirm: false }));

const pageQuery = directoryPaging;

export const listCampaignsRequest = /* @__PURE__ */ requestContract('governance-review-campaigns-list', () => ({
  query: z.object({ ...pageQuery(), status: z.optional(z.enum(['draft', 'active', 'closed'])).check(z.meta({ description: 'Only campaigns with this status' })) }),
}));
export const createCampaignRequest = /* @__PURE__ */ requestContract('governance-review-campaigns-create', () => ({ body: campaignCreateBody() }));
export const listItemsRequest = /* @__PURE__ */ requestContract('governance-review-items-list', () => ({
  query: z.object({
    ...pageQuery(),
    status: z.optional(z.enum(['pending', 'approved', 'revoked'])).check(z.meta({ description: 'Only items with this status' })),
    reviewerId: z.optional(z.uuid()).check(z.meta({ description: 'Only items of this reviewer (governance:read)' })),
    userId: z.optional(z.uuid()).check(z.meta({ description: 'Only items about this user' })),
  }),
}));
export const decideItemRequest = /* @__PURE__ */ requestContract('governance-review-items-decide', () => ({ body: decisionBody() }));
export const applyCampaignRequest = /* @__PURE__ */ requestContract('governance-review-campaigns-apply', () => ({ body: applyBody() }));
