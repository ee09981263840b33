import { TtlCache } from '../cache/ttl-cache.ts';
import * as clients from '../storage/client-registrations.ts';
import * as users from '../storage/users.ts';
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
  if (principal.kind === 'user') {
    const user = await users.byId(principal.organizationId, principal.userId, { consistent: false });
    return user !== undefined && user.active !== false;
  }
  const client = await clients.byId(principal.organizationId, principal.clientId, { consistent: false });
  return client !== undefined && client.enabled !== false;
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
