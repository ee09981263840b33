import { ConcurrentChangeError, NotFoundError } from '../errors/domain-errors.ts';
import { logger } from '../observability/logger.ts';
import { retryOnConflict } from '../concurrency/optimistic-retry.ts';
import { mapLimited } from '../concurrency/map-limited.ts';
import * as groups from '../storage/groups.ts';
import { transact } from '../storage/transactions.ts';
import * as userGroupSummaries from '../storage/user-group-summaries.ts';
import * as users from '../storage/users.ts';

/** User ids read per page of an organization's users (one keys-only Query, one BatchGetItem of their summaries). */
export const BACKFILL_PAGE = 100;
/** Memberships verified per transaction: their condition checks and the summary update (no audit entry: an index repair). */
export const BACKFILL_CHUNK = 90;
/** Time kept back from the invocation's deadline to record where an organization's pass got to. */
export const BACKFILL_RESERVE_MS = 10_000;
/** Users completed at once within a page. */
const USER_PARALLELISM = 8;
/** How long one user's completion keeps retrying when its memberships change under it (ms). */
const USER_RETRY_BUDGET_MS = 5_000;

export interface BackfillResult {
  /** Organizations taken up in this invocation. */
  organizations: number;
  /** Users whose summary this invocation marked complete. */
  completed: number;
  /** Users left incomplete (contention outlasted the retries, or an error): a later run retries them. */
  failed: number;
  /** Organizations whose pass ended (their note removed). */
  finished: string[];
}

class UserGoneError extends NotFoundError {}

/**
 * Marks one user's group summary complete: reads its memberships (gsi1), then writes them to the
 * summary in transactions of up to {@link BACKFILL_CHUNK}, each with a condition check that every
 * membership it adds still exists; the last sets `complete` and checks that the user exists. A
 * membership removed meanwhile fails the check and the user is read again (the removal's own
 * DELETE from the summary may already have landed); one added meanwhile is added to the summary by
 * its own transaction. Returns false when the user no longer exists.
 */
async function completeUser(organizationId: string, userId: string): Promise<boolean> {
  try {
    await retryOnConflict(
      async () => {
        const groupIds = [...new Set((await groups.ofUser(organizationId, userId)).map((membership) => membership.groupId))];
        const removed = () => new ConcurrentChangeError(`A membership of user ${userId} was removed while its summary was being completed.`);
        for (let start = 0; start === 0 || start < groupIds.length; start += BACKFILL_CHUNK) {
          const chunk = groupIds.slice(start, start + BACKFILL_CHUNK);
          const last = start + BACKFILL_CHUNK >= groupIds.length;
          await transact([
            ...chunk.map((groupId) => groups.membershipMustExistStep(organizationId, groupId, userId, removed)),
            ...(last ? [users.mustExistStep(organizationId, userId, () => new UserGoneError(`User ${userId} no longer exists.`))] : []),
            userGroupSummaries.backfillStep(organizationId, userId, chunk, last),
          ]);
        }
      },
      { budgetMs: USER_RETRY_BUDGET_MS },
    );
    return true;
  } catch (error) {
    if (error instanceof UserGoneError) return false;
    throw error;
  }
}

/**
 * The `backfill-user-group-summaries` pass: for every organization noted as having users without a
 * complete group summary (readers note it when they fall back to per-user queries), pages its users
 * in id order, reads their summaries and completes those that are not (see completeUser). An
 * organization whose pass reaches its last user loses its note; one cut short by time keeps it with
 * the last user id done, and the next run continues from there. Once every summary is complete
 * nothing is noted, and a run is one Query of an empty partition.
 *
 * Idempotent: completing a complete summary changes nothing; a user that failed is found incomplete
 * by a later pass (its organization is noted again by the next reader that meets it).
 *
 * @param remainingMs milliseconds left in this invocation (Lambda's `getRemainingTimeInMillis`).
 */
export async function backfillUserGroupSummaries(remainingMs: () => number): Promise<BackfillResult> {
  const result: BackfillResult = { organizations: 0, completed: 0, failed: 0, finished: [] };
  for (const pending of await userGroupSummaries.pendingOrganizations()) {
    if (remainingMs() <= BACKFILL_RESERVE_MS) break;
    result.organizations += 1;
    const { organizationId } = pending;
    let after = pending.after;
    let failedHere = 0;
    // Bounded by the organization's users (each page moves forward) and by the invocation's time.
    for (;;) {
      if (remainingMs() <= BACKFILL_RESERVE_MS) {
        await userGroupSummaries.recordProgress(pending, { done: false, continueAfter: after });
        logger.info('user group summary backfill continues in the next run', { organizationId, after });
        return result;
      }
      const page = await users.idsPage(organizationId, { after, limit: BACKFILL_PAGE });
      const incomplete = await userGroupSummaries.incompleteAmong(organizationId, page.ids);
      const outcomes = await mapLimited(incomplete, USER_PARALLELISM, async (userId) => {
        try {
          return (await completeUser(organizationId, userId)) ? 'completed' : 'gone';
        } catch (error) {
          // Contention past the retries, or a failed request: this user stays incomplete (readers fall back) until a later pass.
          logger.warn('user group summary not completed; a later run retries', { organizationId, userId, error: error instanceof Error ? error.message : String(error) });
          return 'failed';
        }
      });
      result.completed += outcomes.filter((outcome) => outcome === 'completed').length;
      failedHere += outcomes.filter((outcome) => outcome === 'failed').length;
      if (page.next === undefined) break;
      after = page.next;
    }
    result.failed += failedHere;
    // A pass with failures starts over next time (its note kept, from the start); otherwise the note goes.
    if (failedHere > 0) {
      await userGroupSummaries.recordProgress(pending, { done: false });
    } else if (await userGroupSummaries.recordProgress(pending, { done: true })) {
      result.finished.push(organizationId);
    }
  }
  return result;
}
