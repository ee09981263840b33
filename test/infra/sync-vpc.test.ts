import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextKeys, readPlatformSettings } from '../../lib/config.ts';
import { apiTemplates, resourcesOfType, synthPlatform, type CfnTemplate, type SynthResult } from './support/synth.ts';

/**
 * The sync VPC (issue 13: "sync workers reach on-premises directories through a VPC"): VPC,
 * subnet and security-group ids from context attach to the sync-run worker only, imported by id
 * (synth stays offline), and only then does its role get the VPC access policy. cdk-nag stays
 * clean both ways (synthPlatform fails on any unacknowledged finding).
 */
const region = 'eu-central-1';
const vpcContext = {
  [`${contextKeys.syncVpcIdPrefix}${region}`]: 'vpc-0123456789abcdef0',
  [`${contextKeys.syncSubnetIdsPrefix}${region}`]: 'subnet-0aaaaaaaaaaaaaaa1,subnet-0bbbbbbbbbbbbbbb2',
  [`${contextKeys.syncSecurityGroupIdsPrefix}${region}`]: '["sg-0ccccccccccccccc3"]',
};
const VPC_POLICY = 'AWSLambdaVPCAccessExecutionRole';

interface Fn {
  workerOrRoute: string;
  properties: Record<string, unknown>;
  roleManagedPolicies: string;
}

/** Every function of the region (workers and routes) with its role's managed policies. */
function functionsOf(synth: SynthResult): Fn[] {
  const api = synth.stacks.get(region)?.api;
  if (!api?.workersStack) throw new Error('no workers stack');
  const templates = [Template.fromStack(api.workersStack).toJSON() as CfnTemplate, ...apiTemplates(api).map(({ json }) => json)];
  return templates.flatMap((json) =>
    resourcesOfType(json, 'AWS::Lambda::Function').map(([, fn]) => {
      const properties = fn.Properties ?? {};
      const variables = (properties.Environment as { Variables: Record<string, unknown> }).Variables;
      const roleId = (properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      return { workerOrRoute: String(variables.WORKER_ID ?? variables.ROUTE_ID), properties, roleManagedPolicies: JSON.stringify(json.Resources[roleId]?.Properties?.ManagedPolicyArns ?? []) };
    }),
  );
}

describe('the sync VPC', () => {
  let without: SynthResult;
  let withVpc: SynthResult;
  beforeAll(() => {
    without = synthPlatform({ context: { [contextKeys.regions]: region } });
    withVpc = synthPlatform({ context: { [contextKeys.regions]: region, ...vpcContext } });
  }, 180_000);
  afterAll(() => {
    without?.dispose();
    withVpc?.dispose();
  });

  it('without context: no function runs in a VPC and no role has the VPC access policy', () => {
    const functions = functionsOf(without);
    expect(functions.find((fn) => fn.workerOrRoute === 'sync-run')).toBeDefined();
    for (const fn of functions) {
      expect(fn.properties.VpcConfig, fn.workerOrRoute).toBeUndefined();
      expect(fn.roleManagedPolicies, fn.workerOrRoute).not.toContain(VPC_POLICY);
    }
  });

  it('with context: only the sync-run worker runs in the given subnets and security groups, and only its role gets the VPC access policy', () => {
    const functions = functionsOf(withVpc);
    const inVpc = functions.filter((fn) => fn.properties.VpcConfig !== undefined);
    expect(inVpc.map((fn) => fn.workerOrRoute)).toEqual(['sync-run']);
    expect(inVpc[0]?.properties.VpcConfig).toEqual({ SubnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'], SecurityGroupIds: ['sg-0ccccccccccccccc3'] });
    expect(inVpc[0]?.roleManagedPolicies).toContain(`service-role/${VPC_POLICY}`);
    expect(functions.filter((fn) => fn.roleManagedPolicies.includes(VPC_POLICY)).map((fn) => fn.workerOrRoute)).toEqual(['sync-run']);
    // Imported, not created: no VPC, subnet or security group resources.
    const workersStack = withVpc.stacks.get(region)?.api.workersStack;
    if (!workersStack) throw new Error('no workers stack');
    const workersJson = Template.fromStack(workersStack).toJSON() as CfnTemplate;
    expect(Object.values(workersJson.Resources).filter((resource) => resource.Type.startsWith('AWS::EC2::'))).toEqual([]);
  });

  it('refuses incomplete or malformed sync VPC context, naming the key', () => {
    const read = (context: Record<string, unknown>) => readPlatformSettings(new App({ context: { [contextKeys.regions]: region, ...context } }).node, {});
    expect(read(vpcContext).regions[0]?.syncVpc).toEqual({ vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0aaaaaaaaaaaaaaa1', 'subnet-0bbbbbbbbbbbbbbb2'], securityGroupIds: ['sg-0ccccccccccccccc3'] });
    expect(read({}).regions[0]?.syncVpc).toBeUndefined();
    const { [`${contextKeys.syncSubnetIdsPrefix}${region}`]: _subnets, ...noSubnets } = vpcContext;
    expect(() => read(noSubnets)).toThrow(`${contextKeys.syncSubnetIdsPrefix}${region} must list the subnets`);
    const { [`${contextKeys.syncVpcIdPrefix}${region}`]: _vpc, ...noVpc } = vpcContext;
    expect(() => read(noVpc)).toThrow(`${contextKeys.syncVpcIdPrefix}${region} must be a VPC id`);
    expect(() => read({ ...vpcContext, [`${contextKeys.syncSecurityGroupIdsPrefix}${region}`]: 'default' })).toThrow(/syncSecurityGroupIds:eu-central-1 must be a non-empty/);
    expect(() => read({ ...vpcContext, [`${contextKeys.syncVpcIdPrefix}${region}`]: 'vpc-12' })).toThrow(/must be a VPC id/);
  });
});
