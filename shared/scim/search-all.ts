import type { ScimObject } from './json.ts';
import { listResources, type ListRequest } from './list-resources.ts';
import { groupListing, userListing } from './listables.ts';
import { LIST_RESPONSE_SCHEMA, scimLimits } from './scim-config.ts';

/**
 * POST /.search on the server root (RFC 7644 §3.4.3): the query runs over Users and Groups; the
 * combined results are paged as one list, Users first.
 */
export async function searchAllResources(organizationId: string, request: ListRequest): Promise<ScimObject> {
  const startIndex = Math.max(1, request.startIndex ?? 1);
  const count = Math.min(Math.max(0, request.count ?? scimLimits.defaultCount), scimLimits.maxResults);
  const window = { ...request, startIndex: 1, count: Math.min(startIndex - 1 + count, scimLimits.maxResults), cursor: undefined };
  const [users, groups] = await Promise.all([listResources(organizationId, userListing, window), listResources(organizationId, groupListing, window)]);
  const combined = [...(users.Resources as ScimObject[]), ...(groups.Resources as ScimObject[])];
  const page = combined.slice(startIndex - 1, startIndex - 1 + count);
  return {
    schemas: [LIST_RESPONSE_SCHEMA],
    totalResults: (users.totalResults as number) + (groups.totalResults as number),
    startIndex,
    itemsPerPage: page.length,
    Resources: page,
  };
}
