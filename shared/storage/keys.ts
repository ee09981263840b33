/**
 * The only place that knows how items are keyed. Each access pattern is named here; repositories
 * call these builders (`import * as keys from './keys.ts'`, then `keys.user(…)`), handlers never
 * see keys. Each builder is its own export, not a property of one object, so a function bundle
 * carries only the builders its route calls (esbuild cannot drop unused properties of an object).
 *
 * Organization ids are UUIDs, so they never contain the `#` delimiter and one tenant's key
 * prefix can never match another's (`assertId` enforces it).
 */
import { isUuid } from '../uuid.ts';

export { isUuid };

function assertId(kind: string, value: string): string {
  if (!isUuid(value)) throw new Error(`Refusing to build a key from a malformed ${kind} id`);
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
  Client: 'Client',
  ClientCredentials: 'ClientCredentials',
  Api: 'Api',
  ApiGrant: 'ApiGrant',
  Role: 'Role',
  Group: 'Group',
  GroupMembership: 'GroupMembership',
  RateCounter: 'RateCounter',
  Counter: 'Counter',
  PageBoundary: 'PageBoundary',
  SamlSettings: 'SamlSettings',
  SamlServiceProvider: 'SamlServiceProvider',
  SamlRequest: 'SamlRequest',
  SamlAssertionUse: 'SamlAssertionUse',
  DirectoryConnection: 'DirectoryConnection',
  SyncProject: 'SyncProject',
  SyncProjectState: 'SyncProjectState',
  SyncRunClaim: 'SyncRunClaim',
  SyncRun: 'SyncRun',
  SyncChange: 'SyncChange',
  DirectoryDnLink: 'DirectoryDnLink',
  SyncDisappeared: 'SyncDisappeared',
  ReviewCampaign: 'ReviewCampaign',
  ReviewItem: 'ReviewItem',
  ReviewDecision: 'ReviewDecision',
  DirectoryObject: 'DirectoryObject',
  DirectoryAttributes: 'DirectoryAttributes',
  Person: 'Person',
  PersonLink: 'PersonLink',
  PersonKey: 'PersonKey',
  Policy: 'Policy',
  Violation: 'Violation',
  ViolationClaim: 'ViolationClaim',
  AuditExportJob: 'AuditExportJob',
  UserGroupSummary: 'UserGroupSummary',
  UserGroupSummaryBackfill: 'UserGroupSummaryBackfill',
} as const;

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
function assertRunId(value: string): string {
  if (!ULID.test(value)) throw new Error('Refusing to build a key from a malformed sync run id');
  return value;
}
function assertViolationId(value: string): string {
  if (!ULID.test(value)) throw new Error('Refusing to build a key from a malformed violation id');
  return value;
}

/** organizations.byId */
export const organization = (organizationId: string) => ({ pk: org(organizationId), sk: 'ORG' });

/** users.byId — and users.list via begins_with(sk, 'USER#') */
export const user = (organizationId: string, userId: string) => ({
  pk: org(organizationId),
  sk: `USER#${assertId('user', userId)}`,
});
export const userPrefix = (organizationId: string) => ({ pk: org(organizationId), skPrefix: 'USER#' });

/** users.byUserName (gsi1): lower-cased userName, for `userName eq` and sorted listing. */
export const userNameIndex = (organizationId: string, userName: string) => ({
  gsi1pk: `${org(organizationId)}#USERNAME`,
  gsi1sk: userName.toLowerCase(),
});
/**
 * users.directoryListingPage (gsi1): local accounts (not SCIM-visible, so absent from the userName
 * index SCIM lists) in their own partition, with the same lower-cased userName sort key, so the
 * Directory API can merge both partitions into one listing of every user.
 */
export const localUserNameIndex = (organizationId: string, userName: string) => ({
  gsi1pk: `${org(organizationId)}#LOCALUSERNAME`,
  gsi1sk: userName.toLowerCase(),
});
/** Uniqueness claim on a user's userName within an organization (case-insensitive). */
export const userNameClaim = (organizationId: string, userName: string) => ({
  pk: `${org(organizationId)}#UNIQUE`,
  sk: `USERNAME#${userName.toLowerCase()}`,
});

/** users.byEmailForLogin — sign-in emails are unique across the deployment (login has no org). */
export const loginIdentity = (email: string) => ({ pk: `LOGIN#${email.trim().toLowerCase()}`, sk: 'LOGIN' });

/** audit.byOrganizationAndTime — sort key is a ULID, so time-ordered. */
export const auditEntry = (organizationId: string, entryId: string) => ({ pk: `${org(organizationId)}#AUDIT`, sk: entryId });
export const auditPartition = (organizationId: string) => `${org(organizationId)}#AUDIT`;
/** auditExports.byId — an asynchronous export job, under its organization (no other organization can name it). */
export const auditExportJob = (organizationId: string, jobId: string) => ({ pk: org(organizationId), sk: `AUDITEXPORT#${jobId}` });
/** audit.byAction (gsi1) and audit.byActor (gsi2), both time-ordered by the entry's ULID. */
export const auditActionIndex = (organizationId: string, action: string, entryId: string) => ({ gsi1pk: `${org(organizationId)}#AUDIT#ACTION#${action}`, gsi1sk: entryId });
export const auditActorIndex = (organizationId: string, actorId: string, entryId: string) => ({ gsi2pk: `${org(organizationId)}#AUDIT#ACTOR#${actorId}`, gsi2sk: entryId });

/** signingKeys.published — every public key whose tokens may still be alive. */
export const signingKey = (kid: string) => ({ pk: 'PLATFORM#SIGNING_KEYS', sk: `KEY#${kid}` });
export const signingKeyPartition = () => 'PLATFORM#SIGNING_KEYS';

/** clients.byId, clients.list via begins_with(sk, 'CLIENT#') */
export const client = (organizationId: string, clientId: string) => ({ pk: org(organizationId), sk: `CLIENT#${assertId('client', clientId)}` });
export const clientPrefix = (organizationId: string) => ({ pk: org(organizationId), skPrefix: 'CLIENT#' });
/** clients.byCredentialsClientId — the token endpoint finds a client without knowing its organization. */
export const clientCredentials = (credentialsClientId: string) => ({ pk: `CLIENTCRED#${credentialsClientId}`, sk: 'CRED' });

/** apis.byId, apis.list via begins_with(sk, 'API#') */
export const api = (organizationId: string, apiId: string) => ({ pk: org(organizationId), sk: `API#${assertId('api', apiId)}` });
export const apiPrefix = (organizationId: string) => ({ pk: org(organizationId), skPrefix: 'API#' });
/** Uniqueness claim on an API's identifier (its audience) within an organization. */
export const apiIdentifierClaim = (organizationId: string, identifier: string) => ({ pk: `${org(organizationId)}#UNIQUE`, sk: `APIIDENT#${identifier}` });

/** apiGrants.byApi (which clients may get tokens for an API) and, via gsi1, apiGrants.byClient. */
export const apiGrant = (organizationId: string, apiId: string, clientId: string) => ({
  pk: `${org(organizationId)}#API#${assertId('api', apiId)}`,
  sk: `CLIENT#${assertId('client', clientId)}`,
});
export const apiGrantIndex = (organizationId: string, apiId: string, clientId: string) => ({
  gsi1pk: `${org(organizationId)}#CLIENT#${assertId('client', clientId)}#GRANTS`,
  gsi1sk: apiId,
});
export const apiGrantPartition = (organizationId: string, apiId: string) => `${org(organizationId)}#API#${assertId('api', apiId)}`;
export const clientGrantsIndex = (organizationId: string, clientId: string) => `${org(organizationId)}#CLIENT#${assertId('client', clientId)}#GRANTS`;

/** roles.byId (custom roles), roles.list via begins_with(sk, 'ROLE#') */
export const role = (organizationId: string, roleId: string) => ({ pk: org(organizationId), sk: `ROLE#${assertId('role', roleId)}` });
export const rolePrefix = (organizationId: string) => ({ pk: org(organizationId), skPrefix: 'ROLE#' });
export const roleNameClaim = (organizationId: string, name: string) => ({ pk: `${org(organizationId)}#UNIQUE`, sk: `ROLENAME#${name.trim().toLowerCase()}` });

/** groups.byId, groups.list via begins_with(sk, 'GROUP#') */
export const group = (organizationId: string, groupId: string) => ({ pk: org(organizationId), sk: `GROUP#${assertId('group', groupId)}` });
export const groupPrefix = (organizationId: string) => ({ pk: org(organizationId), skPrefix: 'GROUP#' });
/** groups.membersOf (one item per membership) and, via gsi1, users.groupsOf. */
export const groupMembership = (organizationId: string, groupId: string, userId: string) => ({
  pk: `${org(organizationId)}#GROUP#${assertId('group', groupId)}`,
  sk: `MEMBER#${assertId('user', userId)}`,
});
export const groupMembershipIndex = (organizationId: string, groupId: string, userId: string) => ({
  gsi1pk: `${org(organizationId)}#USER#${assertId('user', userId)}#GROUPS`,
  gsi1sk: groupId,
});
export const groupMembersPartition = (organizationId: string, groupId: string) => `${org(organizationId)}#GROUP#${assertId('group', groupId)}`;
export const userGroupsIndex = (organizationId: string, userId: string) => `${org(organizationId)}#USER#${assertId('user', userId)}#GROUPS`;
/**
 * userGroupSummaries.ofUsers — one item per user holding the ids of its groups (a String Set),
 * beside the user item but not under `USER#` (users are listed with begins_with(sk, 'USER#')), so
 * a list page's groups are one BatchGetItem and plain user reads do not pay for them.
 */
export const userGroupSummary = (organizationId: string, userId: string) => ({ pk: org(organizationId), sk: `USERGROUPS#${assertId('user', userId)}` });
/**
 * userGroupSummaries.pendingOrganizations — organizations where a reader met users without a
 * complete summary (written before summaries existed), for the backfill worker: one platform
 * partition, so the worker finds them without scanning the table.
 */
export const userGroupSummaryBackfill = (organizationId: string) => ({ pk: 'PLATFORM#USERGROUPS#BACKFILL', sk: assertId('organization', organizationId) });
export const userGroupSummaryBackfillPartition = () => 'PLATFORM#USERGROUPS#BACKFILL';

/** users.byExternalId (gsi2); externalId is case-exact (RFC 7643 §3.1). */
export const userExternalIdIndex = (organizationId: string, externalId: string) => ({ gsi2pk: `${org(organizationId)}#USER_EXT`, gsi2sk: externalId });
/** groups.byDisplayName (gsi1, lower-cased) and groups.byExternalId (gsi2). */
export const groupNameIndex = (organizationId: string, displayName: string) => ({ gsi1pk: `${org(organizationId)}#GROUPNAME`, gsi1sk: displayName.toLowerCase() });
export const groupExternalIdIndex = (organizationId: string, externalId: string) => ({ gsi2pk: `${org(organizationId)}#GROUP_EXT`, gsi2sk: externalId });

/**
 * counters.byOrganization — sharded, so concurrent creates rarely touch the same item inside a
 * transaction (which DynamoDB would cancel as a TransactionConflict).
 */
export const counterShard = (organizationId: string, counter: string, shard: number) => ({ pk: `${org(organizationId)}#COUNTERS`, sk: `${counter}#${shard}` });
export const countersPartition = (organizationId: string) => `${org(organizationId)}#COUNTERS`;

/** List paging boundaries: where page N of a listing starts, so startIndex paging never re-reads from the top. */
export const pageBoundary = (organizationId: string, listing: string, startIndex: number) => ({ pk: `${org(organizationId)}#PAGES`, sk: `${listing}#${String(startIndex).padStart(10, "0")}` });

/** rateLimits.counter — one item per subject and window, expiring with TTL. */
export const rateCounter = (subject: string, window: string) => ({ pk: `RATE#${subject}`, sk: window });

/** Security events that belong to no organization (e.g. a sign-in attempt for an unknown email). */
export const platformAuditEntry = (entryId: string) => ({ pk: 'PLATFORM#AUDIT', sk: entryId });

// SAML
/** saml.settings — an organization's IdP trust settings (one item). */
export const samlSettings = (organizationId: string) => ({ pk: org(organizationId), sk: 'SAML#SETTINGS' });
/** saml.serviceProvider — the organization's SP signing key pair (private key envelope-encrypted) and certificate. */
export const samlServiceProvider = (organizationId: string) => ({ pk: org(organizationId), sk: 'SAML#SP' });
/** saml.requests — outstanding AuthnRequest ids (TTL), consumed once by InResponseTo. Ids are `_` + 32 hex digits. */
export const samlRequest = (organizationId: string, requestId: string) => {
  if (!/^_[0-9a-f]{32}$/.test(requestId)) throw new Error('Refusing to build a key from a malformed SAML request id');
  return { pk: `${org(organizationId)}#SAMLREQ`, sk: requestId };
};
/** saml.assertionUses — replay cache of consumed assertions (TTL), keyed by a digest of issuer and assertion ID. */
export const samlAssertionUse = (organizationId: string, assertionDigest: string) => {
  if (!/^[A-Za-z0-9_-]{43}$/.test(assertionDigest)) throw new Error('Refusing to build a key from a malformed assertion digest');
  return { pk: `${org(organizationId)}#SAMLASSERTION`, sk: assertionDigest };
};

/** connections.byId, connections.list via begins_with(sk, 'CONNECTION#') — directory connections (scim, ldap, activeDirectory). */
export const connection = (organizationId: string, connectionId: string) => ({ pk: org(organizationId), sk: `CONNECTION#${assertId('connection', connectionId)}` });
export const connectionPrefix = (organizationId: string) => ({ pk: org(organizationId), skPrefix: 'CONNECTION#' });

/** users.byConnection / users.byDirectoryId (gsi2): synchronised users by their stable id in the source directory. */
export const userDirectoryIndex = (organizationId: string, connectionId: string, directoryId: string) => ({
  gsi2pk: `${org(organizationId)}#CONNECTION#${assertId('connection', connectionId)}#USERS`,
  gsi2sk: directoryId,
});
/** groups.byConnection / groups.byDirectoryId (gsi2): synchronised groups by their stable id in the source directory. */
export const groupDirectoryIndex = (organizationId: string, connectionId: string, directoryId: string) => ({
  gsi2pk: `${org(organizationId)}#CONNECTION#${assertId('connection', connectionId)}#GROUPS`,
  gsi2sk: directoryId,
});

/**
 * directoryLinks.byDns: a synchronised user or group by its DN in the source directory (manager
 * and member DNs resolve through it). `dnDigest` is a digest of the normalised DN, so any DN fits.
 */
export const directoryDnLink = (organizationId: string, connectionId: string, dnDigest: string) => ({ pk: `${org(organizationId)}#CONNECTION#${assertId('connection', connectionId)}#DN`, sk: dnDigest });

/** syncProjects.byId, syncProjects.list via begins_with(sk, 'SYNCPROJECT#'). */
export const syncProject = (organizationId: string, projectId: string) => ({ pk: org(organizationId), sk: `SYNCPROJECT#${assertId('sync project', projectId)}` });
export const syncProjectPrefix = (organizationId: string) => ({ pk: org(organizationId), skPrefix: 'SYNCPROJECT#' });
/** syncProjects.byConnection (gsi1): the projects reading from one connection. */
export const syncProjectConnectionIndex = (organizationId: string, connectionId: string, projectId: string) => ({
  gsi1pk: `${org(organizationId)}#CONNECTION#${assertId('connection', connectionId)}#SYNCPROJECTS`,
  gsi1sk: projectId,
});
/**
 * syncProjects.scheduled (gsi2, sparse): every project with a schedule, platform-wide (the local
 * runtime arms its timers from it at start). Only project items that carry a schedule have it.
 */
export const syncProjectScheduleIndex = (organizationId: string, projectId: string) => ({ gsi2pk: 'PLATFORM#SYNCSCHEDULES', gsi2sk: `${org(organizationId)}#${assertId('sync project', projectId)}` });
export const syncProjectSchedulePartition = () => 'PLATFORM#SYNCSCHEDULES';
/** A project's run claim (at most one run at a time) and its delta watermark. */
export const syncRunClaim = (organizationId: string, projectId: string) => ({ pk: `${org(organizationId)}#SYNCPROJECT#${assertId('sync project', projectId)}`, sk: 'RUNNING' });
export const syncProjectState = (organizationId: string, projectId: string) => ({ pk: `${org(organizationId)}#SYNCPROJECT#${assertId('sync project', projectId)}`, sk: 'STATE' });
/** syncProjects.disappearedBefore: objects a project found gone, by when (deleted once past the project's delay). */
export const syncDisappeared = (organizationId: string, projectId: string, disappearedAt: string, objectClass: string, objectId: string) => ({
  pk: `${org(organizationId)}#SYNCPROJECT#${assertId('sync project', projectId)}#DISAPPEARED`,
  sk: `${disappearedAt}#${objectClass}#${assertId('object', objectId)}`,
});
export const syncDisappearedPartition = (organizationId: string, projectId: string) => `${org(organizationId)}#SYNCPROJECT#${assertId('sync project', projectId)}#DISAPPEARED`;
/** syncRuns.byId, syncRuns.history: time-ordered (ULID run ids). */
export const syncRun = (organizationId: string, runId: string) => ({ pk: `${org(organizationId)}#SYNCRUNS`, sk: assertRunId(runId) });
export const syncRunPartition = (organizationId: string) => `${org(organizationId)}#SYNCRUNS`;
/** syncRuns.changes: one change record per processed object, in processing order. */
export const syncChange = (organizationId: string, runId: string, sequence: number) => ({ pk: `${org(organizationId)}#SYNCRUN#${assertRunId(runId)}`, sk: `CHANGE#${String(sequence).padStart(9, '0')}` });
export const syncChangePartition = (organizationId: string, runId: string) => `${org(organizationId)}#SYNCRUN#${assertRunId(runId)}`;

/** accessReviews.campaignById, accessReviews.campaigns via begins_with(sk, 'REVIEWCAMPAIGN#'). */
export const reviewCampaign = (organizationId: string, campaignId: string) => ({ pk: org(organizationId), sk: `REVIEWCAMPAIGN#${assertId('campaign', campaignId)}` });
export const reviewCampaignPrefix = (organizationId: string) => ({ pk: org(organizationId), skPrefix: 'REVIEWCAMPAIGN#' });
/**
 * accessReviews.dueCampaigns (gsi1) — active campaigns by due instant, across organizations: the
 * scheduled sweep reads what fell due without knowing the organizations. ISO 8601 UTC sorts as text.
 */
export const reviewDueIndex = (dueAt: string, organizationId: string, campaignId: string) => ({
  gsi1pk: 'PLATFORM#REVIEWS#DUE',
  gsi1sk: `${dueAt}#${assertId('organization', organizationId)}#${assertId('campaign', campaignId)}`,
});
export const reviewDuePartition = () => 'PLATFORM#REVIEWS#DUE';
/** accessReviews.recurrencesDue (gsi2) — the latest occurrence of each recurring series, by when the next one starts. */
export const reviewRecurrenceIndex = (nextOccurrenceAt: string, organizationId: string, campaignId: string) => ({
  gsi2pk: 'PLATFORM#REVIEWS#RECUR',
  gsi2sk: `${nextOccurrenceAt}#${assertId('organization', organizationId)}#${assertId('campaign', campaignId)}`,
});
export const reviewRecurrencePartition = () => 'PLATFORM#REVIEWS#RECUR';
/** accessReviews.items / itemById — a campaign's review items; decisions (final, one per item) beside them. */
export const reviewItem = (organizationId: string, campaignId: string, itemId: string) => ({
  pk: `${org(organizationId)}#REVIEWCAMPAIGN#${assertId('campaign', campaignId)}`,
  sk: `ITEM#${assertId('review item', itemId)}`,
});
export const reviewItemPrefix = (organizationId: string, campaignId: string) => ({ pk: `${org(organizationId)}#REVIEWCAMPAIGN#${assertId('campaign', campaignId)}`, skPrefix: 'ITEM#' });
export const reviewDecision = (organizationId: string, campaignId: string, itemId: string) => ({
  pk: `${org(organizationId)}#REVIEWCAMPAIGN#${assertId('campaign', campaignId)}`,
  sk: `DECISION#${assertId('review item', itemId)}`,
});
export const reviewDecisionPrefix = (organizationId: string, campaignId: string) => ({ pk: `${org(organizationId)}#REVIEWCAMPAIGN#${assertId('campaign', campaignId)}`, skPrefix: 'DECISION#' });
/** accessReviews.itemsOfReviewer (gsi1) — a reviewer's items, grouped by campaign. */
export const reviewerItemIndex = (organizationId: string, reviewerId: string, campaignId: string, itemId: string) => ({
  gsi1pk: `${org(organizationId)}#REVIEWER#${assertId('user', reviewerId)}`,
  gsi1sk: `${assertId('campaign', campaignId)}#${assertId('review item', itemId)}`,
});
export const reviewerPartition = (organizationId: string, reviewerId: string) => `${org(organizationId)}#REVIEWER#${assertId('user', reviewerId)}`;
/** directoryObjects.byId, directoryObjects.all via begins_with(sk, 'DIROBJECT#'): synchronised entries that are neither users nor groups (computers). */
export const directoryObject = (organizationId: string, objectId: string) => ({ pk: org(organizationId), sk: `DIROBJECT#${assertId('directory object', objectId)}` });
export const directoryObjectPrefix = (organizationId: string) => ({ pk: org(organizationId), skPrefix: 'DIROBJECT#' });
/** directoryObjects.byConnection (gsi2): a connection's other objects by their stable id in the source directory. */
export const directoryObjectIndex = (organizationId: string, connectionId: string, directoryId: string) => ({
  gsi2pk: `${org(organizationId)}#CONNECTION#${assertId('connection', connectionId)}#OBJECTS`,
  gsi2sk: directoryId,
});
/** directoryObjects.attributesOf: the raw source attributes of one synchronised object (user, group or other), by its object id. */
export const directoryAttributes = (organizationId: string, objectId: string) => ({ pk: `${org(organizationId)}#DIRATTRS`, sk: assertId('object', objectId) });

/** persons.byId, persons.all via begins_with(sk, 'PERSON#'). */
export const person = (organizationId: string, personId: string) => ({ pk: org(organizationId), sk: `PERSON#${assertId('person', personId)}` });
export const personPrefix = (organizationId: string) => ({ pk: org(organizationId), skPrefix: 'PERSON#' });
/** persons.linkOf: the person a user (object) belongs to; via gsi1, persons.objectsOf. */
export const personLink = (organizationId: string, userId: string) => ({ pk: org(organizationId), sk: `PERSONOF#${assertId('user', userId)}` });
export const personLinkPrefix = (organizationId: string) => ({ pk: org(organizationId), skPrefix: 'PERSONOF#' });
export const personLinkIndex = (organizationId: string, personId: string, userId: string) => ({
  gsi1pk: `${org(organizationId)}#PERSON#${assertId('person', personId)}#OBJECTS`,
  gsi1sk: assertId('user', userId),
});
export const personObjectsPartition = (organizationId: string, personId: string) => `${org(organizationId)}#PERSON#${assertId('person', personId)}#OBJECTS`;
/** persons.keyOwners: a correlation key (attribute and normalised value) → the person holding it; one partition per key. */
export const personKey = (organizationId: string, attribute: string, value: string) => ({ pk: `${org(organizationId)}#PERSONKEY#${attribute}#${value}`, sk: 'PERSONKEY' });

/** policies.byId, policies.list via begins_with(sk, 'POLICY#'). */
export const policy = (organizationId: string, policyId: string) => ({ pk: org(organizationId), sk: `POLICY#${assertId('policy', policyId)}` });
export const policyPrefix = (organizationId: string) => ({ pk: org(organizationId), skPrefix: 'POLICY#' });
/**
 * policies.organizationsWithEnabledPolicies (gsi2, sparse): every enabled policy, platform-wide,
 * so the hourly sweep finds the organizations to evaluate without scanning the table.
 */
export const policyEnabledIndex = (organizationId: string, policyId: string) => ({ gsi2pk: 'PLATFORM#POLICIES#ENABLED', gsi2sk: `${assertId('organization', organizationId)}#${assertId('policy', policyId)}` });
export const policyEnabledPartition = () => 'PLATFORM#POLICIES#ENABLED';
/** violations.byId, violations.list — time-ordered (ULID ids, so `since` is a key condition). */
export const violation = (organizationId: string, violationId: string) => ({ pk: `${org(organizationId)}#VIOLATIONS`, sk: assertViolationId(violationId) });
export const violationPartition = (organizationId: string) => `${org(organizationId)}#VIOLATIONS`;
/** violations.ofPolicy (gsi1): one policy's violations, time-ordered. */
export const violationPolicyIndex = (organizationId: string, policyId: string, violationId: string) => ({ gsi1pk: `${org(organizationId)}#POLICY#${assertId('policy', policyId)}#VIOLATIONS`, gsi1sk: assertViolationId(violationId) });
export const violationPolicyPartition = (organizationId: string, policyId: string) => `${org(organizationId)}#POLICY#${assertId('policy', policyId)}#VIOLATIONS`;
/** violations.unresolved (gsi2, sparse): open, acknowledged and ignored violations, time-ordered. */
export const violationUnresolvedIndex = (organizationId: string, violationId: string) => ({ gsi2pk: `${org(organizationId)}#VIOLATIONS#UNRESOLVED`, gsi2sk: assertViolationId(violationId) });
export const violationUnresolvedPartition = (organizationId: string) => `${org(organizationId)}#VIOLATIONS#UNRESOLVED`;
/**
 * violations.claims — one claim per (policy, user) while a violation of that condition is
 * unresolved: written with put-if-absent in the transaction that opens the violation, removed in
 * the one that resolves it, so one condition never has two unresolved violations.
 */
export const violationClaim = (organizationId: string, policyId: string, userId: string) => ({ pk: `${org(organizationId)}#VCLAIM`, sk: `${assertId('policy', policyId)}#${assertId('user', userId)}` });
export const violationClaimPartition = (organizationId: string) => `${org(organizationId)}#VCLAIM`;
/** violations.exceptionsLapsing (gsi1, sparse): ignored violations with an expiry, platform-wide, by when the exception lapses. */
export const violationExpiryIndex = (expiresAt: string, organizationId: string, violationId: string) => ({
  gsi1pk: 'PLATFORM#VIOLATIONS#EXPIRY',
  gsi1sk: `${expiresAt}#${assertId('organization', organizationId)}#${assertViolationId(violationId)}`,
});
export const violationExpiryPartition = () => 'PLATFORM#VIOLATIONS#EXPIRY';

/** platform.bootstrap — which organization the local runtime bootstrapped. */
export const bootstrapMarker = () => ({ pk: 'PLATFORM#BOOTSTRAP', sk: 'BOOTSTRAP' });

/**
 * The same builders as one object, for tests and the benchmark that import `{ keys }`. Function
 * bundles never use it (storage modules import the builders as a namespace), so esbuild drops it.
 */
export * as keys from './keys.ts';
