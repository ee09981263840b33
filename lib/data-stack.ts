import { Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { tableSchema } from '../shared/storage/table-schema.ts';
import { nagReasons } from './nag-suppressions.ts';
import { dataExportNames, type PlatformDataExports } from './platform-data.ts';

export interface DataStackProps extends StackProps {
  /** Audit exports and access logs expire after this many days (compliance retention). */
  readonly exportRetentionDays: number;
  /** Objects move to Glacier Instant Retrieval after this many days. */
  readonly exportTransitionDays: number;
}

/**
 * The stateful half of a region: the single DynamoDB table, the audit export bucket (plus its
 * access-log bucket), the KMS keys and the operator API key secret.
 *
 * Everything here is retained on stack deletion and the stack is termination-protected: losing
 * it loses tenants' identities and audit history. Consumers reach these resources through the
 * named exports in {@link DataStack.exports}.
 */
export class DataStack extends Stack {
  /**
   * Customer-managed key for the table and the export bucket. A customer-managed key (rather than
   * the AWS-owned/managed one) gives us a key policy we control, CloudTrail records of every
   * decrypt on tenant data, and the option to revoke access to all data at rest in one place.
   */
  readonly dataKey: kms.Key;
  readonly table: dynamodb.Table;
  readonly exportBucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;
  /** Symmetric key for envelope encryption of client secrets and other secrets at rest. */
  readonly secretsKey: kms.Key;
  /** RSA_2048 SIGN_VERIFY key; access tokens are RS256-signed inside KMS. */
  readonly signingKey: kms.Key;
  /** The operator API key (generated), encrypted with {@link secretsKey}. */
  readonly operatorKeySecret: secretsmanager.Secret;
  /** Names of the exports that the API stack of this region imports. */
  readonly exports: PlatformDataExports;

  constructor(scope: Construct, id: string, props: DataStackProps) {
    super(scope, id, { ...props, terminationProtection: true });

    this.dataKey = new kms.Key(this, 'DataKey', {
      description: 'Identity platform: encryption at rest for the table and the audit export bucket',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.table = new dynamodb.Table(this, 'Table', {
      partitionKey: { name: tableSchema.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: tableSchema.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.dataKey,
      timeToLiveAttribute: tableSchema.ttlAttribute,
      // The change feed of the auditStream workers (shared/workers.ts): audit entries as committed.
      stream: dynamodb.StreamViewType[tableSchema.streamViewType],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of tableSchema.globalSecondaryIndexes) {
      this.table.addGlobalSecondaryIndex({
        indexName: index.indexName,
        partitionKey: { name: index.partitionKey, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.sortKey, type: dynamodb.AttributeType.STRING },
        projectionType: dynamodb.ProjectionType.ALL,
      });
    }

    const retention = {
      transitions: [
        {
          // Exports are rarely read after the first weeks, but a presigned download must still
          // work immediately: Instant Retrieval keeps millisecond access at a lower storage price.
          storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL,
          transitionAfter: Duration.days(props.exportTransitionDays),
        },
      ],
      expiration: Duration.days(props.exportRetentionDays),
      noncurrentVersionExpiration: Duration.days(30),
      abortIncompleteMultipartUploadAfter: Duration.days(7),
    } satisfies s3.LifecycleRule;

    // S3 server access logs can only be delivered to an SSE-S3 bucket, hence no KMS here.
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      // Access logs are many tiny objects: moving them to a colder class would cost more in
      // transition requests and minimum object size than it saves, so they only expire.
      lifecycleRules: [
        {
          id: 'compliance-retention',
          expiration: retention.expiration,
          noncurrentVersionExpiration: retention.noncurrentVersionExpiration,
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.accessLogsBucket).acknowledge({ id: 'AwsSolutions-S1', reason: nagReasons.accessLogsBucket });

    this.exportBucket = new s3.Bucket(this, 'ExportBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.dataKey,
      // Bucket keys cut the KMS request volume (and cost) of large exports.
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogsBucket,
      serverAccessLogsPrefix: 'export-bucket/',
      lifecycleRules: [{ id: 'compliance-retention', ...retention }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.secretsKey = new kms.Key(this, 'SecretsKey', {
      description: 'Identity platform: envelope encryption of secrets at rest',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // KMS cannot rotate asymmetric keys automatically; signing keys are rotated by creating a new
    // key and publishing both in the JWKS until tokens signed by the old one have expired.
    this.signingKey = new kms.Key(this, 'SigningKey', {
      description: 'Identity platform: RS256 signing of access tokens',
      keySpec: kms.KeySpec.RSA_2048,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.operatorKeySecret = new secretsmanager.Secret(this, 'OperatorKeySecret', {
      description: 'Identity platform: operator API key (X-Operator-Key header)',
      encryptionKey: this.secretsKey,
      // The secret string is the key itself (no JSON wrapper): functions compare it verbatim.
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.operatorKeySecret).acknowledge({ id: 'AwsSolutions-SMG4', reason: nagReasons.operatorKeyRotation });

    this.exports = dataExportNames(this.stackName);
    this.exportValue(this.table.tableName, { name: this.exports.tableName });
    this.exportValue(this.table.tableArn, { name: this.exports.tableArn });
    this.exportValue(this.table.tableStreamArn ?? '', { name: this.exports.tableStreamArn });
    this.exportValue(this.dataKey.keyArn, { name: this.exports.dataKeyArn });
    this.exportValue(this.exportBucket.bucketName, { name: this.exports.exportBucketName });
    this.exportValue(this.exportBucket.bucketArn, { name: this.exports.exportBucketArn });
    this.exportValue(this.secretsKey.keyArn, { name: this.exports.secretsKeyArn });
    this.exportValue(this.signingKey.keyArn, { name: this.exports.signingKeyArn });
    this.exportValue(this.operatorKeySecret.secretArn, { name: this.exports.operatorKeySecretArn });
  }
}
