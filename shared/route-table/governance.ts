import type { RouteDefinition } from '../routes.ts';

/**
 * Governance: access review campaigns (seed "REST API Reference", "Access Reviews": list, get,
 * items) plus the writes issue 14 asks for (create, start, close, apply, decide). Same envelope,
 * errors and published rate limits as the Directory API. Reads and decisions are `authenticated`:
 * reviewers are ordinary signed-in users who see and decide only their own items, while callers
 * with `governance:read` see everything (shared/governance/access-reviews.ts decides).
 */
const base = { family: 'governance' } as const;
const campaignWrite = { ...base, permission: 'governance:write', mutating: true, access: { table: 'write' } } as const;
const policyWrite = { ...campaignWrite, starts: ['policy-sweep'] } as const;
const violationWrite = { ...campaignWrite, body: 'json' } as const;
export const governanceRoutes: readonly RouteDefinition[] = [
  { ...base, id: 'governance-review-campaigns-list', method: 'GET', path: '/api/reviews/campaigns', handler: 'functions/governance/reviews/list-review-campaigns.ts', permission: 'authenticated', mutating: false, access: { table: 'read' }, summary: 'List all campaigns' },
  { ...campaignWrite, id: 'governance-review-campaigns-create', method: 'POST', path: '/api/reviews/campaigns', handler: 'functions/governance/reviews/create-review-campaign.ts', body: 'json', summary: 'Create an access review campaign (a draft)' },
  { ...base, id: 'governance-review-campaigns-get', method: 'GET', path: '/api/reviews/campaigns/{id}', handler: 'functions/governance/reviews/get-review-campaign.ts', permission: 'authenticated', mutating: false, access: { table: 'read' }, summary: 'Get campaign details' },
  { ...base, id: 'governance-review-items-list', method: 'GET', path: '/api/reviews/campaigns/{id}/items', handler: 'functions/governance/reviews/list-review-items.ts', permission: 'authenticated', mutating: false, access: { table: 'read' }, summary: 'Get review items for a campaign' },
  { ...campaignWrite, id: 'governance-review-campaigns-start', method: 'POST', path: '/api/reviews/campaigns/{id}/start', handler: 'functions/governance/reviews/start-review-campaign.ts', timeoutSeconds: 29, memoryMb: 512, summary: 'Start a campaign: generate its review items' },
  { ...campaignWrite, id: 'governance-review-campaigns-close', method: 'POST', path: '/api/reviews/campaigns/{id}/close', handler: 'functions/governance/reviews/close-review-campaign.ts', timeoutSeconds: 29, memoryMb: 512, summary: 'Close a campaign: settle undecided items, apply revokes (applyMode onClose)' },
  { ...campaignWrite, id: 'governance-review-campaigns-apply', method: 'POST', path: '/api/reviews/campaigns/{id}/apply', handler: 'functions/governance/reviews/apply-review-campaign.ts', body: 'json', timeoutSeconds: 29, memoryMb: 512, summary: "Apply a campaign's decided revokes now" },
  {
    ...base,
    id: 'governance-review-items-decide',
    method: 'POST',
    path: '/api/reviews/campaigns/{id}/items/{itemId}/decision',
    handler: 'functions/governance/reviews/decide-review-item.ts',
    permission: 'authenticated',
    mutating: true,
    body: 'json',
    access: { table: 'write' },
    summary: 'Decide a review item: approve or revoke, with a justification (final)',
  },
  // Policies and violations (seed "Policies & Violations"). Policy writes start the policy-sweep
  // worker, which evaluates the policy over the organization or resolves its violations.
  { ...base, id: 'governance-policies-list', method: 'GET', path: '/api/policies', handler: 'functions/governance/policies/list-policies.ts', permission: 'governance:read', mutating: false, access: { table: 'read' }, summary: 'List all policies' },
  { ...policyWrite, id: 'governance-policies-create', method: 'POST', path: '/api/policies', handler: 'functions/governance/policies/create-policy.ts', body: 'json', summary: 'Create a policy of a built-in type' },
  { ...base, id: 'governance-policies-get', method: 'GET', path: '/api/policies/{id}', handler: 'functions/governance/policies/get-policy.ts', permission: 'governance:read', mutating: false, access: { table: 'read' }, summary: 'Get a policy' },
  { ...policyWrite, id: 'governance-policies-update', method: 'PATCH', path: '/api/policies/{id}', handler: 'functions/governance/policies/update-policy.ts', body: 'json', summary: "Change a policy's name, description, severity or parameters" },
  { ...policyWrite, id: 'governance-policies-delete', method: 'DELETE', path: '/api/policies/{id}', handler: 'functions/governance/policies/delete-policy.ts', summary: 'Delete a policy (its violations resolve)' },
  { ...policyWrite, id: 'governance-policies-enable', method: 'POST', path: '/api/policies/{id}/enable', handler: 'functions/governance/policies/enable-policy.ts', summary: 'Enable a policy (it is evaluated over the organization)' },
  { ...policyWrite, id: 'governance-policies-disable', method: 'POST', path: '/api/policies/{id}/disable', handler: 'functions/governance/policies/disable-policy.ts', summary: 'Disable a policy (its violations resolve)' },
  { ...base, id: 'governance-policy-violations-list', method: 'GET', path: '/api/policies/{id}/violations', handler: 'functions/governance/policies/list-policy-violations.ts', permission: 'governance:read', mutating: false, access: { table: 'read' }, summary: 'Get violations for a policy' },
  { ...base, id: 'governance-violations-list', method: 'GET', path: '/api/violations', handler: 'functions/governance/violations/list-violations.ts', permission: 'governance:read', mutating: false, access: { table: 'read' }, summary: 'List all open violations' },
  { ...base, id: 'governance-violations-get', method: 'GET', path: '/api/violations/{id}', handler: 'functions/governance/violations/get-violation.ts', permission: 'governance:read', mutating: false, access: { table: 'read' }, summary: 'Get a violation' },
  { ...violationWrite, id: 'governance-violations-acknowledge', method: 'POST', path: '/api/violations/{id}/acknowledge', handler: 'functions/governance/violations/acknowledge-violation.ts', summary: 'Acknowledge a violation, with a reason' },
  { ...violationWrite, id: 'governance-violations-ignore', method: 'POST', path: '/api/violations/{id}/ignore', handler: 'functions/governance/violations/ignore-violation.ts', summary: 'Ignore a violation (an exception), with a reason and an optional expiry' },
];
