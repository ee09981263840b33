import { DomainError, ValidationError } from '../errors/domain-errors.ts';
import { errorResponse } from '../http/error-responses.ts';
import { isObject, type ScimObject } from './json.ts';
import { BULK_REQUEST_SCHEMA, scimLimits } from './scim-config.ts';
import { createGroup, deleteGroup, patchGroup, replaceGroup } from './groups.ts';
import { createUser, deleteUser, patchUser, replaceUser, type ScimContext } from './users.ts';
import { versionTag } from './resource-store.ts';
import { mapLimited } from '../concurrency/map-limited.ts';

export { BULK_REQUEST_SCHEMA };
export const BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

interface BulkOperation {
  method: string;
  bulkId?: string;
  path: string;
  data?: unknown;
  version?: string;
}

function readOperations(body: unknown): { operations: BulkOperation[]; failOnErrors: number } {
  if (!isObject(body)) throw new ValidationError('The Bulk body must be a BulkRequest object.', { scimType: 'invalidSyntax' });
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.some((value) => typeof value === 'string' && value.toLowerCase() === BULK_REQUEST_SCHEMA.toLowerCase())) {
    throw new ValidationError(`The Bulk body must have "schemas": ["${BULK_REQUEST_SCHEMA}"].`, { scimType: 'invalidSyntax', field: 'schemas' });
  }
  const operations = body.Operations;
  if (!Array.isArray(operations) || operations.length === 0) throw new ValidationError('Bulk "Operations" must be a non-empty array.', { scimType: 'invalidSyntax' });
  if (operations.length > scimLimits.bulkMaxOperations) {
    throw new ValidationError(`A Bulk request may carry at most ${scimLimits.bulkMaxOperations} operations (see /ServiceProviderConfig).`, { scimType: 'tooMany' });
  }
  const failOnErrors = body.failOnErrors === undefined ? Number.POSITIVE_INFINITY : Number(body.failOnErrors);
  if (!Number.isInteger(failOnErrors) && failOnErrors !== Number.POSITIVE_INFINITY) {
    throw new ValidationError('failOnErrors must be an integer.', { scimType: 'invalidValue', field: 'failOnErrors' });
  }
  return {
    failOnErrors: failOnErrors < 1 ? Number.POSITIVE_INFINITY : failOnErrors,
    operations: operations.map((operation, index) => {
      if (!isObject(operation) || typeof operation.method !== 'string' || typeof operation.path !== 'string') {
        throw new ValidationError(`Operations[${index}] needs a string method and path.`, { scimType: 'invalidSyntax' });
      }
      return operation as unknown as BulkOperation;
    }),
  };
}

const BULK_REFERENCE = /bulkId:([A-Za-z0-9._~-]+)/g;

/** Replaces `bulkId:<id>` references (in paths and data) with the ids created earlier in the request. */
function resolveReferences<T>(value: T, created: Map<string, string>): T {
  const text = JSON.stringify(value);
  if (text === undefined || !text.includes('bulkId:')) return value;
  const resolved = text.replace(BULK_REFERENCE, (whole, bulkId: string) => {
    const id = created.get(bulkId);
    if (!id) throw new ValidationError(`bulkId '${bulkId}' is referenced before an operation created it (or that operation failed).`, { scimType: 'invalidValue' });
    return id;
  });
  return JSON.parse(resolved) as T;
}

async function runOne(context: ScimContext, operation: BulkOperation): Promise<{ status: number; id?: string; resource?: ScimObject; version?: string }> {
  const method = operation.method.toUpperCase();
  const match = /^\/(Users|Groups)(?:\/([^/?]+))?$/.exec(operation.path.trim());
  if (!match) throw new ValidationError(`Unsupported bulk path '${operation.path}'; use /Users, /Groups, /Users/{id} or /Groups/{id}.`, { scimType: 'invalidPath' });
  const [, collection, id] = match as unknown as [string, 'Users' | 'Groups', string | undefined];
  const ifMatch = operation.version;
  if (method === 'POST' && !id) {
    const resource = collection === 'Users' ? await createUser(context, operation.data) : await createGroup(context, operation.data);
    return { status: 201, id: resource.id as string, resource, version: (resource.meta as { version: string }).version };
  }
  if (!id) throw new ValidationError(`${method} needs a resource id in the path.`, { scimType: 'invalidPath' });
  switch (method) {
    case 'PUT': {
      if (collection === 'Users') {
        const resource = await replaceUser(context, id, operation.data, ifMatch);
        return { status: 200, id, resource, version: (resource.meta as { version: string }).version };
      }
      return { status: 200, id, version: versionTag(await replaceGroup(context, id, operation.data, ifMatch)) };
    }
    case 'PATCH': {
      if (collection === 'Users') {
        const resource = await patchUser(context, id, operation.data, ifMatch);
        return { status: 200, id, resource, version: (resource.meta as { version: string }).version };
      }
      return { status: 204, id, version: versionTag(await patchGroup(context, id, operation.data, ifMatch)) };
    }
    case 'DELETE':
      if (collection === 'Users') await deleteUser(context, id, ifMatch);
      else await deleteGroup(context, id, ifMatch);
      return { status: 204, id };
    default:
      throw new ValidationError(`Bulk method ${operation.method} is not supported; use POST, PUT, PATCH or DELETE.`, { scimType: 'invalidSyntax' });
  }
}

/** Creates of one Bulk request that run at once, when nothing orders them (`concurrentCreates`). */
const BULK_CREATE_PARALLELISM = 4;

/**
 * The name a create claims (`Users#<userName>`, `Groups#<displayName>`, lower-cased), or undefined
 * when the operation is not a create that may run beside others: only POSTs to /Users or /Groups
 * that reference no bulkId. Two creates of one name stay in order, so the first still wins.
 */
function concurrentCreateKey(operation: BulkOperation): string | undefined {
  if (operation.method.toUpperCase() !== 'POST') return undefined;
  const collection = /^\/(Users|Groups)$/.exec(operation.path.trim())?.[1];
  if (!collection || !isObject(operation.data)) return undefined;
  if ((JSON.stringify(operation.data) ?? '').includes('bulkId:') || operation.path.includes('bulkId:')) return undefined;
  const name = collection === 'Users' ? operation.data.userName : operation.data.displayName;
  return `${collection}#${typeof name === 'string' ? name.toLowerCase() : JSON.stringify(name)}`;
}

/**
 * The consecutive operations from `start` that may run at once: creates that reference no bulkId,
 * each of another name. PUT, PATCH and DELETE, and anything that references a bulkId, run alone and
 * in order.
 */
function concurrentCreates(operations: readonly BulkOperation[], start: number): number {
  const names = new Set<string>();
  let end = start;
  for (; end < operations.length; end++) {
    const key = concurrentCreateKey(operations[end] as BulkOperation);
    if (key === undefined || names.has(key)) break;
    names.add(key);
  }
  return end;
}

/**
 * RFC 7644 §3.7: runs the operations, resolving bulkId references to resources created by earlier
 * operations, and stops once failOnErrors errors have occurred. Each operation is its own change
 * with its own audit entry; the response reports every operation's outcome in request order.
 * Without failOnErrors, consecutive creates that reference no bulkId and claim different names run
 * four at a time (an IdP's initial load of 1,000 users fits the gateway's 29 s); everything else —
 * and everything when failOnErrors counts — runs one operation after the other, in order.
 */
export async function runBulk(context: ScimContext, body: unknown, baseLocation: string, requestId: string): Promise<ScimObject> {
  const { operations, failOnErrors } = readOperations(body);
  const created = new Map<string, string>();
  const results: ScimObject[] = [];
  let errors = 0;
  const run = async (operation: BulkOperation): Promise<{ result: ScimObject; failed: boolean }> => {
    const collection = /^\/(Users|Groups)/.exec(operation.path.trim())?.[1];
    try {
      const outcome = await runOne(context, { ...operation, path: resolveReferences(operation.path, created), data: resolveReferences(operation.data, created) });
      if (operation.bulkId && outcome.id && operation.method.toUpperCase() === 'POST') created.set(operation.bulkId, outcome.id);
      return {
        failed: false,
        result: {
          method: operation.method.toUpperCase(),
          ...(operation.bulkId ? { bulkId: operation.bulkId } : {}),
          ...(outcome.version ? { version: outcome.version } : {}),
          ...(outcome.id && collection ? { location: `${baseLocation}/${collection}/${outcome.id}` } : {}),
          status: String(outcome.status),
        },
      };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const response = errorResponse(error, 'scim', requestId);
      return {
        failed: true,
        result: { method: operation.method.toUpperCase(), ...(operation.bulkId ? { bulkId: operation.bulkId } : {}), status: String(response.statusCode), response: JSON.parse(response.body) as ScimObject },
      };
    }
  };
  let next = 0;
  while (next < operations.length && errors < failOnErrors) {
    const end = failOnErrors === Number.POSITIVE_INFINITY ? Math.max(concurrentCreates(operations, next), next + 1) : next + 1;
    const batch = operations.slice(next, end);
    const outcomes = await mapLimited(batch, BULK_CREATE_PARALLELISM, run);
    for (const outcome of outcomes) {
      results.push(outcome.result);
      if (outcome.failed) errors++;
    }
    next = end;
  }
  return { schemas: [BULK_RESPONSE_SCHEMA], Operations: results };
}
