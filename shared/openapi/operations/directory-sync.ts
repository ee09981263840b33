import * as z from '../../zod-mini.ts';
import * as contracts from '../../directory/sync-schemas.ts';
import type { ExampleDoc, OperationDocs, ResponseDoc } from '../operation-docs.ts';

const counts = z.object({ processed: z.int(), created: z.int(), updated: z.int(), unchanged: z.int(), deactivated: z.int(), deleted: z.int(), errors: z.int() });

/** Response bodies of the sync routes (shared/directory/sync-projects.ts shapes them). */
export const syncProjectView = z.object({
    id: z.uuid(),
    name: z.string(),
    connectionId: z.uuid(),
    connectionType: z.enum(['ldap', 'activeDirectory']),
    searchBases: z.array(z.string()),
    filter: z.nullable(z.string()),
    objectClasses: z.array(z.enum(['user', 'group', 'computer'])),
    correlation: z.array(z.string()).check(z.meta({ description: 'Person correlation rule: ordered attributes (employeeNumber, email, userName)' })),
    attributeMappings: z.record(z.string(), z.string()).check(z.meta({ description: 'User field → source attribute (defaults of the connection type merged with the project’s)' })),
    mode: z.enum(['full', 'delta']),
    onDisappear: z.enum(['deactivate', 'delete']),
    deletionThreshold: z.object({ count: z.int(), percent: z.number() }),
    deleteAfterDays: z.int().check(z.meta({ description: 'With onDisappear delete: days a disappeared object stays deactivated before a run deletes it' })),
    pageSize: z.nullable(z.int()),
    schedule: z.nullable(z.object({ expression: z.string(), timezone: z.nullable(z.string()), enabled: z.boolean() })).check(z.meta({ description: 'When runs are queued without POST …/run: a rate or EventBridge cron expression, its IANA time zone (cron only; null = UTC), on or off' })),
    nextRunAt: z.nullable(z.string()).check(z.meta({ description: 'When the schedule queues the next run (ISO 8601, UTC); null without an enabled schedule' })),
    version: z.int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }).check(z.meta({ description: 'A sync project' }));
export const syncProjectList = z.object({ data: z.array(syncProjectView), totalCount: z.int(), page: z.int(), pageSize: z.int() });
export const syncRunView = z.object({
    id: z.string().check(z.meta({ description: 'Run id (a ULID: time-ordered)' })),
    projectId: z.uuid(),
    projectName: z.string(),
    connectionId: z.uuid(),
    mode: z.enum(['full', 'delta']),
    status: z.enum(['queued', 'running', 'succeeded', 'failed', 'partial']),
    reason: z.nullable(z.string()).check(z.meta({ description: 'Why a run failed: deletion_threshold, empty_result, directory_error, connection_disabled, project_deleted, plan_outdated, object_not_found, object_out_of_scope, interrupted, internal_error' })),
    message: z.optional(z.string()),
    queuedAt: z.string(),
    startedAt: z.nullable(z.string()),
    finishedAt: z.nullable(z.string()),
    counts,
    wouldRemove: z.optional(z.int()).check(z.meta({ description: 'Deactivations and deletions a run stopped by the threshold (or a dry run) would make' })),
    dryRun: z.optional(z.boolean()).check(z.meta({ description: 'A dry run: its change records are the plan; nothing was changed' })),
    appliesPlanOf: z.optional(z.string()).check(z.meta({ description: 'The dry run whose stored plan this run applied' })),
    overrideDeletionThreshold: z.optional(z.boolean()),
    object: z.optional(z.object({ dn: z.optional(z.string()), id: z.optional(z.string()) })).check(z.meta({ description: 'A one-object run: the DN or id asked for' })),
    invocations: z.optional(z.int()).check(z.meta({ description: 'Worker invocations the run took (more than 1: it continued from a checkpoint)' })),
  }).check(z.meta({ description: 'One sync run' }));
export const syncRunList = z.object({ data: z.array(syncRunView), totalCount: z.int(), page: z.int(), pageSize: z.int() });
export const syncChange = z.object({
  sequence: z.int(),
  dn: z.string(),
  objectClass: z.enum(['user', 'group']),
  action: z.enum(['created', 'updated', 'unchanged', 'deactivated', 'deleted', 'error']),
  objectId: z.optional(z.string()),
  changes: z.optional(z.record(z.string(), z.object({ before: z.unknown(), after: z.unknown() }))),
  members: z.optional(z.object({ added: z.array(z.string()), removed: z.array(z.string()) })).check(z.meta({ description: "A group's membership changes: user ids added and removed" })),
  pending: z.optional(z.boolean()).check(z.meta({ description: 'A planned change not applied yet: the run continues in a follow-up invocation' })),
  error: z.optional(z.string()),
});
export const syncRunDetail = z.extend(syncRunView, { changes: z.object({ data: z.array(syncChange), totalCount: z.int(), page: z.int(), pageSize: z.int() }) }).check(z.meta({ description: 'A run with one page of its change records' }));

const example = (summary: string, value: unknown): Record<string, ExampleDoc> => ({ example: { summary, value } });
const ok = (description: string, schema: z.ZodMiniType, examples: Record<string, ExampleDoc>): ResponseDoc => ({ description, schema, examples });
const now = '2026-11-30T09:00:00.000Z';
const project = {
  id: '5d7c1b2a-3e4f-4a5b-8c6d-7e8f9a0b1c2d',
  name: 'Corporate directory',
  connectionId: '3f2a9c1e-6b7d-4e8f-9a0b-1c2d3e4f5a6b',
  connectionType: 'activeDirectory',
  searchBases: ['OU=Staff,DC=corp,DC=example,DC=com'],
  filter: null,
  objectClasses: ['user', 'group'],
  correlation: ['employeeNumber', 'email', 'userName'],
  attributeMappings: { ...contracts.DEFAULT_MAPPINGS.activeDirectory },
  mode: 'full',
  onDisappear: 'deactivate',
  deletionThreshold: { count: 50, percent: 20 },
  deleteAfterDays: 7,
  pageSize: null,
  schedule: { expression: 'cron(0 2 ? * MON-FRI *)', timezone: 'Europe/Berlin', enabled: true },
  nextRunAt: '2026-12-01T01:00:00.000Z',
  version: 1,
  createdAt: now,
  updatedAt: now,
};
const run = {
  id: '01JDZ8Q3K9V7X2M4N6P8R0T2W4',
  projectId: project.id,
  projectName: project.name,
  connectionId: project.connectionId,
  mode: 'full',
  status: 'failed',
  reason: 'deletion_threshold',
  message: "The run would deactivate 130 of 1200 synchronised objects, more than the project's threshold (50 objects or 20 %): nothing was changed.",
  queuedAt: now,
  startedAt: now,
  finishedAt: now,
  counts: { processed: 0, created: 0, updated: 0, unchanged: 0, deactivated: 0, deleted: 0, errors: 0 },
  wouldRemove: 130,
};

/** Directory API sync routes (seed "Synchronization", plus the operator writes). */
export const directorySyncOperations: OperationDocs = {
  'directory-sync-projects-list': { tag: 'Synchronization', description: "Lists the organization's sync projects by creation time.", request: contracts.listSyncProjectsRequest, responses: { 200: ok('A page of projects', syncProjectList, example('One project', { data: [project], totalCount: 1, page: 1, pageSize: 50 })) } },
  'directory-sync-projects-create': {
    tag: 'Synchronization',
    description:
      'Creates a sync project over an `ldap` or `activeDirectory` connection: search bases, an extra LDAP filter, object classes (user, group), attribute mappings ' +
      '(defaults per connection type), full or delta mode, what happens to users that disappear (deactivate or delete), the deletion threshold, and an optional ' +
      '`schedule` (`rate(6 hours)`, or `cron(0 2 ? * MON-FRI *)` in a `timezone` such as Europe/Berlin — at most every 15 minutes) that queues runs like POST …/run.',
    request: contracts.createSyncProjectRequest,
    requestExamples: example('Active Directory staff, weeknights at 02:00 Berlin time', { name: project.name, connectionId: project.connectionId, searchBases: project.searchBases, schedule: { expression: 'cron(0 2 ? * MON-FRI *)', timezone: 'Europe/Berlin' } }),
    responses: { 201: { ...ok('Created', syncProjectView, example('Created', project)), headers: { Location: 'The project URL' } } },
  },
  'directory-sync-projects-get': { tag: 'Synchronization', description: 'Gets a specific sync project.', responses: { 200: ok('The project', syncProjectView, example('A project', project)) } },
  'directory-sync-projects-update': {
    tag: 'Synchronization',
    description:
      'Changes a project: send only the fields to change; `attributeMappings` and `schedule` merge into the stored ones (`{"schedule":{"enabled":false}}` pauses the schedule); ' +
      '`null` removes `filter`, `pageSize` or `schedule`.',
    request: contracts.updateSyncProjectRequest,
    requestExamples: example('Switch to delta runs', { mode: 'delta' }),
    responses: { 200: ok('The project', syncProjectView, example('Updated', { ...project, mode: 'delta', version: 2 })) },
  },
  'directory-sync-projects-delete': {
    tag: 'Synchronization',
    description: 'Deletes a project; its run history stays. 409 while one of its runs is queued or running.',
    responses: { 204: { description: 'Deleted' }, 409: { description: 'A run of the project is queued or running' } },
  },
  'directory-sync-projects-run': {
    tag: 'Synchronization',
    description:
      'Queues a run of the project (the `sync-run` worker executes it) and answers 202 with its id; follow it at `/api/sync/history/{runId}`. ' +
      'Two runs of one project never overlap: 409 while one is queued or running, or when the connection is disabled. ' +
      'No body: a run in the project\'s mode. `{"dryRun": true}` computes and stores the exact plan (the run\'s change records) without changing anything; ' +
      '`{"applyPlanOf": "<dry run id>"}` applies that stored plan unchanged — 409 when the project, its state (another run finished) or any object the plan changes moved on since; ' +
      '`{"overrideDeletionThreshold": true}` proceeds past the deletion threshold; `{"object": {"dn": "…"}}` or `{"object": {"id": "…"}}` syncs that one object.',
    request: contracts.runSyncProjectRequest,
    requestExamples: {
      dryRun: { summary: 'Dry run', value: { dryRun: true } },
      apply: { summary: 'Apply a dry run\'s plan', value: { applyPlanOf: '01JDZ8Q3K9V7X2M4N6P8R0T2W4' } },
      override: { summary: 'Past the deletion threshold', value: { overrideDeletionThreshold: true } },
      object: { summary: 'One object, after an HR change', value: { object: { dn: 'CN=Ada Lovelace,OU=Staff,DC=corp,DC=example,DC=com' } } },
    },
    responses: {
      202: { ...ok('Queued', z.object({ runId: z.string(), status: z.literal('queued') }), example('Queued', { runId: run.id, status: 'queued' })), headers: { Location: 'The run in the sync history' } },
      409: { description: 'A run of the project is already queued or running, its connection is disabled or gone, or the dry run named by applyPlanOf no longer applies' },
    },
  },
  'directory-sync-history-list': {
    tag: 'Synchronization',
    description: 'The sync history, newest first: `status` (queued, running, succeeded, failed, partial), `since` (a date, UTC midnight, or a date-time) and `projectId` filter it, e.g. `?status=failed&since=2025-01-01`.',
    request: contracts.syncHistoryRequest,
    responses: { 200: ok('A page of runs', syncRunList, example('A failed run', { data: [run], totalCount: 1, page: 1, pageSize: 50 })) },
  },
  'directory-sync-history-get': {
    tag: 'Synchronization',
    description: "A run: status, timestamps, counts, and one page (`page`, `pageSize`) of its per-object change records (DN, action, changed attributes with before and after, error). The counts are computed from these records.",
    request: contracts.syncRunDetailRequest,
    responses: {
      200: ok('The run', syncRunDetail, example('A run', { ...run, status: 'succeeded', reason: null, message: undefined, wouldRemove: undefined, counts: { processed: 1, created: 1, updated: 0, unchanged: 0, deactivated: 0, deleted: 0, errors: 0 }, changes: { data: [{ sequence: 1, dn: 'CN=Ada Lovelace,OU=Staff,DC=corp,DC=example,DC=com', objectClass: 'user', action: 'created', objectId: '7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', changes: { userName: { before: null, after: 'ada@corp.example.com' } } }], totalCount: 1, page: 1, pageSize: 50 } })),
    },
  },
};
