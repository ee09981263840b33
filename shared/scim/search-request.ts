import { ValidationError } from '../errors/domain-errors.ts';
import { isObject } from './json.ts';
import { SEARCH_REQUEST_SCHEMA } from './scim-config.ts';

/** A POST /.search body (RFC 7644 §3.4.3) as list parameters, for readListRequest. */
export function readSearchRequest(body: unknown): Record<string, unknown> {
  if (!isObject(body)) throw new ValidationError('The search body must be a SCIM SearchRequest object.', { scimType: 'invalidSyntax' });
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.some((schema) => typeof schema === 'string' && schema.toLowerCase() === SEARCH_REQUEST_SCHEMA.toLowerCase())) {
    throw new ValidationError(`The search body must have "schemas": ["${SEARCH_REQUEST_SCHEMA}"].`, { scimType: 'invalidSyntax', field: 'schemas' });
  }
  const { schemas: _schemas, ...parameters } = body;
  return parameters;
}
