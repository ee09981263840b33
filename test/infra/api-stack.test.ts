import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessProfileOf } from '../../lib/access-profile.ts';
import type { ApiStack } from '../../lib/api-stack.ts';
import { gatewayResponses } from '../../lib/gateway-responses.ts';
import { routes } from '../../shared/routes.ts';
import {
  apiTemplates,
  deployedMethods,
  resourcesOfType,
  synthPlatform,
  type CfnTemplate,
  type SynthResult,
} from './support/synth.ts';

let synth: SynthResult;
let apiStacks: ApiStack[];

beforeAll(() => {
  synth = synthPlatform();
  apiStacks = [...synth.stacks.values()].map((pair) => pair.api);
});
afterAll(() => synth.dispose());

interface FunctionInfo {
  readonly template: string;
  readonly logicalId: string;
  readonly properties: Record<string, unknown>;
  readonly environment: Record<string, unknown>;
  readonly actions: Set<string>;
  readonly statements: PolicyStatementJson[];
}

interface PolicyStatementJson {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, unknown>>;
}

function asArray<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Route id → its function, with every action its execution role is allowed. */
function functionsByRoute(api: ApiStack): Map<string, FunctionInfo> {
  const result = new Map<string, FunctionInfo>();
  for (const { name, json } of apiTemplates(api)) {
    const statementsByRole = roleStatements(json);
    for (const [logicalId, fn] of resourcesOfType(json, 'AWS::Lambda::Function')) {
      const properties = fn.Properties ?? {};
      const environment = ((properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
        {}) as Record<string, unknown>;
      const role = (properties.Role as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
      const routeId = String(environment.ROUTE_ID);
      expect(result.has(routeId), `two functions for ${routeId}`).toBe(false);
      result.set(routeId, {
        template: name,
        logicalId,
        properties,
        environment,
        ...allowedBy((role === undefined ? undefined : statementsByRole.get(role)) ?? []),
      });
    }
  }
  return result;
}

function roleStatements(json: CfnTemplate): Map<string, PolicyStatementJson[]> {
  const byRole = new Map<string, PolicyStatementJson[]>();
  for (const [, policy] of resourcesOfType(json, 'AWS::IAM::Policy')) {
    const document = policy.Properties?.PolicyDocument as { Statement: PolicyStatementJson[] };
    const roles = asArray(policy.Properties?.Roles as Array<{ Ref: string }> | undefined).map((role) => role.Ref);
    for (const role of roles) byRole.set(role, [...(byRole.get(role) ?? []), ...document.Statement]);
  }
  return byRole;
}

function allowedBy(statements: PolicyStatementJson[]): { actions: Set<string>; statements: PolicyStatementJson[] } {
  const allowed = statements.filter((statement) => statement.Effect === 'Allow');
  return { actions: new Set(allowed.flatMap((statement) => asArray(statement.Action))), statements: allowed };
}

describe('API stack', () => {
  it('has exactly one API Gateway method per route, on the route path and method', () => {
    for (const api of apiStacks) {
      const methods = deployedMethods(api);
      expect(methods).toHaveLength(routes.length);
      for (const route of routes) {
        const matching = methods.filter((method) => method.httpMethod === route.method && method.path === route.path);
        expect(matching, `${api.stackName}: ${route.method} ${route.path}`).toHaveLength(1);
        expect(matching[0]?.operationName).toBe(route.id);
      }
    }
  });

  it('puts platform methods in the API stack and every other family in its own nested stack', () => {
    for (const api of apiStacks) {
      for (const method of deployedMethods(api)) {
        const route = routes.find((candidate) => candidate.id === method.operationName);
        const expected = route?.family === 'platform' ? api.stackName : `${api.stackName}/${route?.family}`;
        expect(method.template, method.operationName).toBe(expected);
      }
      const families = new Set(routes.map((route) => route.family).filter((family) => family !== 'platform'));
      expect(new Set(api.familyStacks.keys())).toEqual(families);
    }
  });

  it('has exactly one function per route, configured from the route table', () => {
    for (const api of apiStacks) {
      const functions = functionsByRoute(api);
      expect(functions.size).toBe(routes.length);
      const allFunctions = apiTemplates(api).flatMap(({ json }) => resourcesOfType(json, 'AWS::Lambda::Function'));
      expect(allFunctions).toHaveLength(routes.length);

      for (const route of routes) {
        const fn = functions.get(route.id);
        expect(fn, route.id).toBeDefined();
        if (!fn) continue;
        expect(fn.properties.Architectures).toEqual(['arm64']);
        expect(String(fn.properties.Runtime)).toMatch(/^nodejs(2[2-9]|[3-9]\d)\.x$/);
        expect(fn.properties.MemorySize).toBe(route.memoryMb ?? 256);
        expect(fn.properties.Timeout).toBe(route.timeoutSeconds ?? 10);
        expect(fn.properties.TracingConfig).toEqual({ Mode: 'Active' });
        expect(fn.properties.LoggingConfig).toEqual({ LogGroup: { Ref: expect.any(String) as string } });
        for (const name of [
          'TABLE_NAME',
          'EXPORT_BUCKET_NAME',
          'PUBLIC_BASE_URL',
          'SECRETS_KEY_ID',
          'SIGNING_KEY_ID',
          'AUDIT_RETENTION_DAYS',
          'PLATFORM_VERSION',
        ]) {
          expect(fn.environment[name], `${route.id} ${name}`).toBeDefined();
        }
        expect(fn.environment).toMatchObject({
          ROUTE_ID: route.id,
          POWERTOOLS_SERVICE_NAME: 'identity-platform',
          POWERTOOLS_LOG_LEVEL: 'INFO',
          NODE_OPTIONS: '--enable-source-maps',
          AUDIT_RETENTION_DAYS: '400',
        });
        const readsOperatorKey = accessProfileOf(route).operatorKey === 'read';
        expect('OPERATOR_KEY_SECRET_ARN' in fn.environment, route.id).toBe(readsOperatorKey);
      }
    }
  });

  it('wires each method to its own route function with a single invoke permission', () => {
    for (const api of apiStacks) {
      const functions = functionsByRoute(api);
      for (const method of deployedMethods(api)) {
        const fn = functions.get(method.operationName);
        expect(method.integrationFunction, method.operationName).toBe(fn?.logicalId);
        expect(method.template).toBe(fn?.template);
      }
      for (const { json } of apiTemplates(api)) {
        // The console's S3-integrated methods serve static files (test/infra/console-hosting.test.ts).
        const methods = resourcesOfType(json, 'AWS::ApiGateway::Method').filter(([, method]) => !JSON.stringify(method.Properties?.Integration ?? {}).includes(':s3:path/'));
        const permissions = resourcesOfType(json, 'AWS::Lambda::Permission');
        expect(permissions).toHaveLength(methods.length);
        expect(JSON.stringify(permissions)).not.toContain('test-invoke-stage');
        for (const [, method] of methods) {
          expect(method.Properties?.Integration).toMatchObject({ Type: 'AWS_PROXY', IntegrationHttpMethod: 'POST' });
        }
      }
    }
  });

  it('keeps every template well below the CloudFormation resource limit', () => {
    for (const api of apiStacks) {
      for (const { name, json } of apiTemplates(api)) {
        expect(Object.keys(json.Resources).length, name).toBeLessThanOrEqual(450);
      }
    }
  });

  it('gives read-only routes no write permissions and every route only the grants it declares', () => {
    const tableWrites = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    // Not IAM actions today (transactions are authorized per item action), but never acceptable.
    const forbiddenForReaders = [
      ...tableWrites,
      'dynamodb:TransactWriteItems',
      'dynamodb:PartiQLInsert',
      'dynamodb:PartiQLUpdate',
      'dynamodb:PartiQLDelete',
    ];
    for (const api of apiStacks) {
      const functions = functionsByRoute(api);
      for (const route of routes) {
        const profile = accessProfileOf(route);
        const actions = [...(functions.get(route.id)?.actions ?? [])];
        const has = (predicate: (action: string) => boolean): boolean => actions.some(predicate);
        const label = `${route.id} (${JSON.stringify(route.access)})`;

        expect(has((action) => action === 'dynamodb:*' || action === 's3:*' || action === 'kms:*'), label).toBe(false);
        if (profile.table !== 'write') expect(has((action) => forbiddenForReaders.includes(action)), label).toBe(false);
        if (profile.table === 'none') expect(has((action) => action.startsWith('dynamodb:')), label).toBe(false);
        if (profile.table === 'read') expect(actions, label).toContain('dynamodb:Query');
        if (profile.table === 'write') expect(actions, label).toEqual(expect.arrayContaining(tableWrites));
        if (profile.exportBucket === 'none') expect(has((action) => action.startsWith('s3:')), label).toBe(false);
        if (profile.exportBucket !== 'write') expect(has((action) => action.startsWith('s3:Put')), label).toBe(false);
        // Audit exports are evidence: nobody may delete them.
        expect(has((action) => action.startsWith('s3:Delete')), label).toBe(false);
        expect(actions.includes('kms:Sign'), label).toBe(profile.signingKey === 'sign');
        expect(actions.includes('secretsmanager:GetSecretValue'), label).toBe(profile.operatorKey === 'read');
        // Reading the secret needs its KMS key, but only through Secrets Manager.
        const viaSecretsManager = (functions.get(route.id)?.statements ?? []).some(
          (statement) =>
            asArray(statement.Action).includes('kms:Decrypt') &&
            statement.Condition?.StringEquals?.['kms:ViaService'] === `secretsmanager.${api.region}.amazonaws.com`,
        );
        expect(viaSecretsManager, label).toBe(profile.operatorKey === 'read');
        // Every function writes its own logs and traces.
        expect(actions, label).toEqual(expect.arrayContaining(['logs:PutLogEvents', 'xray:PutTraceSegments']));
      }
    }
  });

  it('is a regional REST API with a logged, traced, throttled stage', () => {
    for (const api of apiStacks) {
      const [parent] = apiTemplates(api);
      if (!parent) throw new Error('no API template');
      parent.template.hasResourceProperties('AWS::ApiGateway::RestApi', {
        EndpointConfiguration: { Types: ['REGIONAL'] },
      });
      parent.template.resourceCountIs('AWS::ApiGateway::Stage', 1);
      parent.template.hasResourceProperties('AWS::ApiGateway::Stage', {
        StageName: 'v1',
        TracingEnabled: true,
        AccessLogSetting: {
          DestinationArn: Match.anyValue(),
          Format: Match.serializedJson(Match.objectLike({ requestId: '$context.requestId' })),
        },
        MethodSettings: [
          Match.objectLike({
            HttpMethod: '*',
            ResourcePath: '/*',
            MetricsEnabled: true,
            LoggingLevel: Match.anyValue(),
            DataTraceEnabled: false,
            ThrottlingRateLimit: Match.anyValue(),
            ThrottlingBurstLimit: Match.anyValue(),
          }),
        ],
      });
    }
  });

  it('creates the deployment after every method, including the nested stacks', () => {
    for (const api of apiStacks) {
      const [parent] = apiTemplates(api);
      if (!parent) throw new Error('no API template');
      const deployments = resourcesOfType(parent.json, 'AWS::ApiGateway::Deployment');
      expect(deployments).toHaveLength(1);
      const dependsOn = new Set(asArray(deployments[0]?.[1].DependsOn));
      // The operations stack (alarms, dashboard) only watches; the deployment need not wait for it.
      const operations = api.resolve(api.operations.nestedStackResource?.logicalId) as string;
      for (const [logicalId] of resourcesOfType(parent.json, 'AWS::CloudFormation::Stack')) {
        if (logicalId === operations) continue;
        expect(dependsOn.has(logicalId), logicalId).toBe(true);
      }
      for (const [logicalId] of resourcesOfType(parent.json, 'AWS::ApiGateway::Method')) {
        expect(dependsOn.has(logicalId), logicalId).toBe(true);
      }
    }
  });

  it('associates a web ACL with managed rule groups and a per-IP rate limit with the stage', () => {
    for (const api of apiStacks) {
      const [parent] = apiTemplates(api);
      if (!parent) throw new Error('no API template');
      parent.template.hasResourceProperties('AWS::WAFv2::WebACL', {
        Scope: 'REGIONAL',
        Rules: Match.arrayWith([
          Match.objectLike({
            Statement: { RateBasedStatement: Match.objectLike({ AggregateKeyType: 'IP', Limit: Match.anyValue() }) },
          }),
          Match.objectLike({
            Statement: {
              ManagedRuleGroupStatement: Match.objectLike({ VendorName: 'AWS', Name: 'AWSManagedRulesCommonRuleSet' }),
            },
          }),
          Match.objectLike({
            Statement: {
              ManagedRuleGroupStatement: Match.objectLike({ VendorName: 'AWS', Name: 'AWSManagedRulesKnownBadInputsRuleSet' }),
            },
          }),
        ]),
      });
      const [[aclId] = []] = resourcesOfType(parent.json, 'AWS::WAFv2::WebACL');
      const [[stageId] = []] = resourcesOfType(parent.json, 'AWS::ApiGateway::Stage');
      const associations = resourcesOfType(parent.json, 'AWS::WAFv2::WebACLAssociation');
      expect(associations).toHaveLength(1);
      const association = JSON.stringify(associations[0]?.[1].Properties);
      expect(association).toContain(`"Ref":"${stageId}"`);
      expect(association).toContain(`"Fn::GetAtt":["${aclId}","Arn"]`);
    }
  });

  it('answers API Gateway errors in JSON, with 405 for a known path used with an unknown method', () => {
    const api = apiStacks[0];
    if (!api) throw new Error('no API stack');
    const [parent] = apiTemplates(api);
    if (!parent) throw new Error('no API template');
    const responses = resourcesOfType(parent.json, 'AWS::ApiGateway::GatewayResponse').map(([, resource]) => ({
      type: resource.Properties?.ResponseType,
      status: resource.Properties?.StatusCode,
      body: (resource.Properties?.ResponseTemplates as Record<string, string>)['application/json'],
    }));
    expect(responses).toHaveLength(gatewayResponses.length);
    const byType = new Map(responses.map((response) => [response.type, response]));

    expect(byType.get('MISSING_AUTHENTICATION_TOKEN')?.status).toBe('405');
    expect(JSON.parse(byType.get('MISSING_AUTHENTICATION_TOKEN')?.body ?? '')).toEqual({
      error: 'Method Not Allowed',
      message: expect.any(String) as string,
      statusCode: 405,
    });
    expect(byType.get('REQUEST_TOO_LARGE')?.status).toBe('413');
    expect(JSON.parse(byType.get('REQUEST_TOO_LARGE')?.body ?? '')).toMatchObject({ statusCode: 413 });
    expect(byType.get('THROTTLED')?.status).toBe('429');
    expect(JSON.parse(byType.get('THROTTLED')?.body ?? '')).toMatchObject({ statusCode: 429 });
    for (const type of ['DEFAULT_4XX', 'DEFAULT_5XX']) {
      // $context.error.messageString substitutes a quoted string, so the body is JSON once rendered.
      const rendered = (byType.get(type)?.body ?? '')
        .replace('$context.error.messageString', '"Forbidden"')
        .replace(/\$context\.[A-Za-z.]+/g, 'x');
      expect(() => JSON.parse(rendered) as unknown, type).not.toThrow();
    }
  });
});
