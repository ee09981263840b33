import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, ValidationError } from '../errors/domain-errors.ts';
import { auditStep, type AuditEvent, type RequestOrigin } from '../audit/audit-entry.ts';
import { scimConnectionStep } from '../directory/scim-connection.ts';
import * as organizations from '../storage/organizations.ts';
import type { OrganizationRecord } from '../storage/organizations.ts';
import { transact } from '../storage/transactions.ts';
import * as users from '../storage/users.ts';
import type { UserRecord } from '../storage/users.ts';
import { assertPasswordPolicy, hashPassword } from './passwords.ts';
import { ORGANIZATION_CORRELATION } from '../directory/person-correlation.ts';

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
 * Creates an organization with its first Owner in one transaction: the organization, its `scim`
 * directory connection, the owner's user record, the owner's userName claim, the owner's sign-in
 * identity (unique across the deployment) and the audit entries either all land or none does.
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

  const owner: UserRecord = {
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
  };

  await transact([
    organizations.putStep({ id: organizationId, name: input.name, createdAt: now }, () => new ConflictError('Organization id collision; retry.')),
    scimConnectionStep(organizationId, now),
    users.putStep(owner, { expectedVersion: undefined, onConflict: emailTaken }),
    users.claimUserNameStep(organizationId, email, ownerUserId, emailTaken),
    users.putLoginIdentityStep({ email, organizationId, userId: ownerUserId, passwordHash }, emailTaken),
    auditStep({ organizationId, action: 'organization.created', actor, origin, target: { type: 'organization', id: organizationId }, details: { name: input.name, ownerUserId, ownerRoles: ['owner'] } }),
  ]);
  return { organizationId, ownerUserId };
}

/** The organization, or undefined when it does not exist (or `organizationId` is not a UUID). Eventually consistent. */
export async function getOrganization(organizationId: string): Promise<Organization | undefined> {
  const record = await organizations.byId(organizationId);
  return record ? { id: record.id, name: record.name, createdAt: record.createdAt } : undefined;
}

/** Operator changes to an organization: its name, its rate-limit overrides and its person correlation rule. */
export async function updateOrganization(
  organizationId: string,
  changes: { name?: string | undefined; rateLimits?: Record<string, unknown> | undefined; personCorrelation?: string[] | undefined },
  actor: AuditEvent['actor'],
  origin: RequestOrigin,
): Promise<Organization & { rateLimits: Record<string, unknown>; personCorrelation: string[] }> {
  const requested = Object.entries(changes).filter(([, value]) => value !== undefined);
  if (requested.length === 0) throw new ValidationError('Send at least one of name, rateLimits, personCorrelation.');
  const current = await organizations.byId(organizationId, { consistent: true });
  if (!current) throw new NotFoundError(`Organization ${organizationId} was not found.`);
  const stored = current as unknown as Record<string, unknown>;
  const fields = requested.filter(([name, value]) => JSON.stringify(stored[name]) !== JSON.stringify(value));
  const presented = (record: OrganizationRecord) => ({
    id: organizationId,
    name: record.name,
    createdAt: record.createdAt,
    rateLimits: record.rateLimits ?? {},
    personCorrelation: record.personCorrelation ?? [...ORGANIZATION_CORRELATION],
  });
  if (fields.length === 0) return presented(current);
  const changed = Object.fromEntries(fields) as organizations.OrganizationChanges;
  await transact([
    organizations.updateStep(organizationId, changed, () => new NotFoundError(`Organization ${organizationId} was not found.`)),
    auditStep({ organizationId, action: 'organization.updated', actor, origin, target: { type: 'organization', id: organizationId }, details: { changedAttributes: fields.map(([name]) => name) } }),
  ]);
  return presented({ ...current, ...changed });
}
