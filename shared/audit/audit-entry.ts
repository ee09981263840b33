import { platformConfig } from '../config.ts';
import type { Principal } from '../auth/principal.ts';
import { actorOf } from '../auth/principal.ts';
import { ulid } from './ulid.ts';
import * as audit from '../storage/audit.ts';
import type { AuditEntryRecord } from '../storage/audit.ts';
import type { TransactionStep } from '../storage/transactions.ts';

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
 * The audit entry recording `event` at `now`: a time-ordered id (ULID), the origin merged into
 * the details, the lower-cased text the list's free-text query searches, and the expiry after the
 * deployment's retention period.
 */
export function auditRecord(event: AuditEvent, now = new Date()): AuditEntryRecord {
  const id = ulid(now.getTime());
  const retentionSeconds = platformConfig().auditRetentionDays * 86_400;
  const details = { ipAddress: event.origin.ipAddress, userAgent: event.origin.userAgent, ...event.details };
  return {
    id,
    organizationId: event.organizationId,
    action: event.action,
    actorType: event.actor.actorType,
    actorId: event.actor.actorId,
    ...(event.target ? { targetType: event.target.type, targetId: event.target.id } : {}),
    timestamp: now.toISOString(),
    details,
    searchText: [event.action, event.actor.actorType, event.actor.actorId, event.target?.type, event.target?.id, details.ipAddress, details.userAgent]
      .filter((part) => part !== undefined && part !== '')
      .join(' ')
      .toLowerCase(),
    expiresAt: Math.floor(now.getTime() / 1000) + retentionSeconds,
  };
}

/**
 * The stored item of an audit entry, for seeding many entries at once in tests and benchmarks.
 * Domain code records entries with `auditStep`.
 */
export function auditEntryItem(event: AuditEvent, now = new Date()): Record<string, unknown> {
  return audit.toItem(auditRecord(event, now));
}

/** The transaction step that records an audit entry alongside the change it describes. */
export function auditStep(event: AuditEvent): TransactionStep {
  return audit.putStep(auditRecord(event));
}
