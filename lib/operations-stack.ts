import { Duration, Fn, NestedStack, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { EXPORT_JOB_OUTCOMES, METRICS_NAMESPACE, metricsCatalog, STATUS_CLASSES, SYNC_RUN_OUTCOMES, type MetricKey } from '../shared/observability/metrics-catalog.ts';
import type { ApiFamily } from '../shared/routes.ts';
import { tableSchema } from '../shared/storage/table-schema.ts';
import { catalogMetric } from './catalog-metrics.ts';
import { alarmKinds, familyThreshold, type AlarmKind, type AlarmSettings } from './operations-settings.ts';
import type { PlatformDataExports } from './platform-data.ts';
import type { WorkerEndpoint } from './workers-stack.ts';

export interface OperationsStackProps {
  /** The API families of the route table, in table order: one set of family alarms and dashboard lines each. */
  readonly families: readonly ApiFamily[];
  /** The worker table's deployed workers: an errors alarm each, a dead-letter alarm where they have a queue for it. */
  readonly workers: ReadonlyMap<string, WorkerEndpoint>;
  readonly dataExports: PlatformDataExports;
  /** REST API name and stage, for API Gateway's own metrics on the dashboard. */
  readonly apiName: string;
  readonly stageName: string;
  /** CloudWatch metric names of the web ACL (dimension WebACL) and of its rules (dimension Rule). */
  readonly webAclMetricNames: { readonly webAcl: string; readonly rules: readonly string[] };
  readonly alarms: AlarmSettings;
}

/** Prefix of every alarm and dashboard name: one deployment per account and region. */
export const operationsNamePrefix = (region: string): string => `IdentityPlatform-${region}`;

/** An AWS/DynamoDB metric (Sum) of the table, or of one of its global secondary indexes. */
function tableMetric(tableName: string, metricName: string, indexName?: string): cloudwatch.Metric {
  const dimensionsMap: Record<string, string> = { TableName: tableName };
  if (indexName) dimensionsMap.GlobalSecondaryIndexName = indexName;
  return new cloudwatch.Metric({ namespace: 'AWS/DynamoDB', metricName, dimensionsMap, statistic: 'Sum', label: indexName ? `${indexName} ${metricName}` : metricName });
}

/**
 * The region's operations: CloudWatch alarms on the platform's catalogued metrics (EMF, namespace
 * IdentityPlatform) and on the AWS services it runs on, all notifying one SNS topic (alarm and OK
 * actions), and one dashboard. Everything is derived from the route table's families, the worker
 * table and the metrics catalogue, so a new family or worker is watched without a change here.
 *
 * A nested stack of its own, so the alarms count against neither the API stack's nor a family
 * stack's resource limit. Names are fixed (`IdentityPlatform-<region>-…`): they appear in alarm
 * e-mails and in the README's "Operating it" table.
 */
export class OperationsStack extends NestedStack {
  /** The topic every alarm notifies; undefined when alarms are disabled. */
  readonly topic: sns.ITopic | undefined;
  readonly dashboard: cloudwatch.Dashboard;
  /** Every alarm, by its name. */
  readonly alarms = new Map<string, cloudwatch.Alarm>();
  private readonly prefix: string;
  private readonly props: OperationsStackProps;

  constructor(scope: Construct, id: string, props: OperationsStackProps) {
    super(scope, id, { description: 'Identity platform: alarms, alarm topic and dashboard' });
    this.props = props;
    const region = Stack.of(this).region;
    this.prefix = operationsNamePrefix(region);
    const unknownFamilies = (Object.values(props.alarms.byFamily) as Partial<Record<string, number>>[])
      .flatMap((overrides) => Object.keys(overrides))
      .filter((family) => !props.families.includes(family as ApiFamily));
    if (unknownFamilies.length > 0) throw new Error(`Alarm byFamily overrides name unknown families: ${[...new Set(unknownFamilies)].join(', ')}`);

    const tableName = Fn.importValue(props.dataExports.tableName);
    this.topic = props.alarms.enabled ? this.alarmTopic(region) : undefined;
    if (this.topic) this.addAlarms(tableName);
    this.dashboard = this.addDashboard(region, tableName);
  }

  /** The alarm topic: an existing one from context, or a new one encrypted with its own key and TLS-only. */
  private alarmTopic(region: string): sns.ITopic {
    const existing = this.props.alarms.topicArns.get(region);
    let topic: sns.ITopic;
    if (existing) {
      topic = sns.Topic.fromTopicArn(this, 'AlarmTopic', existing);
    } else {
      // A customer-managed key: CloudWatch cannot publish to a topic under the AWS-managed SNS key,
      // whose policy cannot grant it kms:GenerateDataKey*.
      const key = new kms.Key(this, 'AlarmTopicKey', {
        description: `Identity platform: encrypts the alarm topic in ${region}`,
        enableKeyRotation: true,
        // It protects notifications in flight only (SNS keeps no messages): nothing to keep once the topic is gone.
        removalPolicy: RemovalPolicy.DESTROY,
      });
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          resources: ['*'],
        }),
      );
      const created = new sns.Topic(this, 'AlarmTopic', {
        displayName: `Identity platform alarms (${region})`,
        masterKey: key,
        enforceSSL: true,
      });
      // The TLS policy replaces SNS's default policy, so CloudWatch needs an explicit publish grant
      // (limited to this account's alarms).
      created.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [created.topicArn],
          conditions: {
            StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
            ArnLike: { 'aws:SourceArn': `arn:${Stack.of(this).partition}:cloudwatch:${region}:${Stack.of(this).account}:alarm:*` },
          },
        }),
      );
      topic = created;
    }
    for (const email of this.props.alarms.emails) topic.addSubscription(new subscriptions.EmailSubscription(email));
    for (const url of this.props.alarms.httpsEndpoints) {
      topic.addSubscription(new subscriptions.UrlSubscription(url, { protocol: sns.SubscriptionProtocol.HTTPS }));
    }
    return topic;
  }

  private addAlarms(tableName: string): void {
    const { families, workers, webAclMetricNames, alarms: settings } = this.props;
    for (const family of families) {
      this.alarm(`${family}-5xx-rate`, 'serverErrorRate', this.serverErrorRate(family), {
        threshold: familyThreshold(settings, 'serverErrorRate', family),
        description: `More than the threshold's share of ${family} requests answered 5xx (IdentityPlatform ServerErrors / Requests, family=${family}; rate counts as 0 below ${settings.minimumRequests} requests per period).`,
      });
      this.alarm(`${family}-p99-latency`, 'latencyP99', catalogMetric('latency', { family }, { statistic: 'p99' }), {
        threshold: familyThreshold(settings, 'latencyP99', family),
        description: `p99 handler time of ${family} requests above the threshold (IdentityPlatform Latency, family=${family}).`,
      });
    }

    this.alarm('lambda-errors', 'lambdaErrors', new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Errors', statistic: 'Sum' }), {
      description: 'Unhandled Lambda errors (crash, timeout, out of memory) summed over every function in the region (AWS/Lambda Errors, no dimension).',
    });
    this.alarm('lambda-throttles', 'lambdaThrottles', new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName: 'Throttles', statistic: 'Sum' }), {
      description: 'Lambda invocations throttled in the region (AWS/Lambda Throttles, no dimension): concurrency limit reached.',
    });

    for (const [id, endpoint] of workers) {
      this.alarm(`worker-${id}-errors`, 'workerErrors', endpoint.function.metricErrors({ statistic: 'Sum' }), {
        description: `Worker ${id}'s function failed with unhandled errors (AWS/Lambda Errors of its function).`,
      });
      if (endpoint.deadLetterQueue) {
        this.alarm(`worker-${id}-dead-letters`, 'deadLetters', endpoint.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum' }), {
          description: `Work of worker ${id} failed its last retry and waits in its dead-letter queue (AWS/SQS ApproximateNumberOfMessagesVisible).`,
        });
      }
    }

    this.alarm('table-throttles', 'dynamoThrottles', this.throttleEvents(tableName), {
      description: 'DynamoDB throttled reads or writes on the table (AWS/DynamoDB ReadThrottleEvents + WriteThrottleEvents).',
    });
    for (const { indexName } of tableSchema.globalSecondaryIndexes) {
      this.alarm(`table-${indexName}-throttles`, 'dynamoThrottles', this.throttleEvents(tableName, indexName), {
        description: `DynamoDB throttled reads or writes on global secondary index ${indexName} (a throttled index write also throttles the table write).`,
      });
    }

    this.alarm('sync-runs-failed', 'syncRunsFailed', catalogMetric('syncRuns', { outcome: 'failed' }), {
      description: 'A directory sync run ended with outcome failed (IdentityPlatform SyncRuns, outcome=failed).',
    });
    this.alarm('sync-runs-stopped-by-deletion-threshold', 'syncRunsStoppedByDeletionThreshold', catalogMetric('syncRuns', { outcome: 'stoppedByDeletionThreshold' }), {
      description: 'A directory sync run stopped because it would have deleted more than its threshold allows (IdentityPlatform SyncRuns, outcome=stoppedByDeletionThreshold).',
    });
    this.alarm('export-jobs-failed', 'exportJobsFailed', catalogMetric('exportJobs', { outcome: 'failed' }), {
      description: 'An audit export job failed (IdentityPlatform ExportJobs, outcome=failed).',
    });
    this.alarm('waf-blocked', 'wafBlocked', this.wafBlocked(webAclMetricNames.webAcl, 'ALL'), {
      description: 'The web ACL blocked more requests than the threshold (AWS/WAFV2 BlockedRequests, Rule=ALL): a flood, a scanner or a misbehaving client.',
    });
  }

  /** 5xx responses as a percentage of requests; 0 while a period has fewer than minimumRequests requests. */
  private serverErrorRate(family: ApiFamily): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: `IF(requests >= ${this.props.alarms.minimumRequests}, 100 * FILL(errors, 0) / requests, 0)`,
      usingMetrics: { errors: catalogMetric('serverErrors', { family }), requests: catalogMetric('requests', { family }) },
      label: `${family} 5xx rate (%)`,
      period: Duration.minutes(5),
    });
  }

  private throttleEvents(tableName: string, indexName?: string): cloudwatch.MathExpression {
    const metric = (metricName: string) => tableMetric(tableName, metricName, indexName);
    return new cloudwatch.MathExpression({
      expression: 'FILL(reads, 0) + FILL(writes, 0)',
      usingMetrics: { reads: metric('ReadThrottleEvents'), writes: metric('WriteThrottleEvents') },
      label: `${indexName ?? 'table'} throttle events`,
      period: Duration.minutes(5),
    });
  }

  private wafBlocked(webAcl: string, rule: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/WAFV2',
      metricName: 'BlockedRequests',
      dimensionsMap: { WebACL: webAcl, Region: Stack.of(this).region, Rule: rule },
      statistic: 'Sum',
      label: rule === 'ALL' ? 'blocked (all rules)' : rule,
    });
  }

  /** One alarm of `kind`, tuned from context, notifying the topic on ALARM and on OK. */
  private alarm(name: string, kind: AlarmKind, metric: cloudwatch.IMetric, options: { readonly description: string; readonly threshold?: number }): void {
    const tuning = this.props.alarms.kinds[kind];
    if (!tuning.enabled || !this.topic) return;
    const alarmName = `${this.prefix}-${name}`;
    const threshold = options.threshold ?? tuning.threshold;
    const alarm = new cloudwatch.Alarm(this, name, {
      alarmName,
      alarmDescription: `${options.description} Threshold: ${threshold} ${alarmKinds[kind].unit}. See the README, "Operating it", alarm kind ${kind}.`,
      metric: metric instanceof cloudwatch.MathExpression || metric instanceof cloudwatch.Metric ? metric.with({ period: Duration.seconds(tuning.periodSeconds) }) : metric,
      threshold,
      evaluationPeriods: tuning.evaluationPeriods,
      datapointsToAlarm: tuning.datapointsToAlarm,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // No data means no traffic, no run or no failure: never a reason to page.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.alarms.set(alarmName, alarm);
  }

  private addDashboard(region: string, tableName: string): cloudwatch.Dashboard {
    const { families, workers, webAclMetricNames } = this.props;
    const perFamily = (key: MetricKey, statistic = 'Sum') => families.map((family) => catalogMetric(key, { family }, { statistic, label: family }));
    const graph = (title: string, left: cloudwatch.IMetric[], options: Partial<cloudwatch.GraphWidgetProps> = {}) =>
      new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, ...options });
    const workerIds = [...workers.keys()];
    const lambdaRegion = (metricName: string, statistic = 'Sum') => new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName, statistic, label: `${metricName} (all functions)` });
    const table = (metricName: string, indexName?: string) => tableMetric(tableName, metricName, indexName);
    const apiGateway = (metricName: string, statistic = 'Sum') =>
      new cloudwatch.Metric({ namespace: 'AWS/ApiGateway', metricName, dimensionsMap: { ApiName: this.props.apiName, Stage: this.props.stageName }, statistic, label: `API Gateway ${metricName}` });

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: this.prefix,
      defaultInterval: Duration.hours(3),
      periodOverride: cloudwatch.PeriodOverride.AUTO,
    });
    dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown:
          `# Identity platform, ${region}\nPlatform metrics: namespace \`${METRICS_NAMESPACE}\` (embedded metric format, shared/observability/metrics-catalog.ts). ` +
          'What each alarm means and what to check first: README, "Operating it".',
        width: 24,
        height: 2,
      }),
    );
    if (this.alarms.size > 0) dashboard.addWidgets(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: [...this.alarms.values()], width: 24, height: 4 }));
    dashboard.addWidgets(
      graph('Traffic: requests per family', [...perFamily('requests'), apiGateway('Count')]),
      graph('Errors: 5xx per family', families.map((family) => catalogMetric('responses', { family, statusClass: '5xx' }, { label: family }))),
      graph('Errors: 4xx per family', families.map((family) => catalogMetric('responses', { family, statusClass: '4xx' }, { label: family }))),
    );
    dashboard.addWidgets(
      graph('Latency p50 per family (ms)', perFamily('latency', 'p50')),
      graph('Latency p99 per family (ms)', perFamily('latency', 'p99')),
      graph('Responses by status class', STATUS_CLASSES.map((statusClass) => this.searchSum('responses', ['family', 'statusClass'], `statusClass="${statusClass}"`, statusClass))),
    );
    dashboard.addWidgets(
      graph('DynamoDB consumed capacity (table)', [table('ConsumedReadCapacityUnits'), table('ConsumedWriteCapacityUnits')]),
      graph('DynamoDB throttle events (table and indexes)', [
        table('ReadThrottleEvents'),
        table('WriteThrottleEvents'),
        ...tableSchema.globalSecondaryIndexes.flatMap(({ indexName }) => [table('ReadThrottleEvents', indexName), table('WriteThrottleEvents', indexName)]),
      ]),
      graph('DynamoDB capacity per family (RCU left, WCU right)', perFamily('dynamoReadCapacity'), { right: perFamily('dynamoWriteCapacity') }),
    );
    dashboard.addWidgets(
      graph('Lambda errors and throttles (all functions)', [lambdaRegion('Errors'), lambdaRegion('Throttles')]),
      graph('Lambda concurrency (all functions)', [lambdaRegion('ConcurrentExecutions', 'Maximum')]),
      graph('Lambda errors: top 10 functions', [this.topLambdaErrors()]),
    );
    dashboard.addWidgets(
      graph('Worker invocations', workerIds.map((worker) => catalogMetric('workerInvocations', { worker }, { label: worker }))),
      graph('Worker failures', workerIds.map((worker) => catalogMetric('workerFailures', { worker }, { label: worker }))),
      graph(
        'Dead-letter queue depth',
        [...workers].flatMap(([id, endpoint]) =>
          endpoint.deadLetterQueue ? [endpoint.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', label: id })] : [],
        ),
      ),
    );
    dashboard.addWidgets(
      graph('Sync runs by outcome', SYNC_RUN_OUTCOMES.map((outcome) => catalogMetric('syncRuns', { outcome }, { label: outcome }))),
      graph('Sync objects processed by kind', [this.searchSum('syncObjectsProcessed', ['kind'])]),
      graph('Audit export jobs by outcome', EXPORT_JOB_OUTCOMES.map((outcome) => catalogMetric('exportJobs', { outcome }, { label: outcome }))),
    );
    dashboard.addWidgets(
      graph('Governance: violations opened and resolved (by severity)', [this.searchSum('violationsOpened', ['severity']), this.searchSum('violationsResolved', ['severity'])]),
      graph('Rate-limit refusals (429) per family', perFamily('rateLimitRefusals')),
      graph('Sign-in failures by kind', [this.searchSum('signInFailures', ['kind'])]),
    );
    dashboard.addWidgets(
      graph('SCIM operations by resource type and kind', [this.searchSum('scimOperations', ['resourceType', 'kind'])]),
      graph('WAF blocked requests', [this.wafBlocked(webAclMetricNames.webAcl, 'ALL'), ...webAclMetricNames.rules.map((rule) => this.wafBlocked(webAclMetricNames.webAcl, rule))]),
      graph('API Gateway errors and latency', [apiGateway('4XXError'), apiGateway('5XXError')], { right: [apiGateway('Latency', 'p99')] }),
    );
    return dashboard;
  }

  /**
   * Every series of a catalogued metric with one of its dimension sets (a dashboard SEARCH: a
   * dimension whose values are open-ended, like a sign-in kind, gets a line per value seen).
   */
  private searchSum(key: MetricKey, dimensionSet: readonly string[], filter = '', label = ''): cloudwatch.MathExpression {
    const definition = metricsCatalog[key];
    if (!definition.dimensionSets.some((set) => set.length === dimensionSet.length && set.every((name) => dimensionSet.includes(name)))) {
      throw new Error(`${definition.name} is not published with dimensions [${dimensionSet.join(', ')}]`);
    }
    return new cloudwatch.MathExpression({
      expression: `SEARCH('{${METRICS_NAMESPACE},${dimensionSet.join(',')}} MetricName="${definition.name}" ${filter}', 'Sum', 300)`,
      usingMetrics: {},
      label,
      period: Duration.minutes(5),
    });
  }

  /** The ten functions of the region with the most Lambda Errors (names are CloudFormation's, so a search finds them). */
  private topLambdaErrors(): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: `SORT(SEARCH('{AWS/Lambda,FunctionName} MetricName="Errors"', 'Sum', 300), SUM, DESC, 10)`,
      usingMetrics: {},
      label: '',
      period: Duration.minutes(5),
    });
  }
}
