import { randomBytes } from 'node:crypto';
import * as platform from '../../shared/storage/platform.ts';
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
  const marker = await platform.bootstrap();
  if (marker) {
    return {
      organizationId: marker.organizationId,
      ownerEmail: marker.ownerEmail,
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
  await platform.recordBootstrap({ organizationId, ownerEmail: input.ownerEmail, createdAt: new Date().toISOString() });
  return { organizationId, ownerEmail: input.ownerEmail, generatedOwnerPassword, created: true };
}
