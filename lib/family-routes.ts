import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { ApiFamily, RouteDefinition } from '../shared/routes.ts';
import { accessProfileOf, grantProfile, profileName, type AccessProfile } from './access-profile.ts';
import { acknowledgeFunctionRoleWildcards, acknowledgeInFunctionAuthorization, acknowledgeScheduleManagement } from './nag-suppressions.ts';
import { ImportedPlatformData, type PlatformDataExports } from './platform-data.ts';
import { createRouteFunction } from './platform-function.ts';
import { grantManageSchedules, grantReadWorkerQueues, grantStartWorker, scheduleGroupName, type WorkerEndpoint } from './workers-stack.ts';

/**
 * Functions per shared role. Each function adds its own log group to the role's policy, and an
 * IAM role's inline policies may not exceed 10,240 characters in total; 20 log-group ARNs plus the
 * data grants stay well below that.
 */
export const maxFunctionsPerRole = 20;

/** What every family's routes need, whether they live in the API stack or in a nested stack. */
export interface FamilyRoutesProps {
  readonly family: ApiFamily;
  readonly routes: readonly RouteDefinition[];
  /** The API Gateway resource of a route's path (real in the API stack, imported elsewhere). */
  readonly resourceFor: (path: string) => apigw.IResource;
  readonly requestValidator: apigw.IRequestValidator;
  readonly dataExports: PlatformDataExports;
  /** Environment shared by all functions of the region. */
  readonly environment: Readonly<Record<string, string>>;
  readonly logRetentionDays: number;
  readonly skipBundling: boolean;
  /** The region's workers, for routes that declare `starts`. */
  readonly workers: ReadonlyMap<string, WorkerEndpoint>;
}

const pascalIds = (ids: readonly string[]): string => ids.map((id) => id.split('-').map((part) => `${part[0]?.toUpperCase() ?? ''}${part.slice(1)}`).join('')).join('And');

/** Role-name suffix of routes that start workers or manage their schedules, e.g. `-StartsSweepGroupMemberships`; '' for none. */
function startsSuffix(route: RouteDefinition): string {
  const ids = [...new Set(route.starts ?? [])].sort();
  const scheduled = [...new Set(route.managesSchedules ?? [])].sort();
  return `${ids.length === 0 ? '' : `-Starts${pascalIds(ids)}`}${scheduled.length === 0 ? '' : `-Schedules${pascalIds(scheduled)}`}${route.readsWorkerQueues ? '-ReadsWorkerQueues' : ''}`;
}

/**
 * The methods, functions, execution roles and invoke permissions of one API family.
 *
 * Execution roles are shared by the functions of a family that have exactly the same access
 * profile (chunked by {@link maxFunctionsPerRole}): identical grants mean no privilege is
 * widened by sharing, and ~100 routes need a dozen roles instead of a hundred, which keeps each
 * template far from CloudFormation's resource limit. The only cross-function permission a shared
 * role carries is writing to its siblings' log groups. Routes that start workers (`starts`) share
 * a role only with routes that start exactly the same workers.
 */
export class FamilyRoutes extends Construct {
  readonly functions = new Map<string, lambda.Function>();
  readonly methods = new Map<string, apigw.Method>();
  readonly roles: iam.Role[] = [];

  constructor(scope: Construct, id: string, props: FamilyRoutesProps) {
    super(scope, id);
    const data = new ImportedPlatformData(this, 'Data', props.dataExports);

    const byProfile = new Map<string, { profile: AccessProfile; starts: readonly string[]; schedules: readonly string[]; readsWorkerQueues: boolean; routes: RouteDefinition[] }>();
    for (const route of props.routes) {
      if (route.family !== props.family) throw new Error(`Route ${route.id} belongs to ${route.family}, not ${props.family}`);
      const profile = accessProfileOf(route);
      const name = `${profileName(profile)}${startsSuffix(route)}`;
      const group = byProfile.get(name) ?? { profile, starts: [...new Set(route.starts ?? [])].sort(), schedules: [...new Set(route.managesSchedules ?? [])].sort(), readsWorkerQueues: route.readsWorkerQueues === true, routes: [] };
      group.routes.push(route);
      byProfile.set(name, group);
    }

    for (const [name, { profile, starts, schedules, readsWorkerQueues, routes }] of byProfile) {
      for (let start = 0; start < routes.length; start += maxFunctionsPerRole) {
        const chunk = routes.slice(start, start + maxFunctionsPerRole);
        const suffix = start === 0 ? '' : String(start / maxFunctionsPerRole + 1);
        const role = new iam.Role(this, `${name}Role${suffix}`, {
          assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
          description: `Identity platform ${props.family} functions with access ${name}`,
        });
        grantProfile(role, profile, data);
        acknowledgeFunctionRoleWildcards(role, profile, props.dataExports);
        this.roles.push(role);
        const workerEnvironment: Record<string, string> = {};
        for (const workerId of starts) {
          const endpoint = props.workers.get(workerId);
          if (!endpoint) throw new Error(`Routes ${chunk.map((route) => route.id).join(', ')} start unknown worker ${workerId}`);
          const [variable, value] = grantStartWorker(role, endpoint);
          workerEnvironment[variable] = value;
        }
        for (const workerId of schedules) {
          const endpoint = props.workers.get(workerId);
          if (!endpoint) throw new Error(`Routes ${chunk.map((route) => route.id).join(', ')} manage schedules of unknown worker ${workerId}`);
          Object.assign(workerEnvironment, grantManageSchedules(role, endpoint));
          acknowledgeScheduleManagement(role, scheduleGroupName);
        }
        if (readsWorkerQueues) Object.assign(workerEnvironment, grantReadWorkerQueues(role, [...props.workers.values()]));

        for (const route of chunk) this.addRoute(route, profile, role, data, { ...props, environment: { ...props.environment, ...workerEnvironment } });
      }
    }
  }

  private addRoute(
    route: RouteDefinition,
    profile: AccessProfile,
    role: iam.IRole,
    data: ImportedPlatformData,
    props: FamilyRoutesProps,
  ): void {
    const environment: Record<string, string> = { ...props.environment };
    if (profile.operatorKey === 'read') environment.OPERATOR_KEY_SECRET_ARN = data.operatorKeySecretArn;

    const fn = createRouteFunction(this, route.id, {
      route,
      role,
      environment,
      logRetentionDays: props.logRetentionDays,
      skipBundling: props.skipBundling,
    });

    const method = new apigw.Method(this, `${route.id}Method`, {
      resource: props.resourceFor(route.path),
      httpMethod: route.method,
      // One permission per method: test invocations from the console are not needed.
      integration: new apigw.LambdaIntegration(fn, { proxy: true, allowTestInvoke: false }),
      options: {
        operationName: route.id,
        authorizationType: apigw.AuthorizationType.NONE,
        requestValidator: props.requestValidator,
      },
    });
    acknowledgeInFunctionAuthorization(method, route);

    this.functions.set(route.id, fn);
    this.methods.set(route.id, method);
  }
}
