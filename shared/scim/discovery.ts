import { platformConfig } from '../config.ts';
import { NotFoundError } from '../errors/domain-errors.ts';
import type { ScimObject } from './json.ts';
import { LIST_RESPONSE_SCHEMA, SCIM_BASE_PATH, scimLimits } from './scim-config.ts';
import { renderResourceTypes, renderSchemas } from './schema-documentation.ts';

function scimBase(): string {
  return `${platformConfig().publicBaseUrl}${SCIM_BASE_PATH}`;
}

/** RFC 7643 §5: exactly what this service provider supports, with its limits. */
export function serviceProviderConfig(): ScimObject {
  const base = scimBase();
  return {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
    documentationUri: `${platformConfig().publicBaseUrl}/api/docs`,
    patch: { supported: true },
    bulk: { supported: true, maxOperations: scimLimits.bulkMaxOperations, maxPayloadSize: scimLimits.bulkMaxPayloadSize },
    filter: { supported: true, maxResults: scimLimits.maxResults },
    changePassword: { supported: true },
    sort: { supported: true },
    etag: { supported: true },
    // IETF draft "SCIM Cursor Pagination": both index (startIndex) and cursor paging are offered.
    pagination: {
      cursor: true,
      index: true,
      defaultPaginationMethod: 'index',
      defaultPageSize: scimLimits.defaultCount,
      maxPageSize: scimLimits.maxResults,
      cursorTimeout: 3600,
    },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Short-lived RS256 access tokens from the client-credentials grant at /oauth/token (audience <base-url>/api).',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        documentationUri: `${platformConfig().publicBaseUrl}/api/docs`,
        primary: true,
      },
    ],
    meta: { resourceType: 'ServiceProviderConfig', location: `${base}/ServiceProviderConfig` },
  };
}

function listOf(resources: ScimObject[]): ScimObject {
  return { schemas: [LIST_RESPONSE_SCHEMA], totalResults: resources.length, startIndex: 1, itemsPerPage: resources.length, Resources: resources };
}

export function resourceTypes(): ScimObject {
  return listOf(renderResourceTypes({ baseUrl: scimBase() }));
}

export function resourceType(id: string): ScimObject {
  const found = renderResourceTypes({ baseUrl: scimBase() }).find((candidate) => String(candidate.id).toLowerCase() === id.toLowerCase());
  if (!found) throw new NotFoundError(`Resource type ${id} is not supported; see /ResourceTypes.`);
  return found;
}

export function schemas(): ScimObject {
  return listOf(renderSchemas({ baseUrl: scimBase() }));
}

export function schema(id: string): ScimObject {
  const found = renderSchemas({ baseUrl: scimBase() }).find((candidate) => String(candidate.id).toLowerCase() === id.toLowerCase());
  if (!found) throw new NotFoundError(`Schema ${id} is not supported; see /Schemas.`);
  return found;
}
