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
];
