import type { APIGatewayProxyResult } from 'aws-lambda';
import type { ApiRequest } from '../http/api-request.ts';
import { tenantOf } from '../http/request-context.ts';
import { scimResponse } from '../http/responses.ts';
import type { ScimObject } from './json.ts';
import { compileProjection } from './projection.ts';
import type { ScimContext } from './users.ts';

export function scimContextOf(request: ApiRequest): ScimContext {
  const { organizationId, actor, origin } = tenantOf(request);
  return { organizationId, actor, origin };
}

/** attributes / excludedAttributes from the query string, applied to single-resource responses too. */
export function projectionOf(request: ApiRequest) {
  return { attributes: request.query.attributes, excludedAttributes: request.query.excludedAttributes };
}

/** A single SCIM resource with its ETag (meta.version) and, for creations, its Location. */
export function resourceResponse(request: ApiRequest, status: number, type: 'User' | 'Group', resource: ScimObject): APIGatewayProxyResult {
  const projected = compileProjection(type, projectionOf(request))(resource);
  const meta = resource.meta as { location: string; version: string };
  return scimResponse(status, projected, { ETag: meta.version, ...(status === 201 ? { Location: meta.location } : {}) });
}
