import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { TtlCache } from '../cache/ttl-cache.ts';
import { dynamo, tableName } from '../storage/clients.ts';
import { keys } from '../storage/keys.ts';
import { AuthenticationError } from '../errors/domain-errors.ts';
import type { Principal } from './principal.ts';

/**
 * Tokens live up to an hour; a user deactivated (SCIM `active: false`) or a client disabled or
 * deleted must lose access sooner. Each Lambda instance re-reads the principal's record at most
 * every 30 seconds, so revocation takes effect within that time at the cost of one GetItem.
 */
const STATUS_TTL_MS = Number(process.env.PRINCIPAL_STATUS_CACHE_SECONDS ?? 30) * 1000;
const statuses = new TtlCache<boolean>(STATUS_TTL_MS, 5000);

async function isActive(principal: Principal): Promise<boolean> {
  if (principal.kind === 'operator') return true;
  const key =
    principal.kind === 'user' ? keys.user(principal.organizationId, principal.userId) : keys.client(principal.organizationId, principal.clientId);
  const result = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: key, ProjectionExpression: 'active, enabled' }),
  );
  if (!result.Item) return false;
  return principal.kind === 'user' ? result.Item.active !== false : result.Item.enabled !== false;
}

export async function assertPrincipalActive(principal: Principal): Promise<void> {
  if (principal.kind === 'operator') return;
  const id = principal.kind === 'user' ? principal.userId : principal.clientId;
  const active = await statuses.getOrLoad(`${principal.organizationId}/${principal.kind}/${id}`, () => isActive(principal));
  if (!active) {
    throw new AuthenticationError(
      `The ${principal.kind === 'user' ? 'user' : 'client'} this token was issued to is disabled or no longer exists.`,
      'Bearer error="invalid_token", error_description="Principal disabled or deleted"',
    );
  }
}
