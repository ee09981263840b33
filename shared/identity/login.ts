import { createHash } from 'node:crypto';
import { auditStep, type RequestOrigin } from '../audit/audit-entry.ts';
import { AuthenticationError, RateLimitError } from '../errors/domain-errors.ts';
import * as rateCounters from '../storage/rate-counters.ts';
import { transact, type TransactionStep } from '../storage/transactions.ts';
import * as users from '../storage/users.ts';
import { issueAccessToken, platformAudience } from '../auth/access-tokens.ts';
import { verifyPassword } from './passwords.ts';
import { effectiveScopes } from './roles.ts';
import { addMetric } from '../observability/metrics.ts';
import * as metric from '../observability/metrics-catalog.ts';

/**
 * Sign-in throttling: failures are counted per account and per source IP in 15-minute windows
 * shared by every Lambda instance. Beyond the limit, attempts are refused with 429 before any
 * password check, so guessing is slow and the hashing cost cannot be used to exhaust us.
 */
export const LOGIN_WINDOW_SECONDS = 15 * 60;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_IP = 20;

const INVALID_CREDENTIALS = 'The email address or password is incorrect.';

function windowStart(now: number): number {
  return Math.floor(now / 1000 / LOGIN_WINDOW_SECONDS) * LOGIN_WINDOW_SECONDS;
}

function subjectDigest(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 32);
}

/** The counter subjects of an attempt: the account (by email digest) and the source address (by digest). */
function counterSubjects(email: string, ipAddress: string) {
  return {
    account: `login-account#${subjectDigest(email.trim().toLowerCase())}`,
    ip: `login-ip#${subjectDigest(ipAddress)}`,
  };
}

async function assertNotThrottled(email: string, ipAddress: string, now: number): Promise<void> {
  const subjects = counterSubjects(email, ipAddress);
  // Failures of the current and the previous window both count: with fixed windows alone, a burst
  // straddling a window boundary would get twice the allowance.
  const current = windowStart(now);
  const [accountFailures = 0, ipFailures = 0] = await rateCounters.failures([subjects.account, subjects.ip], [current - LOGIN_WINDOW_SECONDS, current]);
  const retryAfter = windowStart(now) + LOGIN_WINDOW_SECONDS - now / 1000;
  if (accountFailures >= MAX_FAILURES_PER_ACCOUNT || ipFailures >= MAX_FAILURES_PER_IP) addMetric(metric.signInFailures, 1, { kind: 'password' });
  if (accountFailures >= MAX_FAILURES_PER_ACCOUNT) {
    throw new RateLimitError('Too many failed sign-in attempts for this account; try again later.', retryAfter);
  }
  if (ipFailures >= MAX_FAILURES_PER_IP) {
    throw new RateLimitError('Too many failed sign-in attempts from this address; try again later.', retryAfter);
  }
}

function failureSteps(email: string, origin: RequestOrigin, now: number, organizationId: string | null, userId: string | null, reason: string): TransactionStep[] {
  const subjects = counterSubjects(email, origin.ipAddress);
  const window = windowStart(now);
  // Kept through the next window too, which still counts it.
  const ttl = window + 2 * LOGIN_WINDOW_SECONDS + 60;
  return [
    rateCounters.failureStep(subjects.account, window, ttl),
    rateCounters.failureStep(subjects.ip, window, ttl),
    auditStep({
      organizationId,
      action: 'user.login.failed',
      actor: userId ? { actorType: 'user', actorId: userId } : { actorType: 'anonymous', actorId: 'anonymous' },
      origin,
      ...(userId ? { target: { type: 'user', id: userId } } : {}),
      details: { method: 'password', reason, ...(userId ? {} : { emailDigest: subjectDigest(email.trim().toLowerCase()) }) },
    }),
  ];
}

export interface LoginResult {
  accessToken: string;
  expiresIn: number;
  tokenType: 'Bearer';
}

/**
 * Password sign-in. Unknown emails, wrong passwords and deactivated users get the same 401 after
 * the same scrypt work; every attempt is audited with the caller's IP and user agent.
 */
export async function login(emailAddress: string, password: string, origin: RequestOrigin): Promise<LoginResult> {
  const now = Date.now();
  await assertNotThrottled(emailAddress, origin.ipAddress, now);
  const identity = await users.loginIdentityByEmail(emailAddress);
  const passwordMatches = await verifyPassword(password, identity?.passwordHash);
  const organizationId = identity?.organizationId ?? null;
  const userId = identity?.userId ?? null;

  const user = organizationId && userId ? await users.byId(organizationId, userId) : undefined;
  const reason = !identity ? 'unknown_email' : !passwordMatches ? 'wrong_password' : !user ? 'user_deleted' : user.active === false ? 'user_inactive' : undefined;
  if (reason || !organizationId || !userId || !user) {
    await transact(failureSteps(emailAddress, origin, now, organizationId, userId, reason ?? 'unknown_email'));
    addMetric(metric.signInFailures, 1, { kind: 'password' });
    throw new AuthenticationError(INVALID_CREDENTIALS, 'Basic realm="identity-platform"');
  }

  const scopes = await effectiveScopes(organizationId, userId, user.roleIds ?? []);
  const token = await issueAccessToken({ subject: userId, subjectType: 'user', organizationId, audience: platformAudience(), scopes });
  await transact([
    users.signInStep(organizationId, userId, new Date(now).toISOString(), () => new AuthenticationError(INVALID_CREDENTIALS, 'Basic realm="identity-platform"')),
    auditStep({ organizationId, action: 'user.login', actor: { actorType: 'user', actorId: userId }, origin, target: { type: 'user', id: userId }, details: { method: 'password', scopes } }),
  ]);
  return { accessToken: token.token, expiresIn: token.expiresIn, tokenType: 'Bearer' };
}
