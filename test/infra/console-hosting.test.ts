import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../lib/console-site.ts';
import { resourcesOfType, synthPlatform, type CfnTemplate, type SynthResult } from './support/synth.ts';

let synth: SynthResult;
let json: CfnTemplate;
let template: Template;
let filesJson: CfnTemplate;
let files: Template;

beforeAll(() => {
  synth = synthPlatform();
  const api = [...synth.stacks.values()][0]?.api;
  if (!api) throw new Error('no API stack');
  template = Template.fromStack(api);
  json = template.toJSON() as CfnTemplate;
  files = Template.fromStack(api.console.filesStack);
  filesJson = files.toJSON() as CfnTemplate;
});
afterAll(() => synth.dispose());

interface MethodProperties {
  HttpMethod?: string;
  Integration?: { Type?: string; Uri?: unknown; IntegrationResponses?: { StatusCode: string; ResponseParameters?: Record<string, string> }[] };
}
const methodOf = (properties: Record<string, unknown> | undefined) => (properties ?? {}) as MethodProperties;

/** The admin console (issue 15) in AWS: S3 bucket + BucketDeployment + API Gateway S3 integration under /console. */
describe('Admin console hosting', () => {
  it('keeps the console build in a private, TLS-only bucket filled by a BucketDeployment', () => {
    expect(resourcesOfType(json, 'AWS::S3::Bucket')).toHaveLength(0);
    const buckets = resourcesOfType(filesJson, 'AWS::S3::Bucket');
    expect(buckets).toHaveLength(1);
    expect(buckets[0]?.[1].Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    files.resourceCountIs('Custom::CDKBucketDeployment', 1);
  });

  it('serves /console, its client routes and /console/assets/{file} from the bucket with a read-only role', () => {
    const resources = new Map(resourcesOfType(json, 'AWS::ApiGateway::Resource').map(([id, resource]) => [id, resource.Properties?.PathPart]));
    expect([...resources.values()]).toEqual(expect.arrayContaining(['console', '{proxy+}', 'assets', '{file}']));
    const s3Methods = resourcesOfType(json, 'AWS::ApiGateway::Method')
      .map(([, method]) => methodOf(method.Properties))
      .filter((method) => JSON.stringify(method.Integration?.Uri ?? '').includes(':s3:path/'));
    expect(s3Methods).toHaveLength(3);
    for (const method of s3Methods) {
      expect(method.HttpMethod).toBe('GET');
      expect(method.Integration?.Type).toBe('AWS');
      const ok = method.Integration?.IntegrationResponses?.find((response) => response.StatusCode === '200');
      expect(ok?.ResponseParameters?.['method.response.header.Content-Security-Policy']).toBe(`'${CONSOLE_CSP}'`);
      expect(ok?.ResponseParameters?.['method.response.header.Content-Type']).toBe('integration.response.header.Content-Type');
    }
    const role = resourcesOfType(filesJson, 'AWS::IAM::Role').find(
      ([, r]) => JSON.stringify(r.Properties?.AssumeRolePolicyDocument).includes('apigateway.amazonaws.com') && String(r.Properties?.Description).includes('console'),
    );
    expect(role).toBeDefined();
    const policies = resourcesOfType(filesJson, 'AWS::IAM::Policy').filter(([, policy]) => JSON.stringify(policy.Properties?.Roles).includes(role?.[0] ?? '?'));
    const actions = policies
      .flatMap(([, policy]) => (policy.Properties?.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement)
      .flatMap((statement) => [statement.Action].flat());
    expect(actions).toEqual(['s3:GetObject']);
  });

  it('stays within the CloudFormation resource budget', () => {
    expect(Object.keys(json.Resources).length).toBeLessThanOrEqual(450);
    expect(Object.keys(filesJson.Resources).length).toBeLessThanOrEqual(450);
  });
});
