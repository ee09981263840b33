import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { auditStep, type RequestOrigin } from '../audit/audit-entry.ts';
import { AuthenticationError, RateLimitError } from '../errors/domain-errors.ts';
import { dynamo, tableName } from '../storage/clients.ts';
import { EntityType, keys } from '../storage/keys.ts';
import { batchGet } from '../storage/queries.ts';
import { transact, type TransactionStep } from '../storage/transactions.ts';
import { issueAccessToken, platformAudience } from '../auth/access-tokens.ts';
import { verifyPassword } from './passwords.ts';
import { effectiveScopes } from './roles.ts';

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

function counterKeys(email: string, ipAddress: string, now: number) {
  const window = String(windowStart(now));
  return {
    account: keys.rateCounter(`login-account#${subjectDigest(email.trim().toLowerCase())}`, window),
    ip: keys.rateCounter(`login-ip#${subjectDigest(ipAddress)}`, window),
  };
}

async function assertNotThrottled(email: string, ipAddress: string, now: number): Promise<void> {
  const counters = counterKeys(email, ipAddress, now);
  const items = await batchGet([counters.account, counters.ip]);
  const failures = (key: { pk: string }) => (items.find((item) => item.pk === key.pk)?.failures as number | undefined) ?? 0;
  const retryAfter = windowStart(now) + LOGIN_WINDOW_SECONDS - now / 1000;
  if (failures(counters.account) >= MAX_FAILURES_PER_ACCOUNT) {
    throw new RateLimitError('Too many failed sign-in attempts for this account; try again later.', retryAfter);
  }
  if (failures(counters.ip) >= MAX_FAILURES_PER_IP) {
    throw new RateLimitError('Too many failed sign-in attempts from this address; try again later.', retryAfter);
  }
}

function failureSteps(email: string, origin: RequestOrigin, now: number, organizationId: string | null, userId: string | null, reason: string): TransactionStep[] {
  const counters = counterKeys(email, origin.ipAddress, now);
  const ttl = windowStart(now) + LOGIN_WINDOW_SECONDS + 60;
  const bump = (key: { pk: string; sk: string }): TransactionStep => ({
    item: {
      Update: {
        TableName: tableName(),
        Key: key,
        UpdateExpression: 'ADD failures :one SET #type = :type, expiresAt = :ttl',
        ExpressionAttributeNames: { '#type': 'type' },
        ExpressionAttributeValues: { ':one': 1, ':type': EntityType.RateCounter, ':ttl': ttl },
      },
    },
  });
  return [
    bump(counters.account),
    bump(counters.ip),
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
  const identity = (await dynamo().send(new GetCommand({ TableName: tableName(), Key: keys.loginIdentity(emailAddress) }))).Item;
  const passwordMatches = await verifyPassword(password, identity?.passwordHash as string | undefined);
  const organizationId = (identity?.organizationId as string | undefined) ?? null;
  const userId = (identity?.userId as string | undefined) ?? null;

  const user = organizationId && userId
    ? (await dynamo().send(new GetCommand({ TableName: tableName(), Key: keys.user(organizationId, userId), ConsistentRead: true }))).Item
    : undefined;
  const reason = !identity ? 'unknown_email' : !passwordMatches ? 'wrong_password' : !user ? 'user_deleted' : user.active === false ? 'user_inactive' : undefined;
  if (reason || !organizationId || !userId || !user) {
    await transact(failureSteps(emailAddress, origin, now, organizationId, userId, reason ?? 'unknown_email'));
    throw new AuthenticationError(INVALID_CREDENTIALS, 'Basic realm="identity-platform"');
  }

  const scopes = await effectiveScopes(organizationId, userId, (user.roleIds as Set<string> | undefined) ?? []);
  const token = await issueAccessToken({ subject: userId, subjectType: 'user', organizationId, audience: platformAudience(), scopes });
  await transact([
    auditStep({ organizationId, action: 'user.login', actor: { actorType: 'user', actorId: userId }, origin, target: { type: 'user', id: userId }, details: { method: 'password', scopes } }),
  ]);
  return { accessToken: token.token, expiresIn: token.expiresIn, tokenType: 'Bearer' };
}
