import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataExportNames } from '../../lib/platform-data.ts';
import { tableSchema } from '../../shared/storage/table-schema.ts';
import { synthPlatform, type SynthResult } from './support/synth.ts';

let synth: SynthResult;
let template: Template;
let stackName: string;

beforeAll(() => {
  // One region is enough: the data stack does not vary by region.
  synth = synthPlatform({ context: { 'identity-platform:regions': 'eu-central-1' } });
  const data = synth.stacks.get('eu-central-1')?.data;
  if (!data) throw new Error('no data stack');
  stackName = data.stackName;
  expect(data.terminationProtection).toBe(true);
  template = Template.fromStack(data);
});
afterAll(() => synth.dispose());

describe('data stack', () => {
  it('declares the single table from the shared key schema', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: tableSchema.ttlAttribute, Enabled: true },
        StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() },
        KeySchema: [
          { AttributeName: tableSchema.partitionKey, KeyType: 'HASH' },
          { AttributeName: tableSchema.sortKey, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: tableSchema.globalSecondaryIndexes.map((index) => ({
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      },
    });
  });

  it('keeps audit exports private, TLS-only, versioned, logged and on a compliance lifecycle', () => {
    template.resourceCountIs('AWS::S3::Bucket', 2);
    const privateBucket = {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      VersioningConfiguration: { Status: 'Enabled' },
    };
    template.allResourcesProperties('AWS::S3::Bucket', Match.objectLike(privateBucket));
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            Match.objectLike({
              ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() },
            }),
          ],
        },
        LoggingConfiguration: { DestinationBucketName: Match.anyValue(), LogFilePrefix: 'export-bucket/' },
        LifecycleConfiguration: {
          Rules: [
            Match.objectLike({
              Status: 'Enabled',
              ExpirationInDays: 2555,
              NoncurrentVersionExpiration: { NoncurrentDays: Match.anyValue() },
              Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }],
            }),
          ],
        },
      }),
    });
    // enforceSSL: both bucket policies deny any request that is not over TLS.
    const policies = template.findResources('AWS::S3::BucketPolicy');
    expect(Object.keys(policies)).toHaveLength(2);
    for (const policy of Object.values(policies)) {
      expect(policy).toMatchObject({
        Properties: {
          PolicyDocument: {
            Statement: expect.arrayContaining([
              expect.objectContaining({
                Effect: 'Deny',
                Action: 's3:*',
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              }),
            ]) as unknown,
          },
        },
      });
    }
  });

  it('creates a rotating symmetric key for secrets and an RSA signing key for RS256 tokens', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: Match.stringLikeRegexp('envelope encryption'),
      EnableKeyRotation: true,
    });
    template.hasResourceProperties('AWS::KMS::Key', { KeySpec: 'RSA_2048', KeyUsage: 'SIGN_VERIFY' });
    template.allResources('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });

  it('generates the operator API key as a secret encrypted with the secrets key', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        GenerateSecretString: Match.objectLike({ PasswordLength: Match.anyValue() }),
        KmsKeyId: Match.anyValue(),
      }),
    });
  });

  it('exports every value the API stack imports under stable names', () => {
    const outputs = template.toJSON() as { Outputs: Record<string, { Export: { Name: string } }> };
    const exported = Object.values(outputs.Outputs).map((output) => output.Export.Name);
    expect(exported.sort()).toEqual(Object.values(dataExportNames(stackName)).sort());
  });
});
