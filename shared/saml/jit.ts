import { randomUUID } from 'node:crypto';
import { auditStep, type RequestOrigin } from '../audit/audit-entry.ts';
import { ConflictError } from '../errors/domain-errors.ts';
import { normalizeUserInput, USER_COUNTER } from '../scim/users.ts';
import { USER_SCHEMA } from '../scim/schema.ts';
import { counterStep } from '../storage/counters.ts';
import * as groups from '../storage/groups.ts';
import type { TransactionStep } from '../storage/transactions.ts';
import * as users from '../storage/users.ts';
import { memberDisplay } from '../scim/member-display.ts';
import { SamlRejection } from './rejection.ts';
import { organizationCorrelation, personChange } from '../directory/person-correlation.ts';

export interface JitProfile {
  email: string;
  firstName: string | undefined;
  lastName: string | undefined;
  displayName: string | undefined;
}

const JIT_ACTOR = { actorType: 'system' as const, actorId: 'saml-jit' };

/**
 * The transaction steps that create a user on first SAML sign-in (just-in-time provisioning) and
 * add it to the default group, each change with its audit entry. The user is an ordinary directory
 * user with source 'saml-jit' (SCIM-visible — shared/scim/visibility.ts — so an IdP's provisioning
 * can later find, update or deactivate it by userName), written through the users repository. The steps join the sign-in's own transaction, so a
 * refused sign-in creates nothing.
 */
export async function jitUserSteps(organizationId: string, profile: JitProfile, defaultGroupId: string | null, origin: RequestOrigin): Promise<{ userId: string; steps: TransactionStep[] }> {
  const id = randomUUID();
  const now = new Date().toISOString();
  const name = { ...(profile.firstName ? { givenName: profile.firstName } : {}), ...(profile.lastName ? { familyName: profile.lastName } : {}) };
  const displayName = profile.displayName ?? ([profile.firstName, profile.lastName].filter(Boolean).join(' ') || undefined);
  const { resource } = normalizeUserInput({
    schemas: [USER_SCHEMA],
    userName: profile.email,
    ...(Object.keys(name).length > 0 ? { name } : {}),
    ...(displayName ? { displayName } : {}),
    emails: [{ value: profile.email, type: 'work', primary: true }],
    active: true,
  });
  const taken = () => new ConflictError(`A user named ${profile.email} was created concurrently.`);
  const record: users.UserRecord = { id, organizationId, userName: profile.email, active: true, resource, hasPassword: false, source: 'saml-jit', version: 1, createdAt: now, updatedAt: now };
  // The new user joins the person its email (or other keys) correlates to, by the organization's rule.
  const person = await personChange(organizationId, { before: undefined, after: record, rule: await organizationCorrelation(organizationId) }, now);
  const steps: TransactionStep[] = [
    users.putStep(record, { expectedVersion: undefined, onConflict: taken }),
    users.claimUserNameStep(organizationId, profile.email, id, taken),
    counterStep(organizationId, USER_COUNTER, 1),
    auditStep({ organizationId, action: 'user.created', actor: JIT_ACTOR, origin, target: { type: 'user', id }, details: { userName: profile.email, source: 'saml-jit', ...(person.details ? { person: person.details } : {}) } }),
    ...person.steps,
  ];
  if (defaultGroupId) {
    steps.push(
      groups.mustExistStep(organizationId, defaultGroupId, () => new SamlRejection('default_group_missing')),
      groups.membershipAddStep(organizationId, { groupId: defaultGroupId, userId: id, display: memberDisplay(resource, profile.email).slice(0, 256), addedAt: now }),
      auditStep({ organizationId, action: 'group.member.added', actor: JIT_ACTOR, origin, target: { type: 'group', id: defaultGroupId }, details: { memberIds: [id], source: 'saml-jit' } }),
    );
  }
  return { userId: id, steps };
}
