import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { platformConfig } from '../config.ts';
import { traceAwsClient } from '../observability/tracing.ts';

/**
 * Envelope encryption for secrets at rest (client secrets): each secret gets its own 256-bit
 * data key; the secret is sealed with AES-256-GCM and the data key is wrapped by the master key —
 * a KMS key in AWS, a key file under the local key directory in the local runtime. The
 * encryption context (organization, purpose) is bound to both layers, so a sealed value copied
 * to another organization's item does not decrypt.
 */
export interface SealedSecret {
  /** Wrapped data key. */
  key: string;
  iv: string;
  tag: string;
  data: string;
  /** `kms` or `local`: which master key wrapped the data key. */
  wrap: 'kms' | 'local';
}

export type EncryptionContext = Record<string, string>;

const LOCAL_KEY_FILE = 'secrets-master.key';

export function ensureLocalSecretsKey(keyDir: string): void {
  mkdirSync(keyDir, { recursive: true });
  const file = join(keyDir, LOCAL_KEY_FILE);
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600 });
}

let localMaster: Buffer | undefined;
function localMasterKey(keyDir: string): Buffer {
  localMaster ??= Buffer.from(readFileSync(join(keyDir, LOCAL_KEY_FILE), 'utf8').trim(), 'base64');
  return localMaster;
}

let kmsClient: KMSClient | undefined;
function kms(region: string): KMSClient {
  kmsClient ??= traceAwsClient(new KMSClient({ region }));
  return kmsClient;
}

function aad(context: EncryptionContext): Buffer {
  const ordered = Object.keys(context).sort().map((name) => [name, context[name]]);
  return Buffer.from(JSON.stringify(ordered), 'utf8');
}

function seal(key: Buffer, plaintext: Buffer, context: EncryptionContext): { iv: Buffer; tag: Buffer; data: Buffer } {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(context));
  const data = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), data };
}

function open(key: Buffer, iv: Buffer, tag: Buffer, data: Buffer, context: EncryptionContext): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(aad(context));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(data), decipher.final()]);
}

async function newDataKey(context: EncryptionContext): Promise<{ plaintext: Buffer; wrapped: string; wrap: SealedSecret['wrap'] }> {
  const config = platformConfig();
  if (config.secretsKeyId) {
    const result = await kms(config.region).send(
      new GenerateDataKeyCommand({ KeyId: config.secretsKeyId, KeySpec: 'AES_256', EncryptionContext: context }),
    );
    if (!result.Plaintext || !result.CiphertextBlob) throw new Error('KMS returned no data key');
    return { plaintext: Buffer.from(result.Plaintext), wrapped: Buffer.from(result.CiphertextBlob).toString('base64'), wrap: 'kms' };
  }
  if (!config.localKeyDir) throw new Error('No secrets master key is configured (SECRETS_KEY_ID or LOCAL_KEY_DIR)');
  const plaintext = randomBytes(32);
  const wrapped = seal(localMasterKey(config.localKeyDir), plaintext, context);
  return { plaintext, wrapped: Buffer.concat([wrapped.iv, wrapped.tag, wrapped.data]).toString('base64'), wrap: 'local' };
}

async function unwrapDataKey(sealed: SealedSecret, context: EncryptionContext): Promise<Buffer> {
  const config = platformConfig();
  if (sealed.wrap === 'kms') {
    const result = await kms(config.region).send(
      new DecryptCommand({ CiphertextBlob: Buffer.from(sealed.key, 'base64'), EncryptionContext: context, ...(config.secretsKeyId ? { KeyId: config.secretsKeyId } : {}) }),
    );
    if (!result.Plaintext) throw new Error('KMS returned no plaintext');
    return Buffer.from(result.Plaintext);
  }
  if (!config.localKeyDir) throw new Error('No local secrets master key is configured');
  const raw = Buffer.from(sealed.key, 'base64');
  return open(localMasterKey(config.localKeyDir), raw.subarray(0, 12), raw.subarray(12, 28), raw.subarray(28), context);
}

export async function encryptSecret(plaintext: string, context: EncryptionContext): Promise<SealedSecret> {
  const dataKey = await newDataKey(context);
  try {
    const sealed = seal(dataKey.plaintext, Buffer.from(plaintext, 'utf8'), context);
    return { key: dataKey.wrapped, iv: sealed.iv.toString('base64'), tag: sealed.tag.toString('base64'), data: sealed.data.toString('base64'), wrap: dataKey.wrap };
  } finally {
    dataKey.plaintext.fill(0);
  }
}

export async function decryptSecret(sealed: SealedSecret, context: EncryptionContext): Promise<string> {
  const key = await unwrapDataKey(sealed, context);
  try {
    return open(key, Buffer.from(sealed.iv, 'base64'), Buffer.from(sealed.tag, 'base64'), Buffer.from(sealed.data, 'base64'), context).toString('utf8');
  } finally {
    key.fill(0);
  }
}
