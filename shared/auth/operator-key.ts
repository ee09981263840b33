import { timingSafeEqual, createHash } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { platformConfig } from '../config.ts';
import { AuthenticationError } from '../errors/domain-errors.ts';
import { traceAwsClient } from '../observability/tracing.ts';

let operatorKey: Promise<string> | undefined;

async function loadOperatorKey(): Promise<string> {
  const config = platformConfig();
  if (config.operatorApiKey) return config.operatorApiKey;
  if (!config.operatorKeySecretArn) throw new Error('No operator key is configured for this deployment');
  const client = traceAwsClient(new SecretsManagerClient({ region: config.region }));
  const secret = await client.send(new GetSecretValueCommand({ SecretId: config.operatorKeySecretArn }));
  if (!secret.SecretString) throw new Error('The operator key secret is empty');
  return secret.SecretString;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Checks the X-Operator-Key header in constant time (digests make the lengths equal). */
export async function verifyOperatorKey(presented: string | undefined): Promise<void> {
  if (!presented) throw new AuthenticationError('This operation requires the X-Operator-Key header.', 'OperatorKey');
  operatorKey ??= loadOperatorKey();
  let expected: string;
  try {
    expected = await operatorKey;
  } catch (error) {
    operatorKey = undefined;
    throw error;
  }
  if (!timingSafeEqual(digest(presented), digest(expected))) {
    throw new AuthenticationError('The operator key is not valid.', 'OperatorKey');
  }
}
