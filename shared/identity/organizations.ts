import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../errors/domain-errors.ts';
import { auditStep, type AuditEvent, type RequestOrigin } from '../audit/audit-entry.ts';
import { dynamo, tableName } from '../storage/clients.ts';
import { EntityType, keys } from '../storage/keys.ts';
import { putNew, transact } from '../storage/transactions.ts';
import { assertPasswordPolicy, hashPassword } from './passwords.ts';

export interface CreateOrganizationInput {
  name: string;
  ownerEmail: string;
  ownerPassword: string;
}

export interface Organization {
  id: string;
  name: string;
  createdAt: string;
}

/**
 * Creates an organization with its first Owner in one transaction: the organization, the owner's
 * user record, the owner's userName claim, the owner's sign-in identity (unique across the
 * deployment) and the audit entries either all land or none does.
 */
export async function createOrganization(
  input: CreateOrganizationInput,
  actor: AuditEvent['actor'],
  origin: RequestOrigin,
): Promise<{ organizationId: string; ownerUserId: string }> {
  assertPasswordPolicy(input.ownerPassword, 'ownerPassword');
  const organizationId = randomUUID();
  const ownerUserId = randomUUID();
  const now = new Date().toISOString();
  const email = input.ownerEmail.trim();
  const passwordHash = await hashPassword(input.ownerPassword);
  const emailTaken = () => new ConflictError(`The email address ${email} is already used to sign in.`, { field: 'ownerEmail' });

  await transact([
    putNew({ ...keys.organization(organizationId), type: EntityType.Organization, id: organizationId, name: input.name, createdAt: now }, () =>
      new ConflictError('Organization id collision; retry.'),
    ),
    putNew(
      {
        ...keys.user(organizationId, ownerUserId),
        ...keys.userNameIndex(organizationId, email),
        type: EntityType.User,
        id: ownerUserId,
        organizationId,
        userName: email,
        emails: [{ value: email, type: 'work', primary: true }],
        active: true,
        roleIds: ['owner'],
        hasPassword: true,
        source: 'organization-bootstrap',
        version: 1,
        createdAt: now,
        updatedAt: now,
      },
      emailTaken,
    ),
    putNew({ ...keys.userNameClaim(organizationId, email), type: EntityType.UniqueConstraint, ownerId: ownerUserId }, emailTaken),
    putNew({ ...keys.loginIdentity(email), type: EntityType.LoginIdentity, organizationId, userId: ownerUserId, passwordHash }, emailTaken),
    auditStep({ organizationId, action: 'organization.created', actor, origin, target: { type: 'organization', id: organizationId }, details: { name: input.name } }),
    auditStep({ organizationId, action: 'user.created', actor, origin, target: { type: 'user', id: ownerUserId }, details: { roles: ['owner'] } }),
  ]);
  return { organizationId, ownerUserId };
}

export async function getOrganization(organizationId: string): Promise<Organization | undefined> {
  const result = await dynamo().send(new GetCommand({ TableName: tableName(), Key: keys.organization(organizationId) }));
  if (!result.Item) return undefined;
  return { id: result.Item.id as string, name: result.Item.name as string, createdAt: result.Item.createdAt as string };
}
