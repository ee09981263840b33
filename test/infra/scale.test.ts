import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiStack } from '../../lib/api-stack.ts';
import { contextKeys } from '../../lib/config.ts';
import type { ApiFamily, HttpMethod, RouteAccess, RouteDefinition } from '../../shared/routes.ts';
import { routes as realRoutes } from '../../shared/routes.ts';
import { apiTemplates, deployedMethods, resourcesOfType, synthPlatform, type SynthResult } from './support/synth.ts';

/**
 * The route table will grow to about 100 rows. This synthesizes a generated table of that size
 * (placeholder code, so no handler modules are needed) to check the layout scales: one method and
 * one function per row, every template far from CloudFormation's 500-resource limit, cdk-nag clean.
 */
const targetSize = 120;
const families: readonly ApiFamily[] = ['identity', 'scim', 'directory', 'platform'];
const methods: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const accesses: readonly RouteAccess[] = [
  { table: 'read' },
  { table: 'write' },
  { table: 'none' },
  { table: 'read', exportBucket: 'read' },
  { table: 'write', exportBucket: 'write' },
  { table: 'write', secretsKey: 'encrypt' },
  { table: 'read', secretsKey: 'decrypt', signingKey: 'sign' },
  { table: 'write', secretsKey: 'both', operatorKey: 'read' },
];

function generatedRoutes(): RouteDefinition[] {
  const generated: RouteDefinition[] = [...realRoutes];
  for (let n = 0; generated.length < targetSize; n++) {
    const family = families[n % families.length] ?? 'identity';
    const collection = `things${Math.floor(n / 12)}`;
    const path = [`/api/${family}/v9/${collection}`, `/api/${family}/v9/${collection}/{id}`][n % 2] ?? '/';
    generated.push({
      id: `${family}-generated-${n}`,
      method: methods[Math.floor(n / 2) % methods.length] ?? 'GET',
      path: `${path}/op${n}`,
      handler: `functions/${family}/generated-${n}.ts`,
      family,
      permission: 'public',
      mutating: false,
      access: accesses[n % accesses.length] ?? { table: 'none' },
      summary: `generated route ${n}`,
    });
  }
  return generated;
}

let synth: SynthResult;
let api: ApiStack;
const table = generatedRoutes();

beforeAll(() => {
  synth = synthPlatform({ routes: table, context: { [contextKeys.regions]: 'us-east-1' } });
  const stacks = synth.stacks.get('us-east-1');
  if (!stacks) throw new Error('no stacks');
  api = stacks.api;
});
afterAll(() => synth.dispose());

describe(`a ${targetSize}-route table`, () => {
  it('still has one method and one function per route', () => {
    expect(deployedMethods(api)).toHaveLength(table.length);
    const functions = apiTemplates(api).flatMap(({ json }) => resourcesOfType(json, 'AWS::Lambda::Function'));
    expect(functions).toHaveLength(table.length);
  });

  it('keeps every template at or below 450 resources', () => {
    for (const { name, json } of apiTemplates(api)) {
      expect(Object.keys(json.Resources).length, name).toBeLessThanOrEqual(450);
      // Nested stacks receive the API and resource ids as parameters (CloudFormation allows 200).
      expect(Object.keys(json.Parameters ?? {}).length, name).toBeLessThanOrEqual(150);
    }
  });
});
