/**
 * The only place that knows how items are keyed. Each access pattern is named here; repositories
 * call these builders, handlers never see keys.
 *
 * Organization ids are UUIDs, so they never contain the `#` delimiter and one tenant's key
 * prefix can never match another's (`assertId` enforces it).
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

function assertId(kind: string, value: string): string {
  if (!UUID.test(value)) throw new Error(`Refusing to build a key from a malformed ${kind} id`);
  return value;
}

const org = (organizationId: string) => `ORG#${assertId('organization', organizationId)}`;

/** Entity type tags stored on every item (attribute `type`). */
export const EntityType = {
  Organization: 'Organization',
  User: 'User',
  LoginIdentity: 'LoginIdentity',
  AuditEntry: 'AuditEntry',
  SigningKey: 'SigningKey',
  PlatformMarker: 'PlatformMarker',
  UniqueConstraint: 'UniqueConstraint',
} as const;

export const keys = {
  /** organizations.byId */
  organization: (organizationId: string) => ({ pk: org(organizationId), sk: 'ORG' }),

  /** users.byId — and users.list via begins_with(sk, 'USER#') */
  user: (organizationId: string, userId: string) => ({
    pk: org(organizationId),
    sk: `USER#${assertId('user', userId)}`,
  }),
  userPrefix: (organizationId: string) => ({ pk: org(organizationId), skPrefix: 'USER#' }),

  /** users.byUserName (gsi1): lower-cased userName, for `userName eq` and sorted listing. */
  userNameIndex: (organizationId: string, userName: string) => ({
    gsi1pk: `${org(organizationId)}#USERNAME`,
    gsi1sk: userName.toLowerCase(),
  }),
  /** Uniqueness claim on a user's userName within an organization (case-insensitive). */
  userNameClaim: (organizationId: string, userName: string) => ({
    pk: `${org(organizationId)}#UNIQUE`,
    sk: `USERNAME#${userName.toLowerCase()}`,
  }),

  /** users.byEmailForLogin — sign-in emails are unique across the deployment (login has no org). */
  loginIdentity: (email: string) => ({ pk: `LOGIN#${email.trim().toLowerCase()}`, sk: 'LOGIN' }),

  /** audit.byOrganizationAndTime — sort key is a ULID, so time-ordered. */
  auditEntry: (organizationId: string, entryId: string) => ({ pk: `${org(organizationId)}#AUDIT`, sk: entryId }),
  auditPartition: (organizationId: string) => `${org(organizationId)}#AUDIT`,

  /** signingKeys.published — every public key whose tokens may still be alive. */
  signingKey: (kid: string) => ({ pk: 'PLATFORM#SIGNING_KEYS', sk: `KEY#${kid}` }),
  signingKeyPartition: () => 'PLATFORM#SIGNING_KEYS',

  /** platform.bootstrap — which organization the local runtime bootstrapped. */
  bootstrapMarker: () => ({ pk: 'PLATFORM#BOOTSTRAP', sk: 'BOOTSTRAP' }),
} as const;
