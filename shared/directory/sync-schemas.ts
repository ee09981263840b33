/**
 * Request schemas of the Directory API's sync routes (seed "REST API Reference",
 * "Synchronization"): they validate requests and document the API (shared/openapi).
 */
import * as z from '../zod-mini.ts';
import { platformConfig } from '../config.ts';
import { requestContract } from '../http/request-contract.ts';
import { lazily } from '../lazy.ts';
import { dateOrDateTimeSchema } from '../http/date-time.ts';
import { scheduleProblem } from '../workers/schedule-expressions.ts';
import { isDistinguishedName, LDAP_MAX_PAGE_SIZE } from './connection-schemas.ts';
import { isLdapFilter } from './ldap-client.ts';
import { CORRELATION_ATTRIBUTES, DEFAULT_CORRELATION } from './person-correlation.ts';
import { directoryPaging } from './schemas.ts';

/** The user fields a project may map a source attribute to. */
export const SYNC_USER_FIELDS = ['userName', 'givenName', 'familyName', 'displayName', 'email', 'employeeNumber', 'department', 'title', 'manager', 'active'] as const;
export type SyncUserField = (typeof SYNC_USER_FIELDS)[number];

/**
 * Default attribute mappings per connection type (user field → source attribute). `active` on
 * OpenLDAP reads an attribute whose value `disabled`, `inactive` or `false` marks a disabled account
 * (OpenLDAP has no disabled bit); on Active Directory it is userAccountControl's ACCOUNTDISABLE bit (2).
 * Active Directory's userName is the userPrincipalName, or the sAMAccountName when there is none.
 */
export const DEFAULT_MAPPINGS: Record<'ldap' | 'activeDirectory', Record<SyncUserField, string>> = {
  ldap: {
    userName: 'uid',
    givenName: 'givenName',
    familyName: 'sn',
    displayName: 'cn',
    email: 'mail',
    employeeNumber: 'employeeNumber',
    department: 'departmentNumber',
    title: 'title',
    manager: 'manager',
    active: 'employeeType',
  },
  activeDirectory: {
    userName: 'userPrincipalName',
    givenName: 'givenName',
    familyName: 'sn',
    displayName: 'displayName',
    email: 'mail',
    employeeNumber: 'employeeID',
    department: 'department',
    title: 'title',
    manager: 'manager',
    active: 'userAccountControl',
  },
};

export const SYNC_DEFAULT_THRESHOLD = { count: 50, percent: 20 } as const;
/** Days a disappeared object stays deactivated before a project with onDisappear delete deletes it. */
export const DEFAULT_DELETE_AFTER_DAYS = 7;
export const MAX_SEARCH_BASES = 10;

const ATTRIBUTE_TYPE = /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)*)$/;
const attributeName = /* @__PURE__ */ lazily(() => z.string().check(z.regex(ATTRIBUTE_TYPE, { message: 'must be an LDAP attribute name' }), z.maxLength(128)));
const name = /* @__PURE__ */ lazily(() => z.string().check(z.trim(), z.minLength(1), z.maxLength(200), z.meta({ description: 'Display name', examples: ['Corporate directory: people and groups'] })));
const searchBases = /* @__PURE__ */ lazily(() => z.array(z.string().check(z.trim(), z.minLength(1), z.maxLength(1024), z.refine(isDistinguishedName, { message: 'must be a distinguished name (RFC 4514)' }))).check(z.maxLength(MAX_SEARCH_BASES), z.meta({ description: `DNs searched (subtree), at most ${MAX_SEARCH_BASES}; empty or absent: the connection's baseDn` })));
const filter = /* @__PURE__ */ lazily(() => z.string().check(z.maxLength(2048), z.refine(isLdapFilter, { message: 'must be an LDAP filter in RFC 4515 form, e.g. (department=Engineering)' }), z.meta({ description: "Extra LDAP filter (RFC 4515) ANDed with each object class's own filter", examples: ['(!(description=service account))'] })));
const objectClasses = /* @__PURE__ */ lazily(() => z.array(z.enum(['user', 'group', 'computer'])).check(z.minLength(1), z.maxLength(3), z.refine((values) => new Set(values).size === values.length, { message: 'must not repeat an object class' }), z.meta({ description: 'What the project synchronises: user, group, computer (Active Directory computer objects, OpenLDAP device entries)' })));
const correlation = /* @__PURE__ */ lazily(() => z.array(z.enum(CORRELATION_ATTRIBUTES)).check(z.minLength(1), z.maxLength(CORRELATION_ATTRIBUTES.length), z.refine((values) => new Set(values).size === values.length, { message: 'must not repeat an attribute' }), z.meta({
    description:
      'Person correlation rule: the user attributes, in order, that tie a synchronised user to an existing person (the first one any person holds wins; persons are never merged)',
    examples: [['employeeNumber', 'email', 'userName']],
  })));
const attributeMappings = /* @__PURE__ */ lazily(() => z.partialRecord(z.enum(SYNC_USER_FIELDS), attributeName()).check(z.meta({ description: 'User field → source attribute; fields not named keep the default of the connection type' })));
const mode = /* @__PURE__ */ lazily(() => z.enum(['full', 'delta']).check(z.meta({ description: 'full: read everything, deactivate what disappeared; delta: read only what changed since the last run (OpenLDAP entryCSN, AD uSNChanged)' })));
const onDisappear = /* @__PURE__ */ lazily(() => z.enum(['deactivate', 'delete']).check(z.meta({ description: 'What a run does to synchronised objects that are no longer in the directory: deactivate them, or deactivate them and delete them after deleteAfterDays' })));
const deletionThreshold = /* @__PURE__ */ lazily(() => z.strictObject({
    count: z.int().check(z.gte(0), z.lte(1_000_000), z.meta({ description: 'At most this many deactivations or deletions per run' })),
    percent: z.number().check(z.gte(0), z.lte(100), z.meta({ description: 'At most this share of the synchronised users per run' })),
  }).check(z.meta({ description: 'A run that would deactivate or delete more stops as failed with reason deletion_threshold and changes nothing' })));
const deleteAfterDays = /* @__PURE__ */ lazily(() => z.number().check(z.int(), z.gte(0), z.lte(3650), z.meta({ description: "With onDisappear delete: days a disappeared object stays deactivated before a run deletes it (0: in the run that finds it gone). An object that reappears before is re-enabled with its memberships and roles" })));
const pageSize = /* @__PURE__ */ lazily(() => z.int().check(z.gte(1), z.lte(LDAP_MAX_PAGE_SIZE), z.meta({ description: "Entries per LDAP page; default: the connection's page size" })));

const scheduleExpression = /* @__PURE__ */ lazily(() => z.string().check(z.maxLength(256), z.meta({
    description:
      'rate(<n> minutes|hours|days) — singular for 1 — or an EventBridge Scheduler cron expression cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>) ' +
      'with exactly one of day-of-month and day-of-week `?` (day-of-week 1-7 = SUN-SAT). Runs may not come closer than the minimum interval (15 minutes by default).',
    examples: ['cron(0 2 ? * MON-FRI *)', 'rate(6 hours)'],
  })));
const scheduleTimezone = /* @__PURE__ */ lazily(() => z.string().check(z.maxLength(64), z.meta({ description: 'IANA time zone the cron expression is evaluated in (default UTC); not with a rate', examples: ['Europe/Berlin'] })));
const scheduleEnabled = /* @__PURE__ */ lazily(() => z.boolean().check(z.meta({ description: 'false keeps the schedule but queues no runs' })));

/** Adds the schedule's problem (scheduleProblem) as an issue on `expression` or `timezone`. */
function checkSchedule(schedule: { expression?: string | undefined; timezone?: string | null | undefined }, context: z.core.$RefinementCtx): void {
  if (schedule.expression === undefined) return;
  const problem = scheduleProblem({ expression: schedule.expression, timezone: schedule.timezone ?? undefined }, platformConfig().syncScheduleMinIntervalMinutes);
  if (problem) context.addIssue({ code: 'custom', path: [problem.startsWith('timezone') ? 'timezone' : 'expression'], message: problem });
}

/** A project's schedule (create): when runs are queued without POST …/run. */
const schedule = /* @__PURE__ */ lazily(() => z.strictObject({ expression: scheduleExpression(), timezone: z.optional(scheduleTimezone()), enabled: z._default(scheduleEnabled(), true) }).check(z.superRefine(checkSchedule), z.meta({ description: 'Runs queued on a schedule (in AWS an EventBridge Scheduler schedule per project; locally a timer), exactly like POST …/run' })));

/**
 * A schedule change (PATCH): the fields sent replace the stored ones (`{"enabled": false}` pauses
 * it; `"timezone": null` returns to UTC); the result is checked again by the domain.
 */
const scheduleChange = /* @__PURE__ */ lazily(() => z.strictObject({ expression: z.optional(scheduleExpression()), timezone: z.optional(z.nullable(scheduleTimezone())), enabled: z.optional(scheduleEnabled()) }).check(z.superRefine(checkSchedule), z.meta({ description: 'Fields of the schedule to change; null removes the schedule' })));

export type SyncScheduleInput = z.output<ReturnType<typeof schedule>>;
export type SyncScheduleChange = z.output<ReturnType<typeof scheduleChange>>;

export const syncProjectCreateBody = /* @__PURE__ */ lazily(() => z.strictObject({
  name: name(),
  connectionId: z.uuid().check(z.meta({ description: 'An ldap or activeDirectory connection' })),
  searchBases: z._default(searchBases(), []),
  filter: z.optional(filter()),
  objectClasses: z._default(objectClasses(), ['user', 'group']),
  attributeMappings: z._default(attributeMappings(), {}),
  correlation: z._default(correlation(), [...DEFAULT_CORRELATION]),
  mode: z._default(mode(), 'full'),
  onDisappear: z._default(onDisappear(), 'deactivate'),
  deletionThreshold: z._default(deletionThreshold(), { ...SYNC_DEFAULT_THRESHOLD }),
  deleteAfterDays: z._default(deleteAfterDays(), DEFAULT_DELETE_AFTER_DAYS),
  pageSize: z.optional(pageSize()),
  schedule: z.optional(schedule()),
}));

export const syncProjectUpdateBody = /* @__PURE__ */ lazily(() => z.strictObject({
    name: z.optional(name()),
    searchBases: z.optional(searchBases()),
    filter: z.optional(z.nullable(filter())).check(z.meta({ description: 'LDAP filter; null removes it' })),
    objectClasses: z.optional(objectClasses()),
    attributeMappings: z.optional(attributeMappings()),
    correlation: z.optional(correlation()),
    mode: z.optional(mode()),
    onDisappear: z.optional(onDisappear()),
    deletionThreshold: z.optional(deletionThreshold()),
    deleteAfterDays: z.optional(deleteAfterDays()),
    pageSize: z.optional(z.nullable(pageSize())).check(z.meta({ description: "Entries per LDAP page; null: the connection's page size" })),
    schedule: z.optional(z.nullable(scheduleChange())),
  }).check(z.refine((body) => Object.keys(body).length > 0, { message: 'send at least one field to change' })));

const ULID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** POST /api/sync/projects/{id}/run: all optional; no body is a plain run of the project's mode. */
export const syncRunBody = /* @__PURE__ */ lazily(() => z.strictObject({
    dryRun: z.optional(z.boolean()).check(z.meta({ description: 'Compute and store the exact plan (the run\'s change records) without changing anything' })),
    applyPlanOf: z.optional(z.string().check(z.regex(ULID_PATTERN, { message: 'must be a run id (ULID)' }))).check(z.meta({ description: 'Apply the stored plan of this succeeded dry run unchanged; 409 when what it was computed from changed' })),
    overrideDeletionThreshold: z.optional(z.boolean()).check(z.meta({ description: 'Proceed although the run deactivates or deletes more than the project\'s deletion threshold' })),
    object: z.optional(z.strictObject({
        dn: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(1024), z.refine(isDistinguishedName, { message: 'must be a distinguished name (RFC 4514)' }))),
        id: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(64))).check(z.meta({ description: 'A platform user or group id, or the object\'s id in the directory (entryUUID, objectGUID)' })),
      }).check(z.refine((value) => (value.dn === undefined) !== (value.id === undefined), { message: 'send exactly one of dn and id' }))).check(z.meta({ description: 'Sync only this object (on-demand sync, e.g. after an HR change)' })),
  }).check(z.refine((body) => !(body.applyPlanOf !== undefined && (body.dryRun || body.object !== undefined)), { message: 'applyPlanOf cannot be combined with dryRun or object' })));
export type SyncRunOptions = z.output<ReturnType<typeof syncRunBody>>;

export type SyncProjectCreateInput = z.output<ReturnType<typeof syncProjectCreateBody>>;
export type SyncProjectUpdateInput = z.output<ReturnType<typeof syncProjectUpdateBody>>;

const pageQuery = directoryPaging;

/** `since`: a date (2025-01-01, midnight UTC) or an RFC 3339 date-time, on a day that exists; epoch ms. */
const since = /* @__PURE__ */ lazily(() => dateOrDateTimeSchema('since must be a date (2025-01-01) or an RFC 3339 date-time (2025-01-01T08:00:00Z) on a day that exists').check(z.meta({
  description: 'Only runs queued at or after this date (UTC midnight) or date-time',
})));

export const listSyncProjectsRequest = /* @__PURE__ */ requestContract('directory-sync-projects-list', () => ({ query: z.object(pageQuery()) }));
export const createSyncProjectRequest = /* @__PURE__ */ requestContract('directory-sync-projects-create', () => ({ body: syncProjectCreateBody() }));
export const updateSyncProjectRequest = /* @__PURE__ */ requestContract('directory-sync-projects-update', () => ({ body: syncProjectUpdateBody() }));
export const runSyncProjectRequest = /* @__PURE__ */ requestContract('directory-sync-projects-run', () => ({ body: z.optional(syncRunBody()) }));
export const syncHistoryRequest = /* @__PURE__ */ requestContract('directory-sync-history-list', () => ({
  query: z.object({
    ...pageQuery(),
    status: z.optional(z.enum(['queued', 'running', 'succeeded', 'failed', 'partial'])).check(z.meta({ description: 'Only runs with this status' })),
    since: z.optional(since()),
    projectId: z.optional(z.uuid()).check(z.meta({ description: 'Only runs of this project' })),
  }),
}));
export const syncRunDetailRequest = /* @__PURE__ */ requestContract('directory-sync-history-get', () => ({ query: z.object(pageQuery()) }));
