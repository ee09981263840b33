import { auditStep, type AuditEvent } from '../audit/audit-entry.ts';
import { ConflictError } from '../errors/domain-errors.ts';
import { logger } from '../observability/logger.ts';
import * as groups from '../storage/groups.ts';
import type { ListPosition } from '../storage/page-boundaries.ts';
import { transact } from '../storage/transactions.ts';
import { sweepGroupMembershipsWorker, type WorkerPayload } from './payloads.ts';
import { startWorker } from './start-worker.ts';

/**
 * Membership removals per transaction: with each member's group summary update, the group-absent
 * check, the audit entry and the audit counter `transact` adds, 99 of DynamoDB's 100 items.
 */
export const SWEEP_CHUNK = 48;

/** Time kept back from the invocation's deadline for the last transaction and the re-enqueue. */
export const SWEEP_RESERVE_MS = 5_000;

const SWEEPER: AuditEvent['actor'] = { actorType: 'system', actorId: 'sweep-group-memberships' };
const ORIGIN = { ipAddress: '', userAgent: 'identity-platform worker sweep-group-memberships' };

export interface SweepResult {
  /** Memberships this invocation removed (each chunk audited as `group.memberships.swept`). */
  removed: number;
  /**
   * `finished`: no membership is left; `continued`: time ran out and a new message carries on;
   * `refused`: the group exists, so its memberships are live and nothing was removed.
   */
  outcome: 'finished' | 'continued' | 'refused';
}

class GroupExistsError extends ConflictError {}

/**
 * Removes the membership items a deleted group left behind: pages the group's memberships in
 * member order and removes them in transactions of up to {@link SWEEP_CHUNK}, each with one
 * `group.memberships.swept` audit entry (actor `system`/`sweep-group-memberships`, details
 * `{ removed, userIds }`) and the condition that the group still does not exist. Stops while
 * `remainingMs()` is above {@link SWEEP_RESERVE_MS} and, if memberships remain, starts itself again
 * with the same payload.
 *
 * Idempotent: every run starts from the group's first remaining membership, so a re-delivered
 * message only finds what earlier runs did not remove. A group that exists (again) is refused,
 * before the first chunk and atomically in every chunk.
 *
 * @param remainingMs milliseconds left in this invocation (Lambda's `getRemainingTimeInMillis`).
 */
export async function sweepGroupMemberships(payload: WorkerPayload<typeof sweepGroupMembershipsWorker>, remainingMs: () => number): Promise<SweepResult> {
  const { organizationId, groupId } = payload;
  const refused = (): SweepResult => {
    logger.warn('sweep refused: the group exists', { organizationId, groupId });
    return { removed: 0, outcome: 'refused' };
  };
  if (await groups.byId(organizationId, groupId)) return refused();

  let removed = 0;
  let after: ListPosition | undefined;
  while (remainingMs() > SWEEP_RESERVE_MS) {
    const page = await groups.membersOfPage(organizationId, groupId, { after, limit: SWEEP_CHUNK });
    if (page.members.length === 0) return { removed, outcome: 'finished' };
    const userIds = page.members.map((member) => member.userId);
    try {
      await transact([
        groups.mustBeAbsentStep(organizationId, groupId, () => new GroupExistsError(`Group ${groupId} exists; its memberships are not leftovers.`)),
        ...userIds.map((userId) => groups.membershipRemoveStep(organizationId, groupId, userId)),
        auditStep({
          organizationId,
          action: 'group.memberships.swept',
          actor: SWEEPER,
          target: { type: 'group', id: groupId },
          origin: ORIGIN,
          details: { removed: userIds.length, userIds },
        }),
      ]);
    } catch (error) {
      if (error instanceof GroupExistsError) return { ...refused(), removed };
      throw error;
    }
    removed += userIds.length;
    if (!page.next) return { removed, outcome: 'finished' };
    after = page.next;
  }
  await startWorker(sweepGroupMembershipsWorker, payload);
  logger.info('sweep continues in a new message', { organizationId, groupId, removed });
  return { removed, outcome: 'continued' };
}
