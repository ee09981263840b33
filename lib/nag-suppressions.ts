import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import type { RouteDefinition } from '../shared/routes.ts';
import { profileEncrypts, type AccessProfile } from './access-profile.ts';
import type { PlatformDataExports } from './platform-data.ts';

/**
 * Why each acknowledged cdk-nag (AwsSolutions) finding is acceptable. cdk-nag v3 matches
 * acknowledgements by exact rule id and, for IAM5, by the exact wildcard text; every
 * acknowledgement below names one finding on one construct, never a whole rule on a stack.
 */
export const nagReasons = {
  accessLogsBucket:
    'This bucket is the destination of the export bucket\'s server access logs; logging it into itself would loop, ' +
    'and a third bucket would only move the problem. It is private, TLS-only and versioned.',
  operatorKeyRotation:
    'The operator API key is handed to human operators out of band, so an unattended rotation Lambda would lock them out. ' +
    'It is rotated by the operations runbook (put-secret-value); functions re-read it on cold start.',
  cloudWatchRole:
    'AmazonAPIGatewayPushToCloudWatchLogs is the AWS-maintained policy for the account-level role API Gateway uses to write ' +
    'execution logs (required by APIG6); it is attached only to that role, which only apigateway.amazonaws.com can assume.',
  cognitoAuthorizer:
    'The platform is its own OAuth 2.0 authorization server and issues its own RS256 access tokens; there is no Cognito ' +
    'user pool to authorize against.',
  xray:
    'xray:PutTraceSegments and xray:PutTelemetryRecords (added by Lambda active tracing) do not support resource-level ' +
    'permissions; "*" is the only valid resource.',
  tableIndexes:
    'Query on the table\'s global secondary indexes needs the index ARNs; table/index/* is confined to this one table ' +
    '(indexes are declared in shared/storage/table-schema.ts).',
  kmsDataKeys:
    'Writing to the KMS-encrypted table or export bucket, or encrypting with the secrets key, needs kms:GenerateDataKey* ' +
    'and kms:ReEncrypt*; the statement\'s resources are the specific key ARNs, never "*".',
  s3ReadActions:
    'CDK\'s bucket read grant uses s3:GetObject*, s3:GetBucket* and s3:List* so reads of object versions and tags work; ' +
    'the resources are only the export bucket and its objects.',
  s3Objects: 'Object-level S3 permissions need an object ARN; bucket/* is confined to the one export bucket.',
  s3Abort:
    'Large exports are uploaded in parts and an interrupted upload must be abortable; s3:Abort* (AbortMultipartUpload) ' +
    'applies only to objects in the export bucket.',
  asyncWorkerDeadLetters:
    'This queue is the on-failure destination of an async worker (Lambda sends events there after its retries): it is ' +
    'the dead-letter queue itself, encrypted and TLS-only, and a dead-letter queue of it would have nothing to catch.',
  streamWorkerDeadLetters:
    "This queue is the on-failure destination of an audit-stream worker's event source mapping (the records of a batch " +
    'that failed its last retry land here): it is the dead-letter queue itself, encrypted and TLS-only.',
  vpcAccess:
    'AWSLambdaVPCAccessExecutionRole is the AWS-maintained policy for exactly what Lambda needs to run in a VPC (create, describe and delete ' +
    'its network interfaces); it is attached only to the sync-run worker\'s role, and only when a sync VPC is configured.',
  managedSchedules:
    'The functions that create, change and delete sync projects keep one EventBridge Scheduler schedule per project, named at run time ' +
    '(sync-project-<id>): schedule/<group>/* is confined to the stack\'s one schedule group, and only Create/Update/DeleteSchedule are allowed.',
} as const;

/**
 * APIG4/COG4 on a method: the API Gateway method has no authorizer because the function itself
 * authorizes. The reason names what the route requires, straight from the route table.
 */
export function acknowledgeInFunctionAuthorization(method: IConstruct, route: RouteDefinition): void {
  const requirement =
    route.permission === 'public'
      ? 'is public by design (no credentials)'
      : route.permission === 'optional-bearer'
        ? 'is public by design; a bearer access token, when sent, is verified like on any protected route'
        : route.permission === 'operator'
          ? 'requires the operator key (X-Operator-Key), checked in constant time inside the function'
          : `requires a bearer access token with scope "${route.permission}"`;
  Validations.of(method).acknowledge(
    {
      id: 'AwsSolutions-APIG4',
      reason:
        `Route ${route.id} ${requirement}. Authorization happens inside each function: it verifies the RS256 bearer JWT ` +
        '(signature, issuer, audience, expiry) and the per-route scope from shared/routes.ts, so the route table is the ' +
        'single source of truth; an API Gateway authorizer would duplicate it.',
    },
    { id: 'AwsSolutions-COG4', reason: nagReasons.cognitoAuthorizer },
  );
}

/**
 * IAM5 findings that CDK's grants necessarily produce for a function role with this access
 * profile. Each is listed by its exact finding text; anything else still fails the synth.
 */
export function wildcardFindingsFor(profile: AccessProfile, exports: PlatformDataExports): Map<string, string> {
  const findings = new Map<string, string>([['Resource::*', nagReasons.xray]]);
  if (profile.table !== 'none') findings.set(`Resource::${exports.tableArn}/index/*`, nagReasons.tableIndexes);
  if (profileEncrypts(profile)) {
    findings.set('Action::kms:ReEncrypt*', nagReasons.kmsDataKeys);
    findings.set('Action::kms:GenerateDataKey*', nagReasons.kmsDataKeys);
  }
  if (profile.exportBucket !== 'none') {
    findings.set('Action::s3:GetObject*', nagReasons.s3ReadActions);
    findings.set('Action::s3:GetBucket*', nagReasons.s3ReadActions);
    findings.set('Action::s3:List*', nagReasons.s3ReadActions);
    findings.set(`Resource::${exports.exportBucketArn}/*`, nagReasons.s3Objects);
  }
  if (profile.exportBucket === 'write') findings.set('Action::s3:Abort*', nagReasons.s3Abort);
  return findings;
}

/** Acknowledges exactly the {@link wildcardFindingsFor} findings on one execution role. */
export function acknowledgeFunctionRoleWildcards(
  role: IConstruct,
  profile: AccessProfile,
  exports: PlatformDataExports,
): void {
  const acknowledgements = [...wildcardFindingsFor(profile, exports)].map(([finding, reason]) => ({
    id: `AwsSolutions-IAM5[${finding}]`,
    reason,
  }));
  Validations.of(role).acknowledge(...acknowledgements);
}

/** IAM4 on the API Gateway account role that CDK creates for execution logging. */
export function acknowledgeCloudWatchRole(role: IConstruct): void {
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
    reason: nagReasons.cloudWatchRole,
  });
}

/** SQS3 on the queue that collects an async worker's failed events (a dead-letter queue SQS3 cannot see as one). */
export function acknowledgeAsyncWorkerDeadLetters(queue: IConstruct): void {
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: nagReasons.asyncWorkerDeadLetters });
}

/** SQS3 on the queue that collects an audit-stream worker's failed batches (the mapping's on-failure destination). */
export function acknowledgeStreamWorkerDeadLetters(queue: IConstruct): void {
  Validations.of(queue).acknowledge({ id: 'AwsSolutions-SQS3', reason: nagReasons.streamWorkerDeadLetters });
}

/** IAM5 on a role that manages a worker's run-time schedules (lib/workers-stack.ts, grantManageSchedules). */
export function acknowledgeScheduleManagement(role: IConstruct, groupName: string): void {
  Validations.of(role).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule/${groupName}/*]`,
    reason: nagReasons.managedSchedules,
  });
}

/** IAM4 on the sync-run worker's role when it runs in the sync VPC. */
export function acknowledgeVpcAccessPolicy(role: IConstruct): void {
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole]',
    reason: nagReasons.vpcAccess,
  });
}

/**
 * The admin console's hosting (lib/console-hosting.ts): public static files behind API Gateway.
 * Each acknowledgement names one finding on one construct.
 */
export function acknowledgeConsoleHosting(parts: { bucket: IConstruct; readRole: IConstruct; methods: IConstruct[]; bucketLogicalId: string }): void {
  Validations.of(parts.bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason:
      'The bucket holds only the admin console build (public HTML, JavaScript and CSS, no data) and is read only by API Gateway, ' +
      'whose stage access logs already record every request for these files; S3 server access logs would repeat them.',
  });
  Validations.of(parts.readRole).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${parts.bucketLogicalId}.Arn>/assets/*]`,
    reason: 'The console assets carry a content hash in their names that changes with every build: assets/* is the one prefix API Gateway may read (s3:GetObject only).',
  });
  for (const method of parts.methods) {
    Validations.of(method).acknowledge(
      {
        id: 'AwsSolutions-APIG4',
        reason:
          'The admin console is a static single-page app (HTML, JavaScript, CSS) that anyone may download, like a sign-in page; ' +
          'it holds no data, and every API call it makes carries the signed-in user\'s bearer token, which the API verifies.',
      },
      { id: 'AwsSolutions-COG4', reason: nagReasons.cognitoAuthorizer },
    );
  }
}

/**
 * The Lambda function aws-s3-deployment's BucketDeployment creates (one per stack, shared by its
 * deployments) to copy the console build from the CDK asset bucket into the console bucket. Its
 * role and runtime are the library's; the findings below are exactly the ones it produces.
 */
export function acknowledgeBucketDeploymentHandler(handler: IConstruct, consoleBucketLogicalId: string, assetBucketPattern: string): void {
  const handlerRole = handler.node.tryFindChild('ServiceRole');
  const reason =
    'aws-s3-deployment grants its copy function read on the CDK asset bucket and write (including prune: delete, abort multipart) ' +
    'on the console bucket only; the wildcards are CDK\'s grant action groups and object ARNs of those two buckets.';
  if (handlerRole) {
    Validations.of(handlerRole).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'AWSLambdaBasicExecutionRole (CloudWatch Logs only) is what aws-s3-deployment attaches to its copy function; it grants nothing else.',
      },
      ...['Action::s3:Abort*', 'Action::s3:DeleteObject*', 'Action::s3:GetBucket*', 'Action::s3:GetObject*', 'Action::s3:List*', `Resource::<${consoleBucketLogicalId}.Arn>/*`, `Resource::${assetBucketPattern}`].map(
        (finding) => ({ id: `AwsSolutions-IAM5[${finding}]`, reason }),
      ),
    );
  }
  Validations.of(handler).acknowledge({
    id: 'AwsSolutions-L1',
    reason: "aws-s3-deployment pins its copy function's runtime (it runs the AWS CLI from a layer); it runs only during deployments.",
  });
}
