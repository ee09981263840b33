import { ConcurrentChangeError, ServiceUnavailableError } from '../errors/domain-errors.ts';

/**
 * How long one request keeps re-applying a read-modify-write that loses optimistic-concurrency
 * races, in milliseconds: inside API Gateway's 29 s integration limit and the 29 s timeout of
 * every route that changes users or groups (shared/route-table/scim.ts), long enough for dozens
 * of concurrent writers of one item to all land.
 */
export const CONFLICT_RETRY_BUDGET_MS = 20_000;
/** Backoff before attempt n+1 is a uniformly random delay in [0, min(cap, base · 2^n)) ms ("full jitter"). */
const BACKOFF_BASE_MS = 20;
const BACKOFF_CAP_MS = 1000;

/** True for the errors a fresh read and a new attempt can resolve. */
export function isContention(error: unknown): boolean {
  return error instanceof ConcurrentChangeError || (error instanceof ServiceUnavailableError && error.contention);
}

/**
 * Runs a read-modify-write until it lands: `attempt` must read the current state itself, so each
 * retry re-applies the change to what another writer left. Between attempts it waits with
 * exponential backoff and full jitter, so contending writers spread out instead of colliding again.
 * An attempt that checks `If-Match` sees the new version on its retry and fails with its own 412 —
 * version conflicts reach a client only when it asked for them (RFC 7644 §3.14).
 *
 * @param attempt one complete read-modify-write; called with the 1-based attempt number.
 * @param options.budgetMs total time to keep trying (default CONFLICT_RETRY_BUDGET_MS).
 * @throws ServiceUnavailableError (503 with Retry-After) when contention outlasts the budget;
 *   any other error of `attempt` unchanged.
 */
export async function retryOnConflict<T>(attempt: (attemptNumber: number) => Promise<T>, options: { budgetMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (options.budgetMs ?? CONFLICT_RETRY_BUDGET_MS);
  for (let attemptNumber = 1; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (!isContention(error)) throw error;
      const delay = Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attemptNumber);
      if (Date.now() + delay >= deadline) {
        throw new ServiceUnavailableError('The resource is being changed by many requests at once; retry the request.', { retryAfterSeconds: 1, cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
