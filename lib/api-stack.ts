import { Fn, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { routes as routeTable, type ApiFamily, type RouteDefinition } from '../shared/routes.ts';
import { validateWorkerTable, workers as workerTable, type WorkerDefinition } from '../shared/workers.ts';
import { FamilyRoutes } from './family-routes.ts';
import { FamilyRoutesStack } from './family-routes-stack.ts';
import { addGatewayResponses, gatewayResponses } from './gateway-responses.ts';
import { ConsoleHosting } from './console-hosting.ts';
import { acknowledgeCloudWatchRole } from './nag-suppressions.ts';
import type { SyncVpcSettings } from './config.ts';
import { OperationsStack } from './operations-stack.ts';
import type { AlarmSettings } from './operations-settings.ts';
import type { PlatformDataExports } from './platform-data.ts';
import { routeTableHash, routesByFamily, validateRouteTable } from './route-table.ts';
import { ApiWebAcl } from './web-acl.ts';
import { WorkersStack, type WorkerEndpoint } from './workers-stack.ts';

export const stageName = 'v1';

export interface ApiStackProps extends StackProps {
  /** Export names of this region's data stack. */
  readonly dataExports: PlatformDataExports;
  /** Public origin handed to functions; defaults to the stage's execute-api URL. */
  readonly publicBaseUrl?: string;
  /** The VPC workers that declare `network: 'syncVpc'` (sync-run) run in; absent: no VPC. */
  readonly syncVpc?: SyncVpcSettings;
  /** Defaults to the route table in shared/routes.ts; tests and benchmarks pass their own. */
  readonly routes?: readonly RouteDefinition[];
  /** Defaults to the worker table in shared/workers.ts; tests pass their own. */
  readonly workers?: readonly WorkerDefinition[];
  readonly auditRetentionDays: number;
  readonly throttleRateLimit: number;
  readonly throttleBurstLimit: number;
  readonly wafRateLimit: number;
  readonly wafLogging: boolean;
  readonly logRetentionDays: number;
  readonly skipBundling: boolean;
  /** PLATFORM_VERSION for the functions. */
  readonly version: string;
  /** Alarm tuning, topic and subscriptions from context. */
  readonly alarms: AlarmSettings;
}

/** Families whose routes live in a nested stack; platform stays in this stack. */
const nestedFamilies: readonly ApiFamily[] = ['identity', 'scim', 'directory', 'governance'];

/**
 * The stateless half of a region: the REST API with its resource tree, stage, gateway responses
 * and web ACL, and one function + method per route-table row.
 *
 * The platform family's methods live here (a REST API must own at least one method); every other
 * family gets a nested stack, so that ~100 routes spread over four templates stay far below
 * CloudFormation's 500-resource limit.
 */
export class ApiStack extends Stack {
  readonly api: apigw.RestApi;
  readonly deployment: apigw.Deployment;
  readonly stage: apigw.Stage;
  readonly webAcl: ApiWebAcl;
  readonly platformRoutes: FamilyRoutes;
  readonly familyStacks = new Map<ApiFamily, FamilyRoutesStack>();
  /** The admin console's files and their S3 integration under /console. */
  readonly console: ConsoleHosting;
  /** The worker table's functions, queues and schedules; undefined when the table is empty. */
  readonly workersStack: WorkersStack | undefined;
  /** The region's alarms, alarm topic and dashboard. */
  readonly operations: OperationsStack;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const routes = props.routes ?? routeTable;
    validateRouteTable(routes);
    const workers = props.workers ?? workerTable;
    validateWorkerTable(workers, routes);

    this.api = new apigw.RestApi(this, 'Api', {
      restApiName: `identity-platform-${this.region}`,
      description: 'Identity platform REST API',
      endpointConfiguration: { types: [apigw.EndpointType.REGIONAL] },
      // The deployment is explicit below: it must wait for the nested stacks' methods.
      deploy: false,
      // Execution logging (APIG6) needs the account-level CloudWatch role.
      cloudWatchRole: true,
      cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN,
    });
    const cloudWatchRole = this.api.node.tryFindChild('CloudWatchRole');
    if (cloudWatchRole) acknowledgeCloudWatchRole(cloudWatchRole);

    // Attached to every method: it enforces whatever request parameters or body models a method
    // declares. None are declared today because the functions validate their input themselves
    // (the route table names each route's body type), so this costs nothing at request time.
    const requestValidator = this.api.addRequestValidator('RequestValidator', {
      requestValidatorName: 'declared-parameters-and-models',
      validateRequestParameters: true,
      validateRequestBody: true,
    });

    // The whole resource tree lives in this stack, so nested stacks never create path segments
    // that another family also needs.
    const resources = new Map<string, apigw.IResource>();
    for (const route of routes) resources.set(route.path, this.api.root.resourceForPath(route.path));

    const environment: Record<string, string> = {
      TABLE_NAME: Fn.importValue(props.dataExports.tableName),
      EXPORT_BUCKET_NAME: Fn.importValue(props.dataExports.exportBucketName),
      PUBLIC_BASE_URL:
        props.publicBaseUrl ?? `https://${this.api.restApiId}.execute-api.${this.region}.${this.urlSuffix}/${stageName}`,
      // KMS accepts a key ARN wherever it expects a key id.
      SECRETS_KEY_ID: Fn.importValue(props.dataExports.secretsKeyArn),
      SIGNING_KEY_ID: Fn.importValue(props.dataExports.signingKeyArn),
      AUDIT_RETENTION_DAYS: String(props.auditRetentionDays),
      POWERTOOLS_SERVICE_NAME: 'identity-platform',
      POWERTOOLS_LOG_LEVEL: 'INFO',
      PLATFORM_VERSION: props.version,
      NODE_OPTIONS: '--enable-source-maps',
    };
    // Before the routes: routes that start a worker are granted access to its queue or function.
    this.workersStack =
      workers.length === 0
        ? undefined
        : new WorkersStack(this, 'Workers', {
            workers,
            dataExports: props.dataExports,
            environment,
            logRetentionDays: props.logRetentionDays,
            skipBundling: props.skipBundling,
            ...(props.syncVpc ? { syncVpc: props.syncVpc } : {}),
          });
    const familyProps = {
      dataExports: props.dataExports,
      environment,
      logRetentionDays: props.logRetentionDays,
      skipBundling: props.skipBundling,
      workers: this.workersStack?.endpoints ?? new Map<string, WorkerEndpoint>(),
    };

    const grouped = routesByFamily(routes);
    this.platformRoutes = new FamilyRoutes(this, 'PlatformRoutes', {
      ...familyProps,
      family: 'platform',
      routes: grouped.get('platform') ?? [],
      requestValidator,
      resourceFor: (path) => {
        const resource = resources.get(path);
        if (!resource) throw new Error(`No API resource for ${path}`);
        return resource;
      },
    });
    for (const family of nestedFamilies) {
      const familyRoutes = grouped.get(family);
      if (!familyRoutes || familyRoutes.length === 0) continue;
      const nested = new FamilyRoutesStack(this, `${family[0]?.toUpperCase() ?? ''}${family.slice(1)}Routes`, {
        ...familyProps,
        family,
        routes: familyRoutes,
        restApi: this.api,
        resources,
        requestValidator,
      });
      this.familyStacks.set(family, nested);
    }

    this.console = new ConsoleHosting(this, 'Console', { api: this.api, skipBuild: props.skipBundling });

    const responses = addGatewayResponses(this.api);

    this.deployment = new apigw.Deployment(this, 'Deployment', {
      api: this.api,
      description: 'Identity platform routes',
      retainDeployments: false,
    });
    // A deployment is a snapshot: it must be replaced whenever a route or gateway response
    // changes, and created only after every method exists (including the nested stacks' ones).
    this.deployment.addToLogicalId({
      routes: routeTableHash(routes),
      console: 'console-v1',
      gatewayResponses: gatewayResponses.map((response) => ({ ...response, type: response.type.responseType })),
    });
    for (const nested of this.familyStacks.values()) this.deployment.node.addDependency(nested);
    // The routes already wait for the workers they start; stated so every nested stack precedes it.
    if (this.workersStack) this.deployment.node.addDependency(this.workersStack);
    for (const response of responses) this.deployment.node.addDependency(response);
    for (const method of this.console.methods) this.deployment.node.addDependency(method);
    this.deployment.node.addDependency(this.console.filesStack);

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetentionDays as logs.RetentionDays,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stage = new apigw.Stage(this, 'Stage', {
      deployment: this.deployment,
      stageName,
      accessLogDestination: new apigw.LogGroupLogDestination(accessLogs),
      accessLogFormat: accessLogFormat(),
      tracingEnabled: true,
      metricsEnabled: true,
      // ERROR rather than INFO: enough to diagnose failures, and execution logs never carry
      // request data (dataTrace stays off: bodies hold credentials and personal data).
      loggingLevel: apigw.MethodLoggingLevel.ERROR,
      dataTraceEnabled: false,
      throttlingRateLimit: props.throttleRateLimit,
      throttlingBurstLimit: props.throttleBurstLimit,
    });
    // `api.deploymentStage` stays unset on purpose: invoke permissions then allow any stage of this
    // API (`*`), the same as the nested stacks' methods, whose imported API cannot know the stage.

    this.webAcl = new ApiWebAcl(this, 'WebAcl', {
      stageArn: this.stage.stageArn,
      rateLimit: props.wafRateLimit,
      logging: props.wafLogging,
      logRetentionDays: props.logRetentionDays,
    });

    this.operations = new OperationsStack(this, 'Operations', {
      families: [...grouped.keys()],
      workers: this.workersStack?.endpoints ?? new Map<string, WorkerEndpoint>(),
      dataExports: props.dataExports,
      apiName: this.api.restApiName,
      stageName,
      webAclMetricNames: this.webAcl.metricNames,
      alarms: props.alarms,
    });
  }
}

/** One JSON object per request; enough to trace a call from WAF through API Gateway to Lambda. */
function accessLogFormat(): apigw.AccessLogFormat {
  const field = apigw.AccessLogField;
  return apigw.AccessLogFormat.custom(
    JSON.stringify({
      requestId: field.contextRequestId(),
      extendedRequestId: field.contextExtendedRequestId(),
      requestTime: field.contextRequestTime(),
      ip: field.contextIdentitySourceIp(),
      userAgent: field.contextIdentityUserAgent(),
      httpMethod: field.contextHttpMethod(),
      resourcePath: field.contextResourcePath(),
      path: field.contextPath(),
      protocol: field.contextProtocol(),
      status: field.contextStatus(),
      responseLength: field.contextResponseLength(),
      responseLatency: field.contextResponseLatency(),
      integrationStatus: field.contextIntegrationStatus(),
      integrationLatency: field.contextIntegrationLatency(),
      errorType: field.contextErrorResponseType(),
      errorMessage: field.contextErrorMessage(),
      wafResponseCode: field.contextWafResponseCode(),
      xrayTraceId: field.contextXrayTraceId(),
    }),
  );
}
