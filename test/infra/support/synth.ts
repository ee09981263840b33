import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { ApiStack } from '../../../lib/api-stack.ts';
import { CONSOLE_PATH } from '../../../lib/console-site.ts';
import { contextKeys, readPlatformSettings } from '../../../lib/config.ts';
import { buildPlatform, type RegionStacks } from '../../../lib/platform-app.ts';
import type { RouteDefinition } from '../../../shared/routes.ts';
import type { WorkerDefinition } from '../../../shared/workers.ts';

/** The `context` block of cdk.json, so tests synthesize what `cdk synth` would. */
export function cdkJsonContext(): Record<string, unknown> {
  const raw: unknown = JSON.parse(readFileSync(new URL('../../../cdk.json', import.meta.url), 'utf8'));
  if (typeof raw !== 'object' || raw === null || !('context' in raw)) throw new Error('cdk.json has no context');
  return raw.context as Record<string, unknown>;
}

export interface SynthOptions {
  /** Extra or overriding context entries. */
  readonly context?: Record<string, unknown>;
  readonly routes?: readonly RouteDefinition[];
  readonly workers?: readonly WorkerDefinition[];
  readonly nag?: boolean;
}

export interface SynthResult {
  readonly app: App;
  readonly stacks: Map<string, RegionStacks>;
  /** Removes the temporary cloud assembly directory. */
  dispose(): void;
}

/**
 * Builds and synthesizes the whole app in-process. Bundling is replaced by placeholder code
 * (identity-platform:skipBundling) so a synth takes seconds; everything else is production code.
 * With nag enabled (default), synth() throws if cdk-nag reports an unacknowledged error.
 */
export function synthPlatform(options: SynthOptions = {}): SynthResult {
  const outdir = mkdtempSync(join(tmpdir(), 'identity-platform-infra-'));
  const app = new App({
    outdir,
    context: { ...cdkJsonContext(), [contextKeys.skipBundling]: true, ...options.context },
  });
  const stacks = buildPlatform(app, readPlatformSettings(app.node, {}), {
    ...(options.routes ? { routes: options.routes } : {}),
    ...(options.workers ? { workers: options.workers } : {}),
    nag: options.nag ?? true,
  });
  app.synth();
  return { app, stacks, dispose: () => rmSync(outdir, { recursive: true, force: true }) };
}

export interface NamedTemplate {
  readonly name: string;
  readonly template: Template;
  readonly json: CfnTemplate;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
}

export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Parameters?: Record<string, unknown>;
}

/** The API stack's template followed by each nested family stack's template. */
export function apiTemplates(api: ApiStack): NamedTemplate[] {
  const named = (name: string, template: Template): NamedTemplate => ({
    name,
    template,
    json: template.toJSON() as CfnTemplate,
  });
  return [
    named(api.stackName, Template.fromStack(api)),
    ...[...api.familyStacks].map(([family, nested]) => named(`${api.stackName}/${family}`, Template.fromStack(nested))),
  ];
}

export function resourcesOfType(template: CfnTemplate, type: string): Array<[string, CfnResource]> {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

function refTarget(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if ('Ref' in value && typeof value.Ref === 'string') return value.Ref;
  const getAtt = (value as Partial<Record<'Fn::GetAtt', unknown>>)['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[1] === 'RootResourceId') return '<root>';
  return undefined;
}

/** One API Gateway method as deployed: which template holds it and which endpoint it serves. */
export interface DeployedMethod {
  readonly template: string;
  readonly logicalId: string;
  readonly operationName: string;
  readonly httpMethod: string;
  readonly path: string;
  readonly integrationFunction: string | undefined;
}

/**
 * Every AWS::ApiGateway::Method of the API stack and its nested stacks, with the full path of its
 * resource reconstructed from the parent's AWS::ApiGateway::Resource tree (nested stacks receive
 * resource ids as parameters, which are traced back through the parent's stack resource).
 * The admin console's S3-integrated methods under /console are static files, not route-table
 * routes: they are left out here (test/infra/console-hosting.test.ts covers them).
 */
export function deployedMethods(api: ApiStack): DeployedMethod[] {
  const templates = apiTemplates(api);
  const parent = templates[0];
  if (!parent) throw new Error('no API template');

  const pathOf = new Map<string, string>([['<root>', '']]);
  const resolvePath = (logicalId: string): string => {
    const known = pathOf.get(logicalId);
    if (known !== undefined) return known;
    const resource = parent.json.Resources[logicalId];
    if (resource?.Type !== 'AWS::ApiGateway::Resource') throw new Error(`${logicalId} is not an API resource`);
    const parentId = refTarget(resource.Properties?.ParentId);
    if (!parentId) throw new Error(`${logicalId} has no parent`);
    const path = `${resolvePath(parentId)}/${String(resource.Properties?.PathPart)}`;
    pathOf.set(logicalId, path);
    return path;
  };

  const parameterValues = new Map<string, Record<string, unknown>>();
  for (const [family, nested] of api.familyStacks) {
    const stackResource = nested.nestedStackResource;
    if (!stackResource) throw new Error(`${family} has no stack resource`);
    const logicalId = api.resolve(stackResource.logicalId) as string;
    const properties = parent.json.Resources[logicalId]?.Properties ?? {};
    parameterValues.set(`${api.stackName}/${family}`, (properties.Parameters ?? {}) as Record<string, unknown>);
  }

  const methods: DeployedMethod[] = [];
  for (const { name, json } of templates) {
    for (const [logicalId, method] of resourcesOfType(json, 'AWS::ApiGateway::Method')) {
      const properties = method.Properties ?? {};
      let target = refTarget(properties.ResourceId);
      const parameters = parameterValues.get(name);
      if (parameters && target && target in parameters) target = refTarget(parameters[target]);
      if (!target) throw new Error(`${name}/${logicalId}: cannot trace its resource`);
      const uri = JSON.stringify((properties.Integration as Record<string, unknown> | undefined)?.Uri ?? '');
      const path = resolvePath(target) || '/';
      if (path === CONSOLE_PATH || path.startsWith(`${CONSOLE_PATH}/`)) continue;
      methods.push({
        template: name,
        logicalId,
        operationName: String(properties.OperationName),
        httpMethod: String(properties.HttpMethod),
        path,
        integrationFunction: /"Fn::GetAtt":\["([^"]+)","Arn"\]/.exec(uri)?.[1],
      });
    }
  }
  return methods;
}
