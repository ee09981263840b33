import { Fn } from 'aws-cdk-lib';
import { Table, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Secret, type ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { tableSchema } from '../shared/storage/table-schema.ts';

/**
 * Names of the CloudFormation exports through which the API stack (and its nested stacks) reach
 * the data stack of the same region.
 *
 * Why named exports rather than CDK's automatic cross-stack references: the names are stable and
 * readable, so the data stack can be refactored without "export in use" surprises, and the IAM
 * policies that reference them render identically in every template. cdk-nag v3 acknowledges
 * wildcard findings by their exact text, and a stable text is what makes a precise
 * acknowledgement possible (see nag-suppressions.ts).
 */
export interface PlatformDataExports {
  readonly tableName: string;
  readonly tableArn: string;
  /** The table's stream, read by the auditStream workers. */
  readonly tableStreamArn: string;
  /** Customer-managed key that encrypts the table and the export bucket. */
  readonly dataKeyArn: string;
  readonly exportBucketName: string;
  readonly exportBucketArn: string;
  readonly secretsKeyArn: string;
  readonly signingKeyArn: string;
  readonly operatorKeySecretArn: string;
}

/** The export names of the data stack called `dataStackName`. */
export function dataExportNames(dataStackName: string): PlatformDataExports {
  return {
    tableName: `${dataStackName}-TableName`,
    tableArn: `${dataStackName}-TableArn`,
    tableStreamArn: `${dataStackName}-TableStreamArn`,
    dataKeyArn: `${dataStackName}-DataKeyArn`,
    exportBucketName: `${dataStackName}-ExportBucketName`,
    exportBucketArn: `${dataStackName}-ExportBucketArn`,
    secretsKeyArn: `${dataStackName}-SecretsKeyArn`,
    signingKeyArn: `${dataStackName}-SigningKeyArn`,
    operatorKeySecretArn: `${dataStackName}-OperatorKeySecretArn`,
  };
}

/** The data stack's resources as seen from a consuming stack. */
export interface PlatformData {
  readonly table: ITable;
  readonly exportBucket: IBucket;
  readonly secretsKey: IKey;
  readonly signingKey: IKey;
  readonly operatorKeySecret: ISecret;
  readonly tableName: string;
  readonly exportBucketName: string;
  readonly secretsKeyArn: string;
  readonly signingKeyArn: string;
  readonly operatorKeySecretArn: string;
}

/**
 * Imports the data stack's resources into `scope`'s stack through `Fn::ImportValue`. The imported
 * constructs carry their encryption keys, so CDK grants include the KMS permissions they need.
 */
export class ImportedPlatformData extends Construct implements PlatformData {
  readonly table: ITable;
  readonly exportBucket: IBucket;
  readonly secretsKey: IKey;
  readonly signingKey: IKey;
  readonly operatorKeySecret: ISecret;
  readonly tableName: string;
  readonly exportBucketName: string;
  readonly secretsKeyArn: string;
  readonly signingKeyArn: string;
  readonly operatorKeySecretArn: string;

  constructor(scope: Construct, id: string, exports: PlatformDataExports) {
    super(scope, id);
    const dataKey = Key.fromKeyArn(this, 'DataKey', Fn.importValue(exports.dataKeyArn));
    this.tableName = Fn.importValue(exports.tableName);
    this.table = Table.fromTableAttributes(this, 'Table', {
      tableArn: Fn.importValue(exports.tableArn),
      tableStreamArn: Fn.importValue(exports.tableStreamArn),
      encryptionKey: dataKey,
      // Declaring the indexes makes read/write grants cover Query on them.
      globalIndexes: tableSchema.globalSecondaryIndexes.map((index) => index.indexName),
    });
    this.exportBucketName = Fn.importValue(exports.exportBucketName);
    this.exportBucket = Bucket.fromBucketAttributes(this, 'ExportBucket', {
      bucketArn: Fn.importValue(exports.exportBucketArn),
      bucketName: this.exportBucketName,
      encryptionKey: dataKey,
    });
    this.secretsKeyArn = Fn.importValue(exports.secretsKeyArn);
    this.secretsKey = Key.fromKeyArn(this, 'SecretsKey', this.secretsKeyArn);
    this.signingKeyArn = Fn.importValue(exports.signingKeyArn);
    this.signingKey = Key.fromKeyArn(this, 'SigningKey', this.signingKeyArn);
    this.operatorKeySecretArn = Fn.importValue(exports.operatorKeySecretArn);
    this.operatorKeySecret = Secret.fromSecretAttributes(this, 'OperatorKeySecret', {
      secretCompleteArn: this.operatorKeySecretArn,
      encryptionKey: this.secretsKey,
    });
  }
}
