/**
 * The organizations repository: one item per organization (tenant) holding its name and its
 * operator-set rate-limit overrides. An organization's first Owner is an ordinary user record
 * written through shared/storage/users.ts.
 *
 * Access patterns (README, "Storage"):
 * - organizations.byId — GetItem (`sk = 'ORG'`) on the organization partition;
 * - organizations.rateLimitsOf — the same item, projected to its overrides (the bearer check's read).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { DomainError } from '../errors/domain-errors.ts';
import { dynamo, tableName } from './clients.ts';
import { EntityType, isUuid } from './keys.ts';
import * as keys from './keys.ts';
import { getItem } from './queries.ts';
import { putNew, type TransactionStep } from './transactions.ts';

/** One organization. `createdAt` is ISO 8601. */
export interface OrganizationRecord {
  id: string;
  name: string;
  createdAt: string;
  /** Per-family overrides `{ scim: { perMinute, perHour }, … }` (shared/rate-limits/policy.ts validates them). */
  rateLimits?: Record<string, unknown> | undefined;
  /** The person correlation rule for SCIM and SAML just-in-time users (shared/directory/person-correlation.ts); absent: the default. */
  personCorrelation?: string[] | undefined;
}

/** The fields an operator may change. */
export type OrganizationChanges = Partial<Pick<OrganizationRecord, 'name' | 'rateLimits' | 'personCorrelation'>>;

function toRecord(item: Record<string, unknown>): OrganizationRecord {
  const { pk: _pk, sk: _sk, type: _type, ...record } = item;
  return record as unknown as OrganizationRecord;
}

/** organizations.byId — undefined when absent or when `organizationId` is not a UUID. Eventually consistent unless asked. */
export async function byId(organizationId: string, options: { consistent?: boolean } = {}): Promise<OrganizationRecord | undefined> {
  if (!isUuid(organizationId)) return undefined;
  const item = await getItem(keys.organization(organizationId), options.consistent ?? false);
  return item ? toRecord(item) : undefined;
}

/**
 * organizations.rateLimitsOf — an organization's rate-limit overrides (`{}` when it has none or
 * does not exist): one eventually consistent GetItem that returns only that attribute.
 */
export async function rateLimitsOf(organizationId: string): Promise<Record<string, unknown>> {
  const result = await dynamo().send(new GetCommand({ TableName: tableName(), Key: keys.organization(organizationId), ProjectionExpression: 'rateLimits' }));
  return (result.Item?.rateLimits as Record<string, unknown> | undefined) ?? {};
}

/**
 * organizations.personCorrelationOf — an organization's person correlation rule, undefined when it
 * has none: one eventually consistent GetItem that returns only that attribute.
 */
export async function personCorrelationOf(organizationId: string): Promise<string[] | undefined> {
  if (!isUuid(organizationId)) return undefined;
  const result = await dynamo().send(new GetCommand({ TableName: tableName(), Key: keys.organization(organizationId), ProjectionExpression: 'personCorrelation' }));
  const rule = result.Item?.personCorrelation;
  return Array.isArray(rule) ? rule.map(String) : undefined;
}

/** organizations.putStep — writes a new organization; `onConflict` when the id is taken. */
export function putStep(record: OrganizationRecord, onConflict: () => DomainError): TransactionStep {
  return putNew({ ...keys.organization(record.id), type: EntityType.Organization, ...record }, onConflict);
}

/**
 * organizations.updateStep — sets the given fields (at least one) of an existing organization;
 * `onMissing` when it does not exist.
 */
export function updateStep(organizationId: string, changes: OrganizationChanges, onMissing: () => DomainError): TransactionStep {
  const fields = Object.entries(changes).filter(([, value]) => value !== undefined);
  if (fields.length === 0) throw new Error('organizations.updateStep needs at least one field to set');
  return {
    item: {
      Update: {
        TableName: tableName(),
        Key: keys.organization(organizationId),
        UpdateExpression: `SET ${fields.map((_, index) => `#f${index} = :v${index}`).join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: Object.fromEntries(fields.map(([name], index) => [`#f${index}`, name])),
        ExpressionAttributeValues: Object.fromEntries(fields.map(([, value], index) => [`:v${index}`, value])),
      },
    },
    onConditionFailed: onMissing,
  };
}
