import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextKeys } from '../../lib/config.ts';
import { operationsContextKeys, readAlarmSettings } from '../../lib/operations-settings.ts';
import { tableSchema } from '../../shared/storage/table-schema.ts';
import { routes } from '../../shared/routes.ts';
import { workers } from '../../shared/workers.ts';
import { apiTemplates, resourcesOfType, synthPlatform, type CfnResource, type SynthResult } from './support/synth.ts';

/**
 * The operations nested stack of each region: alarms derived from the route table's families, the
 * worker table and the metrics catalogue, one SNS topic they all notify, one dashboard.
 */
const regions = ['us-east-1', 'eu-central-1'];
const families = [...new Set(routes.map((route) => route.family))];
const deadLetterWorkers = workers.filter((worker) => worker.trigger.kind !== 'schedule');
const email = 'oncall@example.com';
const webhook = 'https://events.example.com/alarms';

let synth: SynthResult;
beforeAll(() => {
  synth = synthPlatform({
    context: {
      [contextKeys.regions]: regions.join(','),
      [operationsContextKeys.alarmEmails]: email,
      [operationsContextKeys.alarmHttpsEndpoints]: JSON.stringify([webhook]),
      [operationsContextKeys.alarms]: { latencyP99: { byFamily: { scim: 6000 } } },
    },
  });
});
afterAll(() => synth.dispose());

function fail(message: string): never {
  throw new Error(message);
}

function operationsTemplate(region: string, result: SynthResult = synth): Template {
  return Template.fromStack((result.stacks.get(region)?.api ?? fail(`no API stack in ${region}`)).operations);
}

function alarmsByName(template: Template): Map<string, Record<string, unknown>> {
  const alarms = template.findResources('AWS::CloudWatch::Alarm') as Record<string, CfnResource>;
  return new Map(Object.values(alarms).map((alarm) => [String(alarm.Properties?.AlarmName), alarm.Properties ?? {}]));
}

/** The metric of an alarm on one metric, or each metric of a metric-math alarm's expression. */
function alarmMetrics(alarm: Record<string, unknown>): Array<{ namespace: string; name: string; dimensions: Record<string, unknown> }> {
  const metricOf = (stat: Record<string, unknown>) => {
    const metric = stat.Metric as Record<string, unknown>;
    const dimensions = Object.fromEntries(((metric.Dimensions ?? []) as Array<{ Name: string; Value: unknown }>).map((d) => [d.Name, d.Value]));
    return { namespace: String(metric.Namespace), name: String(metric.MetricName), dimensions };
  };
  if (alarm.Metrics) {
    return (alarm.Metrics as Array<Record<string, unknown>>).filter((query) => query.MetricStat).map((query) => metricOf(query.MetricStat as Record<string, unknown>));
  }
  return [{ namespace: String(alarm.Namespace), name: String(alarm.MetricName), dimensions: Object.fromEntries(((alarm.Dimensions ?? []) as Array<{ Name: string; Value: unknown }>).map((d) => [d.Name, d.Value])) }];
}

describe('alarms per region', () => {
  it('has a 5xx-rate and a p99-latency alarm for every family of the route table, on the catalogued metrics', () => {
    for (const region of regions) {
      const alarms = alarmsByName(operationsTemplate(region));
      for (const family of families) {
        const rate = alarms.get(`IdentityPlatform-${region}-${family}-5xx-rate`);
        expect(rate, `${region} ${family} 5xx`).toBeDefined();
        expect(alarmMetrics(rate ?? {}).map((metric) => `${metric.namespace}/${metric.name}/${JSON.stringify(metric.dimensions)}`).sort()).toEqual([
          `IdentityPlatform/Requests/{"family":"${family}"}`,
          `IdentityPlatform/ServerErrors/{"family":"${family}"}`,
        ]);
        const latency = alarms.get(`IdentityPlatform-${region}-${family}-p99-latency`);
        expect(latency, `${region} ${family} latency`).toMatchObject({ Namespace: 'IdentityPlatform', MetricName: 'Latency', ExtendedStatistic: 'p99' });
      }
    }
  });

  it('has an errors alarm for every worker and a dead-letter alarm for every worker with a dead-letter queue', () => {
    for (const region of regions) {
      const alarms = alarmsByName(operationsTemplate(region));
      for (const worker of workers) {
        expect(alarms.get(`IdentityPlatform-${region}-worker-${worker.id}-errors`), worker.id).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors' });
      }
      for (const worker of deadLetterWorkers) {
        expect(alarms.get(`IdentityPlatform-${region}-worker-${worker.id}-dead-letters`), worker.id).toMatchObject({
          Namespace: 'AWS/SQS',
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Threshold: 1,
          ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        });
      }
    }
  });

  it('watches Lambda, DynamoDB (table and every index), sync runs, export jobs and WAF', () => {
    const region = regions[0] ?? '';
    const alarms = alarmsByName(operationsTemplate(region));
    const name = (suffix: string) => `IdentityPlatform-${region}-${suffix}`;
    expect(alarms.get(name('lambda-errors'))).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Errors' });
    expect(alarms.get(name('lambda-throttles'))).toMatchObject({ Namespace: 'AWS/Lambda', MetricName: 'Throttles' });
    for (const index of ['', ...tableSchema.globalSecondaryIndexes.map(({ indexName }) => `${indexName}-`)]) {
      const metrics = alarmMetrics(alarms.get(name(`table-${index}throttles`)) ?? {});
      expect(metrics.map((metric) => metric.name).sort(), index).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
    }
    expect(alarms.get(name('sync-runs-failed'))).toMatchObject({ Namespace: 'IdentityPlatform', MetricName: 'SyncRuns', Dimensions: [{ Name: 'outcome', Value: 'failed' }] });
    expect(alarms.get(name('sync-runs-stopped-by-deletion-threshold'))).toMatchObject({ Dimensions: [{ Name: 'outcome', Value: 'stoppedByDeletionThreshold' }] });
    expect(alarms.get(name('export-jobs-failed'))).toMatchObject({ MetricName: 'ExportJobs', Dimensions: [{ Name: 'outcome', Value: 'failed' }] });
    // The WebACL dimension is the web ACL's metric name, as configured on the web ACL itself.
    const [webAcl] = resourcesOfType(apiTemplates(synth.stacks.get(region)?.api ?? fail('no API stack'))[0]?.json ?? { Resources: {} }, 'AWS::WAFv2::WebACL').map(([, resource]) => resource);
    expect((webAcl?.Properties?.VisibilityConfig as { MetricName: string }).MetricName).toBe(`IdentityPlatform-${region}-WebAcl`);
    expect(alarmMetrics(alarms.get(name('waf-blocked')) ?? {})).toEqual([
      { namespace: 'AWS/WAFV2', name: 'BlockedRequests', dimensions: { Region: region, Rule: 'ALL', WebACL: `IdentityPlatform-${region}-WebAcl` } },
    ]);
  });

  it('treats missing data as not breaching and notifies the topic on ALARM and on OK', () => {
    const template = operationsTemplate(regions[0] ?? '');
    const [[topicId] = []] = Object.entries(template.findResources('AWS::SNS::Topic'));
    expect(topicId).toBeDefined();
    const alarms = alarmsByName(template);
    expect(alarms.size).toBeGreaterThan(families.length * 2 + workers.length);
    for (const [name, alarm] of alarms) {
      expect(alarm.TreatMissingData, name).toBe('notBreaching');
      expect(alarm.AlarmActions, name).toEqual([{ Ref: topicId }]);
      expect(alarm.OKActions, name).toEqual([{ Ref: topicId }]);
    }
  });
});

describe('the alarm topic', () => {
  it('is KMS-encrypted, TLS-only, publishable by CloudWatch, with the subscriptions from context', () => {
    for (const region of regions) {
      const template = operationsTemplate(region);
      template.resourceCountIs('AWS::SNS::Topic', 1);
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
      template.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]) },
      });
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            Match.objectLike({ Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish' }),
          ]),
        },
      });
      template.resourceCountIs('AWS::SNS::Subscription', 2);
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: email });
      template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'https', Endpoint: webhook });
    }
  });
});

describe('the dashboard', () => {
  it('exists once per region with a line per family and per worker', () => {
    for (const region of regions) {
      const template = operationsTemplate(region);
      template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
      const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as CfnResource[];
      expect(dashboard?.Properties?.DashboardName).toBe(`IdentityPlatform-${region}`);
      const body = JSON.stringify(dashboard?.Properties?.DashboardBody);
      for (const family of families) expect(body, family).toContain(`\\"family\\",\\"${family}\\"`);
      for (const worker of workers) expect(body, worker.id).toContain(`\\"worker\\",\\"${worker.id}\\"`);
      for (const title of ['Traffic', 'Errors: 5xx', 'Latency p99', 'DynamoDB throttle', 'Lambda concurrency', 'Dead-letter queue depth', 'Sync runs by outcome', 'Governance', 'Rate-limit refusals', 'Sign-in failures', 'WAF blocked']) {
        expect(body, title).toContain(title);
      }
    }
  });
});

describe('context', () => {
  it('applies per-family threshold overrides', () => {
    const alarms = alarmsByName(operationsTemplate(regions[0] ?? ''));
    expect(alarms.get(`IdentityPlatform-${regions[0]}-scim-p99-latency`)?.Threshold).toBe(6000);
    expect(alarms.get(`IdentityPlatform-${regions[0]}-identity-p99-latency`)?.Threshold).toBe(3000);
  });

  it('changes thresholds and periods, turns one kind off, or turns alarms off while the dashboard stays', () => {
    const tuned = synthPlatform({
      nag: false,
      context: {
        [contextKeys.regions]: 'ca-central-1',
        [operationsContextKeys.alarms]: JSON.stringify({
          serverErrorRate: { threshold: 2, periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3 },
          wafBlocked: { enabled: false },
        }),
        [`${operationsContextKeys.alarmTopicArnPrefix}ca-central-1`]: 'arn:aws:sns:ca-central-1:111122223333:oncall',
      },
    });
    try {
      const template = operationsTemplate('ca-central-1', tuned);
      const alarms = alarmsByName(template);
      const rate = alarms.get('IdentityPlatform-ca-central-1-scim-5xx-rate') as { Threshold: number; EvaluationPeriods: number; DatapointsToAlarm: number; Metrics: Array<{ MetricStat?: { Period: number } }> };
      expect(rate).toMatchObject({ Threshold: 2, EvaluationPeriods: 5, DatapointsToAlarm: 3 });
      expect(rate.Metrics.flatMap((query) => (query.MetricStat ? [query.MetricStat.Period] : []))).toEqual([60, 60]);
      expect(alarms.has('IdentityPlatform-ca-central-1-waf-blocked')).toBe(false);
      // An existing topic: no topic or key is created, and the alarms notify it.
      template.resourceCountIs('AWS::SNS::Topic', 0);
      template.resourceCountIs('AWS::KMS::Key', 0);
      expect(alarms.get('IdentityPlatform-ca-central-1-sync-runs-failed')?.AlarmActions).toEqual(['arn:aws:sns:ca-central-1:111122223333:oncall']);
    } finally {
      tuned.dispose();
    }

    const off = synthPlatform({ nag: false, context: { [contextKeys.regions]: 'ca-central-1', [operationsContextKeys.alarms]: '{"enabled":false}' } });
    try {
      const template = operationsTemplate('ca-central-1', off);
      template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
      template.resourceCountIs('AWS::SNS::Topic', 0);
      template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    } finally {
      off.dispose();
    }
  });

  it('rejects unknown alarm kinds, bad periods and impossible datapoint counts', () => {
    const read = (context: Record<string, unknown>) => readAlarmSettings(new App({ context }).node, ['us-east-1']);
    expect(read({}).kinds.deadLetters).toMatchObject({ enabled: true, threshold: 1 });
    expect(read({ [operationsContextKeys.alarms]: { latencyP99: { evaluationPeriods: 4 } } }).kinds.latencyP99).toMatchObject({ evaluationPeriods: 4, datapointsToAlarm: 4 });
    expect(read({ [operationsContextKeys.alarms]: '{"enabled":"false"}' }).enabled).toBe(false);
    expect(() => read({ [operationsContextKeys.alarms]: { latencyP90: { threshold: 1 } } })).toThrow(/unknown alarm kind/);
    expect(() => read({ [operationsContextKeys.alarms]: { latencyP99: { periodSeconds: 45 } } })).toThrow(/periodSeconds/);
    expect(() => read({ [operationsContextKeys.alarms]: { latencyP99: { evaluationPeriods: 2, datapointsToAlarm: 3 } } })).toThrow(/datapointsToAlarm/);
    expect(() => read({ [operationsContextKeys.alarms]: { deadLetters: { byFamily: { scim: 2 } } } })).toThrow(/not per family/);
    expect(() => read({ [operationsContextKeys.alarmEmails]: 'not-an-address' })).toThrow(/e-mail/);
    expect(() => read({ [operationsContextKeys.alarmHttpsEndpoints]: 'http://plain.example.com' })).toThrow(/https/);
    expect(() => read({ [`${operationsContextKeys.alarmTopicArnPrefix}us-east-1`]: 'arn:aws:sns:eu-west-1:111122223333:x' })).toThrow(/SNS topic in us-east-1/);
  });
});

describe('resource counts', () => {
  it('keeps the operations stack and the API stack within 450 resources', () => {
    for (const region of regions) {
      const api = synth.stacks.get(region)?.api ?? fail('no API stack');
      const operations = operationsTemplate(region).toJSON() as { Resources: Record<string, unknown>; Parameters?: Record<string, unknown> };
      expect(Object.keys(operations.Resources).length).toBeLessThanOrEqual(450);
      expect(Object.keys(operations.Parameters ?? {}).length).toBeLessThanOrEqual(150);
      for (const { name, json } of apiTemplates(api)) expect(Object.keys(json.Resources).length, name).toBeLessThanOrEqual(450);
      expect(resourcesOfType(apiTemplates(api)[0]?.json ?? { Resources: {} }, 'AWS::CloudFormation::Stack').length).toBeGreaterThan(1);
    }
  });
});
