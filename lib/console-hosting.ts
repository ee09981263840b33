import { existsSync } from 'node:fs';
import { NestedStack, RemovalPolicy } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import {
  CACHE_ASSET,
  CACHE_INDEX,
  CONSOLE_ASSETS_DIR,
  CONSOLE_PATH,
  consoleDistDir,
  consoleIndexFile,
  consoleSecurityHeaders,
} from './console-site.ts';
import { acknowledgeBucketDeploymentHandler, acknowledgeConsoleHosting } from './nag-suppressions.ts';

export interface ConsoleHostingProps {
  readonly api: apigw.RestApi;
  /** Deploy a placeholder page instead of console/dist (identity-platform:skipBundling, tests). */
  readonly skipBuild: boolean;
}

/**
 * The admin console in AWS (issue 15), on the API's own domain: a private S3 bucket holds the
 * build (aws-s3-deployment), and API Gateway reads it through an S3 integration with a read-only
 * role — `/console/assets/{file}` is that object, `/console` and every other path below it
 * (client routes) is index.html. Same origin as the API: no CORS, no second domain, and the
 * stage's WAF, throttling and access logs cover the console too. Chosen over a CloudFront
 * distribution in front of both because that would add a second entry point (and its own WAF
 * and certificate) for a handful of small files.
 */
export class ConsoleHosting extends Construct {
  /**
   * The bucket, its deployment (with aws-s3-deployment's copy function) and the read role live in
   * a nested stack of their own: the API stack and the family stacks keep exactly one function
   * per route. The methods stay on the API's resource tree in the API stack.
   */
  readonly filesStack: NestedStack;
  readonly bucket: s3.Bucket;
  readonly readRole: iam.Role;
  readonly deployment: s3deploy.BucketDeployment;
  /** The three GET methods; the API deployment must wait for them. */
  readonly methods: apigw.Method[];

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    if (!props.skipBuild && !existsSync(consoleIndexFile())) {
      throw new Error(`The console is not built (${consoleDistDir} is missing): run \`npm run build\` before synth or deploy.`);
    }
    this.filesStack = new NestedStack(this, 'Files', { description: 'Admin console files (S3) and the role API Gateway reads them with' });
    // The build is reproducible from the repository, so the bucket goes with the stack.
    this.bucket = new s3.Bucket(this.filesStack, 'Files', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.deployment = new s3deploy.BucketDeployment(this.filesStack, 'Deploy', {
      sources: [props.skipBuild ? s3deploy.Source.data('index.html', '<!doctype html><title>console placeholder</title>') : s3deploy.Source.asset(consoleDistDir)],
      destinationBucket: this.bucket,
      prune: true,
      retainOnDelete: false,
      memoryLimit: 256,
    });

    // Read-only, and only the two kinds of object the console has.
    this.readRole = new iam.Role(this.filesStack, 'ReadRole', {
      assumedBy: new iam.ServicePrincipal('apigateway.amazonaws.com'),
      description: 'API Gateway reads the admin console files',
    });
    this.readRole.addToPolicy(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects('index.html'), this.bucket.arnForObjects(`${CONSOLE_ASSETS_DIR}/*`)] }),
    );

    const headerNames = Object.keys(consoleSecurityHeaders);
    const staticHeaders = (cacheControl: string): Record<string, string> => ({
      ...Object.fromEntries(headerNames.map((name) => [`method.response.header.${name}`, `'${consoleSecurityHeaders[name]}'`])),
      'method.response.header.Cache-Control': `'${cacheControl}'`,
    });
    const methodResponses: apigw.MethodResponse[] = [200, 404].map((statusCode) => ({
      statusCode: String(statusCode),
      responseParameters: Object.fromEntries(['Content-Type', 'Cache-Control', ...headerNames].map((name) => [`method.response.header.${name}`, true])),
    }));
    const objectIntegration = (objectPath: string, cacheControl: string, requestParameters: Record<string, string> = {}) =>
      new apigw.AwsIntegration({
        service: 's3',
        integrationHttpMethod: 'GET',
        path: `${this.bucket.bucketName}/${objectPath}`,
        options: {
          credentialsRole: this.readRole,
          requestParameters,
          integrationResponses: [
            {
              statusCode: '200',
              responseParameters: { ...staticHeaders(cacheControl), 'method.response.header.Content-Type': 'integration.response.header.Content-Type' },
            },
            {
              // Without s3:ListBucket a missing key is a 403 from S3: both are "not found" here.
              statusCode: '404',
              selectionPattern: '403|404',
              responseParameters: { ...staticHeaders('no-store'), 'method.response.header.Content-Type': "'application/json'" },
              responseTemplates: { 'application/json': '{"message":"Not Found"}' },
            },
          ],
        },
      });

    const consoleResource = props.api.root.resourceForPath(CONSOLE_PATH);
    const index = objectIntegration('index.html', CACHE_INDEX);
    const methods = (this.methods = [
      consoleResource.addMethod('GET', index, { methodResponses }),
      consoleResource.addResource('{proxy+}').addMethod('GET', index, { methodResponses }),
      consoleResource
        .addResource(CONSOLE_ASSETS_DIR)
        .addResource('{file}')
        .addMethod('GET', objectIntegration(`${CONSOLE_ASSETS_DIR}/{file}`, CACHE_ASSET, { 'integration.request.path.file': 'method.request.path.file' }), {
          methodResponses,
          requestParameters: { 'method.request.path.file': true },
        }),
    ]);
    const stack = this.filesStack;
    const bucketLogicalId = stack.getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    acknowledgeConsoleHosting({ bucket: this.bucket, readRole: this.readRole, methods, bucketLogicalId });
    // The copy function is a singleton at stack level, named after its memory size.
    for (const child of stack.node.children) {
      if (child.node.id.startsWith('Custom::CDKBucketDeployment')) {
        acknowledgeBucketDeploymentHandler(child, bucketLogicalId, `arn:${stack.partition === 'aws' ? 'aws' : '<AWS::Partition>'}:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-${stack.region}/*`);
      }
    }
  }
}
