import { App, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextKeys, defaultRegions, readPlatformSettings } from '../../lib/config.ts';
import { apiStackName, dataStackName } from '../../lib/platform-app.ts';
import { routes } from '../../shared/routes.ts';
import { apiTemplates, cdkJsonContext, resourcesOfType, synthPlatform, type SynthResult } from './support/synth.ts';

function configuredRegions(): string[] {
  return Object.keys(cdkJsonContext()[contextKeys.regions] as Record<string, unknown>);
}

describe('the app', () => {
  let synth: SynthResult;
  beforeAll(() => {
    synth = synthPlatform();
  });
  afterAll(() => synth.dispose());

  it('has one data stack and one API stack per configured region', () => {
    const regions = configuredRegions();
    expect([...synth.stacks.keys()]).toEqual(regions);
    const stacks = synth.app.node.children.filter((child): child is Stack => child instanceof Stack);
    expect(stacks.map((stack) => stack.stackName).sort()).toEqual(
      regions.flatMap((region) => [dataStackName(region), apiStackName(region)]).sort(),
    );
    for (const [region, { data, api }] of synth.stacks) {
      expect(data.region).toBe(region);
      expect(api.region).toBe(region);
      expect(api.dependencies).toContain(data);
    }
  });

  it('passes cdk-nag AwsSolutions with no unacknowledged finding', () => {
    // cdk-nag v3 reports through CDK's validation framework rather than annotations: app.synth()
    // in beforeAll would already have thrown on an error. Re-running the pack on the synthesized
    // tree also catches warnings and lists what is wrong when it fails.
    const report = new AwsSolutionsChecks().validateScope(synth.app);
    const findings = report.violations.map(
      (violation) =>
        `${violation.severity ?? ''} ${violation.ruleName}: ${violation.violatingResources
          .map((resource) => resource.constructPath ?? resource.resourceLogicalId ?? '?')
          .join(', ')}`,
    );
    expect(findings).toEqual([]);
  });

  it('hands the configured public base URL to every function', () => {
    const context = cdkJsonContext()[contextKeys.regions] as Record<string, { publicBaseUrl: string }>;
    for (const [region, { api }] of synth.stacks) {
      for (const { json } of apiTemplates(api)) {
        for (const [, fn] of resourcesOfType(json, 'AWS::Lambda::Function')) {
          expect(JSON.stringify(fn.Properties?.Environment)).toContain(
            `"PUBLIC_BASE_URL":"${context[region]?.publicBaseUrl ?? ''}"`,
          );
        }
      }
    }
  });
});

describe('deployment identity', () => {
  it('changes the deployment logical id when the route table changes', () => {
    const deploymentIdFor = (table: typeof routes): string => {
      const synth = synthPlatform({ routes: table, nag: false, context: { [contextKeys.regions]: 'us-east-1' } });
      try {
        const api = synth.stacks.get('us-east-1')?.api;
        if (!api) throw new Error('no API stack');
        const [parent] = apiTemplates(api);
        const [[logicalId] = []] = resourcesOfType(parent?.json ?? { Resources: {} }, 'AWS::ApiGateway::Deployment');
        if (!logicalId) throw new Error('no deployment');
        return logicalId;
      } finally {
        synth.dispose();
      }
    };
    const original = deploymentIdFor(routes);
    expect(deploymentIdFor(routes)).toBe(original);
    const changed = routes.map((route) => (route.id === 'platform-health' ? { ...route, timeoutSeconds: 5 } : route));
    expect(deploymentIdFor(changed)).not.toBe(original);
  });
});

describe('settings from context', () => {
  const settingsFor = (context: Record<string, unknown>) =>
    readPlatformSettings(new App({ context }).node, { CDK_DEFAULT_ACCOUNT: '111122223333' });

  it('defaults to three regions and the documented retention and limits', () => {
    const settings = settingsFor({});
    expect(settings.regions.map((entry) => entry.region)).toEqual([...defaultRegions]);
    expect(settings).toMatchObject({
      account: '111122223333',
      auditRetentionDays: 400,
      exportRetentionDays: 2555,
      skipBundling: false,
    });
  });

  it('accepts a region map, a JSON string or a comma-separated list, with per-region URL overrides', () => {
    expect(settingsFor({ [contextKeys.regions]: 'eu-west-1, ap-southeast-2' }).regions).toEqual([
      { region: 'eu-west-1' },
      { region: 'ap-southeast-2' },
    ]);
    expect(
      settingsFor({ [contextKeys.regions]: '{"eu-west-1":{"publicBaseUrl":"https://id.example.eu"}}' }).regions,
    ).toEqual([{ region: 'eu-west-1', publicBaseUrl: 'https://id.example.eu' }]);
    expect(
      settingsFor({
        [contextKeys.regions]: { 'us-east-1': { publicBaseUrl: 'https://a.example.com' } },
        [`${contextKeys.publicBaseUrlPrefix}us-east-1`]: 'https://b.example.com',
      }).regions,
    ).toEqual([{ region: 'us-east-1', publicBaseUrl: 'https://b.example.com' }]);
  });

  it('parses numbers and booleans given as -c strings and rejects nonsense', () => {
    expect(settingsFor({ [contextKeys.exportRetentionDays]: '3650', [contextKeys.wafLogging]: 'false' })).toMatchObject({
      exportRetentionDays: 3650,
      wafLogging: false,
    });
    expect(() => settingsFor({ [contextKeys.regions]: 'moon-base-1' })).toThrow(/region/);
    expect(() => settingsFor({ [contextKeys.exportRetentionDays]: '30' })).toThrow(/exportRetentionDays/);
    expect(() => settingsFor({ [contextKeys.logRetentionDays]: '31' })).toThrow(/logRetentionDays/);
    expect(() =>
      settingsFor({ [contextKeys.regions]: { 'us-east-1': { publicBaseUrl: 'http://insecure.example.com' } } }),
    ).toThrow(/https/);
  });

  it('falls back to the stage URL when a region has no public base URL', () => {
    const synth = synthPlatform({ nag: false, context: { [contextKeys.regions]: 'us-west-2' } });
    try {
      const api = synth.stacks.get('us-west-2')?.api;
      if (!api) throw new Error('no API stack');
      const [parent] = apiTemplates(api);
      const [, fn] = resourcesOfType(parent?.json ?? { Resources: {} }, 'AWS::Lambda::Function')[0] ?? [];
      expect(JSON.stringify(fn?.Properties?.Environment)).toMatch(/execute-api\.us-west-2\..*"\/v1"/);
    } finally {
      synth.dispose();
    }
  });
});
