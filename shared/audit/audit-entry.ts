import { platformConfig } from '../config.ts';
import { EntityType, keys } from '../storage/keys.ts';
import type { Principal } from '../auth/principal.ts';
import { actorOf } from '../auth/principal.ts';
import { ulid } from './ulid.ts';
import { put, type TransactionStep } from '../storage/transactions.ts';

/** Where a request came from, recorded with every audit entry. */
export interface RequestOrigin {
  ipAddress: string;
  userAgent: string;
}

export interface AuditEvent {
  /** null for security events that belong to no organization (sign-in with an unknown email). */
  organizationId: string | null;
  /** Dotted action name, e.g. `user.created`, `client.secret.rotated`. */
  action: string;
  actor: { actorType: 'user' | 'client' | 'operator' | 'system' | 'anonymous'; actorId: string };
  target?: { type: string; id: string };
  origin: RequestOrigin;
  /** Extra facts: changed attribute names, method, reason codes — never secrets or token values. */
  details?: Record<string, unknown>;
}

export function actorFromPrincipal(principal: Principal | undefined): AuditEvent['actor'] {
  return principal ? actorOf(principal) : { actorType: 'anonymous', actorId: 'anonymous' };
}

/**
 * Builds the DynamoDB item for an audit entry, to be written in the same transaction as the
 * change it records. Entries expire through TTL after the deployment's retention period.
 */
export function auditEntryItem(event: AuditEvent, now = new Date()): Record<string, unknown> {
  const id = ulid(now.getTime());
  const retentionSeconds = platformConfig().auditRetentionDays * 86_400;
  const details = { ipAddress: event.origin.ipAddress, userAgent: event.origin.userAgent, ...event.details };
  return {
    ...(event.organizationId
      ? {
          ...keys.auditEntry(event.organizationId, id),
          ...keys.auditActionIndex(event.organizationId, event.action, id),
          ...keys.auditActorIndex(event.organizationId, event.actor.actorId, id),
        }
      : keys.platformAuditEntry(id)),
    type: EntityType.AuditEntry,
    id,
    organizationId: event.organizationId,
    action: event.action,
    actorType: event.actor.actorType,
    actorId: event.actor.actorId,
    ...(event.target ? { targetType: event.target.type, targetId: event.target.id } : {}),
    timestamp: now.toISOString(),
    details,
    // Lower-cased text the audit list's free-text query searches (DynamoDB's contains is case-sensitive).
    searchText: [event.action, event.actor.actorType, event.actor.actorId, event.target?.type, event.target?.id, details.ipAddress, details.userAgent]
      .filter((part) => part !== undefined && part !== '')
      .join(' ')
      .toLowerCase(),
    expiresAt: Math.floor(now.getTime() / 1000) + retentionSeconds,
  };
}

/** The transaction step that records an audit entry alongside the change it describes. */
export function auditStep(event: AuditEvent): TransactionStep {
  return put(auditEntryItem(event));
}
