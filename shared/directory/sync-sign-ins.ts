/**
 * Directory sign-ins (issue 14, dormant accounts "across SAML, password and directory sources"):
 * a synchronised user's latest sign-in as its directory records it — Active Directory
 * lastLogonTimestamp, OpenLDAP pwdLastSuccess / authTimestamp (sync-read.ts, directorySignInOf) —
 * becomes its `lastSignInAt`, the field password and SAML sign-ins write.
 *
 * A user the run creates gets it on its record (sync-plan.ts). For users already stored, a sign-in
 * later than the stored `lastSignInAt` is recorded after the run's changes with `users.signInStep`
 * (no version bump: a sign-in is not a change of the resource) and one `user.signin.synchronised`
 * audit entry per user in the same transaction — which the policy-evaluation worker reads like a
 * `user.login`. The sign-in times themselves are volatile attributes: they never make a run's
 * object an update (sync-objects.ts).
 */
import { auditStep } from '../audit/audit-entry.ts';
import { ConcurrentChangeError } from '../errors/domain-errors.ts';
import type { UserRecord } from '../storage/users.ts';
import * as users from '../storage/users.ts';
import { transact } from '../storage/transactions.ts';
import type { ApplyContext } from './sync-apply.ts';
import type { DirectoryUser } from './sync-read.ts';

/** Users per transaction: the sign-in update and its audit entry each (plus the audit counter). */
const SIGN_INS_PER_TRANSACTION = 45;
const ORIGIN = { ipAddress: '', userAgent: 'identity-platform worker sync-run' };

export interface DirectorySignIn {
  userId: string;
  /** ISO 8601. */
  at: string;
}

/** The stored users whose directory sign-in is later than their `lastSignInAt`. Pure. */
export function newerSignIns(read: readonly Pick<DirectoryUser, 'directoryId' | 'lastSignInAt'>[], stored: ReadonlyMap<string, Pick<UserRecord, 'id' | 'lastSignInAt'>>): DirectorySignIn[] {
  const result: DirectorySignIn[] = [];
  for (const user of read) {
    const existing = stored.get(user.directoryId);
    if (!existing || !user.lastSignInAt) continue;
    if (existing.lastSignInAt === undefined || Date.parse(user.lastSignInAt) > Date.parse(existing.lastSignInAt)) result.push({ userId: existing.id, at: user.lastSignInAt });
  }
  return result;
}

/** Records directory sign-ins in transactions of up to 45 users; a user deleted meanwhile is skipped with its chunk retried without it. */
export async function recordSignIns(context: Pick<ApplyContext, 'organizationId' | 'project' | 'runId' | 'actor'>, signIns: readonly DirectorySignIn[]): Promise<number> {
  let recorded = 0;
  for (let start = 0; start < signIns.length; start += SIGN_INS_PER_TRANSACTION) {
    let chunk = signIns.slice(start, start + SIGN_INS_PER_TRANSACTION);
    for (let attempt = 0; attempt < 3 && chunk.length > 0; attempt++) {
      let missing: string | undefined;
      try {
        await transact(
          chunk.flatMap((signIn) => [
            users.signInStep(context.organizationId, signIn.userId, signIn.at, () => {
              missing = signIn.userId;
              return new ConcurrentChangeError(`User ${signIn.userId} was deleted meanwhile.`);
            }),
            auditStep({
              organizationId: context.organizationId,
              action: 'user.signin.synchronised',
              actor: context.actor,
              origin: ORIGIN,
              target: { type: 'user', id: signIn.userId },
              details: { lastSignInAt: signIn.at, source: context.project.connectionType, runId: context.runId, projectId: context.project.id },
            }),
          ]),
        );
        recorded += chunk.length;
        break;
      } catch (error) {
        if (missing === undefined) throw error;
        const gone = missing;
        chunk = chunk.filter((signIn) => signIn.userId !== gone);
      }
    }
  }
  return recorded;
}
