import { Stack } from 'aws-cdk-lib';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import type { RouteDefinition } from '../shared/routes.ts';
import type { PlatformData } from './platform-data.ts';

/**
 * A route's grants with every optional field made explicit. Two routes with equal profiles need
 * exactly the same permissions, which is what lets functions share an execution role.
 */
export interface AccessProfile {
  readonly table: 'none' | 'read' | 'write';
  readonly exportBucket: 'none' | 'read' | 'write';
  readonly secretsKey: 'none' | 'encrypt' | 'decrypt' | 'both';
  readonly signingKey: 'none' | 'sign';
  readonly operatorKey: 'none' | 'read';
}

function pick<T extends string>(route: RouteDefinition, field: string, value: unknown, allowed: readonly T[]): T {
  const candidate = value ?? 'none';
  if (typeof candidate === 'string' && (allowed as readonly string[]).includes(candidate)) return candidate as T;
  throw new Error(`Route ${route.id}: access.${field} must be one of ${allowed.join(', ')}, got ${String(value)}`);
}

/**
 * Normalises a route's access grants. Reads the fields through a plain record so that grants added
 * to the route table later (or misspelt values) fail the synth loudly instead of being ignored.
 */
export function accessProfileOf(route: RouteDefinition): AccessProfile {
  const access: Readonly<Record<string, unknown>> = { ...route.access };
  const known = new Set(['table', 'exportBucket', 'secretsKey', 'signingKey', 'operatorKey']);
  const unknown = Object.keys(access).filter((field) => !known.has(field));
  if (unknown.length > 0) {
    throw new Error(`Route ${route.id}: access.${unknown.join(', access.')} is not supported by the infrastructure yet`);
  }
  return {
    table: pick(route, 'table', access.table, ['none', 'read', 'write'] as const),
    exportBucket: pick(route, 'exportBucket', access.exportBucket, ['none', 'read', 'write'] as const),
    secretsKey: pick(route, 'secretsKey', access.secretsKey, ['none', 'encrypt', 'decrypt', 'both'] as const),
    signingKey: pick(route, 'signingKey', access.signingKey, ['none', 'sign'] as const),
    operatorKey: pick(route, 'operatorKey', access.operatorKey, ['none', 'read'] as const),
  };
}

const fields = ['table', 'exportBucket', 'secretsKey', 'signingKey', 'operatorKey'] as const;

/** A readable, construct-id-safe name for a profile, e.g. `TableRead-ExportBucketRead`. */
export function profileName(profile: AccessProfile): string {
  const parts = fields
    .filter((field) => profile[field] !== 'none')
    .map((field) => `${field[0]?.toUpperCase() ?? ''}${field.slice(1)}${capitalize(profile[field])}`);
  return parts.length === 0 ? 'NoData' : parts.join('-');
}

function capitalize(value: string): string {
  return `${value[0]?.toUpperCase() ?? ''}${value.slice(1)}`;
}

/** Does the profile let a function encrypt (create data keys) with any KMS key? */
export function profileEncrypts(profile: AccessProfile): boolean {
  return (
    profile.table === 'write' ||
    profile.exportBucket === 'write' ||
    profile.secretsKey === 'encrypt' ||
    profile.secretsKey === 'both'
  );
}

/**
 * Grants exactly what the profile asks for. The imported table, bucket and secret carry their KMS
 * keys, so each grant also includes the key permissions that service needs.
 */
export function grantProfile(grantee: IGrantable, profile: AccessProfile, data: PlatformData): void {
  if (profile.table === 'read') data.table.grantReadData(grantee);
  if (profile.table === 'write') data.table.grantReadWriteData(grantee);

  if (profile.exportBucket !== 'none') data.exportBucket.grantRead(grantee);
  // Writers may create exports but never delete or overwrite-by-delete them: audit exports are
  // evidence, so no s3:DeleteObject* even for the routes that produce them.
  if (profile.exportBucket === 'write') data.exportBucket.grantPut(grantee);

  if (profile.secretsKey === 'encrypt') data.secretsKey.grantEncrypt(grantee);
  if (profile.secretsKey === 'decrypt') data.secretsKey.grantDecrypt(grantee);
  if (profile.secretsKey === 'both') data.secretsKey.grantEncryptDecrypt(grantee);

  if (profile.signingKey === 'sign') data.signingKey.grant(grantee, 'kms:Sign', 'kms:GetPublicKey');

  if (profile.operatorKey === 'read') {
    data.operatorKeySecret.grantRead(grantee);
    // The secret is encrypted with the secrets key. CDK expresses that half of the grant as a
    // key-policy statement, which an imported key silently drops; state it on the role instead,
    // usable only through Secrets Manager.
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [data.secretsKeyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(data.secretsKey).region}.amazonaws.com` } },
      }),
    );
  }
}
