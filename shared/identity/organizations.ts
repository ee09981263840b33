import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError, ValidationError } from '../errors/domain-errors.ts';
import { auditStep, type AuditEvent, type RequestOrigin } from '../audit/audit-entry.ts';
import { dynamo, tableName } from '../storage/clients.ts';
import { EntityType, isUuid, keys } from '../storage/keys.ts';
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
        type: EntityType.User,
        id: ownerUserId,
        organizationId,
        userName: email,
        active: true,
        resource: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: email, emails: [{ value: email, type: 'work', primary: true }], active: true },
        roleIds: new Set(['owner']),
        hasPassword: true,
        // A local account: SCIM neither lists nor changes it, and its userName stays reserved.
        source: 'local',
        version: 1,
        createdAt: now,
        updatedAt: now,
      },
      emailTaken,
    ),
    putNew({ ...keys.userNameClaim(organizationId, email), type: EntityType.UniqueConstraint, ownerId: ownerUserId }, emailTaken),
    putNew({ ...keys.loginIdentity(email), type: EntityType.LoginIdentity, organizationId, userId: ownerUserId, passwordHash }, emailTaken),
    auditStep({ organizationId, action: 'organization.created', actor, origin, target: { type: 'organization', id: organizationId }, details: { name: input.name, ownerUserId, ownerRoles: ['owner'] } }),
  ]);
  return { organizationId, ownerUserId };
}

export async function getOrganization(organizationId: string): Promise<Organization | undefined> {
  const result = await dynamo().send(new GetCommand({ TableName: tableName(), Key: keys.organization(organizationId) }));
  if (!result.Item) return undefined;
  return { id: result.Item.id as string, name: result.Item.name as string, createdAt: result.Item.createdAt as string };
}

/** Operator changes to an organization: its name and its rate-limit overrides. */
export async function updateOrganization(
  organizationId: string,
  changes: { name?: string | undefined; rateLimits?: Record<string, unknown> | undefined },
  actor: AuditEvent['actor'],
  origin: RequestOrigin,
): Promise<Organization & { rateLimits: Record<string, unknown> }> {
  const requested = Object.entries(changes).filter(([, value]) => value !== undefined);
  if (requested.length === 0) throw new ValidationError('Send at least one of name, rateLimits.');
  if (!isUuid(organizationId)) throw new NotFoundError(`Organization ${organizationId} was not found.`);
  const result = await dynamo().send(
    new GetCommand({ TableName: tableName(), Key: keys.organization(organizationId), ConsistentRead: true }),
  );
  if (!result.Item) throw new NotFoundError(`Organization ${organizationId} was not found.`);
  const current = result.Item;
  const fields = requested.filter(([name, value]) => JSON.stringify(current[name]) !== JSON.stringify(value));
  const presented = (item: Record<string, unknown>) => ({
    id: organizationId,
    name: item.name as string,
    createdAt: item.createdAt as string,
    rateLimits: (item.rateLimits as Record<string, unknown> | undefined) ?? {},
  });
  if (fields.length === 0) return presented(current);
  const names = Object.fromEntries(fields.map(([name], index) => [`#f${index}`, name]));
  const values = Object.fromEntries(fields.map(([, value], index) => [`:v${index}`, value]));
  await transact([
    {
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.organization(organizationId),
          UpdateExpression: `SET ${fields.map((_, index) => `#f${index} = :v${index}`).join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      onConditionFailed: () => new NotFoundError(`Organization ${organizationId} was not found.`),
    },
    auditStep({ organizationId, action: 'organization.updated', actor, origin, target: { type: 'organization', id: organizationId }, details: { changedAttributes: fields.map(([name]) => name) } }),
  ]);
  return presented({ ...current, ...Object.fromEntries(fields) });
}
