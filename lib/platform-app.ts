import { Tags, Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { RouteDefinition } from '../shared/routes.ts';
import type { WorkerDefinition } from '../shared/workers.ts';
import { ApiStack } from './api-stack.ts';
import type { PlatformSettings } from './config.ts';
import { DataStack } from './data-stack.ts';

export interface RegionStacks {
  readonly data: DataStack;
  readonly api: ApiStack;
}

export interface BuildPlatformOptions {
  /** Route table override (tests, benchmarks); defaults to shared/routes.ts. */
  readonly routes?: readonly RouteDefinition[];
  /** Worker table override (tests); defaults to shared/workers.ts. */
  readonly workers?: readonly WorkerDefinition[];
  /** Register cdk-nag's AwsSolutions checks (default true). */
  readonly nag?: boolean;
}

export const dataStackName = (region: string): string => `IdentityPlatform-Data-${region}`;
export const apiStackName = (region: string): string => `IdentityPlatform-Api-${region}`;

/**
 * Adds one data stack and one API stack per configured region to `app`, and registers cdk-nag's
 * AwsSolutions pack so that any unacknowledged finding fails the synth.
 */
export function buildPlatform(
  app: App,
  settings: PlatformSettings,
  options: BuildPlatformOptions = {},
): Map<string, RegionStacks> {
  const stacks = new Map<string, RegionStacks>();
  for (const { region, publicBaseUrl, syncVpc } of settings.regions) {
    const env = { account: settings.account, region };
    const data = new DataStack(app, dataStackName(region), {
      env,
      stackName: dataStackName(region),
      description: `Identity platform data (table, export bucket, keys) in ${region}`,
      exportRetentionDays: settings.exportRetentionDays,
      exportTransitionDays: settings.exportTransitionDays,
    });
    const api = new ApiStack(app, apiStackName(region), {
      env,
      stackName: apiStackName(region),
      description: `Identity platform REST API and functions in ${region}`,
      dataExports: data.exports,
      ...(publicBaseUrl ? { publicBaseUrl } : {}),
      ...(syncVpc ? { syncVpc } : {}),
      ...(options.routes ? { routes: options.routes } : {}),
      ...(options.workers ? { workers: options.workers } : {}),
      auditRetentionDays: settings.auditRetentionDays,
      throttleRateLimit: settings.throttleRateLimit,
      throttleBurstLimit: settings.throttleBurstLimit,
      wafRateLimit: settings.wafRateLimit,
      wafLogging: settings.wafLogging,
      logRetentionDays: settings.logRetentionDays,
      skipBundling: settings.skipBundling,
      version: settings.version,
      alarms: settings.alarms,
    });
    // The API stack reaches the data stack through named exports, not CDK references, so the
    // deployment order has to be stated.
    api.addStackDependency(data);
    stacks.set(region, { data, api });
  }
  Tags.of(app).add('project', 'identity-platform');
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return stacks;
}
