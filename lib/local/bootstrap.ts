import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo, tableName } from '../../shared/storage/clients.ts';
import { EntityType, keys } from '../../shared/storage/keys.ts';
import { createOrganization } from '../../shared/identity/organizations.ts';
import { ensureLocalSigningKey } from '../../shared/auth/signing-keys.ts';
import { ensureLocalSecretsKey } from '../../shared/crypto/envelope.ts';
import type { BootstrapResult } from './platform.ts';

/**
 * First start only: creates one organization with one Owner account and remembers it in a marker
 * item, so later starts (with data kept under DATA_DIR) reuse it. Also makes sure the local
 * signing and secrets keys exist before any handler needs them.
 */
export async function bootstrapOrganization(input: {
  ownerEmail: string;
  ownerPassword: string | undefined;
  keyDir: string;
}): Promise<BootstrapResult> {
  ensureLocalSigningKey(input.keyDir);
  ensureLocalSecretsKey(input.keyDir);
  const marker = await dynamo().send(new GetCommand({ TableName: tableName(), Key: keys.bootstrapMarker(), ConsistentRead: true }));
  if (marker.Item) {
    return {
      organizationId: marker.Item.organizationId as string,
      ownerEmail: marker.Item.ownerEmail as string,
      generatedOwnerPassword: undefined,
      created: false,
    };
  }
  const generatedOwnerPassword = input.ownerPassword ? undefined : randomBytes(18).toString('base64url');
  const { organizationId } = await createOrganization(
    { name: 'Default organization', ownerEmail: input.ownerEmail, ownerPassword: input.ownerPassword ?? (generatedOwnerPassword as string) },
    { actorType: 'system', actorId: 'bootstrap' },
    { ipAddress: '127.0.0.1', userAgent: 'local-runtime-bootstrap' },
  );
  await dynamo().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.bootstrapMarker(), type: EntityType.PlatformMarker, organizationId, ownerEmail: input.ownerEmail, createdAt: new Date().toISOString() },
    }),
  );
  return { organizationId, ownerEmail: input.ownerEmail, generatedOwnerPassword, created: true };
}
