import { randomUUID } from 'node:crypto';
import { auditStep, type RequestOrigin } from '../audit/audit-entry.ts';
import { ConflictError } from '../errors/domain-errors.ts';
import { normalizeUserInput, USER_COUNTER } from '../scim/users.ts';
import { USER_SCHEMA } from '../scim/schema.ts';
import { tableName } from '../storage/clients.ts';
import { counterStep } from '../storage/counters.ts';
import { EntityType, keys } from '../storage/keys.ts';
import { putNew, type TransactionStep } from '../storage/transactions.ts';
import { SamlRejection } from './rejection.ts';

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
 * user (SCIM-visible, so an IdP's provisioning can later find, update or deactivate it by userName);
 * `provisionedBy` records where it came from. The steps join the sign-in's own transaction, so a
 * refused sign-in creates nothing.
 */
export function jitUserSteps(organizationId: string, profile: JitProfile, defaultGroupId: string | null, origin: RequestOrigin): { userId: string; steps: TransactionStep[] } {
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
  const steps: TransactionStep[] = [
    putNew(
      {
        ...keys.user(organizationId, id),
        ...keys.userNameIndex(organizationId, profile.email),
        type: EntityType.User,
        id,
        organizationId,
        userName: profile.email,
        active: true,
        resource,
        hasPassword: false,
        source: 'scim',
        provisionedBy: 'saml-jit',
        version: 1,
        createdAt: now,
        updatedAt: now,
      },
      taken,
    ),
    putNew({ ...keys.userNameClaim(organizationId, profile.email), type: EntityType.UniqueConstraint, ownerId: id }, taken),
    counterStep(organizationId, USER_COUNTER, 1),
    auditStep({ organizationId, action: 'user.created', actor: JIT_ACTOR, origin, target: { type: 'user', id }, details: { userName: profile.email, source: 'saml-jit' } }),
  ];
  if (defaultGroupId) {
    steps.push(
      {
        item: { ConditionCheck: { TableName: tableName(), Key: keys.group(organizationId, defaultGroupId), ConditionExpression: 'attribute_exists(pk)' } },
        onConditionFailed: () => new SamlRejection('default_group_missing'),
      },
      {
        item: {
          Put: {
            TableName: tableName(),
            Item: {
              ...keys.groupMembership(organizationId, defaultGroupId, id),
              ...keys.groupMembershipIndex(organizationId, defaultGroupId, id),
              type: EntityType.GroupMembership,
              groupId: defaultGroupId,
              userId: id,
              display: displayName ?? profile.email,
              addedAt: now,
            },
          },
        },
      },
      auditStep({ organizationId, action: 'group.member.added', actor: JIT_ACTOR, origin, target: { type: 'group', id: defaultGroupId }, details: { memberIds: [id], source: 'saml-jit' } }),
    );
  }
  return { userId: id, steps };
}
