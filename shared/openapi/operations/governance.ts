import * as z from '../../zod-mini.ts';
import * as contracts from '../../governance/access-review-schemas.ts';
import type { ExampleDoc, OperationDocs, ResponseDoc } from '../operation-docs.ts';

const uuid = z.uuid();
const timestamp = z.string().check(z.meta({ description: 'ISO 8601 UTC' }));
const entitlement = z.union([
    z.object({ kind: z.literal('groupMembership'), groupId: uuid, groupName: z.string(), groupSource: z.string() }),
    z.object({ kind: z.literal('role'), roleId: z.string(), roleName: z.string(), via: z.literal('direct') }),
    z.object({ kind: z.literal('role'), roleId: z.string(), roleName: z.string(), via: z.literal('group'), groupId: uuid, groupName: z.string(), groupSource: z.string() }),
    z.object({ kind: z.literal('account'), userSource: z.string(), connectionId: z.nullable(uuid), department: z.nullable(z.string()) }),
  ]).check(z.meta({ description: 'What the item certifies; a revoke removes the group membership, unassigns the direct role, or disables the account' }));

const progress = z.object({
    total: z.int(),
    pending: z.int(),
    approved: z.int(),
    revoked: z.int(),
    percentComplete: z.number().check(z.meta({ description: 'Decided items in percent of all (one decimal)' })),
    applied: z.int(),
    awaitingConfirmation: z.int(),
    blocked: z.int(),
    overdueReviewers: z.array(z.object({ reviewerId: z.nullable(uuid), pending: z.int() })).check(z.meta({ description: 'After the due date: reviewers with undecided items' })),
  }).check(z.meta({ description: "The campaign's progress (a reviewer without governance:read sees their own share)" }));

export const reviewCampaignView = z.object({
    id: uuid,
    name: z.string(),
    description: z.nullable(z.string()),
    status: z.enum(['draft', 'active', 'closed']),
    scope: z.unknown().check(z.meta({ description: 'As created' })),
    reviewers: z.unknown().check(z.meta({ description: 'As created' })),
    dueAt: timestamp,
    recurrence: z.nullable(z.enum(['monthly', 'quarterly', 'semiannually', 'annually'])),
    onUndecided: z.enum(['keep', 'revoke', 'escalate']),
    escalationDays: z.int(),
    applyMode: z.enum(['onClose', 'manual']),
    dormantDays: z.int(),
    safety: z.object({ emptyGroupMinMembers: z.int(), autoRevokeThreshold: z.int() }),
    seriesId: uuid.check(z.meta({ description: 'The first occurrence of a recurring series' })),
    occurrence: z.int(),
    nextOccurrenceAt: z.nullable(timestamp),
    itemCount: z.int(),
    startedAt: z.nullable(timestamp),
    closedAt: z.nullable(timestamp),
    escalatedAt: z.nullable(timestamp),
    createdAt: timestamp,
    updatedAt: timestamp,
    progress,
  }).check(z.meta({ description: 'An access review campaign' }));
export const reviewCampaignList = z.object({ data: z.array(reviewCampaignView), totalCount: z.int(), page: z.int(), pageSize: z.int() });
const applySummary = z.object({ applied: z.int(), alreadyAbsent: z.int(), awaitingConfirmation: z.int(), blocked: z.int(), failed: z.int() });

export const reviewItemView = z.object({
    id: uuid,
    campaignId: uuid,
    userId: uuid,
    userName: z.string(),
    displayName: z.string(),
    entitlement,
    reviewerId: z.nullable(uuid).check(z.meta({ description: 'null: only administrators can decide (every candidate was the user themself)' })),
    escalated: z.boolean(),
    recommendation: z.enum(['approve', 'revoke']),
    recommendationReason: z.string(),
    lastSignInAt: z.nullable(timestamp),
    reprovisionRisk: z.boolean().check(z.meta({ description: 'The access comes from an IdP (SCIM) or a directory (LDAP, AD) that will provision it back unless it is removed there too' })),
    status: z.enum(['pending', 'approved', 'revoked']),
    decision: z.nullable(z.object({ decision: z.enum(['approve', 'revoke']), justification: z.string(), decidedBy: z.object({ type: z.string(), id: z.string() }), decidedAt: timestamp, automatic: z.boolean() })),
    application: z.object({
      status: z.enum(['notApplicable', 'pending', 'applied', 'awaitingConfirmation', 'blocked', 'failed']),
      reason: z.nullable(z.string()).check(z.meta({ description: 'already_absent, would_empty_group, automatic_revokes_above_threshold, last_owner, reviewer_access, or an error code' })),
      at: z.nullable(timestamp),
    }),
  }).check(z.meta({ description: 'One review item: a user and one entitlement' }));
export const reviewItemList = z.object({ data: z.array(reviewItemView), totalCount: z.int(), page: z.int(), pageSize: z.int() });

const example = (summary: string, value: unknown): Record<string, ExampleDoc> => ({ example: { summary, value } });
const ok = (description: string, schema: z.ZodMiniType, examples: Record<string, ExampleDoc>): ResponseDoc => ({ description, schema, examples });
const at = '2026-11-30T09:00:00.000Z';
const campaign = {
  id: '8b0e7c52-1f3a-4d6e-9b2c-5a7d8e9f0a1b',
  name: 'Q1 finance access review',
  description: null,
  status: 'active',
  scope: { kind: 'groups', groupIds: ['2c4e6a8b-0d1f-4a3c-8e5b-7d9f1a3c5e7b'] },
  reviewers: { kind: 'manager', fallbackReviewerId: '6f1d3b5a-7c9e-4b0d-9f2a-4c6e8a0b2d4f' },
  dueAt: '2026-12-14T17:00:00.000Z',
  recurrence: 'quarterly',
  onUndecided: 'escalate',
  escalationDays: 7,
  applyMode: 'onClose',
  dormantDays: 30,
  safety: { emptyGroupMinMembers: 5, autoRevokeThreshold: 10 },
  seriesId: '8b0e7c52-1f3a-4d6e-9b2c-5a7d8e9f0a1b',
  occurrence: 1,
  nextOccurrenceAt: '2027-02-28T09:00:00.000Z',
  itemCount: 12,
  startedAt: at,
  closedAt: null,
  escalatedAt: null,
  createdAt: at,
  updatedAt: at,
  progress: { total: 12, pending: 7, approved: 4, revoked: 1, percentComplete: 41.7, applied: 0, awaitingConfirmation: 0, blocked: 0, overdueReviewers: [] },
};
const item = {
  id: '0a2c4e6f-8b1d-4f3a-9c5e-7b9d1f3a5c7e',
  campaignId: campaign.id,
  userId: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  userName: 'ada@example.com',
  displayName: 'Ada Lovelace',
  entitlement: { kind: 'groupMembership', groupId: '2c4e6a8b-0d1f-4a3c-8e5b-7d9f1a3c5e7b', groupName: 'Finance', groupSource: 'scim' },
  reviewerId: '6f1d3b5a-7c9e-4b0d-9f2a-4c6e8a0b2d4f',
  escalated: false,
  recommendation: 'revoke',
  recommendationReason: 'No sign-in for 64 days (last sign-in 2026-09-27; threshold 30 days).',
  lastSignInAt: '2026-09-27T08:12:00.000Z',
  reprovisionRisk: true,
  status: 'pending',
  decision: null,
  application: { status: 'notApplicable', reason: null, at: null },
};
const decided = { ...item, status: 'revoked', decision: { decision: 'revoke', justification: 'Moved to engineering in October', decidedBy: { type: 'user', id: item.reviewerId }, decidedAt: at, automatic: false }, application: { status: 'pending', reason: null, at: null } };

/** Governance routes: access reviews (seed "Access Reviews", plus the writes of issue 14). */
export const governanceOperations: OperationDocs = {
  'governance-review-campaigns-list': {
    tag: 'Access Reviews',
    description: 'Lists campaigns, newest first, each with its progress. With `governance:read`: every campaign; any other signed-in user: the campaigns they review (progress of their own items).',
    request: contracts.listCampaignsRequest,
    responses: { 200: ok('A page of campaigns', reviewCampaignList, example('One campaign', { data: [campaign], totalCount: 1, page: 1, pageSize: 50 })) },
  },
  'governance-review-campaigns-create': {
    tag: 'Access Reviews',
    description:
      'Creates a draft campaign: scope (members of groups, users of a connection or department, or holders of a role), reviewers (managers with a fallback, or named reviewers; ' +
      'the platform has no group owners), due date, recurrence, what happens to undecided items at the due date, when revokes are applied, the dormancy that makes the platform ' +
      'recommend revoking (30 days by default) and the safety rails. Items are generated by …/start.',
    request: contracts.createCampaignRequest,
    requestExamples: example('Quarterly review of a group', { name: campaign.name, scope: campaign.scope, reviewers: campaign.reviewers, dueAt: campaign.dueAt, recurrence: 'quarterly', onUndecided: 'escalate' }),
    responses: { 201: { ...ok('Created (draft)', reviewCampaignView, example('Created', { ...campaign, status: 'draft', startedAt: null, nextOccurrenceAt: null, itemCount: 0, progress: { ...campaign.progress, total: 0, pending: 0, approved: 0, revoked: 0, percentComplete: 100 } })), headers: { Location: 'The campaign URL' } } },
  },
  'governance-review-campaigns-get': {
    tag: 'Access Reviews',
    description: 'Gets a campaign with its progress: pending, approved and revoked counts, percentage, applied and held revokes, and the reviewers still undecided after the due date.',
    pathParameters: { id: 'The campaign id' },
    responses: { 200: ok('The campaign', reviewCampaignView, example('A campaign', campaign)) },
  },
  'governance-review-items-list': {
    tag: 'Access Reviews',
    description: "Lists a campaign's items by user name, each with its recommendation and reason, decision and application. Reviewers see only their own items; `governance:read` sees all.",
    request: contracts.listItemsRequest,
    pathParameters: { id: 'The campaign id' },
    responses: { 200: ok('A page of items', reviewItemList, example('One item', { data: [item], totalCount: 1, page: 1, pageSize: 50 })) },
  },
  'governance-review-campaigns-start': {
    tag: 'Access Reviews',
    description: 'Starts a draft campaign: one item per (user, entitlement) in scope, each with a reviewer (never the user themself) and a recommendation. 409 when it already started.',
    pathParameters: { id: 'The campaign id' },
    responses: { 200: ok('The active campaign', reviewCampaignView, example('Started', campaign)), 409: { description: 'The campaign is not a draft' } },
  },
  'governance-review-campaigns-close': {
    tag: 'Access Reviews',
    description:
      'Closes an active campaign: undecided items are decided automatically (revoked with onUndecided `revoke`, otherwise kept), then, with applyMode `onClose`, ' +
      'revokes are applied behind the safety rails (`applied` summarises it; null with applyMode `manual`).',
    pathParameters: { id: 'The campaign id' },
    responses: {
      200: ok('The closed campaign', z.extend(reviewCampaignView, { applied: z.nullable(applySummary) }), example('Closed', { ...campaign, status: 'closed', closedAt: at, applied: { applied: 1, alreadyAbsent: 0, awaitingConfirmation: 0, blocked: 0, failed: 0 } })),
      409: { description: 'The campaign is not active' },
    },
  },
  'governance-review-campaigns-apply': {
    tag: 'Access Reviews',
    description:
      'Applies decided revokes now through the identity store (membership removal, role unassignment, account disable — each audited). Revokes that would remove the last Owner ' +
      "or a reviewer's access are blocked; those that would empty a large group, or automatic revokes above the threshold, wait until this is called with `confirm: true`.",
    request: contracts.applyCampaignRequest,
    requestExamples: example('Confirm held revokes', { confirm: true }),
    pathParameters: { id: 'The campaign id' },
    responses: { 200: ok('What was applied', applySummary, example('Applied', { applied: 3, alreadyAbsent: 0, awaitingConfirmation: 0, blocked: 1, failed: 0 })), 409: { description: 'The campaign has not started' } },
  },
  'governance-review-items-decide': {
    tag: 'Access Reviews',
    description:
      "Decides an item: `approve` or `revoke` with a justification. The item's reviewer decides, or a caller with `governance:write`; nobody decides their own access (403). " +
      'A decision is final (409 on a second one), kept with the item and audited as `review.item.decided`. A revoke that would remove the last Owner is refused (409).',
    request: contracts.decideItemRequest,
    requestExamples: example('Revoke', { decision: 'revoke', justification: 'Moved to engineering in October' }),
    pathParameters: { id: 'The campaign id', itemId: 'The review item id' },
    responses: { 200: ok('The decided item', reviewItemView, example('Decided', decided)), 409: { description: 'Already decided, the campaign is not active, or the revoke would remove the last Owner' } },
  },
};
