import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign as rsaSign, type KeyObject } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { platformConfig } from '../config.ts';
import * as signingKeys from '../storage/signing-keys.ts';
import { traceAwsClient } from '../observability/tracing.ts';

/** Longest lifetime of any access token we issue; a retired key stays published this long. */
export const MAX_TOKEN_LIFETIME_SECONDS = 3600;

/** Signs access tokens with RS256. The private key never leaves KMS in AWS. */
export interface TokenSigner {
  kid: string;
  publicJwk: JWK;
  sign(data: Buffer): Promise<Buffer>;
}

async function describePublicKey(publicKey: KeyObject): Promise<{ kid: string; publicJwk: JWK }> {
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint({ kty: 'RSA', n: jwk.n as string, e: jwk.e as string });
  return { kid, publicJwk: { kty: 'RSA', n: jwk.n, e: jwk.e, kid, alg: 'RS256', use: 'sig' } };
}

const SIGNING_KEY_FILE = /^signing-key-(\d+)\.pem$/;

/**
 * Local runtime: RSA keys as PEM files under the key directory; the newest is current. Creating a
 * newer file (see `rotateLocalSigningKey`) rotates without invalidating tokens already issued.
 */
export function ensureLocalSigningKey(keyDir: string): string {
  mkdirSync(keyDir, { recursive: true });
  const existing = readdirSync(keyDir).filter((name) => SIGNING_KEY_FILE.test(name)).sort();
  const newest = existing.at(-1);
  if (newest) return join(keyDir, newest);
  return rotateLocalSigningKey(keyDir);
}

export function rotateLocalSigningKey(keyDir: string): string {
  mkdirSync(keyDir, { recursive: true });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const file = join(keyDir, `signing-key-${String(Date.now()).padStart(15, '0')}.pem`);
  writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  return file;
}

async function localSigner(keyDir: string): Promise<TokenSigner> {
  const privateKey = createPrivateKey(readFileSync(ensureLocalSigningKey(keyDir)));
  const described = await describePublicKey(createPublicKey(privateKey));
  return { ...described, sign: async (data) => rsaSign('sha256', data, privateKey) };
}

async function kmsSigner(keyId: string, region: string): Promise<TokenSigner> {
  const kms = traceAwsClient(new KMSClient({ region }));
  const response = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  if (!response.PublicKey) throw new Error('KMS returned no public key for the signing key');
  const described = await describePublicKey(
    createPublicKey({ key: Buffer.from(response.PublicKey), format: 'der', type: 'spki' }),
  );
  return {
    ...described,
    sign: async (data) => {
      const signed = await kms.send(
        new SignCommand({
          KeyId: keyId,
          Message: createHash('sha256').update(data).digest(),
          MessageType: 'DIGEST',
          SigningAlgorithm: 'RSASSA_PKCS1_V1_5_SHA_256',
        }),
      );
      if (!signed.Signature) throw new Error('KMS returned no signature');
      return Buffer.from(signed.Signature);
    },
  };
}

/**
 * Makes the signer's public key visible in the JWKS and schedules older keys to leave it once
 * every token they signed has expired (DynamoDB TTL on `expiresAt`).
 */
async function publish(signer: TokenSigner): Promise<void> {
  const now = new Date();
  if (!(await signingKeys.add({ kid: signer.kid, jwk: signer.publicJwk, createdAt: now.toISOString() }))) return;
  const retireAt = Math.floor(now.getTime() / 1000) + MAX_TOKEN_LIFETIME_SECONDS + 300;
  for (const key of await signingKeys.all()) {
    if (key.kid === signer.kid || key.retiredAt) continue;
    await signingKeys.retire(key.kid, now.toISOString(), retireAt);
  }
}

let current: Promise<TokenSigner> | undefined;

/** The process's current token signer, published to the JWKS on first use. */
export function currentSigner(): Promise<TokenSigner> {
  current ??= (async () => {
    const config = platformConfig();
    let signer: TokenSigner;
    if (config.signingKeyId) signer = await kmsSigner(config.signingKeyId, config.region);
    else if (config.localKeyDir) signer = await localSigner(config.localKeyDir);
    else throw new Error('No token signing key is configured (SIGNING_KEY_ID or LOCAL_KEY_DIR)');
    await publish(signer);
    return signer;
  })().catch((error: unknown) => {
    current = undefined;
    throw error;
  });
  return current;
}

/** Public keys currently published (current and not-yet-expired retired ones). */
export async function publishedKeys(): Promise<JWK[]> {
  const nowSeconds = Math.floor(Date.now() / 1000);
  return (await signingKeys.all()).filter((key) => key.expiresAt === undefined || key.expiresAt > nowSeconds).map((key) => key.jwk);
}

/** Forgets the cached signer (used after a local key rotation). */
export function resetSigner(): void {
  current = undefined;
}
