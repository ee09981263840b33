/** Limits the SCIM service provider enforces and advertises in /ServiceProviderConfig. */
export const scimLimits = {
  /** Default page size of list responses. */
  defaultCount: 100,
  /** Most resources in one list response (filter.maxResults). */
  maxResults: 1000,
  /** Bulk: most operations and bytes in one request. */
  bulkMaxOperations: 1000,
  bulkMaxPayloadSize: 1_048_576,
  /** Largest request body accepted (also the route's body limit). */
  maxPayloadSize: 1_048_576,
  /** Members returned inline by GET /Groups/{id}; larger groups are read with member paging. */
  maxInlineMembers: 20_000,
} as const;

export const SCIM_BASE_PATH = '/api/scim/v2';
export const LIST_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SEARCH_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
