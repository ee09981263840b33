/**
 * The platform's metrics, as data: the one list the emitters (route pipeline, workers, domain
 * events) and the CDK alarms and dashboards are built from, so a metric cannot be alarmed on under
 * a name nothing emits.
 *
 * Published with CloudWatch's embedded metric format (EMF: a JSON log line CloudWatch turns into
 * metrics, no API call per request) through Powertools for AWS Lambda's `Metrics`. Dimensions are
 * deliberately low-cardinality: an API family, a route id, a worker id, an outcome or kind from a
 * closed list — never an organization, user or client id (those are log fields: see the README's
 * "Operating it").
 */

/** The single CloudWatch namespace every platform metric is published under. */
export const METRICS_NAMESPACE = 'IdentityPlatform';

/** CloudWatch units used by the catalogue (a subset of the EMF `Unit` values). */
export type MetricUnit = 'Count' | 'Milliseconds' | 'Bytes';

/** Dimension names. Values always come from closed sets (route table, worker table, enums below). */
export type MetricDimension = 'family' | 'route' | 'worker' | 'outcome' | 'kind' | 'statusClass' | 'resourceType' | 'severity';

export interface MetricDefinition {
  /** Metric name in CloudWatch. */
  readonly name: string;
  readonly unit: MetricUnit;
  /**
   * Dimension sets the metric is published with (EMF `Dimensions`: each inner list is one set, so
   * one data point is aggregated under each). `[]` (an empty set) would publish it without
   * dimensions; every platform metric names at least one.
   */
  readonly dimensionSets: readonly (readonly MetricDimension[])[];
  /** Who emits it: the request pipeline, a worker, or a domain event inside a route or worker. */
  readonly emittedBy: 'request' | 'worker' | 'domain';
}

/** Outcomes of a directory sync run as published (dimension `outcome` of SyncRuns; `partial`: finished with per-object errors). */
export const SYNC_RUN_OUTCOMES = ['succeeded', 'partial', 'failed', 'stoppedByDeletionThreshold', 'cancelled'] as const;
/** One of SYNC_RUN_OUTCOMES. */
export type SyncRunOutcome = (typeof SYNC_RUN_OUTCOMES)[number];
/** Outcomes of an asynchronous audit export job (dimension `outcome` of ExportJobs; `started`: each attempt the worker begins). */
export const EXPORT_JOB_OUTCOMES = ['started', 'succeeded', 'failed'] as const;
/** HTTP status classes (dimension `statusClass` of Responses). */
export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx'] as const;

/*
 * Every metric the platform publishes, one exported definition each, so that a bundle keeps only
 * the definitions its code records (a catalogue object looked up by key keeps them all). Emitters
 * record one with `addMetric(metric.<key>, …)` after `import * as metric from` this module
 * (shared/observability/metrics.ts); lib/ builds the alarms and dashboards from {@link metricsCatalog}.
 * Adding one: define it here and list it in metricsCatalog, emit it through shared/observability
 * (never a raw EMF line), and decide whether it needs an alarm (lib/).
 */

/** HTTP requests handled, one per invocation of a route function. */
export const requests = {
  name: 'Requests',
  unit: 'Count',
  dimensionSets: [['family'], ['family', 'route']],
  emittedBy: 'request',
} as const satisfies MetricDefinition;

/** Responses by status class (2xx/3xx/4xx/5xx); the 5xx rate alarm divides 5xx by Requests. */
export const responses = {
  name: 'Responses',
  unit: 'Count',
  dimensionSets: [['family', 'statusClass']],
  emittedBy: 'request',
} as const satisfies MetricDefinition;

/** Responses with a 5xx status (0 or 1 per request, so Average is the 5xx rate). */
export const serverErrors = {
  name: 'ServerErrors',
  unit: 'Count',
  dimensionSets: [['family'], ['family', 'route']],
  emittedBy: 'request',
} as const satisfies MetricDefinition;

/** Handler time from the event to the response (p99 alarm per family). */
export const latency = {
  name: 'Latency',
  unit: 'Milliseconds',
  dimensionSets: [['family'], ['family', 'route']],
  emittedBy: 'request',
} as const satisfies MetricDefinition;

/** DynamoDB requests sent while handling one request (the figure npm run bench reports). */
export const dynamoRoundTrips = {
  name: 'DynamoDbRoundTrips',
  unit: 'Count',
  dimensionSets: [['family'], ['family', 'route']],
  emittedBy: 'request',
} as const satisfies MetricDefinition;

/** Read capacity units DynamoDB reported as consumed by one request (ReturnConsumedCapacity). */
export const dynamoReadCapacity = {
  name: 'DynamoDbConsumedReadCapacity',
  unit: 'Count',
  dimensionSets: [['family'], ['family', 'route']],
  emittedBy: 'request',
} as const satisfies MetricDefinition;

/** Write capacity units DynamoDB reported as consumed by one request. */
export const dynamoWriteCapacity = {
  name: 'DynamoDbConsumedWriteCapacity',
  unit: 'Count',
  dimensionSets: [['family'], ['family', 'route']],
  emittedBy: 'request',
} as const satisfies MetricDefinition;

/** Requests refused with 429 by the rate limits (per principal, and sign-in throttling); 0 or 1 per request, published with Requests. */
export const rateLimitRefusals = {
  name: 'RateLimitRefusals',
  unit: 'Count',
  dimensionSets: [['family'], ['family', 'route']],
  emittedBy: 'request',
} as const satisfies MetricDefinition;

/** Failed sign-ins by kind (password, saml, clientCredentials), including throttled attempts. */
export const signInFailures = {
  name: 'SignInFailures',
  unit: 'Count',
  dimensionSets: [['kind']],
  emittedBy: 'domain',
} as const satisfies MetricDefinition;

/** Successful SCIM provisioning changes by resource type (User, Group) and kind (create, replace, patch, delete), Bulk operations included. */
export const scimOperations = {
  name: 'ScimOperations',
  unit: 'Count',
  dimensionSets: [['resourceType', 'kind']],
  emittedBy: 'domain',
} as const satisfies MetricDefinition;

/** Directory sync runs finished, by outcome (failed and stoppedByDeletionThreshold are alarmed). */
export const syncRuns = {
  name: 'SyncRuns',
  unit: 'Count',
  dimensionSets: [['outcome']],
  emittedBy: 'worker',
} as const satisfies MetricDefinition;

/** Directory objects a finished sync run created, updated, left unchanged, deactivated, deleted, or failed on (kind: created, updated, unchanged, deactivated, deleted, errors). */
export const syncObjectsProcessed = {
  name: 'SyncObjectsProcessed',
  unit: 'Count',
  dimensionSets: [['kind']],
  emittedBy: 'worker',
} as const satisfies MetricDefinition;

/** Policy violations opened, by severity. */
export const violationsOpened = {
  name: 'ViolationsOpened',
  unit: 'Count',
  dimensionSets: [['severity']],
  emittedBy: 'domain',
} as const satisfies MetricDefinition;

/** Policy violations resolved, by severity. */
export const violationsResolved = {
  name: 'ViolationsResolved',
  unit: 'Count',
  dimensionSets: [['severity']],
  emittedBy: 'domain',
} as const satisfies MetricDefinition;

/** Asynchronous audit export jobs by outcome (failed is alarmed). */
export const exportJobs = {
  name: 'ExportJobs',
  unit: 'Count',
  dimensionSets: [['outcome']],
  emittedBy: 'worker',
} as const satisfies MetricDefinition;

/** Worker invocations (one per Lambda invocation or local delivery). */
export const workerInvocations = {
  name: 'WorkerInvocations',
  unit: 'Count',
  dimensionSets: [['worker']],
  emittedBy: 'worker',
} as const satisfies MetricDefinition;

/** Worker invocations that threw or reported failed batch items. */
export const workerFailures = {
  name: 'WorkerFailures',
  unit: 'Count',
  dimensionSets: [['worker']],
  emittedBy: 'worker',
} as const satisfies MetricDefinition;

/**
 * Every metric the platform publishes, by key: what lib/ builds the alarms and dashboards from.
 * Emitters use the definitions themselves (`metric.<key>`): a bundle that referenced this object
 * would carry every definition.
 */
export const metricsCatalog = {
  requests,
  responses,
  serverErrors,
  latency,
  dynamoRoundTrips,
  dynamoReadCapacity,
  dynamoWriteCapacity,
  rateLimitRefusals,
  signInFailures,
  scimOperations,
  syncRuns,
  syncObjectsProcessed,
  violationsOpened,
  violationsResolved,
  exportJobs,
  workerInvocations,
  workerFailures,
} as const satisfies Record<string, MetricDefinition>;

/** A catalogue key (`requests`, `syncRuns`…). */
export type MetricKey = keyof typeof metricsCatalog;
